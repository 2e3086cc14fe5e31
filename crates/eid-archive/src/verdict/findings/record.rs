//! Findings about the record itself: the recorded status against the
//! evidence (and against another policy), fields that differ between copies
//! of the document data, liveness, the security checks being there at all,
//! and `finalResult`.

use super::dates::normalised;
use super::{COMPARED_FIELDS, Context, Finding, FindingCode, Severity, check};
use crate::evidence::{CheckResult, Evidence, SimilarityScore};
use crate::verdict::decision::Status;
use crate::verdict::{RecordedStatus, provider_status_differs};

/// The recorded status against the evidence.
pub(super) fn status(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let evidence = cx.evidence;
    // The record is judged by the rules it was made under: the default ones.
    let reference = cx.default.unwrap_or(cx.decision).status;
    match cx.recorded {
        Some(RecordedStatus::Final(recorded)) if *recorded != reference => {
            out.push(Finding::new(
                Severity::Error,
                FindingCode::StatusMismatch,
                format!("{recorded} ≠ {reference}"),
                format!("recorded status is {recorded} but the evidence gives {reference}"),
            ));
        }
        Some(RecordedStatus::Other(word)) => out.push(Finding::new(
            Severity::Info,
            FindingCode::NotFinal,
            word.as_str(),
            format!("the recorded status {word} is not a final decision; there is nothing to compare with"),
        )),
        Some(RecordedStatus::Unreadable(word)) => out.push(Finding::new(
            Severity::Warning,
            FindingCode::UnreadableStatus,
            "status",
            format!(
                "the recorded status {:?} is neither a final status nor a documented non-final one; it cannot be compared",
                word.chars().take(40).collect::<String>()
            ),
        )),
        _ => {}
    }
    if let Some((native, record)) = provider_status_differs(evidence) {
        out.push(Finding::new(
            Severity::Error,
            FindingCode::ProviderStatusMismatch,
            "status",
            format!(
                "the provider's result says {:?} but the process record says {:?}; Assure maps the one to the other directly",
                native.chars().take(40).collect::<String>(),
                record.chars().take(40).collect::<String>()
            ),
        ));
    }
    if cx.recorded == Some(&RecordedStatus::Final(Status::Failed))
        && evidence
            .process
            .as_ref()
            .is_none_or(|p| p.fail_reason.is_none())
    {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::FailedWithoutReason,
            "failReason",
            "the record says failed but gives no failReason; the status is recomputed from the evidence",
        ));
    }
    if let Some(default) = cx.default
        && default.status != cx.decision.status
    {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::PolicyChange,
            format!("{} → {}", default.status, cx.decision.status),
            format!(
                "the default rules give {}; policy {} gives {}",
                default.status, cx.policy.name, cx.decision.status
            ),
        ));
    }
    // `signicatvideoid` is the newer API name of the same provider.
    if let Some(provider) = evidence
        .process
        .as_ref()
        .and_then(|p| p.provider.as_deref())
        && !["eid", "signicatvideoid"].contains(&provider.trim().to_ascii_lowercase().as_str())
    {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::ProviderNotEid,
            "provider",
            format!(
                "the record names provider {:?}; it is judged by the EID provider's rule book",
                provider.chars().take(40).collect::<String>()
            ),
        ));
    }
    if let Some(ocr) = &evidence.ocr
        && ocr.checks.is_empty()
    {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::NoSecurityChecks,
            "securityChecks",
            "the OCR evidence has no security checks: nothing on the document was checked",
        ));
    }
}

/// Fields that differ between the OCR, the agent's record and `finalResult`
/// (trimmed and case-folded; dates compared as days).
pub(super) fn fields(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let on = cx.date.map(|d| d.date);
    let sources = cx.evidence.documents();
    for field in COMPARED_FIELDS {
        let values: Vec<(&str, String)> = sources
            .iter()
            .filter_map(|(name, doc)| doc.get(*field).map(|v| (*name, normalised(field, v, on))))
            .collect();
        let mut pairs = Vec::new();
        let mut spellings = Vec::new();
        let is_name = matches!(*field, "firstName" | "lastName");
        for (i, (a, va)) in values.iter().enumerate() {
            for (b, vb) in &values[i + 1..] {
                if va == vb {
                } else if is_name && super::names::same_name(va, vb) {
                    // One name in two scripts of the same letters.
                    spellings.push(format!("{a} ≠ {b}"));
                } else {
                    pairs.push(format!("{a} ≠ {b}"));
                }
            }
        }
        if pairs.is_empty() && !spellings.is_empty() {
            out.push(Finding::new(
                Severity::Info,
                FindingCode::FieldMismatch,
                *field,
                format!(
                    "{field} is written differently but is one name after ICAO 9303 transliteration: {}",
                    spellings.join(", ")
                ),
            ));
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

/// Liveness flags that disagree with each other or with the check, and
/// liveness that was never detected.
pub(super) fn liveness(evidence: &Evidence, out: &mut Vec<Finding>) {
    let Some(ocr) = &evidence.ocr else { return };
    let check = check(evidence, "liveness").and_then(CheckResult::as_valid);
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
    let said_false = ocr.liveness_detected == Some(false) || final_flag == Some(false);
    if said_false && check.is_none() {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::LivenessNotDetected,
            "livenessDetected",
            "liveness was not detected, and no liveness check says otherwise",
        ));
    }
}

/// `finalResult` where the provider sends none, or none where it sends one.
pub(super) fn final_result(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(process) = &cx.evidence.process else {
        return;
    };
    // The process record's own status, else the recomputed one.
    let status = match (&process.status, cx.recorded) {
        (Some(_), Some(r)) => r.as_str(),
        _ => cx.decision.status.as_str(),
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

/// Similarity values that differ: two written in the OCR (the lower counted),
/// or the OCR's against `finalResult`'s. Levels are not personal data, so
/// the message names both.
pub(super) fn similarity(evidence: &Evidence, out: &mut Vec<Finding>) {
    let Some(ocr) = &evidence.ocr else { return };
    let said = |s: &SimilarityScore| match s {
        SimilarityScore::Word(w) => format!("{:?}", w.chars().take(40).collect::<String>()),
        SimilarityScore::Unreadable { unreadable } => unreadable.clone(),
    };
    if let Some(written) = ocr.similarity_conflict() {
        let values: Vec<String> = written
            .iter()
            .map(|(path, s)| format!("{path} says {}", said(s)))
            .collect();
        let counted = ocr.similarity.as_ref().map_or_else(String::new, said);
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::SimilarityDisagreement,
            "similarity",
            format!("{}; the lower, {counted}, counts", values.join(", ")),
        ));
    }
    let final_similarity = evidence
        .process
        .as_ref()
        .and_then(|p| p.final_result.as_ref())
        .and_then(|f| f.similarity.as_deref());
    if let (Some(ocr_similarity), Some(final_similarity)) = (&ocr.similarity, final_similarity) {
        let final_similarity = SimilarityScore::from(final_similarity);
        if !ocr_similarity.same_as(&final_similarity) {
            out.push(Finding::new(
                Severity::Warning,
                FindingCode::SimilarityDisagreement,
                "finalResult.similarityScore",
                format!(
                    "the OCR's similarity is {} but finalResult says {}",
                    said(ocr_similarity),
                    said(&final_similarity)
                ),
            ));
        }
    }
}
