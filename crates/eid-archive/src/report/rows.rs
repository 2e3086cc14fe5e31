//! The rows of the five CSV files, built from one audited archive or from
//! the error that kept an archive from being audited.

use super::columns::{ArchiveRow, CheckRow, FeatureRow, FindingRow, MemberRow, SEPARATOR};
use crate::archive::MemberKind;
use crate::audit::{Audit, MemberHash};
use crate::crops::{CropOutcome, Crops};
use crate::error::{Error, OutputError};
use crate::evidence::{Side, Source};
use crate::pii::{Pii, PiiField};
use crate::verdict::{Finding, FindingCode, Policy, ReasonCode, Severity};
use std::path::Path;

/// Every row one archive contributes.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    /// Its row of `archives.csv`.
    pub archive: ArchiveRow,
    /// Its rows of `checks.csv`.
    pub checks: Vec<CheckRow>,
    /// Its rows of `features.csv`.
    pub features: Vec<FeatureRow>,
    /// Its rows of `findings.csv`.
    pub findings: Vec<FindingRow>,
    /// Its rows of `members.csv`.
    pub members: Vec<MemberRow>,
}

/// How rows are written: the personal-data mode, and where crops are,
/// relative to the report.
#[derive(Debug, Clone)]
pub struct RowOptions<'a> {
    /// The personal-data mode.
    pub pii: &'a Pii,
    /// The folder crops are written to, relative to the report folder, with a
    /// trailing slash (`crops/`).
    pub crops_prefix: &'a str,
}

impl Rows {
    /// The rows of an archive that could not be read or judged: one row of
    /// `archives.csv`, fingerprinted when its bytes could be read, with what
    /// is not known left empty.
    pub fn of_error(path: &Path, error: &Error, policy: &Policy, options: &RowOptions<'_>) -> Rows {
        let mut row = ArchiveRow {
            archive: path.display().to_string(),
            error_code: error.code().to_owned(),
            error: error.detail(),
            policy: policy.name.clone(),
            policy_digest: policy.digest(),
            pii: options.pii.name(),
            ..ArchiveRow::default()
        };
        if let Some(f) = error.fingerprint() {
            row.sha256 = f.sha256.clone();
            row.bytes = Some(f.bytes);
        }
        Rows {
            archive: row,
            ..Rows::default()
        }
    }

    /// The rows of an audited archive; `crops` are its exhibits, when they
    /// were written (or why they could not be).
    pub fn of_audit(
        path: &Path,
        a: &Audit,
        crops: Option<Result<&Crops, &OutputError>>,
        options: &RowOptions<'_>,
    ) -> Rows {
        let archive = path.display().to_string();
        let p = options.pii.name();
        let cut = crops.and_then(Result::ok);
        let mut rows = Rows {
            archive: archive_row(&archive, a, options.pii),
            ..Rows::default()
        };
        for c in a.checks() {
            rows.checks.push(CheckRow {
                archive: archive.clone(),
                process_id: a.process_id.clone(),
                check: c.name.clone(),
                valid: c.valid,
                result: match c.valid {
                    Some(true) => "valid",
                    Some(false) => "invalid",
                    None => "unreadable",
                },
                pii: p,
            });
        }
        for (i, f) in a.features().iter().enumerate() {
            let crop_file = cut
                .and_then(|c| Some((c, c.features.get(i)?)))
                .and_then(|(c, fc)| match &fc.outcome {
                    CropOutcome::Cut { file, .. } => {
                        Some(format!("{}{}/{file}", options.crops_prefix, c.folder))
                    }
                    CropOutcome::NotCut(_) => None,
                })
                .unwrap_or_default();
            rows.features.push(FeatureRow {
                archive: archive.clone(),
                process_id: a.process_id.clone(),
                feature: f.label().to_owned(),
                found: f.found,
                side: f.side.clone().unwrap_or_default(),
                x: f.bbox.map(|b| b.x),
                y: f.bbox.map(|b| b.y),
                width: f.bbox.map(|b| b.width),
                height: f.bbox.map(|b| b.height),
                image_sha256: f
                    .image_side()
                    .and_then(|side| side_sha256(a, cut, side))
                    .unwrap_or_default(),
                crop_file,
                pii: p,
            });
        }
        for f in final_findings(a, crops) {
            rows.findings.push(FindingRow {
                archive: archive.clone(),
                process_id: a.process_id.clone(),
                severity: f.severity,
                code: f.code.as_str(),
                subject: f.subject.clone(),
                message: f.message.clone(),
                pii: p,
            });
        }
        // Every summary column comes from the final list of findings.
        rows.archive.findings = Some(rows.findings.len());
        rows.archive.max_severity = rows
            .findings
            .iter()
            .map(|f| f.severity)
            .max()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default();
        for (i, m) in a.members.iter().enumerate() {
            let (sha256, sha256_error) = match a.member_hashes.as_ref().and_then(|h| h.get(i)) {
                Some(MemberHash::Sha256(h)) => (h.clone(), String::new()),
                Some(MemberHash::Failed(e)) => (String::new(), e.clone()),
                None => (original_sha256(cut, m.kind), String::new()),
            };
            rows.members.push(MemberRow {
                archive: archive.clone(),
                member: m.name.clone(),
                kind: m.kind.to_string(),
                bytes: m.size,
                compressed_bytes: m.compressed_size,
                crc32: format!("{:08x}", m.crc32),
                sha256,
                sha256_error,
                pii: p,
            });
        }
        rows
    }
}

/// The verdict's findings and the exhibits', each once (a broken image is
/// found by `--verify-media` and by the crops alike), and a finding when the
/// exhibits could not be written.
pub(crate) fn final_findings<'a>(
    a: &'a Audit,
    crops: Option<Result<&'a Crops, &'a OutputError>>,
) -> Vec<std::borrow::Cow<'a, Finding>> {
    use std::borrow::Cow;
    let mut out: Vec<Cow<'a, Finding>> = a.verdict.findings.iter().map(Cow::Borrowed).collect();
    match crops {
        Some(Ok(c)) => {
            for f in &c.findings {
                if !a
                    .verdict
                    .findings
                    .iter()
                    .any(|v| v.code == f.code && v.subject == f.subject)
                {
                    out.push(Cow::Borrowed(f));
                }
            }
        }
        Some(Err(why)) => out.push(Cow::Owned(Finding::new(
            Severity::Error,
            FindingCode::CropsNotWritten,
            "crops",
            why.to_string(),
        ))),
        None => {}
    }
    out
}

/// SHA-256 of a side's image: from the exhibits' original, else from the
/// member hashes.
fn side_sha256(a: &Audit, cut: Option<&Crops>, side: Side) -> Option<String> {
    if let Some(o) = cut.and_then(|c| c.originals.iter().find(|o| o.side == side)) {
        return Some(o.sha256.clone());
    }
    let media = a.evidence.media_of(side.depiction())?;
    let Source::Member(name) = &media.source else {
        return None;
    };
    let index = a.members.iter().position(|m| &m.name == name)?;
    match a.member_hashes.as_ref()?.get(index)? {
        MemberHash::Sha256(h) => Some(h.clone()),
        MemberHash::Failed(_) => None,
    }
}

/// The SHA-256 the exhibits computed for an image member, when they copied it.
fn original_sha256(cut: Option<&Crops>, kind: MemberKind) -> String {
    let (Some(c), MemberKind::Image(d)) = (cut, kind) else {
        return String::new();
    };
    c.originals
        .iter()
        .find(|o| o.side.depiction() == d)
        .map(|o| o.sha256.clone())
        .unwrap_or_default()
}

fn archive_row(archive: &str, a: &Audit, pii: &Pii) -> ArchiveRow {
    let v = &a.verdict;
    let e = &a.evidence;
    let process = e.process.as_ref();
    let ocr = e.ocr.as_ref();
    // The OCR's document data, else the agent's, else finalResult.
    let field = |k: &str| e.document_value(k).unwrap_or_default().to_owned();
    let s = |o: Option<&String>| o.cloned().unwrap_or_default();
    let join = |it: Vec<String>| it.join(SEPARATOR);
    let reasons = |d: &crate::Decision| join(d.reasons.iter().map(ToString::to_string).collect());
    let subjects = |codes: &[ReasonCode]| {
        join(
            v.automatic
                .reasons
                .iter()
                .filter(|r| codes.contains(&r.code))
                .map(|r| r.subject.clone())
                .collect(),
        )
    };
    let review = v.review.as_ref();
    ArchiveRow {
        archive: archive.to_owned(),
        sha256: a.archive.fingerprint.sha256.clone(),
        bytes: Some(a.archive.fingerprint.bytes),
        process_id: a.process_id.clone(),
        provider: s(process.and_then(|p| p.provider.as_ref())),
        process_type: s(process.and_then(|p| p.process_type.as_ref())),
        created_at: s(process.and_then(|p| p.created_at.as_ref())),
        updated_at: s(process.and_then(|p| p.updated_at.as_ref())),
        verification_date: v
            .verification_date
            .map(|d| d.date.to_string())
            .unwrap_or_default(),
        verification_date_source: v
            .verification_date
            .map(|d| d.source.to_string())
            .unwrap_or_default(),
        recorded_status: v
            .recorded_status
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        status: v.decision.status.to_string(),
        default_status: v.reference_status().to_string(),
        automatic_status: v.automatic.status.to_string(),
        agrees: v.agrees,
        reasons: reasons(&v.decision),
        automatic_reasons: reasons(&v.automatic),
        checks_failed: subjects(&[
            ReasonCode::SecurityCheckFailed,
            ReasonCode::SecurityCheckUnreadable,
        ]),
        features_missing: subjects(&[ReasonCode::FeatureNotFound]),
        similarity: ocr
            .and_then(|o| o.similarity.as_ref())
            .map(|s| {
                s.level().map_or_else(
                    || {
                        ocr.and_then(|o| o.similarity_word())
                            .unwrap_or_default()
                            .to_owned()
                    },
                    |l| l.to_string(),
                )
            })
            .unwrap_or_default(),
        liveness: ocr.and_then(|o| o.liveness_detected),
        review_decision: review.map(|r| r.decision.to_string()).unwrap_or_default(),
        reviewer: review.and_then(|r| r.verifier.clone()).unwrap_or_default(),
        review_date: review
            .and_then(|r| r.date)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        rejection_types: review
            .map(|r| join(r.rejection_types.clone()))
            .unwrap_or_default(),
        document_type: field("documentType"),
        issuing_country: field("issuingCountry"),
        nationality: field("nationality"),
        date_of_issue: field("dateOfIssue"),
        date_of_expiry: field("dateOfExpiry"),
        document_number: pii.apply(PiiField::DocumentNumber, e.document_value("documentNumber")),
        first_name: pii.apply(PiiField::Name, e.document_value("firstName")),
        last_name: pii.apply(PiiField::Name, e.document_value("lastName")),
        date_of_birth: pii.apply(PiiField::DateOfBirth, e.document_value("dateOfBirth")),
        personal_number: pii.apply(
            PiiField::PersonalNumber,
            e.document_value("personalIdentificationNumber"),
        ),
        address: pii.apply(PiiField::Address, e.document_value("address")),
        findings: Some(v.findings.len()),
        max_severity: String::new(),
        error_code: String::new(),
        error: String::new(),
        process_record_file: e
            .outside_record
            .as_ref()
            .map(|o| o.path.clone())
            .unwrap_or_default(),
        process_record_sha256: e
            .outside_record
            .as_ref()
            .map(|o| o.sha256.clone())
            .unwrap_or_default(),
        policy: a.policy.name.clone(),
        policy_digest: a.policy.digest(),
        pii: pii.name(),
    }
}
