//! One test per rule of `docs/decision.md`, including precedence and the policy knobs.

use super::support::*;
use eid_archive::{Policy, ReasonCode, Status, judge};

fn codes(e: &eid_archive::Evidence, policy: &Policy) -> (Status, Vec<String>) {
    let v = judge(e, policy).expect("judgeable");
    (
        v.decision.status,
        v.decision.reasons.iter().map(|r| r.to_string()).collect(),
    )
}

fn default_codes(e: &eid_archive::Evidence) -> (Status, Vec<String>) {
    codes(e, &Policy::default())
}

#[test]
fn rule4_everything_fine_is_accepted_without_reasons() {
    assert_eq!(default_codes(&clean()), (Status::Accepted, vec![]));
}

#[test]
fn rule2_each_invalid_check_rejects_with_its_own_reason() {
    let e = ocr(
        &[
            ("nonExpired", Some(false)),
            ("notUnderage", Some(true)),
            ("notBWCopy", Some(false)),
        ],
        Some("high"),
        &[],
    );
    assert_eq!(
        default_codes(&e),
        (
            Status::Rejected,
            vec![
                "SecurityCheckFailed/nonExpired".into(),
                "SecurityCheckFailed/notBWCopy".into()
            ]
        )
    );
}

#[test]
fn rule2_an_unreadable_check_cannot_count_as_valid() {
    let e = ocr(&[("nonExpired", None)], Some("high"), &[]);
    assert_eq!(
        default_codes(&e),
        (
            Status::Rejected,
            vec!["SecurityCheckUnreadable/nonExpired".into()]
        )
    );
}

#[test]
fn rule2_liveness_and_liveness_detected_are_one_check() {
    let e = ocr(
        &[("livenessDetected", Some(true)), ("liveness", Some(false))],
        Some("high"),
        &[],
    );
    assert_eq!(
        default_codes(&e),
        (
            Status::Rejected,
            // one reason, named by the smallest spelling whatever the order
            vec!["SecurityCheckFailed/liveness".into()]
        )
    );
    let both_valid = ocr(
        &[("livenessDetected", Some(true)), ("liveness", Some(true))],
        Some("high"),
        &[],
    );
    assert_eq!(default_codes(&both_valid).0, Status::Accepted);
}

#[test]
fn rule3_similarity_other_than_high_is_inconclusive() {
    for (level, subject) in [
        ("medium", "medium"),
        ("low", "low"),
        ("verylow", "veryLow"),
        ("VeryLow", "veryLow"),
    ] {
        let e = ocr(&[("nonExpired", Some(true))], Some(level), &[]);
        assert_eq!(
            default_codes(&e),
            (
                Status::Inconclusive,
                vec![format!("SimilarityNotHigh/{subject}")]
            ),
            "{level}"
        );
    }
}

#[test]
fn rule3_similarity_is_case_insensitive() {
    let e = ocr(&[("nonExpired", Some(true))], Some("HIGH"), &[]);
    assert_eq!(default_codes(&e).0, Status::Accepted);
}

#[test]
fn rule3_missing_or_unknown_similarity_is_not_high() {
    let e = ocr(&[], None, &[]);
    assert_eq!(
        default_codes(&e),
        (
            Status::Inconclusive,
            vec!["SimilarityNotHigh/missing".into()]
        )
    );
    let e = ocr(&[], Some("excellent"), &[]);
    assert_eq!(
        default_codes(&e),
        (
            Status::Inconclusive,
            vec!["SimilarityNotHigh/excellent".into()]
        )
    );
}

#[test]
fn rule3_each_missing_feature_is_a_reason() {
    let e = ocr(
        &[],
        Some("verylow"),
        &[
            ("Header", Some(true)),
            ("OVI 2", Some(false)),
            ("OVI 1", Some(false)),
        ],
    );
    assert_eq!(
        default_codes(&e),
        (
            Status::Inconclusive,
            vec![
                "SimilarityNotHigh/veryLow".into(),
                "FeatureNotFound/OVI 2".into(),
                "FeatureNotFound/OVI 1".into()
            ]
        )
    );
}

#[test]
fn rule3_an_unreadable_feature_entry_cannot_count_as_found() {
    let e = ocr(&[], Some("high"), &[("Header", None)]);
    assert_eq!(
        default_codes(&e),
        (
            Status::Inconclusive,
            vec!["FeatureUnreadable/Header".into()]
        )
    );
}

#[test]
fn precedence_rejected_beats_inconclusive_and_keeps_both_reasons() {
    let e = ocr(
        &[("nonExpired", Some(false))],
        Some("high"),
        &[("OVI 1", Some(false))],
    );
    assert_eq!(
        default_codes(&e),
        (
            Status::Rejected,
            vec![
                "SecurityCheckFailed/nonExpired".into(),
                "FeatureNotFound/OVI 1".into()
            ]
        )
    );
}

#[test]
fn rule1_a_fail_reason_fails_and_keeps_every_other_reason() {
    let mut e = with_process(
        ocr(&[("nonExpired", Some(false))], Some("low"), &[]),
        "failed",
        "substantial",
    );
    e.process.as_mut().unwrap().fail_reason = Some(eid_archive::evidence::FailReason::new(
        "InactiveUser.Aborted",
        None,
    ));
    assert_eq!(
        default_codes(&e),
        (
            Status::Failed,
            vec![
                "ProcessFailed/InactiveUser.Aborted".into(),
                "SecurityCheckFailed/nonExpired".into(),
                "SimilarityNotHigh/low".into()
            ]
        )
    );
}

#[test]
fn rule1_a_recorded_failed_status_alone_is_no_evidence_of_failure() {
    // Without a fail reason and without OCR there is nothing to judge by.
    let e = with_process(eid_archive::Evidence::default(), "failed", "substantial");
    let err = judge(&e, &Policy::default()).unwrap_err();
    assert!(err.to_string().contains("gives no failReason"), "{err}");
}

#[test]
fn no_ocr_and_no_fail_reason_cannot_be_judged() {
    let e = with_process(eid_archive::Evidence::default(), "accepted", "substantial");
    let err = judge(&e, &Policy::default()).unwrap_err();
    assert!(err.to_string().contains("no OCR evidence"), "{err}");
}

#[test]
fn fully_automatic_processes_never_end_inconclusive() {
    let e = with_process(
        ocr(&[], Some("medium"), &[("OVI 1", Some(false))]),
        "rejected",
        "substantialFullyAuto",
    );
    assert_eq!(
        default_codes(&e),
        (
            Status::Rejected,
            vec![
                "SimilarityNotHigh/medium".into(),
                "FeatureNotFound/OVI 1".into()
            ]
        )
    );
    let attended = with_process(ocr(&[], Some("medium"), &[]), "inconclusive", "substantial");
    assert_eq!(default_codes(&attended).0, Status::Inconclusive);
}

#[test]
fn agent_rejection_rejects_with_one_reason_per_entry() {
    let e = with_manual(
        clean(),
        &["Document.NotLegible", "Photo.DoesNotMatchPerson"],
    );
    let v = judge(&e, &Policy::default()).unwrap();
    assert_eq!(v.automatic.status, Status::Accepted);
    assert_eq!(v.decision.status, Status::Rejected);
    let r: Vec<_> = v
        .decision
        .reasons
        .iter()
        .map(|r| (r.code, r.subject.as_str()))
        .collect();
    assert_eq!(
        r,
        vec![
            (ReasonCode::ManualRejection, "Document.NotLegible"),
            (ReasonCode::ManualRejection, "Photo.DoesNotMatchPerson")
        ]
    );
}

#[test]
fn agent_acceptance_overrides_a_non_accepted_automatic_status() {
    let e = with_manual(ocr(&[("nonExpired", Some(true))], Some("low"), &[]), &[]);
    let v = judge(&e, &Policy::default()).unwrap();
    assert_eq!(v.automatic.status, Status::Inconclusive);
    assert_eq!(v.decision.status, Status::Accepted);
    assert!(v.decision.reasons.is_empty());
    let f = v
        .findings
        .iter()
        .find(|f| f.code == eid_archive::FindingCode::AgentOverride)
        .expect("override finding");
    assert!(f.message.contains("SimilarityNotHigh/low"), "{}", f.message);
}

#[test]
fn agent_acceptance_of_an_accepted_process_is_no_override() {
    let v = judge(&with_manual(clean(), &[]), &Policy::default()).unwrap();
    assert_eq!(v.decision.status, Status::Accepted);
    assert!(
        v.findings
            .iter()
            .all(|f| f.code != eid_archive::FindingCode::AgentOverride)
    );
}

#[test]
fn policy_agent_may_only_reject_keeps_the_automatic_status() {
    let policy = Policy::from_toml("manual_approval = \"agent-may-only-reject\"").unwrap();
    let e = with_manual(ocr(&[], Some("low"), &[]), &[]);
    assert_eq!(codes(&e, &policy).0, Status::Inconclusive);
    let rejected = with_manual(clean(), &["Custom.Question"]);
    assert_eq!(codes(&rejected, &policy).0, Status::Rejected);
}

#[test]
fn policy_ignore_manual_approval() {
    let policy = Policy::from_toml("manual_approval = \"ignore\"").unwrap();
    let e = with_manual(clean(), &["Document.Aspect"]);
    assert_eq!(codes(&e, &policy), (Status::Accepted, vec![]));
}

#[test]
fn policy_min_similarity_ignored_and_required_checks_and_features() {
    let policy = Policy::from_toml(
        "min_similarity = \"medium\"\nignore_checks = [\"notBWCopy\"]\nrequire_checks = [\"sidesMatch\"]\nignore_features = [\"ovi 1\"]",
    )
    .unwrap();
    let e = ocr(
        &[("notBWCopy", Some(false))],
        Some("medium"),
        &[("OVI 1", Some(false))],
    );
    assert_eq!(
        codes(&e, &policy),
        (
            Status::Rejected,
            vec!["SecurityCheckMissing/sidesMatch".into()]
        )
    );
    let with_sides = ocr(
        &[("notBWCopy", Some(false)), ("sidesMatch", Some(true))],
        Some("medium"),
        &[("OVI 1", Some(false))],
    );
    assert_eq!(codes(&with_sides, &policy), (Status::Accepted, vec![]));
}

#[test]
fn agreement_with_the_recorded_status() {
    let v = judge(
        &with_process(clean(), "accepted", "substantial"),
        &Policy::default(),
    )
    .unwrap();
    assert_eq!(
        (v.recorded_status.as_ref().map(|r| r.as_str()), v.agrees),
        (Some("accepted"), Some(true))
    );

    let v = judge(
        &with_process(clean(), "Rejected", "substantial"),
        &Policy::default(),
    )
    .unwrap();
    assert_eq!(v.agrees, Some(false));
    assert_eq!(v.findings[0].code, eid_archive::FindingCode::StatusMismatch);
    assert_eq!(v.findings[0].severity, eid_archive::Severity::Error);

    let v = judge(&clean(), &Policy::default()).unwrap();
    assert_eq!((v.recorded_status, v.agrees), (None, None));
}

#[test]
fn a_native_status_counts_as_recorded_only_when_it_is_an_assure_word() {
    let mut e = clean();
    e.ocr.as_mut().unwrap().native_status = Some("ACCEPTED".into());
    assert_eq!(judge(&e, &Policy::default()).unwrap().agrees, Some(true));
    e.ocr.as_mut().unwrap().native_status = Some("Completed".into());
    assert_eq!(judge(&e, &Policy::default()).unwrap().agrees, None);
}
