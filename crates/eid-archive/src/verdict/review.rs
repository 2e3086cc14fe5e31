//! The agent's review as a decision. A review decides only when it identifies
//! itself and its decision can be read; otherwise it is no decision, and the
//! automatic status stands (a finding says why).

use crate::codes::string_enum;
use crate::dates::Date;
use crate::evidence::ManualApproval;
use serde::Serialize;

string_enum! {
    /// What the agent's review decided.
    pub enum ReviewDecision {
        /// The agent registered (accepted) the verification.
        Accepted => "accepted",
        /// The agent rejected it.
        Rejected => "rejected",
        /// The record holds no decision that can be read.
        NoDecision => "noDecision",
    }
}

/// The agent's review as judged.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    /// What it decided.
    pub decision: ReviewDecision,
    /// Why it is no decision, when it is not one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why_no_decision: Option<String>,
    /// The agent (`verifierId`).
    pub verifier: Option<String>,
    /// The day of the review (`verificationDate`), when it can be read.
    pub date: Option<Date>,
    /// The types of the rejection reasons, in the order given.
    pub rejection_types: Vec<String>,
    /// Their messages, in the same order.
    #[serde(skip)]
    pub(crate) rejection_messages: Vec<Option<String>>,
}

/// Judges the agent's review.
pub(crate) fn judge(manual: &ManualApproval) -> Review {
    let (decision, why) = decide(manual);
    Review {
        decision,
        why_no_decision: why,
        verifier: manual.verifier_id.clone(),
        date: manual.verification_date.as_deref().and_then(Date::parse),
        rejection_types: manual
            .rejection_reasons
            .iter()
            .map(|r| r.kind.clone())
            .collect(),
        rejection_messages: manual
            .rejection_reasons
            .iter()
            .map(|r| r.message.clone())
            .collect(),
    }
}

fn decide(manual: &ManualApproval) -> (ReviewDecision, Option<String>) {
    let none = |why: String| (ReviewDecision::NoDecision, Some(why));
    if !manual.identifies_itself() {
        return none("the review names no verifier, verification id or verification date".into());
    }
    // Rejection reasons reject whatever the status word says: the stricter reading.
    if !manual.rejection_reasons.is_empty() {
        return (ReviewDecision::Rejected, None);
    }
    let word = manual
        .status
        .as_deref()
        .map(|s| s.trim().to_ascii_lowercase());
    match (word.as_deref(), &manual.rejection_reasons_unreadable) {
        // A written rejection stands whatever its reasons look like: they only
        // explain it (`ManualRejection/unspecified` when none can be read).
        (Some("rejected"), _) => (ReviewDecision::Rejected, None),
        // Unreadable reasons may be a rejection: they never read as acceptance,
        // except that a `null` list (or none) leaves a written acceptance standing.
        (Some("accepted"), Some(found)) if found != "null" => none(format!(
            "its status is Accepted but its rejectionReasons is {found}, not a list: the agent's decision cannot be read"
        )),
        (Some("accepted"), _) => (ReviewDecision::Accepted, None),
        (Some(other), _) => none(format!("its status {other:?} is not a decision")),
        (None, Some(found)) => none(format!(
            "its rejectionReasons is {found}, not a list, and it writes no decision: the agent's decision cannot be read"
        )),
        (None, None) => (ReviewDecision::Accepted, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::RejectionReason;

    fn review(change: impl FnOnce(&mut ManualApproval)) -> ReviewDecision {
        let mut m = ManualApproval {
            verifier_id: Some("agent-1".into()),
            ..ManualApproval::default()
        };
        change(&mut m);
        judge(&m).decision
    }

    #[test]
    fn a_review_decides_only_when_it_identifies_itself() {
        assert_eq!(review(|_| {}), ReviewDecision::Accepted);
        assert_eq!(review(|m| m.verifier_id = None), ReviewDecision::NoDecision);
        assert_eq!(
            review(|m| {
                m.verifier_id = Some("  ".into());
                m.r_authority_id = Some("ra".into());
            }),
            ReviewDecision::NoDecision,
            "an authority id alone does not say who decided"
        );
        assert_eq!(
            review(|m| {
                m.verifier_id = None;
                m.verification_date = Some("2021-06-10T09:00:00Z".into());
            }),
            ReviewDecision::Accepted
        );
    }

    #[test]
    fn unreadable_reasons_never_read_as_acceptance() {
        assert_eq!(
            review(|m| m.rejection_reasons_unreadable = Some("null".into())),
            ReviewDecision::NoDecision
        );
    }

    #[test]
    fn a_written_decision_stands_without_readable_reasons() {
        for found in ["null", "a string"] {
            assert_eq!(
                review(|m| {
                    m.status = Some("REJECTED".into());
                    m.rejection_reasons_unreadable = Some(found.into());
                }),
                ReviewDecision::Rejected,
                "{found}"
            );
        }
        assert_eq!(
            review(|m| {
                m.status = Some("accepted".into());
                m.rejection_reasons_unreadable = Some("null".into());
            }),
            ReviewDecision::Accepted
        );
        assert_eq!(
            review(|m| {
                m.status = Some("Accepted".into());
                m.rejection_reasons_unreadable = Some("a string".into());
            }),
            ReviewDecision::NoDecision,
            "reasons that cannot be read may be a rejection"
        );
    }

    #[test]
    fn native_status_words() {
        assert_eq!(
            review(|m| m.status = Some("Rejected".into())),
            ReviewDecision::Rejected
        );
        assert_eq!(
            review(|m| m.status = Some("Accepted".into())),
            ReviewDecision::Accepted
        );
        assert_eq!(
            review(|m| m.status = Some("Pending".into())),
            ReviewDecision::NoDecision
        );
        assert_eq!(
            review(|m| {
                m.status = Some("Accepted".into());
                m.rejection_reasons = vec![RejectionReason {
                    kind: "Document.Expired".into(),
                    message: None,
                }];
            }),
            ReviewDecision::Rejected
        );
    }
}
