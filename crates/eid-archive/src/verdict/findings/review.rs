//! Findings about the agent's review: an override of the automatic status, a
//! record that holds no decision, a record on a failed process, and a review
//! that the process type does not fit (missing, or unexpected).

use super::{Context, Finding, FindingCode, Severity};
use crate::verdict::RecordedStatus;
use crate::verdict::decision::Status;
use crate::verdict::policy::ManualRule;
use crate::verdict::review::ReviewDecision;

pub(super) fn collect(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let evidence = cx.evidence;
    let process_type = evidence.process_type();
    match (&evidence.manual, cx.review) {
        (None, _) | (_, None) => {
            // A review could exist only on a process that completed and is final.
            let could_be_reviewed = cx.automatic.status != Status::Failed
                && !matches!(
                    cx.recorded,
                    Some(RecordedStatus::Other(_) | RecordedStatus::Final(Status::Failed))
                );
            if could_be_reviewed && cx.policy.is_agent_reviewed(process_type) {
                out.push(Finding::new(
                    Severity::Warning,
                    FindingCode::ReviewMissing,
                    process_type.unwrap_or_default(),
                    format!(
                        "a {} process is reviewed by an agent, but the archive holds no review: the agent's file may be missing",
                        process_type.unwrap_or_default()
                    ),
                ));
            }
        }
        (Some(manual), Some(review)) => {
            if cx.policy.is_automatic(process_type) {
                out.push(Finding::new(
                    Severity::Warning,
                    FindingCode::ReviewUnexpected,
                    process_type.unwrap_or_default(),
                    format!(
                        "a {} process is not reviewed by an agent, but the archive holds a review",
                        process_type.unwrap_or_default()
                    ),
                ));
            }
            if let Some(copy) = &manual.identical_copy {
                out.push(Finding::new(
                    Severity::Info,
                    FindingCode::IdenticalCopies,
                    "manualApproval",
                    format!(
                        "the agent's review is also {copy}; the copies are identical and {} was used",
                        manual.source.as_ref().map_or("the member", |s| s.name())
                    ),
                ));
            }
            if cx.automatic.status == Status::Failed {
                out.push(Finding::new(
                    Severity::Warning,
                    FindingCode::ReviewOnFailed,
                    "manualApproval",
                    "an agent's record exists on a failed process; the verification never completed, so it stays failed",
                ));
            } else if review.decision == ReviewDecision::NoDecision {
                out.push(Finding::new(
                    Severity::Warning,
                    FindingCode::ReviewIncomplete,
                    "manualApproval",
                    format!(
                        "the agent's record holds no decision ({}); the automatic status stands",
                        review.why_no_decision.as_deref().unwrap_or("no decision")
                    ),
                ));
            } else if review.decision == ReviewDecision::Accepted {
                agent_override(cx, out);
            }
        }
    }
    if evidence.ocr.is_none() && cx.automatic.status != Status::Failed && cx.review.is_some() {
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::MissingOcr,
            "ocr",
            "the archive holds no OCR evidence: the status rests on the agent's review alone",
        ));
    }
    if let Some(copy) = evidence
        .ocr
        .as_ref()
        .and_then(|o| Some((o, o.identical_copy.as_ref()?)))
    {
        let (ocr, copy) = copy;
        out.push(Finding::new(
            Severity::Info,
            FindingCode::IdenticalCopies,
            "ocr",
            format!(
                "the OCR evidence is also {copy}; the copies are identical and {} was used",
                ocr.source.name()
            ),
        ));
    }
}

/// The agent accepted what the automatic verification did not.
fn agent_override(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let automatic = cx.automatic;
    if automatic.status == Status::Accepted || cx.policy.manual_approval == ManualRule::Ignore {
        return;
    }
    let reasons: Vec<String> = automatic.reasons.iter().map(ToString::to_string).collect();
    let (severity, message) = match cx.policy.manual_approval {
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
