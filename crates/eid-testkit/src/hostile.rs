//! Hostile and broken archives: crafted or damaged the ways archives reach
//! auditors from many systems over many years. The small ones are committed
//! under `testdata/hostile/`; the large ones are built where they are tested.
//!
//! The zip edits here work on archives written by [`zip_members`] (no
//! archive comment, no zip64), which is all they are used on.

use crate::{Case, ImageKind, zip_members};
use std::io::Write;

pub mod structure;

fn u16_at(b: &[u8], i: usize) -> usize {
    usize::from(u16::from_le_bytes([b[i], b[i + 1]]))
}

fn u32_at(b: &[u8], i: usize) -> usize {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize
}

/// The end-of-central-directory record's offset (the archive has no comment).
fn eocd(zip: &[u8]) -> usize {
    zip.len() - 22
}

/// `(offset of each central-directory entry, offset of its local header, its name)`.
fn central_entries(zip: &[u8]) -> Vec<(usize, usize, Vec<u8>)> {
    let e = eocd(zip);
    let count = u16_at(zip, e + 10);
    let mut at = u32_at(zip, e + 16);
    let mut out = Vec::new();
    for _ in 0..count {
        let name_len = u16_at(zip, at + 28);
        let extra = u16_at(zip, at + 30);
        let comment = u16_at(zip, at + 32);
        let local = u32_at(zip, at + 42);
        out.push((at, local, zip[at + 46..at + 46 + name_len].to_vec()));
        at += 46 + name_len + extra + comment;
    }
    out
}

/// `(offset, length)` of `name`'s central-directory entry.
fn central_entry_of(zip: &[u8], name: &[u8]) -> (usize, usize) {
    let (central, _, _) = central_entries(zip)
        .into_iter()
        .find(|(_, _, n)| n == name)
        .expect("member exists");
    let len =
        46 + u16_at(zip, central + 28) + u16_at(zip, central + 30) + u16_at(zip, central + 32);
    (central, len)
}

/// Applies `edit(header_bytes_at, is_central)` to the local and central headers of `name`.
fn edit_headers(zip: &mut [u8], name: &[u8], mut edit: impl FnMut(&mut [u8], usize, bool)) {
    for (central, local, n) in central_entries(zip) {
        if n == name {
            edit(zip, central, true);
            edit(zip, local, false);
        }
    }
}

/// Renames a member in place; the new name must have the same length.
pub fn rename_member(mut zip: Vec<u8>, from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len(), "names must have the same length");
    edit_headers(&mut zip, from, |z, at, central| {
        let start = if central { at + 46 } else { at + 30 };
        z[start..start + to.len()].copy_from_slice(to);
    });
    zip
}

/// Rewrites the inflated size a member declares, in both headers.
pub fn declare_size(mut zip: Vec<u8>, name: &[u8], size: u32) -> Vec<u8> {
    let le = size.to_le_bytes();
    edit_headers(&mut zip, name, |z, at, central| {
        let i = if central { at + 24 } else { at + 22 };
        z[i..i + 4].copy_from_slice(&le);
    });
    zip
}

/// Sets the "encrypted" flag of a member, in both headers.
pub fn mark_encrypted(mut zip: Vec<u8>, name: &[u8]) -> Vec<u8> {
    edit_headers(&mut zip, name, |z, at, central| {
        let i = if central { at + 8 } else { at + 6 };
        z[i] |= 1;
    });
    zip
}

/// Adds a second central-directory entry, named `alias` (same length as
/// `name`), that points at `name`'s local file: two members sharing bytes.
pub fn add_overlapping_entry(zip: Vec<u8>, name: &[u8], alias: &[u8]) -> Vec<u8> {
    assert_eq!(name.len(), alias.len());
    let e = eocd(&zip);
    let cd_start = u32_at(&zip, e + 16);
    let (central, len) = central_entry_of(&zip, name);
    let mut entry = zip[central..central + len].to_vec();
    entry[46..46 + alias.len()].copy_from_slice(alias);
    let mut out = zip[..e].to_vec();
    out.extend_from_slice(&entry);
    let mut end = zip[e..].to_vec();
    let count = (u16_at(&end, 10) + 1) as u16;
    end[8..10].copy_from_slice(&count.to_le_bytes());
    end[10..12].copy_from_slice(&count.to_le_bytes());
    let size = (u32_at(&end, 12) + len) as u32;
    end[12..16].copy_from_slice(&size.to_le_bytes());
    end[16..20].copy_from_slice(&(cd_start as u32).to_le_bytes());
    out.extend_from_slice(&end);
    out
}

fn json(v: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec_pretty(v).expect("JSON values always serialise")
}

fn accepted_members() -> Vec<(String, Vec<u8>)> {
    Case::accepted().members()
}

fn with_member(name: &str, bytes: Vec<u8>) -> Vec<u8> {
    let mut m = accepted_members();
    m.retain(|(n, _)| n != name);
    m.push((name.to_owned(), bytes));
    zip_members(&m)
}

/// A PNG whose header claims `w` × `h` pixels, with a few bytes of data.
pub fn png_header_only(w: u32, h: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        png.extend_from_slice(&body);
        png.extend_from_slice(&crate::crafted::crc32(&body).to_be_bytes());
    };
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", b"\x78\x9c\x03\x00\x00\x00\x00\x01");
    chunk(b"IEND", b"");
    png
}

/// The small hostile archives committed under `testdata/hostile/`, by file name.
pub fn small_set() -> Vec<(&'static str, Vec<u8>)> {
    let ocr = Case::accepted().ocr_json().expect("accepted has OCR");
    let ocr_bytes = json(&ocr);
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000)).into_bytes();
    let mut cut = ocr_bytes.clone();
    cut.truncate(cut.len() / 2);
    let wrong_types = serde_json::json!({
        "similarityScore": 0.97,
        "livenessDetected": "maybe",
        "securityChecks": {
            "nonExpired": "yes",
            "notUnderage": {"valid": "true"},
            "dataIntegrity": {"valid": null},
            "notBWCopy": {"valid": true}
        },
        "features": [
            {"name": "Header", "found": "yes", "side": "data"},
            {"name": "Photo", "found": true, "side": "data", "bbox": {"x": -40, "y": 1e12, "width": "wide", "height": null}},
            {"name": 42, "found": true},
            {},
            "not a feature"
        ],
        "documentNumber": 123456,
        "dateOfExpiry": ["2030-01-01"]
    });
    let mut truncated_jpeg = crate::encode(
        &Case::accepted().side_image(false).expect("front"),
        ImageKind::Jpeg,
    );
    truncated_jpeg.truncate(truncated_jpeg.len() / 3);

    let base = zip_members(&accepted_members());
    let mut truncated_zip = base.clone();
    truncated_zip.truncate(truncated_zip.len() - 200);

    let dup = {
        let mut m = accepted_members();
        m.push((
            "eid-ocr.jsoN".into(),
            json(&serde_json::json!({"securityChecks": {"nonExpired": {"valid": false}}})),
        ));
        rename_member(zip_members(&m), b"eid-ocr.jsoN", b"eid-ocr.json")
    };
    let names = {
        let mut m = accepted_members();
        m.push((
            "../../../etc/cron.d/x".into(),
            b"never written anywhere".to_vec(),
        ));
        m.push(("/abs/path/file.txt".into(), b"absolute".to_vec()));
        m.push(("C:\\windows\\evil.txt".into(), b"backslashes".to_vec()));
        zip_members(&m)
    };
    let non_utf8 = {
        let mut m = accepted_members();
        m.push(("nameXX.txt".into(), b"latin-1 name".to_vec()));
        rename_member(zip_members(&m), b"nameXX.txt", b"name\xff\xfe.txt")
    };

    vec![
        ("duplicate-names.zip", dup),
        (
            "overlapping-entries.zip",
            add_overlapping_entry(base.clone(), b"eid-ocr.json", b"eid-ocr.jsoX"),
        ),
        ("unsafe-member-names.zip", names),
        (
            "encrypted-member.zip",
            mark_encrypted(base.clone(), b"eid-ocr.json"),
        ),
        ("non-utf8-names.zip", non_utf8),
        ("truncated.zip", truncated_zip),
        ("empty.zip", Vec::new()),
        (
            "not-a-zip.zip",
            b"%PDF-1.4 this is not a zip archive\n".to_vec(),
        ),
        ("json-nested-200000.zip", with_member("eid-ocr.json", deep)),
        ("json-cut-off.zip", with_member("eid-ocr.json", cut)),
        (
            "json-wrong-types.zip",
            with_member("eid-ocr.json", json(&wrong_types)),
        ),
        (
            "png-40000x40000.zip",
            with_member("front.jpeg", png_header_only(40_000, 40_000)),
        ),
        (
            "truncated-jpeg.zip",
            with_member("front.jpeg", truncated_jpeg),
        ),
        ("video-declares-1gb.zip", {
            let mut m = accepted_members();
            m.push(("video.mp4".into(), vec![0u8; 4096]));
            declare_size(zip_members(&m), b"video.mp4", 1 << 30)
        }),
    ]
    .into_iter()
    .chain(structure::committed())
    .collect()
}

/// An honest zip bomb: a JSON member that declares and inflates to `size` bytes.
pub fn honest_bomb(size: u64) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(size >= u64::from(u32::MAX))
        .last_modified_time(zip::DateTime::default());
    zip.start_file("eid-ocr.json", options).expect("in memory");
    zip.write_all(b"{\"pad\": \"").expect("in memory");
    let block = vec![b' '; 1 << 20];
    let mut left = size.saturating_sub(11);
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        zip.write_all(&block[..n]).expect("in memory");
        left -= n as u64;
    }
    zip.write_all(b"\"}").expect("in memory");
    zip.finish().expect("in memory").into_inner()
}

/// A member whose headers declare 100 bytes but that inflates to `size` bytes.
pub fn lying_member(size: u64) -> Vec<u8> {
    declare_size(honest_bomb(size), b"eid-ocr.json", 100)
}

/// An archive with `n` tiny members.
pub fn many_members(n: usize) -> Vec<u8> {
    let members: Vec<(String, Vec<u8>)> =
        (0..n).map(|i| (format!("m/{i}.txt"), Vec::new())).collect();
    zip_members(&members)
}
