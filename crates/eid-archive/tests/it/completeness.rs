//! The findings of a complete record: `RefereeRecordIncomplete` (the agent's
//! review as the record of a referee) and `AttributeMissing` (the
//! attributes a policy requires of an accepted process).

use super::support::*;
use eid_archive::evidence::{Depiction, FinalResult};
use eid_archive::{Evidence, Finding, FindingCode, Policy, Severity, Status, judge};

fn of(e: &Evidence, policy: &Policy, code: FindingCode) -> Vec<Finding> {
    judge(e, policy)
        .expect("judgeable")
        .findings
        .into_iter()
        .filter(|f| f.code == code)
        .collect()
}

fn referee(e: &Evidence) -> Vec<(Severity, String, String)> {
    of(e, &Policy::default(), FindingCode::RefereeRecordIncomplete)
        .into_iter()
        .map(|f| (f.severity, f.subject, f.message))
        .collect()
}

/// An accepted, reviewed process with its media.
fn reviewed(rejections: &[&str]) -> Evidence {
    let e = with_process(clean(), "accepted", "high");
    let e = with_media(e, Depiction::Front, 640, 400);
    let mut e = with_media(e, Depiction::Selfie, 240, 320);
    e.process.as_mut().unwrap().final_result = Some(FinalResult::default());
    with_manual(e, rejections)
}

#[test]
fn a_review_with_reviewer_time_and_reasons_is_a_complete_referee_record() {
    assert_eq!(referee(&reviewed(&[])), vec![]);
    assert_eq!(referee(&reviewed(&["Document.Expired"])), vec![]);
    // No review, no referee record to judge.
    let mut e = reviewed(&[]);
    e.manual = None;
    assert_eq!(referee(&e), vec![]);
}

#[test]
fn a_review_without_its_reviewer_is_incomplete_and_says_so() {
    let mut e = reviewed(&[]);
    e.manual.as_mut().unwrap().verifier_id = Some("  ".into());
    let f = referee(&e);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].0, f[0].1.as_str()), (Severity::Warning, "verifierId"));
    assert_eq!(
        f[0].2,
        "the agent's review lacks the reviewer's identity: it is not a complete record of who reviewed, when, and why"
    );
    // The review still decides: it identifies itself by its date.
    assert_eq!(
        judge(&e, &Policy::default()).unwrap().decision.status,
        Status::Accepted
    );
}

#[test]
fn a_review_without_a_readable_time_is_incomplete() {
    let mut e = reviewed(&[]);
    e.manual.as_mut().unwrap().verification_date = None;
    assert_eq!(referee(&e)[0].1, "verificationDate");
    assert!(referee(&e)[0].2.contains("lacks the review time:"));
    e.manual.as_mut().unwrap().verification_date = Some("10/06/2021".into());
    assert_eq!(referee(&e)[0].1, "verificationDate");
    assert!(
        referee(&e)[0]
            .2
            .contains("lacks a review time that can be read:")
    );
}

#[test]
fn a_rejection_without_a_reason_is_incomplete_and_every_gap_is_named_once() {
    let mut e = reviewed(&[]);
    let m = e.manual.as_mut().unwrap();
    m.status = Some("Rejected".into());
    m.verifier_id = None;
    m.verification_date = None;
    m.verification_id = Some("v-1".into());
    let f = referee(&e);
    assert_eq!(f.len(), 1, "one finding names every gap: {f:?}");
    assert_eq!(f[0].1, "verifierId, verificationDate, rejectionReasons");
    assert!(
        f[0].2.contains(
            "lacks the reviewer's identity, the review time and a reason for the rejection"
        ),
        "{}",
        f[0].2
    );
    // An acceptance needs no reason.
    e.manual.as_mut().unwrap().status = Some("Accepted".into());
    assert_eq!(referee(&e)[0].1, "verifierId, verificationDate");
}

#[test]
fn a_record_that_holds_no_decision_is_also_an_incomplete_referee_record() {
    let mut e = reviewed(&[]);
    let m = e.manual.as_mut().unwrap();
    m.verifier_id = None;
    m.verification_date = None;
    let codes: Vec<FindingCode> = judge(&e, &Policy::default())
        .unwrap()
        .findings
        .iter()
        .map(|f| f.code)
        .collect();
    assert!(codes.contains(&FindingCode::ReviewIncomplete), "{codes:?}");
    assert!(
        codes.contains(&FindingCode::RefereeRecordIncomplete),
        "{codes:?}"
    );
}

fn amla() -> Policy {
    Policy::from_toml(
        "name = \"amla-draft\"\nrequired_attributes = [\"firstName\", \"lastName\", \"dateOfBirth\", \"placeOfBirth\", \"nationality\", \"documentNumber\", \"dateOfExpiry\"]",
    )
    .unwrap()
}

fn missing(e: &Evidence, policy: &Policy) -> Vec<String> {
    of(e, policy, FindingCode::AttributeMissing)
        .into_iter()
        .map(|f| {
            assert_eq!(f.severity, Severity::Warning);
            f.subject
        })
        .collect()
}

#[test]
fn every_required_attribute_absent_from_an_accepted_process_is_named() {
    let mut e = reviewed(&[]);
    doc(&mut e, "firstName", "ALEX");
    doc(&mut e, "lastName", " ");
    doc(&mut e, "dateOfBirth", "1990-01-01");
    doc(&mut e, "dateOfExpiry", "2030-01-01");
    assert_eq!(
        missing(&e, &amla()),
        ["lastName", "placeOfBirth", "nationality", "documentNumber"],
        "a blank value is absent; the policy's order"
    );
    // The default policy requires nothing.
    assert!(missing(&e, &Policy::default()).is_empty());
    // The agent's record and finalResult hold attributes too, and
    // birthPlace is placeOfBirth under another name.
    let m = e.manual.as_mut().unwrap();
    m.document.insert("lastName".into(), "SAMPLE".into());
    m.document.insert("birthPlace".into(), "PORTO".into());
    let fr = e.process.as_mut().unwrap().final_result.as_mut().unwrap();
    fr.document.insert("nationality".into(), "PRT".into());
    fr.document.insert("documentNumber".into(), "X1".into());
    assert!(missing(&e, &amla()).is_empty());
    // Messages never quote the values.
    e.manual.as_mut().unwrap().document.remove("lastName");
    let f = of(&e, &amla(), FindingCode::AttributeMissing);
    assert_eq!(
        f[0].message,
        "policy amla-draft requires lastName of an accepted process, and neither the OCR, the agent's review nor finalResult holds it"
    );
}

#[test]
fn a_process_that_is_not_accepted_is_not_asked_for_attributes() {
    let mut e = reviewed(&["Document.NotLegible"]);
    assert_eq!(
        judge(&e, &amla()).unwrap().decision.status,
        Status::Rejected
    );
    assert!(missing(&e, &amla()).is_empty());
    e.manual = None;
    e.ocr.as_mut().unwrap().checks[0].valid = Some(false);
    assert!(missing(&e, &amla()).is_empty());
}
