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
    if let Some(found) = &manual.rejection_reasons_unreadable {
        return none(format!(
            "its rejectionReasons is {found}, not a list: the agent's decision cannot be read"
        ));
    }
    // Rejection reasons reject whatever the status word says: the stricter reading.
    if !manual.rejection_reasons.is_empty() {
        return (ReviewDecision::Rejected, None);
    }
    match manual
        .status
        .as_deref()
        .map(|s| s.trim().to_ascii_lowercase())
    {
        None => (ReviewDecision::Accepted, None),
        Some(s) if s == "accepted" => (ReviewDecision::Accepted, None),
        Some(s) if s == "rejected" => (ReviewDecision::Rejected, None),
        Some(other) => none(format!("its status {other:?} is not a decision")),
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
