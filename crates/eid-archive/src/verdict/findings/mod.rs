//! Audit findings: what the evidence shows beyond the status, one module per
//! area: [`record`] (the recorded status, the fields, liveness, the policy),
//! [`dates`] (expiry and age on the right day), [`review`] (the agent's
//! review), [`completeness`] (what a complete record holds) and [`media`]
//! (images and boxes). Messages never quote names,
//! document numbers or birth dates, so findings can be shared under any
//! personal-data mode.

mod completeness;
mod dates;
mod media;
mod names;
mod record;
mod review;

pub(crate) use dates::age_on;

use super::decision::Decision;
use super::policy::Policy;
use super::review::Review;
use super::{RecordedStatus, VerificationDate};
use crate::codes::string_enum;
use crate::dates::Date;
use crate::evidence::{CheckResult, DriftKind, Evidence};
use serde::Serialize;

string_enum! {
    /// How much a finding matters, from least to most.
    pub enum Severity {
        /// Worth knowing; nothing is wrong with the decision.
        Info => "info",
        /// The evidence is incomplete or inconsistent.
        Warning => "warning",
        /// The decision or the evidence cannot be trusted as it stands.
        Error => "error",
    }
}

// `string_enum!` derives a fixed set of traits, so the default is written out.
#[allow(clippy::derivable_impls)]
impl Default for Severity {
    fn default() -> Self {
        Severity::Info
    }
}

string_enum! {
    /// Stable finding codes; `docs/decision.md` lists each with its severity.
    #[non_exhaustive]
    pub enum FindingCode {
        /// The recomputed status differs from the recorded one: the headline of an audit.
        StatusMismatch => "StatusMismatch",
        /// A check's result contradicts the document data.
        CheckContradictsData => "CheckContradictsData",
        /// OCR, manual approval and finalResult disagree on a field.
        FieldMismatch => "FieldMismatch",
        /// An agent accepted what the automatic verification did not.
        AgentOverride => "AgentOverride",
        /// An image the evidence calls for is absent.
        MissingMedia => "MissingMedia",
        /// A found feature's box leaves its image.
        BBoxOutOfBounds => "BBoxOutOfBounds",
        /// A found feature's box has no area.
        BBoxEmpty => "BBoxEmpty",
        /// A found feature has no box.
        BBoxMissing => "BBoxMissing",
        /// A feature's side is neither `data`, `front` nor `back`.
        UnknownSide => "UnknownSide",
        /// A media member whose header cannot be read, or that is refused.
        UndecodableMedia => "UndecodableMedia",
        /// `livenessDetected` and the liveness check disagree.
        LivenessDisagreement => "LivenessDisagreement",
        /// `finalResult` present on a status other than accepted, or absent on accepted.
        FinalResultUnexpected => "FinalResultUnexpected",
        /// No date to judge date checks on.
        NoVerificationDate => "NoVerificationDate",
        /// Keys, checks or members the reader did not understand (schema drift).
        UnknownEvidence => "UnknownEvidence",
        /// Known keys with values of the wrong type or impossible values.
        MalformedEvidence => "MalformedEvidence",
        /// A member name that would be unsafe as a path, or not UTF-8.
        UnsafeMemberName => "UnsafeMemberName",
        /// The crops of an archive could not be written.
        CropsNotWritten => "CropsNotWritten",
        /// A member fails its integrity check (CRC, declared size) when
        /// inflated whole (`--hash-members`): the evidence is damaged.
        MemberCorrupt => "MemberCorrupt",
        /// The object store's own SHA-256 of the archive differs from the
        /// SHA-256 of the bytes read: the store or the transfer damaged it.
        StoredChecksumMismatch => "StoredChecksumMismatch",
        /// A crop was not cut: the archive's crops already held twice the
        /// pixels of its images.
        CropBudget => "CropBudget",
        /// The recorded status is not final (pending, processing, canceled,
        /// native `Completed`): there is no decision to compare with.
        NotFinal => "NotFinal",
        /// The record says `failed` but gives no `failReason`.
        FailedWithoutReason => "FailedWithoutReason",
        /// The policy in force gives another status than the default rules.
        PolicyChange => "PolicyChange",
        /// The OCR has no security checks at all.
        NoSecurityChecks => "NoSecurityChecks",
        /// The document had expired on the day of the verification and no check said so.
        UncheckedExpiry => "UncheckedExpiry",
        /// The holder was under age on the day of the verification and no check said so.
        UncheckedAge => "UncheckedAge",
        /// The document had expired by the day the agent accepted it.
        ExpiredAtReview => "ExpiredAtReview",
        /// Liveness was never detected, and no liveness check says otherwise.
        LivenessNotDetected => "LivenessNotDetected",
        /// An agent's record that holds no decision (it does not identify
        /// itself, or its decision cannot be read).
        ReviewIncomplete => "ReviewIncomplete",
        /// An agent's record on a failed process: failed stays failed.
        ReviewOnFailed => "ReviewOnFailed",
        /// A process type an agent reviews, without the agent's review.
        ReviewMissing => "ReviewMissing",
        /// A review on a process type no agent reviews.
        ReviewUnexpected => "ReviewUnexpected",
        /// One record is both a member and embedded in the process record; the
        /// copies are identical and the member was used.
        IdenticalCopies => "IdenticalCopies",
        /// A data file is an error response of the provider.
        ProviderError => "ProviderError",
        /// Two similarity values that differ (the flat `similarityScore` and
        /// `biometrics.face.similarityLevel`, or the OCR and `finalResult`).
        SimilarityDisagreement => "SimilarityDisagreement",
        /// The native result's status differs from the Assure record's, which
        /// maps it directly.
        ProviderStatusMismatch => "ProviderStatusMismatch",
        /// One record is both a member and embedded (or inside the zip and
        /// beside it); the copies differ only in fields no rule reads.
        EquivalentCopies => "EquivalentCopies",
        /// The recorded status is a word that is neither a final status nor
        /// a documented non-final one: it cannot be read.
        UnreadableStatus => "UnreadableStatus",
        /// The record names another provider than `eid`: it is judged by the
        /// EID provider's rule book all the same.
        ProviderNotEid => "ProviderNotEid",
        /// There is no OCR evidence: the status rests on the record and the review alone.
        MissingOcr => "MissingOcr",
        /// A member name as old tools write it (no UTF-8 flag: code page 437;
        /// backslash separators), read as every reader reads it.
        LegacyMemberName => "LegacyMemberName",
        /// The agent's review is not a complete record of a referee: it lacks
        /// the reviewer's identity, the review time or, for a rejection, a reason.
        RefereeRecordIncomplete => "RefereeRecordIncomplete",
        /// An accepted process lacks an attribute the policy requires
        /// (`required_attributes`); the subject names it.
        AttributeMissing => "AttributeMissing",
    }
}

/// One audit finding.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// The stable code.
    pub code: FindingCode,
    /// What it is about (a check, a field, a feature, a member).
    pub subject: String,
    /// In words, without personal data.
    pub message: String,
}

impl Finding {
    /// A finding; the message must not quote personal data.
    pub(crate) fn new(
        severity: Severity,
        code: FindingCode,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            severity,
            code,
            subject: subject.into(),
            message: message.into(),
        }
    }
}

/// Fields compared across OCR, manual approval and finalResult.
pub(crate) const COMPARED_FIELDS: &[&str] = &[
    "documentNumber",
    "dateOfBirth",
    "dateOfExpiry",
    "firstName",
    "lastName",
    "nationality",
    "issuingCountry",
    "gender",
];

/// Everything the findings are raised from.
pub(crate) struct Context<'a> {
    pub(crate) evidence: &'a Evidence,
    pub(crate) policy: &'a Policy,
    pub(crate) recorded: Option<&'a RecordedStatus>,
    pub(crate) automatic: &'a Decision,
    pub(crate) decision: &'a Decision,
    /// The final decision by the default rules, when another policy is in force.
    pub(crate) default: Option<&'a Decision>,
    pub(crate) date: Option<VerificationDate>,
    pub(crate) review: Option<&'a Review>,
    pub(crate) review_date: Option<Date>,
}

/// Every finding, in a fixed order: the status first, then the evidence.
pub(crate) fn collect(cx: &Context<'_>, mut date_problems: Vec<Finding>) -> Vec<Finding> {
    let mut out = Vec::new();
    record::status(cx, &mut out);
    out.append(&mut date_problems);
    dates::collect(cx, &mut out);
    record::fields(cx, &mut out);
    review::collect(cx, &mut out);
    completeness::referee(cx, &mut out);
    completeness::attributes(cx, &mut out);
    media::collect(cx.evidence, &mut out);
    record::liveness(cx.evidence, &mut out);
    record::final_result(cx, &mut out);
    record::similarity(cx.evidence, &mut out);
    drift(cx.evidence, &mut out);
    out
}

/// Everything the readers did not understand, as findings.
fn drift(evidence: &Evidence, out: &mut Vec<Finding>) {
    for d in &evidence.drift {
        let (severity, code) = match d.kind {
            DriftKind::Unknown => (Severity::Info, FindingCode::UnknownEvidence),
            DriftKind::Malformed | DriftKind::BadDate => {
                (Severity::Warning, FindingCode::MalformedEvidence)
            }
            DriftKind::UnsafeName => (Severity::Warning, FindingCode::UnsafeMemberName),
            DriftKind::ProviderError => (Severity::Warning, FindingCode::ProviderError),
            DriftKind::EquivalentCopy => (Severity::Info, FindingCode::EquivalentCopies),
            DriftKind::LegacyName => (Severity::Info, FindingCode::LegacyMemberName),
        };
        out.push(Finding::new(
            severity,
            code,
            d.subject.clone(),
            d.message.clone(),
        ));
    }
}

/// Whether a security check (by canonical name) was written, and if so its
/// result; `None` when it was not written. Any entry that is not valid makes
/// the check not valid.
fn check(evidence: &Evidence, name: &str) -> Option<CheckResult> {
    let ocr = evidence.ocr.as_ref()?;
    let mut entries = ocr.checks.iter().filter(|c| c.canonical_name() == name);
    let first = entries.next()?;
    Some(entries.fold(first.result(), |r, c| r.and(c.result())))
}
