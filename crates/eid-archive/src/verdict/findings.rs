//! Audit findings: what the evidence shows beyond the status. Messages never
//! quote names, document numbers or birth dates, so findings can be shared
//! under any personal-data mode.

use super::decision::{Decision, Status};
use super::policy::{ManualRule, Policy};
use super::{RecordedStatus, VerificationDate};
use crate::codes::string_enum;
use crate::dates::Date;
use crate::evidence::{Depiction, DriftKind, Evidence, Side};
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
    }
}

/// One audit finding.
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
    pub(crate) agrees: Option<bool>,
    pub(crate) date: Option<VerificationDate>,
}

/// Every finding, in a fixed order: the status first, then the evidence.
pub(crate) fn collect(cx: &Context<'_>) -> Vec<Finding> {
    let evidence = cx.evidence;
    let mut out = Vec::new();
    if let (Some(false), Some(recorded)) = (cx.agrees, cx.recorded) {
        let status = cx.decision.status;
        out.push(Finding::new(
            Severity::Error,
            FindingCode::StatusMismatch,
            format!("{recorded} ≠ {status}"),
            format!("recorded status is {recorded} but the evidence gives {status}"),
        ));
    }
    date_findings(evidence, cx.policy, cx.date, &mut out);
    field_mismatches(evidence, &mut out);
    agent_override(evidence, cx.policy, cx.automatic, &mut out);
    media_findings(evidence, &mut out);
    liveness(evidence, &mut out);
    final_result(evidence, cx.recorded, cx.decision, &mut out);
    for d in &evidence.drift {
        let (severity, code) = match d.kind {
            DriftKind::Unknown => (Severity::Info, FindingCode::UnknownEvidence),
            DriftKind::Malformed => (Severity::Warning, FindingCode::MalformedEvidence),
            DriftKind::UnsafeName => (Severity::Warning, FindingCode::UnsafeMemberName),
        };
        out.push(Finding::new(
            severity,
            code,
            d.subject.clone(),
            d.message.clone(),
        ));
    }
    out
}

fn check_validity(evidence: &Evidence, name: &str) -> Option<bool> {
    let ocr = evidence.ocr.as_ref()?;
    let mut found = None;
    for c in ocr.checks.iter().filter(|c| c.canonical_name() == name) {
        found = match (found, c.valid) {
            (_, Some(false)) | (Some(false), _) => Some(false),
            (_, v) => v.or(found),
        };
    }
    found
}

fn date_findings(
    evidence: &Evidence,
    policy: &Policy,
    date: Option<VerificationDate>,
    out: &mut Vec<Finding>,
) {
    let non_expired = check_validity(evidence, "nonExpired");
    let not_underage = check_validity(evidence, "notUnderage");
    if non_expired.is_none() && not_underage.is_none() {
        return;
    }
    let Some(VerificationDate { date: on, source }) = date else {
        out.push(Finding::new(
            Severity::Info,
            FindingCode::NoVerificationDate,
            "verificationDate",
            "no verification date, updatedAt, completion date or createdAt: the nonExpired and notUnderage checks were not compared with the document's dates",
        ));
        return;
    };
    let parse = |field: &str, out: &mut Vec<Finding>| -> Option<Date> {
        let raw = evidence.document_value(field)?;
        let parsed = Date::parse(raw);
        if parsed.is_none() {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::MalformedEvidence,
                field,
                format!(
                    "{field} is not a YYYY-MM-DD date; checks that depend on it were not compared"
                ),
            ));
        }
        parsed
    };
    if let Some(valid) = non_expired
        && let Some(expiry) = parse("dateOfExpiry", out)
    {
        let expired = expiry < on;
        if valid && expired {
            out.push(Finding::new(
                Severity::Error,
                FindingCode::CheckContradictsData,
                "nonExpired",
                format!("nonExpired is valid but dateOfExpiry {expiry} is before the verification date {on} ({source})"),
            ));
        } else if !valid && !expired {
            out.push(Finding::new(
                Severity::Info,
                FindingCode::CheckContradictsData,
                "nonExpired",
                format!("nonExpired is not valid although dateOfExpiry {expiry} is on or after the verification date {on} ({source})"),
            ));
        }
    }
    if let Some(valid) = not_underage
        && let Some(dob) = parse("dateOfBirth", out)
    {
        let age = dob.years_until(on);
        let minimum = i64::from(policy.minimum_age);
        let underage = i64::from(age) < minimum;
        if valid && underage {
            out.push(Finding::new(
                Severity::Error,
                FindingCode::CheckContradictsData,
                "notUnderage",
                format!("notUnderage is valid but the age on the verification date {on} ({source}) is {age}, under {minimum}"),
            ));
        } else if !valid && !underage {
            out.push(Finding::new(
                Severity::Info,
                FindingCode::CheckContradictsData,
                "notUnderage",
                format!("notUnderage is not valid although the age on the verification date {on} ({source}) is {age}, at least {minimum}"),
            ));
        }
    }
}

fn normalise(s: &str) -> String {
    s.trim().to_lowercase()
}

fn field_mismatches(evidence: &Evidence, out: &mut Vec<Finding>) {
    let sources = evidence.documents();
    for field in COMPARED_FIELDS {
        let values: Vec<(&str, String)> = sources
            .iter()
            .filter_map(|(name, doc)| doc.get(*field).map(|v| (*name, normalise(v))))
            .collect();
        let mut pairs = Vec::new();
        for (i, (a, va)) in values.iter().enumerate() {
            for (b, vb) in &values[i + 1..] {
                if va != vb {
                    pairs.push(format!("{a} ≠ {b}"));
                }
            }
        }
        if !pairs.is_empty() {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::FieldMismatch,
                *field,
                format!("{field} differs: {}", pairs.join(", ")),
            ));
        }
    }
}

fn agent_override(
    evidence: &Evidence,
    policy: &Policy,
    automatic: &Decision,
    out: &mut Vec<Finding>,
) {
    let Some(manual) = &evidence.manual else {
        return;
    };
    if manual.rejected()
        || automatic.status == Status::Accepted
        || policy.manual_approval == ManualRule::Ignore
    {
        return;
    }
    let reasons: Vec<String> = automatic.reasons.iter().map(ToString::to_string).collect();
    let (severity, message) = match policy.manual_approval {
        ManualRule::AgentDecides => (
            Severity::Warning,
            format!(
                "the agent accepted a process the automatic verification made {} ({})",
                automatic.status,
                reasons.join(", ")
            ),
        ),
        _ => (
            Severity::Info,
            format!(
                "the agent accepted, but the policy does not let an agent overturn {} ({})",
                automatic.status,
                reasons.join(", ")
            ),
        ),
    };
    out.push(Finding::new(
        severity,
        FindingCode::AgentOverride,
        automatic.status.as_str(),
        message,
    ));
}

fn media_findings(evidence: &Evidence, out: &mut Vec<Finding>) {
    for m in &evidence.media {
        if let Some(problem) = &m.problem {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::UndecodableMedia,
                m.source.to_string(),
                problem.clone(),
            ));
        }
    }
    let Some(ocr) = &evidence.ocr else { return };
    let has = |d: Depiction| evidence.media_of(d).is_some();
    if !has(Depiction::Front) {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::MissingMedia,
            "front",
            "no front image in the archive",
        ));
    }
    if ocr.similarity.is_some() && !has(Depiction::Selfie) {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::MissingMedia,
            "selfie",
            "a face similarity was computed but the archive has no selfie",
        ));
    }
    let on_back = ocr
        .features
        .iter()
        .any(|f| f.found == Some(true) && f.image_side() == Some(Side::Back));
    if on_back && !has(Depiction::Back) {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::MissingMedia,
            "back",
            "a feature sits on the back side but the archive has no back image",
        ));
    }
    for f in ocr.features.iter().filter(|f| f.found == Some(true)) {
        let name = f.label();
        let side = match (&f.side, f.image_side()) {
            (_, Some(side)) => side,
            (Some(word), None) => {
                out.push(Finding::new(
                    Severity::Warning,
                    FindingCode::UnknownSide,
                    name,
                    format!("side {word:?} is neither data, front nor back; its box is not placed on an image"),
                ));
                continue;
            }
            (None, None) => {
                out.push(Finding::new(
                    Severity::Warning,
                    FindingCode::UnknownSide,
                    name,
                    "feature has no side; its box is not placed on an image",
                ));
                continue;
            }
        };
        let Some(bbox) = f.bbox else {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::BBoxMissing,
                name,
                "found, but without a box",
            ));
            continue;
        };
        if bbox.is_empty() {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::BBoxEmpty,
                name,
                format!("box {bbox} has no area"),
            ));
            continue;
        }
        if let Some(dims) = evidence.dimensions(side.depiction())
            && !bbox.fits(dims.width, dims.height)
        {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::BBoxOutOfBounds,
                name,
                format!(
                    "box {bbox} leaves the {}×{} {} image",
                    dims.width,
                    dims.height,
                    side.as_str()
                ),
            ));
        }
    }
}

fn liveness(evidence: &Evidence, out: &mut Vec<Finding>) {
    let Some(ocr) = &evidence.ocr else { return };
    let check = check_validity(evidence, "liveness");
    if let (Some(flag), Some(check)) = (ocr.liveness_detected, check)
        && flag != check
    {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::LivenessDisagreement,
            "livenessDetected",
            format!(
                "livenessDetected says {flag} but the liveness check is {}",
                if check { "valid" } else { "not valid" }
            ),
        ));
    }
    let final_flag = evidence
        .process
        .as_ref()
        .and_then(|p| p.final_result.as_ref())
        .and_then(|f| f.liveness_detected);
    if let (Some(flag), Some(final_flag)) = (ocr.liveness_detected, final_flag)
        && flag != final_flag
    {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::LivenessDisagreement,
            "finalResult.livenessDetected",
            format!("the OCR says livenessDetected {flag} but finalResult says {final_flag}"),
        ));
    }
}

fn final_result(
    evidence: &Evidence,
    recorded: Option<&RecordedStatus>,
    decision: &Decision,
    out: &mut Vec<Finding>,
) {
    let Some(process) = &evidence.process else {
        return;
    };
    // The process record's own status, else the recomputed one.
    let status = match (&process.status, recorded) {
        (Some(_), Some(r)) => r.as_str(),
        _ => decision.status.as_str(),
    };
    match (&process.final_result, status == Status::Accepted.as_str()) {
        (Some(_), false) => out.push(Finding::new(
            Severity::Warning,
            FindingCode::FinalResultUnexpected,
            "finalResult",
            format!("finalResult is present on a {status} process; the provider sends it only when accepted"),
        )),
        (None, true) => out.push(Finding::new(
            Severity::Warning,
            FindingCode::FinalResultUnexpected,
            "finalResult",
            "the process is accepted but has no finalResult",
        )),
        _ => {}
    }
}
