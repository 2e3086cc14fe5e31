//! Archives that yield no verified claims, and the one line that says why.

use super::ida::{audit_file, export, export_case, testdata};
use eid_archive::ida::{IdaOptions, Refusal, VerifiedClaims};
use eid_archive::{Archive, Audit, AuditOptions, Policy, ReadOptions, Status};
use eid_testkit::{Case, ProcessPlacement};

#[test]
fn refusals_say_why_in_one_line() {
    for (name, why) in [
        (
            "rejected-expired.zip",
            "the recomputed status is rejected, not accepted",
        ),
        (
            "inconclusive.zip",
            "the recomputed status is inconclusive, not accepted",
        ),
        (
            "failed.zip",
            "the recomputed status is failed, not accepted",
        ),
        (
            "agent-rejected.zip",
            "the recomputed status is rejected, not accepted",
        ),
        (
            "fully-auto-rejected.zip",
            "the recomputed status is rejected, not accepted",
        ),
        (
            "recorded-accepted-contradicted.zip",
            "the recorded status accepted disagrees with the recomputed rejected",
        ),
    ] {
        let e = export(name).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("{}: no verified claims: {why}", testdata(name).display())
        );
        assert_eq!(e.archive(), testdata(name).display().to_string());
    }
    assert_eq!(
        export("recorded-accepted-contradicted.zip")
            .unwrap_err()
            .why(),
        &Refusal::Disagrees {
            recorded: Status::Accepted,
            recomputed: Status::Rejected
        }
    );
}

#[test]
fn nothing_recorded_not_final_or_recorded_otherwise_is_refused() {
    let mut none = Case::accepted();
    none.stem = "no-record".into();
    none.process = ProcessPlacement::None;
    let mut pending = Case::accepted();
    pending.status = "pending".into();
    let mut rejected = Case::accepted();
    rejected.status = "rejected".into();
    for (case, why) in [
        (none, Refusal::NoRecordedStatus),
        (pending, Refusal::NotFinal("pending".into())),
        (
            rejected,
            Refusal::Disagrees {
                recorded: Status::Rejected,
                recomputed: Status::Accepted,
            },
        ),
    ] {
        assert_eq!(export_case(&case).unwrap_err().why(), &why);
    }
    assert!(export_case(&Case::accepted()).is_ok());
}

#[test]
fn a_what_if_policy_alone_never_qualifies_an_archive() {
    let policy = Policy::from_toml(
        "name = \"lenient\"\nmin_similarity = \"veryLow\"\nignore_features = [\"OVI 1\", \"OVI 2\"]",
    )
    .unwrap();
    let audit = audit_file(&testdata("inconclusive.zip"), &policy);
    assert_eq!(audit.verdict.decision.status, Status::Accepted);
    let e = VerifiedClaims::from_audit(&audit, &IdaOptions::default()).unwrap_err();
    assert_eq!(
        e.why(),
        &Refusal::OnlyThePolicyAccepts(Status::Inconclusive)
    );
    assert!(
        e.to_string().ends_with(
            "the record and the default rules say inconclusive; only the policy in force accepts"
        ),
        "{e}"
    );
}

#[test]
fn the_members_must_have_been_hashed() {
    let mut archive = Archive::open(testdata("accepted.zip"), &ReadOptions::default()).unwrap();
    let audit = Audit::of_archive(&mut archive, &AuditOptions::default()).unwrap();
    let e = VerifiedClaims::from_audit(&audit, &IdaOptions::default()).unwrap_err();
    assert_eq!(e.why(), &Refusal::MembersNotHashed);
    assert!(e.to_string().ends_with(
        "no verified claims: the members were not hashed, and the attachments' digests need them"
    ));
}

#[test]
fn claims_never_rest_on_a_document_expired_by_the_review_or_an_agents_override() {
    // Expired by the day the agent accepted it (though not on the capture day).
    let e = export("agent-accepted-expired.zip").unwrap_err();
    assert!(matches!(e.why(), Refusal::Expired { .. }), "{e}");
    assert_eq!(e.why().code(), "Expired");
    // Accepted by the agent over an inconclusive automatic verification:
    // exported only when asked.
    let e = export("agent-override.zip").unwrap_err();
    assert_eq!(e.why(), &Refusal::AgentOverride(Status::Inconclusive));
    assert_eq!(e.why().code(), "AgentOverride");
    assert!(e.to_string().contains("--ida-allow-override"), "{e}");
    assert!(super::ida::export_override("agent-override.zip").is_ok());
}
