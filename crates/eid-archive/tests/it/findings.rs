//! One test per finding of `docs/decision.md`.

use super::support::*;
use eid_archive::evidence::{BBox, Depiction, Drift, DriftKind, FinalResult};
use eid_archive::{Evidence, Finding, FindingCode, Policy, Severity, judge};

fn findings(e: &Evidence) -> Vec<Finding> {
    judge(e, &Policy::default()).expect("judgeable").findings
}

fn of(e: &Evidence, code: FindingCode) -> Vec<Finding> {
    findings(e).into_iter().filter(|f| f.code == code).collect()
}

/// A clean process with a date and all the media it needs.
fn dated() -> Evidence {
    let e = with_process(clean(), "accepted", "substantial");
    let e = with_media(e, Depiction::Front, 640, 400);
    let mut e = with_media(e, Depiction::Selfie, 240, 320);
    e.process.as_mut().unwrap().final_result = Some(FinalResult::default());
    e
}

#[test]
fn a_consistent_archive_has_no_findings() {
    let mut e = dated();
    doc(&mut e, "dateOfExpiry", "2030-01-01");
    doc(&mut e, "dateOfBirth", "1990-01-01");
    assert_eq!(findings(&e), vec![]);
}

#[test]
fn non_expired_valid_on_an_expired_document_is_an_error() {
    let mut e = dated();
    doc(&mut e, "dateOfExpiry", "2021-06-08");
    let f = of(&e, FindingCode::CheckContradictsData);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].severity, f[0].subject.as_str()),
        (Severity::Error, "nonExpired")
    );
    assert!(
        f[0].message.contains("2021-06-09 (updatedAt)"),
        "{}",
        f[0].message
    );
    // expiring on the verification day itself is not expired
    doc(&mut e, "dateOfExpiry", "2021-06-09");
    assert!(of(&e, FindingCode::CheckContradictsData).is_empty());
}

#[test]
fn non_expired_invalid_on_a_valid_document_is_info() {
    let mut e = dated();
    e.ocr.as_mut().unwrap().checks[0].valid = Some(false);
    doc(&mut e, "dateOfExpiry", "2030-01-01");
    let f = of(&e, FindingCode::CheckContradictsData);
    assert_eq!((f.len(), f[0].severity), (1, Severity::Info));
}

#[test]
fn not_underage_valid_for_a_minor_is_an_error_and_never_quotes_the_birth_date() {
    let mut e = dated();
    doc(&mut e, "dateOfBirth", "2003-06-10"); // 17 on 2021-06-09
    let f = of(&e, FindingCode::CheckContradictsData);
    assert_eq!(
        (f.len(), f[0].severity, f[0].subject.as_str()),
        (1, Severity::Error, "notUnderage")
    );
    assert!(
        f[0].message.contains("the holder is under 18"),
        "{}",
        f[0].message
    );
    assert!(!f[0].message.contains("17"), "age leaked: {}", f[0].message);
    assert!(
        !f[0].message.contains("2003"),
        "birth date leaked: {}",
        f[0].message
    );
    doc(&mut e, "dateOfBirth", "2003-06-09"); // 18 that day
    assert!(of(&e, FindingCode::CheckContradictsData).is_empty());
}

#[test]
fn the_age_threshold_is_policy() {
    let mut e = dated();
    doc(&mut e, "dateOfBirth", "2001-01-01"); // 20
    let strict = Policy::from_toml("minimum_age = 21").unwrap();
    let v = judge(&e, &strict).unwrap();
    // The stricter age changes the status under the policy; the record's
    // check is judged by the default rules, so it contradicts nothing.
    assert_eq!(v.decision.status, eid_archive::Status::Rejected);
    assert_eq!(v.default_status, Some(eid_archive::Status::Accepted));
    assert!(
        v.findings
            .iter()
            .any(|f| f.code == FindingCode::PolicyChange)
    );
    assert!(
        !v.findings
            .iter()
            .any(|f| f.code == FindingCode::CheckContradictsData)
    );
    assert!(of(&e, FindingCode::CheckContradictsData).is_empty());
}

#[test]
fn verification_date_order_updated_then_completion_then_created_never_the_review() {
    let mut e = dated();
    e.process.as_mut().unwrap().created_at = Some("2021-01-01T00:00:00Z".into());
    let v = judge(&e, &Policy::default()).unwrap();
    assert_eq!(v.verification_date.unwrap().source.as_str(), "updatedAt");
    // On a reviewed process `updatedAt` is when the agent registered the
    // verification: the automatic checks are judged on the capture day.
    let m = with_manual(e.clone(), &[]);
    let v = judge(&m, &Policy::default()).unwrap();
    assert_eq!(
        (
            v.verification_date.unwrap().date.to_string(),
            v.verification_date.unwrap().source.as_str()
        ),
        ("2021-01-01".into(), "createdAt")
    );
    assert_eq!(
        v.review.unwrap().date.map(|d| d.to_string()).as_deref(),
        Some("2021-06-10")
    );
    e.process.as_mut().unwrap().updated_at = None;
    e.ocr.as_mut().unwrap().completion_date = eid_archive::Date::parse("2021-03-03");
    assert_eq!(
        judge(&e, &Policy::default())
            .unwrap()
            .verification_date
            .unwrap()
            .source
            .as_str(),
        "completion.date"
    );
    e.ocr.as_mut().unwrap().completion_date = None;
    assert_eq!(
        judge(&e, &Policy::default())
            .unwrap()
            .verification_date
            .unwrap()
            .source
            .as_str(),
        "createdAt"
    );
}

#[test]
fn without_any_date_the_date_checks_are_skipped_with_an_info() {
    let mut e = clean();
    doc(&mut e, "dateOfExpiry", "2000-01-01");
    let f = of(&e, FindingCode::NoVerificationDate);
    assert_eq!((f.len(), f[0].severity), (1, Severity::Info));
    assert!(of(&e, FindingCode::CheckContradictsData).is_empty());
}

#[test]
fn an_unparseable_date_field_is_reported_not_compared() {
    let mut e = dated();
    doc(&mut e, "dateOfExpiry", "05/10/2025");
    let f = of(&e, FindingCode::MalformedEvidence);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].subject, "dateOfExpiry");
}

#[test]
fn field_mismatch_across_ocr_manual_and_final_result() {
    let mut e = with_manual(dated(), &[]);
    doc(&mut e, "documentNumber", "AB123");
    doc(&mut e, "lastName", "Tester");
    let m = e.manual.as_mut().unwrap();
    m.document.insert("documentNumber".into(), "AB124".into());
    m.document.insert("lastName".into(), "  TESTER ".into()); // same after trim and case folding
    let fr = e.process.as_mut().unwrap().final_result.as_mut().unwrap();
    fr.document.insert("documentNumber".into(), "AB123".into());
    let f = of(&e, FindingCode::FieldMismatch);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].subject, "documentNumber");
    assert_eq!(
        f[0].message,
        "documentNumber differs: ocr ≠ manualApproval, manualApproval ≠ finalResult"
    );
    assert!(
        !f[0].message.contains("AB12"),
        "values must not leak into findings"
    );
}

#[test]
fn missing_media() {
    let mut e = with_process(clean(), "accepted", "substantial");
    e.ocr.as_mut().unwrap().features.push(feature(
        "Barcode",
        Some(true),
        Some("back"),
        Some(BBox::new(1, 1, 5, 5)),
    ));
    let subjects: Vec<String> = of(&e, FindingCode::MissingMedia)
        .into_iter()
        .map(|f| f.subject)
        .collect();
    assert_eq!(subjects, vec!["front", "selfie", "back"]);
    // no similarity computed: a missing selfie is not a finding
    e.ocr.as_mut().unwrap().similarity = None;
    let e = with_media(
        with_media(e, Depiction::Front, 100, 100),
        Depiction::Back,
        100,
        100,
    );
    assert!(of(&e, FindingCode::MissingMedia).is_empty());
}

fn with_feature(side: Option<&str>, bbox: Option<BBox>) -> Evidence {
    let mut e = dated();
    e.ocr.as_mut().unwrap().features = vec![feature("Photo", Some(true), side, bbox)];
    e
}

#[test]
fn boxes_out_of_bounds_empty_missing_or_on_an_unknown_side() {
    let out = with_feature(Some("data"), Some(BBox::new(600, 380, 100, 40)));
    let f = of(&out, FindingCode::BBoxOutOfBounds);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("leaves the 640×400 front image"),
        "{}",
        f[0].message
    );
    let neg = with_feature(Some("front"), Some(BBox::new(-1, 0, 10, 10)));
    assert_eq!(of(&neg, FindingCode::BBoxOutOfBounds).len(), 1);
    let inside = with_feature(Some("data"), Some(BBox::new(540, 360, 100, 40)));
    assert!(findings(&inside).is_empty(), "{:?}", findings(&inside));

    let empty = with_feature(Some("data"), Some(BBox::new(10, 10, 0, 40)));
    assert_eq!(of(&empty, FindingCode::BBoxEmpty).len(), 1);
    assert!(of(&empty, FindingCode::BBoxOutOfBounds).is_empty());

    let no_box = with_feature(Some("data"), None);
    assert_eq!(of(&no_box, FindingCode::BBoxMissing).len(), 1);

    let odd = with_feature(Some("left"), Some(BBox::new(1, 1, 1, 1)));
    assert_eq!(of(&odd, FindingCode::UnknownSide).len(), 1);
}

#[test]
fn undecodable_media_is_reported() {
    let mut e = dated();
    e.media[0].dimensions = None;
    e.media[0].problem = Some("header cannot be read".into());
    let f = of(&e, FindingCode::UndecodableMedia);
    assert_eq!((f.len(), f[0].subject.as_str()), (1, "front.jpeg"));
}

#[test]
fn liveness_flag_and_check_disagree() {
    let mut e = dated();
    e.ocr.as_mut().unwrap().liveness_detected = Some(false);
    let f = of(&e, FindingCode::LivenessDisagreement);
    assert_eq!(f.len(), 1);
    e.ocr.as_mut().unwrap().liveness_detected = Some(true);
    assert!(of(&e, FindingCode::LivenessDisagreement).is_empty());
    e.process
        .as_mut()
        .unwrap()
        .final_result
        .as_mut()
        .unwrap()
        .liveness_detected = Some(false);
    assert_eq!(
        of(&e, FindingCode::LivenessDisagreement)[0].subject,
        "finalResult.livenessDetected"
    );
}

#[test]
fn final_result_unexpected_both_ways() {
    let mut e = dated();
    e.process.as_mut().unwrap().final_result = None;
    assert_eq!(of(&e, FindingCode::FinalResultUnexpected).len(), 1);
    let mut r = with_process(
        ocr(&[("nonExpired", Some(false))], Some("high"), &[]),
        "rejected",
        "substantial",
    );
    r.process.as_mut().unwrap().final_result = Some(FinalResult::default());
    let f = of(&r, FindingCode::FinalResultUnexpected);
    assert!(f[0].message.contains("rejected"), "{}", f[0].message);
}

#[test]
fn drift_becomes_unknown_and_malformed_evidence() {
    let mut e = dated();
    e.drift.push(Drift::new(
        DriftKind::Unknown,
        "ocr.json: newKey",
        "unknown key",
    ));
    e.drift.push(Drift::new(
        DriftKind::Malformed,
        "ocr.json: found",
        "wrong type",
    ));
    let f = findings(&e);
    assert_eq!(
        f.iter().map(|f| (f.severity, f.code)).collect::<Vec<_>>(),
        vec![
            (Severity::Info, FindingCode::UnknownEvidence),
            (Severity::Warning, FindingCode::MalformedEvidence)
        ]
    );
}
