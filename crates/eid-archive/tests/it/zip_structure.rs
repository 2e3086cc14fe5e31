//! The zip structure: an archive that readers can read two ways is refused
//! before any member is read, with one line that names the archive and says
//! what was found where. Each hostile archive is the provider page's
//! accepted example changed in one thing at the byte level
//! ([`eid_testkit::hostile::structure`]); the bundled archives and the
//! testkit's cases all still open.

use super::support::open;
use eid_archive::{
    Ambiguity, Archive, Audit, AuditOptions, Error, ErrorKind, FindingCode, ReadOptions, Status,
    Zip64Problem,
};
use eid_testkit::crafted::{self, Descriptor, RawMember};
use eid_testkit::hostile::structure as hostile;
use eid_testkit::{Case, ImageKind};
use std::path::Path;

fn refused(name: &str, zip: Vec<u8>) -> Error {
    let e = open(name, zip).expect_err(name);
    let text = e.to_string();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with(&format!("{name}: ")), "{text}");
    assert!(
        e.fingerprint().is_some(),
        "{name}: refused, still fingerprinted"
    );
    e
}

/// The ambiguity an archive is refused for, checking the one-line message.
fn ambiguity(name: &str, zip: Vec<u8>, message: &str) -> Ambiguity {
    let e = refused(name, zip);
    assert_eq!(
        e.to_string(),
        format!("{name}: ambiguous archive: {message}")
    );
    assert_eq!(e.code(), "Ambiguous");
    assert_eq!(e.member(), None, "the message names the member");
    match e.kind() {
        ErrorKind::Ambiguous(a) => a.clone(),
        other => panic!("{name}: {other}"),
    }
}

fn accepted_zip() -> Vec<u8> {
    Case::accepted().to_zip()
}

/// Where the local header of `name` starts in `zip`.
fn local_header_of(zip: &[u8], name: &[u8]) -> u64 {
    zip.windows(4)
        .enumerate()
        .find(|(i, w)| *w == b"PK\x03\x04" && zip[i + 30..].starts_with(name))
        .map(|(i, _)| i as u64)
        .unwrap()
}

#[test]
fn a_local_header_that_names_another_file() {
    let a = ambiguity(
        "local-name-differs.zip",
        hostile::local_name_differs(),
        "the local header of eid-ocr.json gives name \"eid-old.json\", the central directory \"eid-ocr.json\"",
    );
    assert_eq!(
        a,
        Ambiguity::LocalHeaderMismatch {
            member: "eid-ocr.json".into(),
            field: "name",
            local: "\"eid-old.json\"".into(),
            central: "\"eid-ocr.json\"".into(),
        }
    );
}

#[test]
fn a_local_header_with_another_crc() {
    let zip = hostile::local_crc_differs();
    let central = open("ok.zip", accepted_zip()).unwrap().members()[1].crc32;
    let message = format!(
        "the local header of eid-ocr.json gives CRC-32 {:#010x}, the central directory {central:#010x}",
        !central
    );
    let a = ambiguity("local-crc-differs.zip", zip, &message);
    assert!(
        matches!(a, Ambiguity::LocalHeaderMismatch { ref member, field: "CRC-32", .. } if member == "eid-ocr.json"),
        "{a:?}"
    );
}

#[test]
fn a_local_header_the_directory_does_not_list() {
    let zip = hostile::unlisted_local_entry();
    let offset = local_header_of(&zip, b"hidden.json");
    let a = ambiguity(
        "unlisted-local-entry.zip",
        zip,
        &format!(
            "a local header at offset {offset} (hidden.json) is not listed in the central directory"
        ),
    );
    assert_eq!(
        a,
        Ambiguity::UnlistedLocalEntry {
            offset,
            name: "hidden.json".into()
        }
    );
}

#[test]
fn a_data_descriptor_with_another_crc_or_size() {
    let zip = hostile::descriptor_crc_differs();
    let a = ambiguity(
        "descriptor.zip",
        zip,
        &format!(
            "the data descriptor of eid-ocr.json gives CRC-32 {:#010x}, the central directory {:#010x}",
            !ocr_crc(),
            ocr_crc()
        ),
    );
    assert!(matches!(
        a,
        Ambiguity::DataDescriptorMismatch {
            field: "CRC-32",
            ..
        }
    ));
    // The sizes too: a descriptor one byte short.
    let zip = streamed_ocr(|d| d.size -= 1);
    let size = Case::accepted()
        .ocr_json()
        .map(|v| pretty(&v).len())
        .unwrap();
    let a = ambiguity(
        "descriptor-size.zip",
        zip,
        &format!(
            "the data descriptor of eid-ocr.json gives size {}, the central directory {size}",
            size - 1
        ),
    );
    assert!(matches!(
        a,
        Ambiguity::DataDescriptorMismatch { field: "size", .. }
    ));
}

fn pretty(v: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec_pretty(v).unwrap()
}

fn ocr_crc() -> u32 {
    crafted::crc32(&pretty(&Case::accepted().ocr_json().unwrap()))
}

/// The accepted example, stored, its OCR member streamed with the descriptor `edit` gives.
fn streamed_ocr(edit: impl FnOnce(&mut Descriptor)) -> Vec<u8> {
    hostile::assembled(|m| {
        let mut m = m.streamed();
        if let Some(d) = m.descriptor.as_mut() {
            edit(d);
        }
        m
    })
}

#[test]
fn a_truthful_data_descriptor_opens() {
    let mut a = open("streamed.zip", streamed_ocr(|_| {})).unwrap();
    let audit = Audit::of_archive(&mut a, &AuditOptions::default()).unwrap();
    assert_eq!(audit.verdict.decision.status, Status::Accepted);
}

#[test]
fn bytes_before_the_archive() {
    let a = ambiguity(
        "prefixed.zip",
        hostile::prefixed(),
        "the archive starts 512 bytes into the file and its offsets are off by as much \
         (a prefix, a self-extractor stub or another zip before it)",
    );
    assert_eq!(a, Ambiguity::ShiftedOffsets { offset: 512 });
    let a = ambiguity(
        "sfx.zip",
        hostile::self_extractor(),
        "512 bytes before the first local header (a prefix or a self-extractor stub)",
    );
    assert_eq!(a, Ambiguity::DataBeforeFirstEntry { bytes: 512 });
}

#[test]
fn two_zips_one_after_the_other() {
    let first = Case::rejected_expired().to_zip().len() as u64;
    let a = ambiguity(
        "two.zip",
        hostile::two_zips(),
        &format!(
            "the archive starts {first} bytes into the file and its offsets are off by as much \
             (a prefix, a self-extractor stub or another zip before it)"
        ),
    );
    assert_eq!(a, Ambiguity::ShiftedOffsets { offset: first });
}

#[test]
fn another_zip_after_the_end_record() {
    let end = accepted_zip().len() as u64;
    let a = ambiguity(
        "trailing.zip",
        hostile::trailing_zip(),
        &format!(
            "another zip begins after the end-of-central-directory record (a zip signature at offset {end})"
        ),
    );
    assert_eq!(a, Ambiguity::TrailingZip { offset: end });
}

#[test]
fn plain_bytes_after_the_end_record_are_no_second_reading() {
    let mut zip = accepted_zip();
    zip.extend_from_slice(&[0u8; 100]);
    assert!(open("padded.zip", zip).is_ok());
}

#[test]
fn an_end_record_in_the_comment() {
    // The fake record starts where the real one ends: right after its 22 bytes.
    let at = accepted_zip().len() as u64;
    let a = ambiguity(
        "comment.zip",
        hostile::eocd_in_comment(),
        &format!(
            "the archive comment holds an end-of-central-directory signature (PK\\x05\\x06) at offset {at}; \
             readers differ on which record is the archive's"
        ),
    );
    assert_eq!(a, Ambiguity::EndRecordInComment { offset: at });
    // A comment in words is fine.
    let with_comment = crafted::assemble(
        &Case::accepted()
            .members()
            .into_iter()
            .map(|(n, b)| RawMember::stored(n, b))
            .collect::<Vec<_>>(),
        b"exported 2021-06-09 by the provider",
    );
    assert!(open("commented.zip", with_comment).is_ok());
}

#[test]
fn a_unicode_path_that_names_another_file() {
    let a = ambiguity(
        "unicode.zip",
        hostile::unicode_path_renames(),
        "eid-ocr.txt has an Info-ZIP Unicode Path extra field (0x7075) that names another file, eid-ocr.json",
    );
    assert_eq!(
        a,
        Ambiguity::UnicodePathDiffers {
            member: "eid-ocr.txt".into(),
            unicode: "eid-ocr.json".into()
        }
    );
    // One whose CRC does not match its header (so this reader ignores it,
    // and others may not) is refused the same.
    let stale = unicode_path(b"eid-ocr.txt", 0, "eid-ocr.json");
    assert!(matches!(
        ambiguity_of("stale.zip", stale),
        Ambiguity::UnicodePathDiffers { .. }
    ));
    // One that names the same file is no second reading: in UTF-8, or in
    // code page 437 (0x82 is é) as old Windows tools wrote it.
    for (name, unicode) in [
        (&b"eid-ocr.json"[..], "eid-ocr.json"),
        (b"caf\x82.txt", "café.txt"),
    ] {
        let zip = unicode_path(name, crafted::crc32(name), unicode);
        let a = open("same.zip", zip).unwrap();
        assert!(a.members().iter().any(|m| m.name == unicode), "{unicode}");
    }
}

#[test]
fn a_unicode_path_whose_crc_matches_a_legacy_header_is_one_name() {
    // Written in code page 1252 (0xE9 is é there, Θ in code page 437): the
    // field's CRC ties it to those bytes, so it is the name, not a second one.
    let zip = unicode_path(
        b"caf\xe9.json",
        crafted::crc32(b"caf\xe9.json"),
        "café.json",
    );
    let a = open("legacy.zip", zip).unwrap();
    assert!(a.members().iter().any(|m| m.name == "café.json"));
    // A header that reads as another file in ASCII stays refused.
    let other = unicode_path(
        b"eid-ocr.txt",
        crafted::crc32(b"eid-ocr.txt"),
        "eid-ocr.json",
    );
    assert!(matches!(
        ambiguity_of("other.zip", other),
        Ambiguity::UnicodePathDiffers { .. }
    ));
}

#[test]
fn backslash_separators_separate_folders_with_an_info_finding() {
    let members: Vec<RawMember> = Case::accepted()
        .members()
        .into_iter()
        .map(|(n, bytes)| {
            let n = if n.ends_with(".jpeg") || n.ends_with(".json") {
                format!("Result\\{n}")
            } else {
                n
            };
            RawMember::stored(n, bytes)
        })
        .collect();
    let mut archive = open("windows.zip", crafted::assemble(&members, b"")).unwrap();
    let a = eid_archive::Audit::of_archive(&mut archive, &eid_archive::AuditOptions::default())
        .unwrap();
    assert_eq!(a.verdict.decision.status, eid_archive::Status::Accepted);
    let of = |code| {
        a.verdict
            .findings
            .iter()
            .filter(|f| f.code == code)
            .map(|f| (f.severity, f.subject.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(of(eid_archive::FindingCode::UnsafeMemberName), vec![]);
    let legacy = of(eid_archive::FindingCode::LegacyMemberName);
    assert!(!legacy.is_empty());
    assert!(
        legacy
            .iter()
            .all(|(s, n)| *s == eid_archive::Severity::Info && n.starts_with("Result\\")),
        "{legacy:?}"
    );
    assert!(
        a.evidence
            .media_of(eid_archive::evidence::Depiction::Front)
            .is_some()
    );
}

fn ambiguity_of(name: &str, zip: Vec<u8>) -> Ambiguity {
    match refused(name, zip).kind() {
        ErrorKind::Ambiguous(a) => a.clone(),
        other => panic!("{name}: {other}"),
    }
}

/// The accepted example with its OCR member named `name` in the header and
/// `unicode` in a Unicode Path extra field carrying `crc`.
fn unicode_path(name: &[u8], crc: u32, unicode: &str) -> Vec<u8> {
    let members: Vec<RawMember> = Case::accepted()
        .members()
        .into_iter()
        .map(|(n, bytes)| {
            let m = RawMember::stored(n.clone(), bytes);
            if n != hostile::OCR {
                return m;
            }
            let mut m = RawMember {
                name: name.to_vec(),
                ..m
            };
            let mut body = vec![1u8];
            body.extend_from_slice(&crc.to_le_bytes());
            body.extend_from_slice(unicode.as_bytes());
            m = m.with_extra(0x7075, &body);
            m
        })
        .collect();
    crafted::assemble(&members, b"")
}

#[test]
fn a_name_ending_in_a_backslash() {
    let a = ambiguity(
        "backslash.zip",
        hostile::backslash_name(),
        "member name eid-ocr.json\\ ends in a backslash: a folder for some readers, a file for others",
    );
    assert_eq!(
        a,
        Ambiguity::BackslashName {
            member: "eid-ocr.json\\".into()
        }
    );
}

#[test]
fn a_folder_with_data_is_a_finding_not_a_refusal() {
    let mut archive = open("folder.zip", hostile::folder_with_data()).unwrap();
    let audit = Audit::of_archive(&mut archive, &AuditOptions::default()).unwrap();
    assert_eq!(audit.verdict.decision.status, Status::Accepted);
    let found: Vec<(&str, &str)> = audit
        .verdict
        .findings
        .iter()
        .filter(|f| f.code == FindingCode::MalformedEvidence)
        .map(|f| (f.subject.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        found,
        vec![("notes/", "folder entry carries 11 bytes of data; not read")]
    );
}

#[test]
fn an_unsupported_compression_method_is_named() {
    let e = refused("lzma.zip", hostile::compression_method(14));
    assert!(matches!(
        e.kind(),
        ErrorKind::UnsupportedCompression { method: 14 }
    ));
    assert_eq!(e.member(), Some("eid-ocr.json"));
    assert_eq!(
        e.to_string(),
        "lzma.zip: eid-ocr.json: member uses compression method 14 (LZMA), which eid-audit does not read"
    );
    assert_eq!(e.code(), "UnsupportedCompression");
    let e = refused("bzip2.zip", hostile::compression_method(12));
    assert!(
        e.to_string()
            .ends_with("compression method 12 (bzip2), which eid-audit does not read")
    );
}

#[test]
fn an_aes_encrypted_member_says_aes() {
    let e = refused("aes.zip", hostile::aes_member());
    assert!(matches!(e.kind(), ErrorKind::AesEncrypted), "{e}");
    assert_eq!(
        e.to_string(),
        "aes.zip: eid-ocr.json: member is AES-encrypted; eid-audit does not decrypt evidence"
    );
    assert_eq!(e.code(), "Encrypted");
}

#[test]
fn a_zip64_locator_that_points_past_the_end() {
    let zip = hostile::zip64_locator_past_end();
    let len = zip.len() as u64;
    let e = refused("z64.zip", zip);
    assert!(matches!(
        e.kind(),
        ErrorKind::Zip64(Zip64Problem::LocatorPastEnd { locator, record, file_len })
            if (*locator, *record, *file_len) == (len - 42, 1 << 40, len)
    ));
    assert_eq!(
        e.to_string(),
        format!(
            "z64.zip: not a readable zip archive: the zip64 end-of-central-directory locator at offset {} \
             points to offset 1099511627776, past the end of the file ({len} bytes)",
            len - 42
        )
    );
    assert_eq!(e.code(), "Zip");
}

#[test]
fn a_zip64_record_that_claims_more_entries_than_fit() {
    let zip = hostile::zip64_too_many_entries();
    let record = zip.len() as u64 - 22 - 20 - 56;
    let e = refused("z64.zip", zip);
    let ErrorKind::Zip64(Zip64Problem::TooManyEntries {
        record: at,
        entries,
        room,
    }) = e.kind()
    else {
        panic!("{e}")
    };
    assert_eq!((*at, *entries), (record, 1_000_000));
    assert_eq!(
        e.to_string(),
        format!(
            "z64.zip: not a readable zip archive: the zip64 end-of-central-directory record at offset {record} \
             claims 1000000 entries, more than fit in the {room} bytes of its central directory"
        )
    );
}

#[test]
fn a_real_zip64_archive_opens() {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().large_file(true);
    for (name, bytes) in Case::accepted().members() {
        w.start_file(name, options).unwrap();
        w.write_all(&bytes).unwrap();
    }
    let zip = w.finish().unwrap().into_inner();
    let a = open("zip64.zip", zip).unwrap();
    assert_eq!(a.evidence().recorded_status_word(), Some("accepted"));
}

/// No false positive: every bundled archive, and every case of the testkit
/// in each image format and folder layout, opens.
#[test]
fn every_good_archive_still_opens() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let mut n = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "zip") {
            Archive::open(&path, &ReadOptions::default())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            n += 1;
        }
    }
    assert_eq!(n, 13);
    let mut cases = Case::testdata();
    let mut textured = Case::accepted();
    textured.textured = true;
    textured.front = Some((1280, 808));
    textured.back = Some((1280, 808));
    textured.video = true;
    cases.push(textured);
    let mut png = Case::native();
    png.image = ImageKind::Png;
    png.folder = Some("result/raw".into());
    cases.push(png);
    for case in cases {
        let stem = case.stem.clone();
        for zip in [
            case.to_zip(),
            // The same members stored, as other writers leave them.
            crafted::assemble(
                &case
                    .members()
                    .into_iter()
                    .map(|(n, b)| RawMember::stored(n, b))
                    .collect::<Vec<_>>(),
                b"",
            ),
        ] {
            open(&stem, zip).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

/// Every archive of the committed set refuses the same way from disk.
#[test]
fn the_committed_structure_set_is_refused_from_disk() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/hostile");
    for (name, _) in hostile::committed() {
        let result = Archive::open(dir.join(name), &ReadOptions::default());
        match (name, result) {
            ("folder-with-data.zip", Ok(_)) => {}
            (_, Err(e)) => {
                assert_eq!(e.to_string().lines().count(), 1, "{e}");
                assert_ne!(e.code(), "Io", "{e}");
            }
            (_, Ok(_)) => panic!("{name} opened"),
        }
    }
}
