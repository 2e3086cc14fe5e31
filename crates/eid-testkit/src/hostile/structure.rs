//! Archives whose zip structure can be read two ways: headers that disagree,
//! bytes before or after the archive, names that differ between readers, and
//! records no reader of evidence should trust. Each starts from the provider
//! page's accepted example and changes one thing, at the byte level.

use super::{central_entries, central_entry_of, edit_headers, eocd, rename_member, u16_at, u32_at};
use crate::crafted::{self, Descriptor, FLAG_ENCRYPTED, RawMember};
use crate::{Case, zip_members};

/// The member every builder here tampers with.
pub const OCR: &str = "eid-ocr.json";

fn accepted() -> Vec<u8> {
    Case::accepted().to_zip()
}

/// The accepted example assembled by hand (stored members), with `edit`
/// applied to its OCR member.
pub fn assembled(edit: impl FnOnce(RawMember) -> RawMember) -> Vec<u8> {
    let mut edit = Some(edit);
    let members: Vec<RawMember> = Case::accepted()
        .members()
        .into_iter()
        .map(|(name, bytes)| {
            let m = RawMember::stored(name.clone(), bytes);
            match (name == OCR).then(|| edit.take()).flatten() {
                Some(edit) => edit(m),
                None => m,
            }
        })
        .collect();
    crafted::assemble(&members, b"")
}

/// The OCR member's local header names another file (`eid-old.json`); the
/// central directory still says `eid-ocr.json`.
pub fn local_name_differs() -> Vec<u8> {
    let mut zip = accepted();
    edit_headers(&mut zip, OCR.as_bytes(), |z, at, central| {
        if !central {
            z[at + 30..at + 42].copy_from_slice(b"eid-old.json");
        }
    });
    zip
}

/// The OCR member's local header carries another CRC-32 than the central directory.
pub fn local_crc_differs() -> Vec<u8> {
    let mut zip = accepted();
    edit_headers(&mut zip, OCR.as_bytes(), |z, at, central| {
        if !central {
            for b in &mut z[at + 14..at + 18] {
                *b ^= 0xFF;
            }
        }
    });
    zip
}

/// A local header with a member (`hidden.json`) that the central directory
/// does not list, between two listed members.
pub fn unlisted_local_entry() -> Vec<u8> {
    let mut members = Case::accepted().members();
    members.insert(
        1,
        (
            "hidden.json".into(),
            br#"{"securityChecks": {"nonExpired": {"valid": false}}}"#.to_vec(),
        ),
    );
    drop_central_entry(zip_members(&members), b"hidden.json")
}

/// Removes `name`'s central-directory entry, leaving its local header and data in place.
pub fn drop_central_entry(zip: Vec<u8>, name: &[u8]) -> Vec<u8> {
    let e = eocd(&zip);
    let (central, len) = central_entry_of(&zip, name);
    let mut out = zip[..central].to_vec();
    out.extend_from_slice(&zip[central + len..e]);
    let mut end = zip[e..].to_vec();
    let count = (u16_at(&end, 10) - 1) as u16;
    end[8..10].copy_from_slice(&count.to_le_bytes());
    end[10..12].copy_from_slice(&count.to_le_bytes());
    let size = (u32_at(&end, 12) - len) as u32;
    end[12..16].copy_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&end);
    out
}

/// The OCR member is streamed (general purpose bit 3) and its data descriptor
/// carries another CRC-32 than the central directory.
pub fn descriptor_crc_differs() -> Vec<u8> {
    assembled(|m| {
        let mut m = m.streamed();
        m.descriptor = Some(Descriptor {
            crc32: m.crc32 ^ 0xFFFF_FFFF,
            ..m.descriptor.expect("streamed")
        });
        m
    })
}

/// A 512-byte stub before the archive, its offsets left as they were: every
/// offset is off by 512 (a prefix, or a self-extractor written carelessly).
pub fn prefixed() -> Vec<u8> {
    let mut out = stub();
    out.extend_from_slice(&accepted());
    out
}

/// A 512-byte stub before the archive, its offsets moved past the stub: a
/// self-extractor. The central directory is right, the first local header
/// is not at the start.
pub fn self_extractor() -> Vec<u8> {
    let zip = accepted();
    let shift = stub().len();
    let mut out = stub();
    out.extend_from_slice(&zip);
    for (central, _, _) in central_entries(&zip) {
        let at = shift + central + 42;
        let moved = (u32_at(&out, at) + shift) as u32;
        out[at..at + 4].copy_from_slice(&moved.to_le_bytes());
    }
    let e = shift + eocd(&zip) + 16;
    let moved = (u32_at(&out, e) + shift) as u32;
    out[e..e + 4].copy_from_slice(&moved.to_le_bytes());
    out
}

fn stub() -> Vec<u8> {
    let mut stub = b"MZ self-extractor stub; not a zip member\n".to_vec();
    stub.resize(512, 0);
    stub
}

/// Two whole zips, one after the other: the rejected example, then the
/// accepted one. Readers that start from the front see the first; readers
/// that start from the end see the second.
pub fn two_zips() -> Vec<u8> {
    let mut out = Case::rejected_expired().to_zip();
    out.extend_from_slice(&accepted());
    out
}

/// The accepted example followed by the members of the rejected one (local
/// headers and data, no directory): after the end record, another zip begins.
pub fn trailing_zip() -> Vec<u8> {
    let mut out = accepted();
    let other = Case::rejected_expired().to_zip();
    let cd = u32_at(&other, eocd(&other) + 16);
    out.extend_from_slice(&other[..cd]);
    out
}

/// The archive comment holds an end-of-central-directory record (an empty
/// one): readers that search from the end find it first.
pub fn eocd_in_comment() -> Vec<u8> {
    let mut zip = accepted();
    let mut comment = b"PK\x05\x06".to_vec();
    comment.resize(22, 0);
    let e = eocd(&zip);
    zip[e + 20..e + 22].copy_from_slice(&(comment.len() as u16).to_le_bytes());
    zip.extend_from_slice(&comment);
    zip
}

/// The OCR member's header calls it `eid-ocr.txt`; an Info-ZIP Unicode Path
/// extra field (0x7075, with the CRC of the header name, so readers apply
/// it) calls it `eid-ocr.json`.
pub fn unicode_path_renames() -> Vec<u8> {
    assembled(|mut m| {
        m.name = b"eid-ocr.txt".to_vec();
        let mut body = vec![1u8];
        body.extend_from_slice(&crafted::crc32(&m.name).to_le_bytes());
        body.extend_from_slice(OCR.as_bytes());
        m.with_extra(0x7075, &body)
    })
}

/// The OCR member is named `eid-ocr.json\`: a folder for readers that take a
/// backslash as a separator, a file for Python's zipfile and jar.
pub fn backslash_name() -> Vec<u8> {
    let mut members = Case::accepted().members();
    for (name, _) in &mut members {
        if name == OCR {
            *name = "eid-ocr.jsonX".into();
        }
    }
    rename_member(zip_members(&members), b"eid-ocr.jsonX", b"eid-ocr.json\\")
}

/// A folder entry (`notes/`) that carries 11 bytes of data.
pub fn folder_with_data() -> Vec<u8> {
    let mut members = Case::accepted().members();
    members.push(("notesX".into(), b"hello world".to_vec()));
    rename_member(zip_members(&members), b"notesX", b"notes/")
}

/// The OCR member says it is compressed with `method` (14 is LZMA); its
/// bytes are the JSON as stored.
pub fn compression_method(method: u16) -> Vec<u8> {
    assembled(|mut m| {
        m.method = method;
        m
    })
}

/// The OCR member is AES-encrypted (WinZip AE-2: method 99, the encryption
/// flag, and the 0x9901 extra field naming deflate as the real method).
pub fn aes_member() -> Vec<u8> {
    assembled(|mut m| {
        m.method = 99;
        m.flags |= FLAG_ENCRYPTED;
        m.with_extra(0x9901, &[2, 0, b'A', b'E', 3, 8, 0])
    })
}

/// The end record says "see zip64" (offset 0xFFFFFFFF), and the zip64
/// locator before it points at offset 2^40, far past the end of the file.
pub fn zip64_locator_past_end() -> Vec<u8> {
    let zip = accepted();
    let e = eocd(&zip);
    let mut out = zip[..e].to_vec();
    out.extend_from_slice(&locator(1 << 40));
    let mut end = zip[e..].to_vec();
    end[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
    out.extend_from_slice(&end);
    out
}

/// A zip64 end-of-central-directory record that claims a million entries in
/// a central directory that holds four.
pub fn zip64_too_many_entries() -> Vec<u8> {
    let zip = accepted();
    let e = eocd(&zip);
    let cd_size = u32_at(&zip, e + 12) as u64;
    let cd_start = u32_at(&zip, e + 16) as u64;
    let mut out = zip[..e].to_vec();
    let record_at = out.len() as u64;
    out.extend_from_slice(b"PK\x06\x06");
    out.extend_from_slice(&44u64.to_le_bytes());
    out.extend_from_slice(&45u16.to_le_bytes());
    out.extend_from_slice(&45u16.to_le_bytes());
    out.extend_from_slice(&[0u8; 8]);
    out.extend_from_slice(&1_000_000u64.to_le_bytes());
    out.extend_from_slice(&1_000_000u64.to_le_bytes());
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_start.to_le_bytes());
    out.extend_from_slice(&locator(record_at));
    let mut end = zip[e..].to_vec();
    end[8..12].copy_from_slice(&[0xFF; 4]);
    out.extend_from_slice(&end);
    out
}

/// A zip64 end-of-central-directory locator pointing at `record`.
fn locator(record: u64) -> Vec<u8> {
    let mut l = b"PK\x06\x07".to_vec();
    l.extend_from_slice(&0u32.to_le_bytes());
    l.extend_from_slice(&record.to_le_bytes());
    l.extend_from_slice(&1u32.to_le_bytes());
    l
}

/// The archives of this module committed under `testdata/hostile/`, by file name.
pub fn committed() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("local-name-differs.zip", local_name_differs()),
        ("local-crc-differs.zip", local_crc_differs()),
        ("unlisted-local-entry.zip", unlisted_local_entry()),
        ("data-descriptor-crc-differs.zip", descriptor_crc_differs()),
        ("prefixed-512-bytes.zip", prefixed()),
        ("self-extractor-stub.zip", self_extractor()),
        ("two-zips-concatenated.zip", two_zips()),
        ("zip-after-end-record.zip", trailing_zip()),
        ("end-record-in-comment.zip", eocd_in_comment()),
        ("unicode-path-renames.zip", unicode_path_renames()),
        ("backslash-name.zip", backslash_name()),
        ("folder-with-data.zip", folder_with_data()),
        ("lzma-member.zip", compression_method(14)),
        ("aes-member.zip", aes_member()),
        ("zip64-locator-past-end.zip", zip64_locator_past_end()),
        ("zip64-too-many-entries.zip", zip64_too_many_entries()),
    ]
}
