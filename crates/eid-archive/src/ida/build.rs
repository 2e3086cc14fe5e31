//! An audit as `verified_claims`: which archives qualify, and where each
//! value comes from (`docs/ida.md` has the table).

use super::values;
use super::{
    Address, Attachment, CheckDetail, Claims, Digest, DocumentDetails, DocumentEvidence,
    IdaOptions, Issuer, PlaceOfBirth, Refusal, Verification, VerifiedClaims,
};
use crate::audit::{Audit, MemberHash};
use crate::dates::Date;
use crate::evidence::{Depiction, DocumentFields, Media, Source, canonical_check};
use crate::verdict::{ReasonCode, RecordedStatus, ReviewDecision, Status, document_date};

/// Security checks about the face and its capture rather than the document:
/// their failure takes the face comparison (`bvr`) away, not the document's
/// validation (`vri`).
const FACE_CHECKS: &[&str] = &["liveness", "notFaceSpoofing", "untamperedVideo"];

/// The verified claims of a qualifying audit.
pub(super) fn verified_claims(
    audit: &Audit,
    options: &IdaOptions,
) -> Result<VerifiedClaims, Refusal> {
    qualify(audit)?;
    options.check().map_err(Refusal::Options)?;
    let fields = Fields::of(audit);
    valid_at_the_time(audit, &fields)?;
    if !options.allow_override {
        no_override(audit)?;
    }
    let time = verification_time(audit);
    let assurance_level = options.assurance_level.clone().or_else(|| {
        (options.trust_framework == "eidas")
            .then(|| eidas_level(audit.evidence.process_type()))
            .flatten()
    });
    Ok(VerifiedClaims {
        verification: Verification {
            trust_framework: options.trust_framework.clone(),
            assurance_level,
            time: time.clone(),
            verification_process: audit.evidence.process_id().map(str::to_owned),
            evidence: vec![DocumentEvidence {
                kind: "document".into(),
                check_details: check_details(audit, time),
                document_details: document_details(&fields),
                attachments: attachments(audit, options)?,
            }],
        },
        claims: claims(&fields),
    })
}

/// Only an archive recomputed accepted, recorded accepted, and agreeing qualifies.
fn qualify(audit: &Audit) -> Result<(), Refusal> {
    let v = &audit.verdict;
    if let (Some(RecordedStatus::Final(recorded)), Some(false)) = (&v.recorded_status, v.agrees) {
        return Err(Refusal::Disagrees {
            recorded: *recorded,
            recomputed: v.reference_status(),
        });
    }
    if v.decision.status != Status::Accepted {
        return Err(Refusal::NotAccepted(v.decision.status));
    }
    match &v.recorded_status {
        None => Err(Refusal::NoRecordedStatus),
        Some(RecordedStatus::Other(word)) => Err(Refusal::NotFinal(word.clone())),
        Some(RecordedStatus::Unreadable(word)) => Err(Refusal::UnreadableStatus(word.clone())),
        Some(RecordedStatus::Final(Status::Accepted)) if v.agrees == Some(true) => Ok(()),
        Some(RecordedStatus::Final(recorded)) => Err(Refusal::OnlyThePolicyAccepts(*recorded)),
    }
}

/// Verified claims rest on evidence valid at the time: a document that had
/// expired by the day of the verification or of the review backs nothing,
/// whatever the decision (the expiry is the one exported: the agent's,
/// when the agent accepted and corrected it).
fn valid_at_the_time(audit: &Audit, fields: &Fields<'_>) -> Result<(), Refusal> {
    let Some(expiry) = fields.date("dateOfExpiry").as_deref().and_then(Date::parse) else {
        return Ok(());
    };
    let v = &audit.verdict;
    let reviewed = v.review.is_some();
    // The review day: its own date, else when the agent registered it.
    let registered = audit
        .evidence
        .process
        .as_ref()
        .and_then(|p| p.updated_at.as_deref())
        .and_then(Date::parse)
        .filter(|_| reviewed);
    let days = [
        v.verification_date.map(|d| d.date),
        v.review.as_ref().and_then(|r| r.date),
        registered,
    ];
    match days.into_iter().flatten().filter(|day| expiry < *day).max() {
        Some(day) => Err(Refusal::Expired {
            expiry: expiry.to_string(),
            day: day.to_string(),
        }),
        None => Ok(()),
    }
}

/// An agent's acceptance over automatic checks that did not pass is the
/// agent's word alone: exported only when the caller asks for it.
fn no_override(audit: &Audit) -> Result<(), Refusal> {
    let automatic = audit.verdict.automatic.status;
    if automatic != Status::Accepted && accepting_review(audit).is_some() {
        return Err(Refusal::AgentOverride(automatic));
    }
    Ok(())
}

/// `assurance_level` under `eidas`, from the process type.
fn eidas_level(process_type: Option<&str>) -> Option<String> {
    let t = process_type?.trim();
    let level = if t.eq_ignore_ascii_case("substantial")
        || t.eq_ignore_ascii_case("substantialFullyAuto")
    {
        "substantial"
    } else if t.eq_ignore_ascii_case("high") {
        "high"
    } else {
        return None;
    };
    Some(level.into())
}

/// When the verification took place: `updatedAt`, else the native
/// `completion.date`, else `createdAt` (the order of `docs/decision.md` §6),
/// the first that is a timestamp with a time of day.
fn verification_time(audit: &Audit) -> Option<String> {
    let process = audit.evidence.process.as_ref();
    let ocr = audit.evidence.ocr.as_ref();
    [
        process.and_then(|p| p.updated_at.as_deref()),
        ocr.and_then(|o| o.completion_time.as_deref()),
        process.and_then(|p| p.created_at.as_deref()),
    ]
    .into_iter()
    .flatten()
    .find_map(Date::utc_timestamp)
}

/// The agent's review, when it accepted.
fn accepting_review(audit: &Audit) -> Option<&crate::evidence::ManualApproval> {
    let accepted = audit
        .verdict
        .review
        .as_ref()
        .is_some_and(|r| r.decision == ReviewDecision::Accepted);
    audit.evidence.manual.as_ref().filter(|_| accepted)
}

/// The checks that passed: the automatic document validation (`vri`), the
/// automatic face comparison with liveness (`bvr`), the agent's review
/// (`pvr`, and `vri` when the agent alone validated the document).
fn check_details(audit: &Audit, time: Option<String>) -> Vec<CheckDetail> {
    let mut validation = Vec::new();
    let mut verification = Vec::new();
    let automatic_id = audit
        .evidence
        .ocr
        .as_ref()
        .and_then(|o| o.native_id.clone())
        .or_else(|| audit.evidence.process_id().map(str::to_owned));
    let check =
        |method: &str, organization: Option<String>, id: Option<String>, time| CheckDetail {
            check_method: method.into(),
            organization,
            check_id: id,
            time,
        };
    let document_validated = document_passed(audit);
    if document_validated {
        validation.push(check("vri", None, automatic_id.clone(), time.clone()));
    }
    if face_passed(audit) {
        verification.push(check("bvr", None, automatic_id, time));
    }
    if let Some(m) = accepting_review(audit) {
        let agent_time = m.verification_date.as_deref().and_then(Date::utc_timestamp);
        let agent = |method| {
            check(
                method,
                m.r_authority_id.clone(),
                m.verification_id.clone(),
                agent_time.clone(),
            )
        };
        if !document_validated {
            validation.push(agent("vri"));
        }
        verification.push(agent("pvr"));
    }
    validation.extend(verification);
    validation
}

/// True for an automatic reason about the face or its capture.
fn about_the_face(code: ReasonCode, subject: &str) -> bool {
    match code {
        ReasonCode::SimilarityNotHigh => true,
        ReasonCode::SecurityCheckFailed
        | ReasonCode::SecurityCheckUnreadable
        | ReasonCode::SecurityCheckMissing => FACE_CHECKS.contains(&canonical_check(subject)),
        _ => false,
    }
}

/// The automatic document validation passed: no automatic reason about a
/// document check or feature, and at least one document check valid or
/// feature found.
fn document_passed(audit: &Audit) -> bool {
    let Some(ocr) = &audit.evidence.ocr else {
        return false;
    };
    let clean = audit.verdict.automatic.reasons.iter().all(|r| {
        about_the_face(r.code, &r.subject)
            || !matches!(
                r.code,
                ReasonCode::SecurityCheckFailed
                    | ReasonCode::SecurityCheckUnreadable
                    | ReasonCode::SecurityCheckMissing
                    | ReasonCode::FeatureNotFound
                    | ReasonCode::FeatureUnreadable
                    | ReasonCode::ProcessFailed
                    | ReasonCode::ProcessNotFinal
            )
    });
    let something_passed = ocr.checks.iter().any(|c| {
        c.valid == Some(true)
            && !FACE_CHECKS.contains(&c.canonical_name())
            && audit.policy.counts_check(&c.name)
    }) || ocr.features.iter().any(|f| f.found == Some(true));
    clean && something_passed
}

/// The automatic face comparison passed with liveness: the similarity at
/// least the policy's minimum, no face check failed, and liveness shown (a
/// liveness check valid or `livenessDetected` true) and nowhere denied.
fn face_passed(audit: &Audit) -> bool {
    let Some(ocr) = &audit.evidence.ocr else {
        return false;
    };
    let similar = ocr
        .similarity
        .as_ref()
        .and_then(|s| s.level())
        .is_some_and(|level| level >= audit.policy.min_similarity);
    let clean = !audit
        .verdict
        .automatic
        .reasons
        .iter()
        .any(|r| about_the_face(r.code, &r.subject));
    let checks: Vec<Option<bool>> = ocr
        .checks
        .iter()
        .filter(|c| c.canonical_name() == "liveness")
        .map(|c| c.valid)
        .collect();
    let final_result = audit
        .evidence
        .process
        .as_ref()
        .and_then(|p| p.final_result.as_ref());
    let flags = [
        ocr.liveness_detected,
        final_result.and_then(|f| f.liveness_detected),
    ];
    let shown = checks.contains(&Some(true)) || flags.contains(&Some(true));
    let denied = checks.iter().any(|v| *v != Some(true)) || flags.contains(&Some(false));
    similar && clean && shown && !denied
}

/// The document fields, each from the first source that has it: the agent's
/// (when the agent accepted), the OCR's, `finalResult`'s.
struct Fields<'a> {
    sources: Vec<&'a DocumentFields>,
    /// The day of the verification, for six-digit dates.
    on: Option<Date>,
}

impl<'a> Fields<'a> {
    fn of(audit: &'a Audit) -> Fields<'a> {
        let e = &audit.evidence;
        let sources = [
            accepting_review(audit).map(|m| &m.document),
            e.ocr.as_ref().map(|o| &o.document),
            e.process
                .as_ref()
                .and_then(|p| p.final_result.as_ref())
                .map(|f| &f.document),
        ]
        .into_iter()
        .flatten()
        .collect();
        Fields {
            sources,
            on: audit.verdict.verification_date.map(|d| d.date),
        }
    }

    /// The first non-blank value of any of `names`, trimmed.
    fn get(&self, names: &[&str]) -> Option<&'a str> {
        self.sources.iter().find_map(|doc| {
            names
                .iter()
                .filter_map(|n| doc.get(*n))
                .map(|v| v.trim())
                .find(|v| !v.is_empty())
        })
    }

    fn text(&self, names: &[&str]) -> Option<String> {
        self.get(names).map(str::to_owned)
    }

    /// A date field as `YYYY-MM-DD`, when it can be read.
    fn date(&self, name: &str) -> Option<String> {
        document_date(self.get(&[name])?, self.on, name).map(|d| d.to_string())
    }
}

fn document_details(fields: &Fields<'_>) -> Option<DocumentDetails> {
    let kind = values::document_type(
        fields.get(&["documentType", "idType"]),
        fields.get(&["documentClassification"]),
    )?;
    let issuer = Issuer {
        name: fields.text(&["issuingAuthority"]),
        country_code: fields
            .get(&["issuingCountry"])
            .and_then(values::country_code),
    };
    Some(DocumentDetails {
        kind,
        document_number: fields.text(&["documentNumber"]),
        date_of_issuance: fields.date("dateOfIssue"),
        date_of_expiry: fields.date("dateOfExpiry"),
        issuer: (issuer.name.is_some() || issuer.country_code.is_some()).then_some(issuer),
    })
}

fn claims(fields: &Fields<'_>) -> Claims {
    Claims {
        given_name: fields.text(&["firstName"]),
        family_name: fields.text(&["lastName"]),
        birthdate: fields.date("dateOfBirth"),
        gender: fields
            .get(&["gender"])
            .and_then(values::gender)
            .map(str::to_owned),
        nationalities: fields
            .get(&["nationality"])
            .and_then(values::country_code)
            .into_iter()
            .collect(),
        place_of_birth: fields
            .text(&["placeOfBirth", "birthPlace"])
            .map(|locality| PlaceOfBirth { locality }),
        address: fields
            .text(&["address"])
            .map(|formatted| Address { formatted }),
    }
}

/// One attachment per media member (images and video, in the order read);
/// media embedded in JSON are no member and have none.
fn attachments(audit: &Audit, options: &IdaOptions) -> Result<Vec<Attachment>, Refusal> {
    let hashes = audit
        .member_hashes
        .as_deref()
        .ok_or(Refusal::MembersNotHashed)?;
    let archive = &audit.archive.fingerprint.sha256;
    let mut out = Vec::new();
    for media in &audit.evidence.media {
        let Source::Member(name) = &media.source else {
            continue;
        };
        let index = audit.members.iter().position(|m| m.name == *name);
        let hex = match index.and_then(|i| hashes.get(i)) {
            Some(MemberHash::Sha256(hex)) => hex,
            Some(MemberHash::Failed(why)) => {
                return Err(Refusal::MemberNotHashed {
                    member: name.clone(),
                    why: why.clone(),
                });
            }
            None => return Err(Refusal::MembersNotHashed),
        };
        let digest = values::unhex(hex).ok_or_else(|| Refusal::MemberNotHashed {
            member: name.clone(),
            why: "its digest is not hex".into(),
        })?;
        let member = values::percent_encode(name);
        let url = match &options.attachment_base_url {
            Some(base) => format!("{}/{archive}/{member}", base.trim_end_matches('/')),
            None => format!("urn:eid-audit:archive:sha256:{archive}:member:{member}"),
        };
        out.push(Attachment {
            desc: format!("{}: {name}", depiction(media)),
            digest: Digest {
                alg: "sha-256".into(),
                value: values::base64(&digest),
            },
            url,
        });
    }
    Ok(out)
}

/// What a media item depicts, in words.
fn depiction(media: &Media) -> &'static str {
    match media.depiction {
        Depiction::Front => "front of the document",
        Depiction::Back => "back of the document",
        Depiction::Selfie => "selfie of the end-user",
        Depiction::Portrait => "portrait photo from the document",
        Depiction::Video => "capture video",
    }
}
