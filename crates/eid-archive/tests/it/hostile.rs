//! Every hostile archive, with its exact outcome. The small ones are the
//! committed `testdata/hostile/` set; the large ones are built here.
//!
//! Policy for ambiguous archives: duplicate member names, entries that share
//! bytes, two members of the same evidence kind, two images of one depiction,
//! and process records that disagree are **errors** (`ErrorKind::Ambiguous`),
//! never a silent pick of one reading.

use super::support::{self, member_index};
use eid_archive::batch::{self, Batch};
use eid_archive::evidence::Depiction;
use eid_archive::{
    Archive, Audit, AuditOptions, Corruption, ErrorKind, FindingCode, Measure, Sized,
};
use eid_testkit::hostile;
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::path::Path;

fn hostile_file(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/hostile")
            .join(name),
    )
    .unwrap()
}

fn open(name: &str) -> Result<Archive, eid_archive::Error> {
    support::open(name, hostile_file(name))
}

fn audit(name: &str) -> Audit {
    Audit::of_archive(&mut open(name).unwrap(), &AuditOptions::default()).unwrap()
}

fn codes(a: &Audit, code: FindingCode) -> Vec<String> {
    a.verdict
        .findings
        .iter()
        .filter(|f| f.code == code)
        .map(|f| f.subject.clone())
        .collect()
}

#[test]
fn the_committed_set_is_complete() {
    let names: Vec<&str> = hostile::small_set().iter().map(|(n, _)| *n).collect();
    assert_eq!(names.len(), 30);
    for n in names {
        assert!(!hostile_file(n).is_empty() || n == "empty.zip", "{n}");
    }
}

#[test]
fn refused_archives_name_the_problem() {
    type IsKind = fn(&ErrorKind) -> bool;
    let cases: &[(&str, IsKind, &str)] = &[
        (
            "duplicate-names.zip",
            |k| matches!(k, ErrorKind::Ambiguous(_)),
            "duplicate-names.zip: ambiguous archive: two members have the same name",
        ),
        (
            "overlapping-entries.zip",
            |k| matches!(k, ErrorKind::Ambiguous(_)),
            "overlapping-entries.zip: ambiguous archive: members share bytes",
        ),
        (
            "encrypted-member.zip",
            |k| matches!(k, ErrorKind::Encrypted),
            "encrypted-member.zip: eid-ocr.json: member is encrypted",
        ),
        (
            "truncated.zip",
            |k| matches!(k, ErrorKind::Truncated),
            "truncated.zip: truncated zip archive: it begins with zip entries but its end",
        ),
        (
            "empty.zip",
            |k| matches!(k, ErrorKind::Empty),
            "empty.zip: empty file (0 bytes): not a zip archive",
        ),
        (
            "not-a-zip.zip",
            |k| matches!(k, ErrorKind::NotAZip(w) if w == "like a PDF document"),
            "not-a-zip.zip: not a zip archive: it begins like a PDF document",
        ),
        (
            "json-nested-200000.zip",
            |k| matches!(k, ErrorKind::JsonTooDeep { limit: 128 }),
            "json-nested-200000.zip: eid-ocr.json: JSON nested deeper than 128 levels",
        ),
        (
            "json-cut-off.zip",
            |k| matches!(k, ErrorKind::Json(_)),
            "json-cut-off.zip: eid-ocr.json: invalid JSON: EOF while parsing",
        ),
    ];
    for (name, kind, text) in cases {
        let e = open(name).unwrap_err();
        assert!(kind(e.kind()), "{name}: {e}");
        assert!(e.to_string().starts_with(text), "{name}: {e}");
        assert_eq!(e.to_string().lines().count(), 1);
        assert!(
            e.fingerprint().is_some(),
            "{name}: even a refused archive is fingerprinted"
        );
    }
}

#[test]
fn unsafe_and_non_utf8_names_are_listed_and_reported_never_used() {
    let a = audit("unsafe-member-names.zip");
    assert_eq!(
        codes(&a, FindingCode::UnsafeMemberName),
        vec![
            "../../../etc/cron.d/x",
            "/abs/path/file.txt",
            "C:\\windows\\evil.txt"
        ]
    );
    assert_eq!(
        a.verdict.decision.status,
        eid_archive::Status::Accepted,
        "the evidence itself is intact"
    );
    // A name without the UTF-8 flag is code page 437 (APPNOTE), not unsafe.
    let a = audit("non-utf8-names.zip");
    assert_eq!(
        codes(&a, FindingCode::UnsafeMemberName),
        Vec::<String>::new()
    );
    assert_eq!(
        codes(&a, FindingCode::LegacyMemberName),
        vec!["name\u{a0}■.txt"]
    );
}

#[test]
fn wrong_types_are_malformed_evidence_and_unreadable_checks_cannot_pass() {
    let a = audit("json-wrong-types.zip");
    let malformed = codes(&a, FindingCode::MalformedEvidence);
    for subject in [
        "eid-ocr.json: similarityScore",
        "eid-ocr.json: livenessDetected",
        "eid-ocr.json: securityChecks.nonExpired",
        "eid-ocr.json: securityChecks.notUnderage.valid",
        "eid-ocr.json: features[0].found",
        "eid-ocr.json: features[1].bbox.y",
        "eid-ocr.json: features[1].bbox.width",
        "eid-ocr.json: features[1].bbox.height",
        "eid-ocr.json: features[2].name",
        "eid-ocr.json: features[4]",
        "eid-ocr.json: documentNumber",
        "eid-ocr.json: dateOfExpiry",
    ] {
        assert!(
            malformed.iter().any(|m| m == subject),
            "missing {subject} in {malformed:#?}"
        );
    }
    let reasons = support::reason_codes(&a);
    // Unreadable checks, similarity and features all fail closed, each named.
    assert_eq!(
        reasons,
        vec![
            "SecurityCheckUnreadable/nonExpired",
            "SecurityCheckUnreadable/notUnderage",
            "SecurityCheckUnreadable/dataIntegrity",
            "SimilarityNotHigh/unreadable",
            "FeatureUnreadable/Header",
            "FeatureUnreadable/features[2]",
            "FeatureUnreadable/features[4]"
        ]
    );
    assert_eq!(a.verdict.agrees, Some(false));
}

#[test]
fn a_giant_png_header_is_a_finding_and_never_decoded() {
    let a = audit("png-40000x40000.zip");
    let f: Vec<_> = a
        .verdict
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::UndecodableMedia)
        .collect();
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("40000×40000"), "{}", f[0].message);
    assert_eq!(
        a.evidence.media_of(Depiction::Front).unwrap().dimensions,
        None
    );
}

#[test]
fn a_truncated_jpeg_is_found_when_it_is_decoded() {
    let mut archive = open("truncated-jpeg.zip").unwrap();
    let audit = Audit::of_archive(&mut archive, &AuditOptions::default()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let cut = eid_archive::crops::write(
        &mut archive,
        &audit,
        &out.path().join("p"),
        &Default::default(),
    )
    .unwrap();
    assert_eq!(cut.findings.len(), 1);
    assert!(
        cut.findings[0].message.contains("truncated JPEG"),
        "{}",
        cut.findings[0].message
    );
}

#[test]
fn a_video_declaring_a_gigabyte_is_listed_never_inflated() {
    let mut archive = open("video-declares-1gb.zip").unwrap();
    let video = archive.evidence().media_of(Depiction::Video).unwrap();
    assert_eq!(video.bytes, 1 << 30);
    let index = member_index(&archive, "video.mp4");
    // Hashing it (--hash-members) reads what is there and finds the lie.
    let e = archive.member_sha256(index).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Corrupt(Corruption::Short { declared, .. }) if *declared == 1 << 30),
        "{e}"
    );
}

#[test]
fn an_honest_zip_bomb_is_refused_by_its_declared_size() {
    let bomb = hostile::honest_bomb((1 << 30) + (1 << 20));
    assert!(bomb.len() < 16 << 20, "the bomb is small: {}", bomb.len());
    let e = support::open("bomb.zip", bomb).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::TooLarge {
                what: Sized::JsonMember,
                measured: Measure::Declared,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string().contains("declared size of a JSON member"),
        "{e}"
    );
    assert_eq!(e.member(), Some("eid-ocr.json"));
}

#[test]
fn a_member_that_understates_its_size_stops_at_the_declared_size() {
    let liar = hostile::lying_member(300 << 20);
    let e = support::open("liar.zip", liar).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::Corrupt(Corruption::Data(m)) if m.contains("larger than its declared")),
        "{e}"
    );
    assert_eq!(e.member(), Some("eid-ocr.json"), "{e}");
}

#[test]
fn more_members_than_the_limit() {
    let e = support::open("many.zip", hostile::many_members(10_001)).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::TooManyMembers {
                count: 10_001,
                limit: 10_000
            }
        ),
        "{e}"
    );
    assert!(support::open("ok.zip", hostile::many_members(100)).is_ok());
}

#[test]
fn a_batch_of_hostile_and_good_archives_reports_every_good_one_correctly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let inputs = batch::discover(std::slice::from_ref(&root), &mut std::io::empty());
    assert_eq!(inputs.len(), 13 + 30 + 8);
    let mut statuses = Vec::new();
    let batch = Batch::new(NonZeroUsize::new(2)).unwrap();
    let options = AuditOptions::default();
    batch.run(
        &inputs,
        |_, input| Audit::of_file(input.path(), &options),
        |i, result| {
            let name = inputs[i]
                .path()
                .strip_prefix(&root)
                .unwrap()
                .display()
                .to_string();
            let result = match &result {
                Ok(audit) => audit.verdict.decision.status.as_str().to_owned(),
                Err(e) => format!("error {}", e.code()),
            };
            statuses.push((name, result));
            ControlFlow::Continue(())
        },
    );
    let get = |n: &str| {
        statuses
            .iter()
            .find(|(name, _)| name == n)
            .map(|(_, s)| s.as_str())
            .unwrap()
    };
    assert_eq!(get("accepted.zip"), "accepted");
    assert_eq!(get("inconclusive.zip"), "inconclusive");
    assert_eq!(get("failed.zip"), "failed");
    assert_eq!(get("recorded-accepted-contradicted.zip"), "rejected");
    assert_eq!(get("hostile/duplicate-names.zip"), "error Ambiguous");
    assert_eq!(get("hostile/json-nested-200000.zip"), "error JsonTooDeep");
    assert_eq!(get("hostile/encrypted-member.zip"), "error Encrypted");
    assert_eq!(get("hostile/json-wrong-types.zip"), "rejected");
    assert_eq!(get("hostile/two-zips-concatenated.zip"), "error Ambiguous");
    assert_eq!(
        get("hostile/lzma-member.zip"),
        "error UnsupportedCompression"
    );
    assert_eq!(get("hostile/folder-with-data.zip"), "accepted");
    // 8 before the zip-structure set, 15 of its 16 (the folder with data is
    // a finding, not a refusal), and 1 of the 8 amplifying and two-way inputs
    // (the repeated JSON key; the others are read, within bounds).
    assert_eq!(
        statuses
            .iter()
            .filter(|(_, s)| s.starts_with("error"))
            .count(),
        8 + 15 + 1
    );
}

#[test]
fn an_embedded_image_that_goes_on_after_its_padding_is_refused_as_ambiguous() {
    use std::io::{Read, Write};
    // The bundled native result, its selfie's base64 padded half-way and
    // going on: a reader that stops at the padding and one that reads on
    // (`base64 -d`) would see two images.
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/native-accepted.zip"),
    )
    .unwrap();
    let mut from = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut to = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..from.len() {
        let mut m = from.by_index(i).unwrap();
        let name = m.name().unwrap().to_string();
        let mut data = Vec::new();
        m.read_to_end(&mut data).unwrap();
        if name == "result.json" {
            let mut v: serde_json::Value = serde_json::from_slice(&data).unwrap();
            let image = v["biometrics"]["face"]["image"]
                .as_str()
                .unwrap()
                .to_owned();
            // 9,380 symbols carry 7,035 bytes; "=QUJD" adds a pad and 3 more.
            v["biometrics"]["face"]["image"] = format!("{image}=QUJD").into();
            data = serde_json::to_vec(&v).unwrap();
        }
        to.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        to.write_all(&data).unwrap();
    }
    let zip = to.finish().unwrap().into_inner();
    let e = support::open("two-images.zip", zip).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            ErrorKind::Ambiguous(eid_archive::Ambiguity::Base64AfterPadding {
                stopped: 7035,
                read_on: 7038,
                ..
            })
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "two-images.zip: ambiguous archive: the embedded image biometrics.face.image goes on after its base64 padding: 7035 bytes read to the padding, 7038 read on; refusing to pick one"
    );
}
