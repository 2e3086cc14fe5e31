//! The days a verification is judged on. The automatic checks are judged on
//! the day of the automatic verification: `updatedAt`, native
//! `completion.date`, `createdAt`, in that order, unless an agent reviewed
//! the process. Then `updatedAt` is when the agent registered the
//! verification, not when the checks ran, so the capture day counts (the
//! OCR's own `completion.date`, else `createdAt`, else `updatedAt`), and the
//! agent's acceptance is judged on the review day (`verificationDate`, else
//! `updatedAt`). A timestamp that cannot be read is a finding, never silently
//! skipped; the next field is used.

use super::VerificationDate;
use super::findings::{Finding, FindingCode, Severity};
use crate::dates::Date;
use crate::evidence::{DateSource, Evidence};

/// The days found, and the problems met on the way.
pub(crate) struct Days {
    /// The day of the automatic verification.
    pub(crate) automatic: Option<VerificationDate>,
    /// The day of the agent's review.
    pub(crate) review: Option<Date>,
    /// Timestamps that could not be read.
    pub(crate) problems: Vec<Finding>,
}

/// Reads the days of a verification from its evidence.
pub(crate) fn days(evidence: &Evidence) -> Days {
    let mut problems = Vec::new();
    let mut parse = |field: &str, text: Option<&str>| -> Option<Date> {
        let text = text?;
        let date = Date::parse(text);
        if date.is_none() {
            problems.push(Finding::new(
                Severity::Warning,
                FindingCode::MalformedEvidence,
                field,
                format!("{field} is not a timestamp that can be read; it was not used"),
            ));
        }
        date
    };
    let process = evidence.process.as_ref();
    let updated = parse("updatedAt", process.and_then(|p| p.updated_at.as_deref()));
    let created = parse("createdAt", process.and_then(|p| p.created_at.as_deref()));
    let completion = evidence.ocr.as_ref().and_then(|o| o.completion_date);
    let reviewed = evidence.manual.is_some();
    let order = if reviewed {
        [
            (completion, DateSource::CompletionDate),
            (created, DateSource::CreatedAt),
            (updated, DateSource::UpdatedAt),
        ]
    } else {
        [
            (updated, DateSource::UpdatedAt),
            (completion, DateSource::CompletionDate),
            (created, DateSource::CreatedAt),
        ]
    };
    let automatic = order
        .into_iter()
        .find_map(|(date, source)| date.map(|date| VerificationDate { date, source }));
    let verified = parse(
        "manualApproval.verificationDate",
        evidence
            .manual
            .as_ref()
            .and_then(|m| m.verification_date.as_deref()),
    );
    // The agent registered the verification when the record was last updated.
    let review = verified.or(updated.filter(|_| reviewed));
    Days {
        automatic,
        review,
        problems,
    }
}

/// A document date as a day: `YYYY-MM-DD` (or a timestamp), or six digits
/// `YYMMDD` whose century is chosen from the day of the verification (`on`):
/// a birth date is never after it, an expiry date at most 20 years after it.
pub(crate) fn document_date(raw: &str, on: Option<Date>, field: &str) -> Option<Date> {
    let t = raw.trim();
    if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
        let ahead = if field == "dateOfBirth" { 0 } else { 20 };
        return Date::parse_yymmdd(t, on?, ahead);
    }
    Date::parse(t)
}
