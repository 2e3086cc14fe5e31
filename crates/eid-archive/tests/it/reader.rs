//! The reader on archives built here by hand from the provider page and the
//! Assure schemas (not from eid-testkit's cases): both dialects, agent review,
//! every layout `docs/archive-format.md` accepts, and the refusals.

use super::support::{jpeg, limits, open, open_with, png, zip_of};
use eid_archive::evidence::{Depiction, Dialect, DriftKind, Source};
use eid_archive::{
    Ambiguity, Audit, AuditOptions, ErrorKind, FindingCode, Measure, MemberKind, ProcessSource,
    ReadOptions, Sized, Status,
};

fn audit(zip: Vec<u8>) -> Audit {
    let mut a = open("hand.zip", zip).unwrap_or_else(|e| panic!("{e}"));
    Audit::of_archive(&mut a, &AuditOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn open_err(zip: Vec<u8>) -> eid_archive::Error {
    open("bad.zip", zip).expect_err("must be refused")
}

fn reasons(a: &Audit) -> Vec<String> {
    super::support::reason_codes(a)
}

const SEED_ACCEPTED: &str = r#"{
  "status": "accepted",
  "processId": "e0dea380-4219-4388-81bb-61a56ed73ef3",
  "provider": "eid",
  "providerSpecific": {
    "ocr": {
      "similarityScore": "high",
      "livenessDetected": "true",
      "features": [
        {"name": "Header", "found": true, "bbox": {"x": 84, "y": 28, "width": 248, "height": 32}, "side": "data"},
        {"name": "OVI 2", "found": true, "bbox": {"x": 596, "y": 44, "width": 32, "height": 24}, "side": "data"},
        {"name": "Signature", "found": true, "bbox": {"x": 402, "y": 273, "width": 217, "height": 60}, "side": "data"},
        {"name": "Photo", "found": true, "bbox": {"x": 32, "y": 168, "width": 141, "height": 141}, "side": "data"},
        {"name": "OVI 1", "found": true, "bbox": {"x": 12, "y": 44, "width": 72, "height": 80}, "side": "data"}
      ],
      "securityChecks": {
        "nonExpired": {"valid": true}, "notUnderage": {"valid": true}, "dataIntegrity": {"valid": true},
        "livenessDetected": {"valid": true}, "notFaceSpoofing": {"valid": true}, "notBWCopy": {"valid": true}
      },
      "documentNumber": "1234567890", "dateOfExpiry": "2025-10-05", "firstName": "MARIA PAULA",
      "lastName": "SANTOS MENDES", "documentType": "passport", "dateOfBirth": "2002-04-29", "gender": "F",
      "nationality": "PRT", "personalIdentificationNumber": "FANTASYBANK1234567890", "issuingCountry": "PRT"
    }
  },
  "processType": "substantial",
  "createdAt": "2021-06-09T10:04:42Z",
  "updatedAt": "2021-06-09T10:05:41Z"
}"#;

const SEED_REJECTED_OCR: &str = r#"{
  "features": [],
  "securityChecks": {
    "nonExpired": {"valid": false}, "notUnderage": {"valid": true}, "dataIntegrity": {"valid": true},
    "livenessDetected": {"valid": true}, "notFaceSpoofing": {"valid": true}, "sidesMatch": {"valid": true},
    "notBWCopy": {"valid": true}
  },
  "socialSecurityNumber": "11926318740", "healthNumber": "1234567890", "taxNumber": "199693803",
  "similarityScore": "high", "livenessDetected": "true", "documentNumber": "1234567890",
  "dateOfExpiry": "2020-07-08", "firstName": "MARIA PAULA", "lastName": "SANTOS MENDES",
  "documentType": "identityCard", "dateOfBirth": "2002-04-29", "gender": "F", "nationality": "PRT",
  "personalIdentificationNumber": "FANTASYBANK1234567890", "issuingCountry": "PRT"
}"#;

const SEED_REJECTED_PROCESS: &str = r#"{"status": "rejected", "processId": "1cc14545-0396-4cbe-8501-8f2461a91dfe",
  "provider": "eid", "processType": "substantial", "createdAt": "2021-06-09T10:37:10Z", "updatedAt": "2021-06-09T10:38:04Z"}"#;

const SEED_INCONCLUSIVE_OCR: &str = r#"{
  "similarityScore": "verylow", "livenessDetected": "true",
  "features": [
    {"name": "Header", "found": true, "bbox": {"x": 85, "y": 37, "width": 249, "height": 33}, "side": "data"},
    {"name": "OVI 2", "found": false, "side": "data"},
    {"name": "Signature", "found": true, "bbox": {"x": 392, "y": 281, "width": 202, "height": 65}, "side": "data"},
    {"name": "Photo", "found": true, "bbox": {"x": 44, "y": 178, "width": 141, "height": 141}, "side": "data"},
    {"name": "OVI 1", "found": false, "side": "data"}
  ],
  "securityChecks": {
    "nonExpired": {"valid": true}, "notUnderage": {"valid": true}, "dataIntegrity": {"valid": true},
    "livenessDetected": {"valid": true}, "notFaceSpoofing": {"valid": true}, "notBWCopy": {"valid": true}
  },
  "documentNumber": "1234567890", "dateOfExpiry": "2025-10-05", "documentType": "passport", "dateOfBirth": "2002-04-29"
}"#;

const SEED_FAILED: &str = r#"{
  "status": "failed", "processId": "4644c061-e229-449a-b4db-643c7403bbdc", "provider": "eid",
  "processType": "substantial", "createdAt": "2021-04-15T08:25:04Z", "updatedAt": "2021-04-15T08:28:57Z",
  "failReason": {"id": "8ea0e55f-385f-47b7-a401-ef1db467a625", "type": "InactiveUser.Aborted",
                 "message": "There has been no interaction with the video"}
}"#;

#[test]
fn seed_accepted_process_record_alone_is_accepted_and_reports_what_is_missing() {
    let a = audit(zip_of(&[("process.json", SEED_ACCEPTED.as_bytes())]));
    assert_eq!(a.process_id, "e0dea380-4219-4388-81bb-61a56ed73ef3");
    assert_eq!(
        (a.verdict.decision.status, a.verdict.agrees),
        (Status::Accepted, Some(true))
    );
    assert_eq!(a.checks().len(), 6);
    assert_eq!(a.features().len(), 5);
    let ocr = a.evidence.ocr.as_ref().unwrap();
    assert_eq!(ocr.liveness_detected, Some(true));
    assert!(matches!(&ocr.source, Source::Embedded(s) if s.contains("providerSpecific.ocr")));
    let codes: Vec<(FindingCode, &str)> = a
        .verdict
        .findings
        .iter()
        .map(|f| (f.code, f.subject.as_str()))
        .collect();
    assert_eq!(
        codes,
        vec![
            (FindingCode::MissingMedia, "front"),
            (FindingCode::MissingMedia, "selfie"),
            (FindingCode::FinalResultUnexpected, "finalResult"),
        ]
    );
}

#[test]
fn seed_rejected_from_separate_files_in_any_order() {
    let a = audit(zip_of(&[
        ("x/7f3a.json", SEED_REJECTED_OCR.as_bytes()),
        ("front.jpeg", &jpeg(64, 40)),
        ("back.jpeg", &jpeg(64, 40)),
        ("selfie.jpeg", &jpeg(24, 32)),
        ("meta/process.json", SEED_REJECTED_PROCESS.as_bytes()),
    ]));
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(reasons(&a), vec!["SecurityCheckFailed/nonExpired"]);
    assert_eq!(a.verdict.agrees, Some(true));
    // the expired check agrees with the data: no contradiction, and nothing else to say
    assert_eq!(a.verdict.findings, vec![]);
    assert_eq!(
        a.evidence.ocr.as_ref().unwrap().document["taxNumber"],
        "199693803"
    );
}

#[test]
fn seed_inconclusive() {
    let a = audit(zip_of(&[
        ("ocr.JSON", SEED_INCONCLUSIVE_OCR.as_bytes()),
        ("FRONT.JPG", &jpeg(640, 404)),
    ]));
    assert_eq!(a.verdict.decision.status, Status::Inconclusive);
    assert_eq!(
        reasons(&a),
        vec![
            "SimilarityNotHigh/veryLow",
            "FeatureNotFound/OVI 2",
            "FeatureNotFound/OVI 1"
        ]
    );
    // a data file is classified by content, whatever its name says
    assert_eq!(
        a.members[0].kind,
        MemberKind::Json(eid_archive::JsonKind::OcrAssure)
    );
    assert_eq!(a.verdict.agrees, None);
    assert_eq!(
        a.process_id, "hand",
        "falls back to the archive's file stem"
    );
}

#[test]
fn seed_failed() {
    let a = audit(zip_of(&[("process.json", SEED_FAILED.as_bytes())]));
    assert_eq!(a.verdict.decision.status, Status::Failed);
    assert_eq!(reasons(&a), vec!["ProcessFailed/InactiveUser.Aborted"]);
    assert_eq!(a.verdict.agrees, Some(true));
    assert_eq!(a.verdict.findings, vec![]);
}

#[test]
fn fail_reason_in_the_category_shape() {
    let json = r#"{"status": "failed", "processId": "p", "failReason": {"category": "Device", "reason": "CameraDenied", "message": "m"}}"#;
    let a = audit(zip_of(&[("p.json", json.as_bytes())]));
    assert_eq!(reasons(&a), vec!["ProcessFailed/Device.CameraDenied"]);
}

const NATIVE: &str = r#"{
  "id": "native-0001", "process": "ID_VERIFICATION", "status": "rejected", "tenantId": "t",
  "request": {"date": 1623232000000, "minSimilarityLevel": "Medium"},
  "completion": {"date": 1623233082000},
  "document": {
    "type": "IdCard", "issuer": "ESP", "expiryDate": 1924905600000, "documentNumber": "ZZ0000001",
    "subject": {"primaryName": "SAMPLE", "secondaryName": "ROBIN", "birthDate": "1980-01-02", "sex": "M",
                "nationality": "ESP", "personalNumber": "00000000T"}
  },
  "biometrics": {"face": {"similarityLevel": "VeryLow"}},
  "features": {
    "photo": {"name": "photo", "found": true, "bbox": {"x": 10, "y": 10, "width": 50, "height": 60}, "side": "front"},
    "hologram": {"found": false, "side": "back"}
  },
  "securityChecks": {
    "nonExpired": {"name": "nonExpired", "passed": true},
    "liveness": {"name": "liveness", "passed": true},
    "initialsMatch": {"name": "initialsMatch", "passed": false}
  }
}"#;

#[test]
fn native_dialect_is_mapped_into_the_same_model() {
    let a = audit(zip_of(&[
        ("result.json", NATIVE.as_bytes()),
        ("front.png", &png(100, 80)),
        ("selfie.jpeg", &jpeg(10, 10)),
    ]));
    let ocr = a.evidence.ocr.as_ref().unwrap();
    assert_eq!(ocr.dialect, Dialect::Native);
    assert_eq!(a.process_id, "native-0001");
    assert_eq!(ocr.document["lastName"], "SAMPLE");
    assert_eq!(ocr.document["dateOfExpiry"], "2030-12-31");
    assert_eq!(ocr.completion_date.unwrap().to_string(), "2021-06-09");
    assert_eq!(
        ocr.features[1].name.as_deref(),
        Some("hologram"),
        "the key names a feature without a name"
    );
    assert_eq!(a.verdict.decision.status, Status::Rejected);
    assert_eq!(
        reasons(&a),
        vec![
            "SecurityCheckFailed/initialsMatch",
            "SimilarityNotHigh/veryLow",
            "FeatureNotFound/hologram"
        ]
    );
    assert_eq!(
        a.verdict.agrees,
        Some(true),
        "a native status that is an Assure word is the record"
    );
    assert_eq!(
        a.evidence
            .media_of(Depiction::Front)
            .unwrap()
            .dimensions
            .unwrap()
            .width,
        100
    );
}

const MANUAL_REJECT: &str = r#"{
  "duration": "31", "firstName": "ROBIN", "lastName": "SAMPLE", "documentNumber": "AB0000002",
  "videoId": "v", "verificationId": "vid", "verifierId": "agent-7", "verificationDate": "2021-06-10T08:00:00Z",
  "rauthorityId": "ra", "rejectionReasons": [{"type": "Photo.DoesNotMatchPerson", "message": "not the same person"}]
}"#;

#[test]
fn manual_approval_with_the_lower_case_authority_spelling() {
    let ocr = r#"{"similarityScore": "high", "securityChecks": {"nonExpired": {"valid": true}}, "features": [], "documentNumber": "AB0000001"}"#;
    let process = r#"{"processId": "m-1", "status": "rejected", "processType": "high"}"#;
    let a = audit(zip_of(&[
        ("a.json", ocr.as_bytes()),
        ("b.json", MANUAL_REJECT.as_bytes()),
        ("c.json", process.as_bytes()),
        ("front.jpeg", &jpeg(20, 20)),
        ("selfie.jpeg", &jpeg(20, 20)),
    ]));
    let m = a.evidence.manual.as_ref().unwrap();
    assert_eq!(m.r_authority_id.as_deref(), Some("ra"));
    assert_eq!(a.verdict.automatic.status, Status::Accepted);
    assert_eq!(
        reasons(&a),
        vec!["ManualRejection/Photo.DoesNotMatchPerson"]
    );
    assert_eq!(a.verdict.agrees, Some(true));
    let mismatch: Vec<_> = a
        .verdict
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::FieldMismatch)
        .collect();
    assert_eq!(mismatch.len(), 1);
    assert_eq!(mismatch[0].subject, "documentNumber");
}

#[test]
fn schema_drift_is_kept_and_reported() {
    let ocr = r#"{"similarityScore": 7, "securityChecks": {"nonExpired": {"valid": "yes"}, "futureCheck": {"valid": true}},
      "features": [{}, {"name": "Header", "found": "yes"}, {"name": "Photo", "found": true, "side": "data",
                    "bbox": {"x": -5, "y": "1", "width": 10, "height": 99999999999}}],
      "brandNewField": {"a": 1}}"#;
    let a = audit(zip_of(&[
        ("ocr.json", ocr.as_bytes()),
        ("notes.txt", b"hello"),
    ]));
    let subjects: Vec<(DriftKind, &str)> = a
        .evidence
        .drift
        .iter()
        .map(|d| (d.kind, d.subject.as_str()))
        .collect();
    for expected in [
        (DriftKind::Malformed, "ocr.json: similarityScore"),
        (
            DriftKind::Malformed,
            "ocr.json: securityChecks.nonExpired.valid",
        ),
        (DriftKind::Unknown, "ocr.json: securityChecks.futureCheck"),
        (DriftKind::Malformed, "ocr.json: features[1].found"),
        (DriftKind::Malformed, "ocr.json: features[2].bbox.y"),
        (DriftKind::Malformed, "ocr.json: features[2].bbox.height"),
        (DriftKind::Unknown, "ocr.json: brandNewField"),
        (DriftKind::Unknown, "notes.txt"),
    ] {
        assert!(
            subjects.contains(&expected),
            "missing {expected:?} in {subjects:#?}"
        );
    }
    // the unreadable check cannot pass; the numeric similarity is not high; the
    // entry whose found flag is not a boolean cannot count as found
    assert_eq!(
        reasons(&a),
        vec![
            "SecurityCheckUnreadable/nonExpired",
            "SimilarityNotHigh/unreadable",
            "FeatureUnreadable/Header"
        ]
    );
    assert_eq!(a.verdict.decision.status, Status::Rejected);
}

#[test]
fn process_record_beside_the_archive_and_given_explicitly() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("v1.zip");
    std::fs::write(&zip, zip_of(&[("ocr.json", SEED_REJECTED_OCR.as_bytes())])).unwrap();
    let no_record = Audit::of_file(&zip, &AuditOptions::default()).unwrap();
    assert_eq!(no_record.verdict.agrees, None);

    std::fs::write(dir.path().join("v1.json"), SEED_REJECTED_PROCESS).unwrap();
    let beside = Audit::of_file(&zip, &AuditOptions::default()).unwrap();
    assert_eq!(beside.process_id, "1cc14545-0396-4cbe-8501-8f2461a91dfe");
    assert_eq!(beside.verdict.agrees, Some(true));
    assert!(matches!(
        beside.evidence.process.as_ref().unwrap().source,
        Some(Source::File(_))
    ));

    let other = dir.path().join("elsewhere.json");
    std::fs::write(
        &other,
        SEED_REJECTED_PROCESS.replace("\"rejected\"", "\"accepted\""),
    )
    .unwrap();
    let opts = AuditOptions::default()
        .with_read(ReadOptions::default().with_process(ProcessSource::File(other.clone())));
    let explicit = Audit::of_file(&zip, &opts).unwrap();
    assert_eq!(explicit.verdict.agrees, Some(false));

    std::fs::write(&other, SEED_REJECTED_OCR).unwrap();
    let opts = AuditOptions::default()
        .with_read(ReadOptions::default().with_process(ProcessSource::File(other)));
    let err = Audit::of_file(&zip, &opts).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NotAProcessRecord), "{err}");
    assert!(
        err.to_string()
            .contains("elsewhere.json: process record: not an Assure process record"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_record_beside_that_is_not_a_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("v3.zip");
    std::fs::write(&zip, zip_of(&[("ocr.json", SEED_REJECTED_OCR.as_bytes())])).unwrap();
    let beside = dir.path().join("v3.json");
    let expect = |what: &str| {
        let err = Audit::of_file(&zip, &AuditOptions::default()).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::ProcessRecordUnreadable(_)),
            "{err}"
        );
        assert_eq!(err.code(), "ProcessRecord");
        let line = err.to_string();
        assert!(
            line.contains("v3.json: process record: ") && line.contains(what),
            "{line}"
        );
    };
    std::fs::create_dir(&beside).unwrap();
    expect("it is a folder, not a file");
    std::fs::remove_dir(&beside).unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone.json"), &beside).unwrap();
    expect("a link to nothing");
    std::fs::remove_file(&beside).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&beside).status();
    if made.is_ok_and(|s| s.success()) {
        // Opened, a pipe with no writer would block the audit for ever.
        expect("it is a named pipe, not a file");
    } else {
        eprintln!("SKIP: mkfifo is not available here");
    }
}

#[test]
fn a_process_record_inside_and_beside_that_disagree_is_ambiguous() {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("v2.zip");
    std::fs::write(
        &zip,
        zip_of(&[
            ("ocr.json", SEED_REJECTED_OCR.as_bytes()),
            ("p.json", SEED_REJECTED_PROCESS.as_bytes()),
        ]),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("v2.json"),
        SEED_REJECTED_PROCESS.replace("\"rejected\"", "\"accepted\""),
    )
    .unwrap();
    let err = Audit::of_file(&zip, &AuditOptions::default()).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::Ambiguous(Ambiguity::ProcessRecordsDisagree { .. })
        ),
        "{err}"
    );
}

#[test]
fn refusals_name_the_archive_and_member() {
    let e = open_err(b"this is not a zip".to_vec());
    assert!(matches!(e.kind(), ErrorKind::NotAZip(_)));
    assert_eq!(e.code(), "NotAZip");
    assert_eq!(
        e.to_string(),
        "bad.zip: not a zip archive: it begins with the bytes 74 68 69 73"
    );

    let e = open_err(zip_of(&[("raw/ocr.json", b"{\"securityChecks\": {")]));
    assert!(matches!(e.kind(), ErrorKind::Json(_)));
    assert!(
        e.to_string()
            .starts_with("bad.zip: raw/ocr.json: invalid JSON"),
        "{e}"
    );

    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(5000), "]".repeat(5000));
    let e = open_err(zip_of(&[("deep.json", deep.as_bytes())]));
    assert!(
        matches!(e.kind(), ErrorKind::JsonTooDeep { limit: 128 }),
        "{e}"
    );

    let e = open_err(zip_of(&[
        ("a.json", SEED_REJECTED_OCR.as_bytes()),
        ("b.json", SEED_INCONCLUSIVE_OCR.as_bytes()),
    ]));
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Ambiguous(Ambiguity::SeveralMembers { .. })
        ),
        "{e}"
    );
    assert!(e.to_string().contains("a.json, b.json"), "{e}");

    let e = open_err(zip_of(&[
        ("a/front.jpeg", &jpeg(4, 4)),
        ("b/FRONT.png", &png(4, 4)),
    ]));
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Ambiguous(Ambiguity::SeveralImages {
                depiction: "front",
                ..
            })
        ),
        "{e}"
    );
}

#[test]
fn declared_and_total_limits() {
    let small = limits(|l| l.max_json_bytes = 100);
    let e = open_with(
        "l.zip",
        zip_of(&[("ocr.json", SEED_REJECTED_OCR.as_bytes())]),
        small,
    )
    .unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::TooLarge {
                limit: 100,
                measured: Measure::Declared,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("ocr.json: declared size of a JSON member is over the limit of 100 bytes"),
        "{e}"
    );

    let total = limits(|l| l.max_total_bytes = 500);
    let e = open_with(
        "t.zip",
        zip_of(&[("ocr.json", SEED_REJECTED_OCR.as_bytes())]),
        total,
    )
    .unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::TooLarge {
                what: Sized::WholeArchive,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("inflated bytes of the whole archive"),
        "{e}"
    );

    let few = limits(|l| l.max_members = 1);
    let e = open_with("m.zip", zip_of(&[("a", b"1"), ("b", b"2")]), few).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::TooManyMembers { count: 2, limit: 1 }),
        "{e}"
    );
}

#[test]
fn image_headers_over_the_dimension_limit_are_refused_without_decoding() {
    let small = limits(|l| l.max_image_dimension = 50);
    let zip = zip_of(&[
        ("ocr.json", SEED_INCONCLUSIVE_OCR.as_bytes()),
        ("front.png", &png(60, 10)),
    ]);
    let mut a = open_with("big.zip", zip, small).unwrap();
    let front = a.evidence().media_of(Depiction::Front).unwrap();
    assert_eq!(front.dimensions, None);
    assert!(
        front.problem.as_deref().unwrap().contains("60×10"),
        "{:?}",
        front.problem
    );
    let audit = Audit::of_archive(&mut a, &AuditOptions::default()).unwrap();
    assert!(
        audit
            .verdict
            .findings
            .iter()
            .any(|f| f.code == FindingCode::UndecodableMedia)
    );
}

#[test]
fn a_garbage_image_is_a_finding_not_an_error() {
    let zip = zip_of(&[
        ("ocr.json", SEED_INCONCLUSIVE_OCR.as_bytes()),
        ("front.jpeg", b"\xff\xd8\xff\xe0 not really"),
    ]);
    let a = audit(zip);
    let f: Vec<_> = a
        .verdict
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::UndecodableMedia)
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].subject, "front.jpeg");
}
