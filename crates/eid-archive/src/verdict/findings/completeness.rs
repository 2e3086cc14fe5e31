//! Findings about what a complete record holds: the agent's review as the
//! record of a referee (who reviewed, when, and why a rejection), and the
//! document attributes the policy requires of an accepted process.

use super::{Context, Finding, FindingCode, Severity};
use crate::dates::Date;
use crate::verdict::decision::Status;
use crate::verdict::review::ReviewDecision;

/// The agent's review, as the record of a referee: it must name the
/// reviewer, say when the review was made and, for a rejection, give a
/// reason. One finding names everything missing. Raised whatever the review
/// decided and whatever the policy lets it do: the record is incomplete
/// either way.
pub(super) fn referee(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let (Some(manual), Some(review)) = (&cx.evidence.manual, cx.review) else {
        return;
    };
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|v| v.trim().is_empty());
    let mut missing: Vec<(&str, &str)> = Vec::new();
    if blank(&manual.verifier_id) {
        missing.push(("verifierId", "the reviewer's identity"));
    }
    if blank(&manual.verification_date) {
        missing.push(("verificationDate", "the review time"));
    } else if manual
        .verification_date
        .as_deref()
        .and_then(Date::parse)
        .is_none()
    {
        missing.push(("verificationDate", "a review time that can be read"));
    }
    if review.decision == ReviewDecision::Rejected && manual.rejection_reasons.is_empty() {
        missing.push(("rejectionReasons", "a reason for the rejection"));
    }
    if missing.is_empty() {
        return;
    }
    let fields: Vec<&str> = missing.iter().map(|(field, _)| *field).collect();
    let what: Vec<&str> = missing.iter().map(|(_, what)| *what).collect();
    out.push(Finding::new(
        Severity::Warning,
        FindingCode::RefereeRecordIncomplete,
        fields.join(", "),
        format!(
            "the agent's review lacks {}: it is not a complete record of who reviewed, when, and why",
            list(&what)
        ),
    ));
}

/// Each attribute the policy requires that an accepted process does not
/// hold, in the policy's order. An attribute is held when the OCR, the
/// agent's review or `finalResult` writes it, not blank; `placeOfBirth` and
/// `birthPlace` name one attribute. A process that is not accepted onboarded
/// no one, so it is not asked for attributes.
pub(super) fn attributes(cx: &Context<'_>, out: &mut Vec<Finding>) {
    if cx.decision.status != Status::Accepted {
        return;
    }
    let held = |name: &str| {
        cx.evidence
            .documents()
            .iter()
            .any(|(_, d)| d.get(name).is_some_and(|v| !v.trim().is_empty()))
    };
    for name in &cx.policy.required_attributes {
        let name = name.trim();
        let twin = match name {
            "placeOfBirth" => Some("birthPlace"),
            "birthPlace" => Some("placeOfBirth"),
            _ => None,
        };
        if held(name) || twin.is_some_and(held) {
            continue;
        }
        out.push(Finding::new(
            Severity::Warning,
            FindingCode::AttributeMissing,
            name,
            format!(
                "policy {} requires {name} of an accepted process, and neither the OCR, the agent's review nor finalResult holds it",
                cx.policy.name
            ),
        ));
    }
}

/// `a`, `a and b`, `a, b and c`.
fn list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::list;

    #[test]
    fn lists_read_as_english() {
        assert_eq!(list(&["a"]), "a");
        assert_eq!(list(&["a", "b"]), "a and b");
        assert_eq!(list(&["a", "b", "c"]), "a, b and c");
    }
}
