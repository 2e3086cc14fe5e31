//! Inputs that read two ways or cost out of proportion to their size
//! (`eid_testkit::amplify`), each with its exact outcome. The committed ones
//! are read from `testdata/hostile/`; the megabyte ones are built here. Their
//! memory, measured through the binary, is in the CLI tests.

use super::support;
use eid_archive::crops::{self, CropOptions, CropOutcome, NotCut};
use eid_archive::{Ambiguity, Archive, Audit, AuditOptions, ErrorKind, FindingCode, Status};
use eid_testkit::amplify;
use std::path::Path;

fn committed(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/hostile")
            .join(name),
    )
    .unwrap()
}

fn audit(label: &str, zip: Vec<u8>) -> Audit {
    Audit::of_archive(
        &mut support::open(label, zip).unwrap(),
        &AuditOptions::default(),
    )
    .unwrap()
}

/// `(subject, message)` of the findings with `code`.
fn findings(a: &Audit, code: FindingCode) -> Vec<(String, String)> {
    a.verdict
        .findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| (f.subject.clone(), f.message.clone()))
        .collect()
}

#[test]
fn the_committed_set_is_what_the_testkit_builds() {
    for (name, bytes) in amplify::committed_set() {
        assert_eq!(
            committed(name),
            bytes,
            "{name}: regenerate testdata/hostile"
        );
    }
}

#[test]
fn a_repeated_json_key_is_refused_naming_the_key_and_the_object() {
    let e = support::open(
        "json-duplicate-key.zip",
        committed("json-duplicate-key.zip"),
    )
    .unwrap_err();
    match e.kind() {
        ErrorKind::Ambiguous(Ambiguity::DuplicateKey { key, path }) => {
            assert_eq!(
                (key.as_str(), path.as_str()),
                ("\"valid\"", "securityChecks.nonExpired")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        e.to_string(),
        "json-duplicate-key.zip: eid-ocr.json: ambiguous archive: the key \"valid\" appears \
         twice in securityChecks.nonExpired; parsers differ on which value counts"
    );
}

#[test]
fn a_check_saying_valid_and_not_passed_has_no_result_and_rejects() {
    let a = audit("two.zip", committed("check-says-two-things.zip"));
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(
        support::reason_codes(&a),
        ["SecurityCheckUnreadable/dataIntegrity"]
    );
    assert!(
        findings(&a, FindingCode::MalformedEvidence).contains(&(
            "eid-ocr.json: securityChecks.dataIntegrity".into(),
            "valid and passed disagree; the check has no readable result".into()
        )),
        "{:#?}",
        a.verdict.findings
    );
    assert_eq!(a.verdict.agrees, Some(false));
}

#[test]
fn five_million_empty_features_are_counted_not_kept() {
    let a = audit("blank.zip", committed("features-5000000-blank.zip"));
    // The provider's empty entry says nothing, so the decision stands; the
    // thousands of them are said, with their exact number.
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(a.features().len(), 1000);
    assert_eq!(
        findings(&a, FindingCode::MalformedEvidence),
        [(
            "eid-ocr.json: features".to_owned(),
            "more than 1000 features; the other 4999000 are empty entries, skipped".to_owned()
        )]
    );
}

#[test]
fn a_million_unreadable_checks_make_a_thousand_and_one_and_exact_counts() {
    let a = audit("checks.zip", amplify::unreadable_checks(1_100_000));
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    let checks = &a.evidence.ocr.as_ref().unwrap().checks;
    assert_eq!(checks.len(), 1001);
    assert_eq!(checks[1000].name, "securityChecks");
    assert!(checks.iter().all(|c| c.valid.is_none()));
    assert_eq!(a.verdict.decision.reasons.len(), 1001);
    let malformed = findings(&a, FindingCode::MalformedEvidence);
    // 100 listed, then the note that sums up the rest, then the count of
    // those not listed: every number exact.
    assert_eq!(malformed.len(), 102);
    assert!(malformed.contains(&(
        "eid-ocr.json: securityChecks".into(),
        "more than 1000 checks; the other 1099000 were not read one by one and cannot count".into()
    )));
    assert!(malformed.contains(&(
        "eid-ocr.json".into(),
        "and 1900 more like the above in this member (2000 in all), not listed one by one".into()
    )));
    let unknown = findings(&a, FindingCode::UnknownEvidence);
    assert_eq!(unknown.len(), 101);
    assert_eq!(
        unknown[100].1,
        "and 900 more like the above in this member (1000 in all), not listed one by one"
    );
}

#[test]
fn a_million_unknown_keys_in_one_object_are_one_finding() {
    let a = audit("keys.zip", amplify::unknown_keys(1_000_000));
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    assert_eq!(
        findings(&a, FindingCode::UnknownEvidence),
        [(
            "eid-ocr.json: futureBlock".to_owned(),
            "unknown key (an object) kept out of the decision".to_owned()
        )]
    );
}

#[test]
fn a_256_kb_key_is_one_finding_with_the_key_whole() {
    let a = audit("key.zip", committed("key-256kb.zip"));
    let unknown = findings(&a, FindingCode::UnknownEvidence);
    assert_eq!(unknown.len(), 1);
    assert_eq!(
        unknown[0].0,
        format!("eid-ocr.json: {}", "K".repeat(256 << 10))
    );
}

#[test]
fn sixty_thousand_same_name_features_read_a_thousand_named_linearly() {
    let mut archive = support::open("same.zip", committed("features-60000-same-name.zip")).unwrap();
    let a = Audit::of_archive(&mut archive, &AuditOptions::default()).unwrap();
    assert_eq!(a.verdict.decision.status, Status::Inconclusive);
    assert_eq!(support::reason_codes(&a), ["FeatureUnreadable/features"]);
    assert!(findings(&a, FindingCode::MalformedEvidence).contains(&(
        "eid-ocr.json: features".into(),
        "more than 1000 features; the other 59000 were not read one by one and cannot count".into()
    )));
    let out = tempfile::tempdir().unwrap();
    let c = crops::write(&mut archive, &a, out.path(), &CropOptions::default()).unwrap();
    let files: Vec<&str> = c
        .features
        .iter()
        .filter_map(|f| match &f.outcome {
            CropOutcome::Cut { file, .. } => Some(file.as_str()),
            CropOutcome::NotCut(_) => None,
        })
        .collect();
    assert_eq!(files.len(), 1000);
    assert_eq!(files[0], "data-photo.png");
    assert_eq!(files[1], "data-photo-2.png");
    assert_eq!(files[999], "data-photo-1000.png");
    assert!(matches!(
        c.features[1000].outcome,
        CropOutcome::NotCut(NotCut::Unreadable)
    ));
}

#[test]
fn giant_boxes_over_a_giant_jpeg_cut_two_then_the_budget_says_which_were_not() {
    let mut archive = support::open("boxes.zip", committed("jpeg-11999-boxes-8.zip")).unwrap();
    let a = Audit::of_archive(&mut archive, &AuditOptions::default()).unwrap();
    assert_eq!(findings(&a, FindingCode::BBoxOutOfBounds).len(), 8);
    let out = tempfile::tempdir().unwrap();
    let c = crops::write(&mut archive, &a, out.path(), &CropOptions::default()).unwrap();
    let cut: Vec<(u32, u32, u32, u32)> = c
        .features
        .iter()
        .filter_map(|f| match &f.outcome {
            CropOutcome::Cut { region, .. } => Some(*region),
            CropOutcome::NotCut(_) => None,
        })
        .collect();
    assert_eq!(cut, [(0, 0, 11_999, 11_999); 2]);
    let over: Vec<&str> = c
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::CropBudget)
        .map(|f| f.subject.as_str())
        .collect();
    assert_eq!(over, ["Box 2", "Box 3", "Box 4", "Box 5", "Box 6", "Box 7"]);
}

#[test]
fn a_gigabyte_of_png_metadata_is_not_inflated() {
    let mut archive = support::open("meta.zip", committed("png-metadata-1gib.zip")).unwrap();
    let a = Audit::of_archive(&mut archive, &AuditOptions::default()).unwrap();
    assert_eq!(a.verdict.decision.status, Status::Accepted);
    let out = tempfile::tempdir().unwrap();
    let c = crops::write(&mut archive, &a, out.path(), &CropOptions::default()).unwrap();
    // The pixels decode (the profile and the comment are skipped, not
    // inflated); every feature is cut as from the plain image.
    assert!(c.findings.is_empty(), "{:#?}", c.findings);
    assert_eq!(
        c.features
            .iter()
            .filter(|f| matches!(f.outcome, CropOutcome::Cut { .. }))
            .count(),
        5
    );
}

#[test]
fn escape_sequences_in_names_are_kept_as_data_and_the_member_is_unsafe() {
    let mut archive: Archive =
        support::open("ansi.zip", committed("escape-sequences.zip")).unwrap();
    let a = Audit::of_archive(&mut archive, &AuditOptions::default()).unwrap();
    assert_eq!(a.process_id, format!("p{}", amplify::ANSI_LIE));
    assert_eq!(
        findings(&a, FindingCode::UnsafeMemberName),
        [(
            format!("notes{}.txt", amplify::ANSI_LIE),
            "member name contains control characters; it is listed but never used as a path"
                .to_owned()
        )]
    );
}

#[test]
fn exhibits_held_in_memory_stop_at_their_cap_with_a_finding() {
    // 5000 × 5000 px of noise: each whole-image crop is a PNG of about 75 MB.
    let zip = amplify::noisy_boxes(5000, 8);
    let mut archive = support::open("noise.zip", zip).unwrap();
    let a = Audit::of_archive(&mut archive, &AuditOptions::default()).unwrap();
    let (c, held) = crops::hold(&mut archive, &a, &CropOptions::default()).unwrap();
    let total: usize = held.iter().map(|(_, b)| b.len()).sum();
    assert!(total <= 128 << 20, "{total} bytes held");
    // The original, the first crop and the annotation are kept; the second
    // crop would pass the cap, so it is named in a finding, never half kept
    // (the budget refuses the rest).
    let names: Vec<&str> = held.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["front.jpeg", "data-box-0.png", "front-annotated.svg"],
        "{:?}",
        held.iter().map(|(n, b)| (n, b.len())).collect::<Vec<_>>()
    );
    let not_written: Vec<&str> = c
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::CropsNotWritten)
        .map(|f| f.subject.as_str())
        .collect();
    assert_eq!(not_written, ["data-box-1.png"]);
}
