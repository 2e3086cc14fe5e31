//! The zip structure, checked before any member is read: an archive that
//! readers can read two ways is refused. What surrounds the members (end
//! records, prefixes, trailing zips) is in [`super::ends`]; here are the
//! members' own headers: names that differ between readers, local headers
//! that disagree with the central directory, and data descriptors that do.
//!
//! On a well-formed archive this costs the zip reader's own consistency
//! check (one read of each local header, and a scan of the bytes between
//! members for unlisted local headers) and one read of the bytes after the
//! last member's data; the raw headers are only read again to say precisely
//! what is wrong once something is.

use super::ends::{self, le, scan};
use super::source::Bytes;
use super::zip_error;
use crate::error::{Ambiguity, ErrorKind};
use std::io;
use zip::{ExtraField, ZipArchive};

/// The Info-ZIP Unicode Path extra field.
const UNICODE_PATH: u16 = 0x7075;
/// The zip64 extended information extra field.
const ZIP64_EXTRA: u16 = 0x0001;
const LOCAL: &[u8; 4] = b"PK\x03\x04";

/// One central-directory entry, as far as the structure checks need it.
struct Entry {
    /// The name the zip reader uses (an applied Unicode Path included).
    name: String,
    header_start: u64,
    central_header_start: u64,
    data_start: u64,
    compressed_size: u64,
    size: u64,
    crc32: u32,
    descriptor: bool,
    unicode_path: bool,
    zip64: bool,
}

impl Entry {
    fn data_end(&self) -> u64 {
        self.data_start.saturating_add(self.compressed_size)
    }
}

/// Refuses an archive whose structure can be read two ways. The index has
/// already refused duplicate names and overlapping entries.
pub(super) fn check(zip: &mut ZipArchive<Bytes>, raw: &mut Bytes) -> Result<(), ErrorKind> {
    let entries = entries(zip)?;
    let data_end = entries.iter().map(Entry::data_end).max().unwrap_or(0);
    let first_header = entries
        .iter()
        .map(|e| e.header_start)
        .min()
        .unwrap_or_else(|| zip.central_directory_start());
    ends::check(zip, raw, data_end, first_header)?;
    names(raw, &entries)?;
    headers(zip, raw, &entries)?;
    descriptors(raw, &entries)
}

fn entries(zip: &mut ZipArchive<Bytes>) -> Result<Vec<Entry>, ErrorKind> {
    (0..zip.len())
        .map(|i| {
            // The raw view reads nothing: the local header was read (and its
            // end kept) when the index looked for overlapping entries.
            let f = zip.by_index_raw(i).map_err(zip_error)?;
            let extra = |p: fn(&ExtraField) -> bool| f.extra_data_fields().any(p);
            Ok(Entry {
                name: String::from_utf8_lossy(f.name_raw()).into_owned(),
                header_start: f.header_start(),
                central_header_start: f.central_header_start(),
                data_start: f.data_start().unwrap_or_else(|| f.header_start()),
                compressed_size: f.compressed_size(),
                size: f.size(),
                crc32: f.crc32(),
                descriptor: f.flags().is_using_data_descriptor(),
                unicode_path: extra(|e| matches!(e, ExtraField::UnicodePath(_))),
                zip64: extra(|e| matches!(e, ExtraField::Zip64ExtendedInformation(_))),
            })
        })
        .collect()
}

/// A header as written: the fixed part, the name and the extra fields.
struct RawHeader {
    fixed: Vec<u8>,
    name: Vec<u8>,
    extra: Vec<u8>,
}

impl RawHeader {
    /// The central header at `at` (`central`) or the local header.
    fn read(raw: &mut Bytes, at: u64, central: bool) -> io::Result<RawHeader> {
        let (len, lengths) = if central { (46, 28) } else { (30, 26) };
        let fixed = raw.read_at(at, len)?;
        let (n, m) = (le(&fixed, lengths, 2), le(&fixed, lengths + 2, 2));
        let name = raw.read_at(at + len as u64, n as usize)?;
        let extra = raw.read_at(at + len as u64 + n, m as usize)?;
        Ok(RawHeader { fixed, name, extra })
    }

    /// The body of the last extra field `id`.
    fn extra_field(&self, id: u16) -> Option<&[u8]> {
        let (mut at, mut found) = (0, None);
        while at + 4 <= self.extra.len() {
            let len = le(&self.extra, at + 2, 2) as usize;
            let body = self.extra.get(at + 4..at + 4 + len)?;
            if le(&self.extra, at, 2) == u64::from(id) {
                found = Some(body);
            }
            at += 4 + len;
        }
        found
    }

    /// The CRC-32 the Unicode Path extra field gives for the header's name.
    fn unicode_path_crc(&self) -> Option<u32> {
        let b = self.extra_field(UNICODE_PATH)?.get(1..5)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The Unicode Path extra field's name, if there is one.
    fn unicode_path(&self) -> Option<String> {
        self.extra_field(UNICODE_PATH)
            .map(|b| String::from_utf8_lossy(b.get(5..).unwrap_or_default()).into_owned())
    }
}

/// A header name as readers decode it: UTF-8 when it is, IBM code page 437 otherwise.
pub(super) fn decode_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_owned(),
        Err(_) => raw
            .iter()
            .map(|b| match b {
                0..=0x7F => char::from(*b),
                _ => CP437_HIGH.chars().nth(usize::from(b - 0x80)).unwrap_or('?'),
            })
            .collect(),
    }
}

/// True when a Unicode Path field and a header name are one name written
/// twice: the header is in a legacy code page (not UTF-8, so its reading
/// depends on the code page), the field's CRC is that of the header's bytes,
/// and the two agree wherever the header is plain ASCII. A header that reads
/// as another file in ASCII stays two names, whatever the CRC says.
fn one_legacy_name(central: &RawHeader, unicode: &str) -> bool {
    let legacy = std::str::from_utf8(&central.name).is_err();
    let ascii = |chars: &mut dyn Iterator<Item = char>| -> String {
        chars.filter(char::is_ascii).collect()
    };
    legacy
        && central.unicode_path_crc() == Some(crc32(&central.name))
        && ascii(&mut central.name.iter().map(|b| char::from(*b))) == ascii(&mut unicode.chars())
}

/// CRC-32 (IEEE, as zip writes it) of a name: a few bytes, so bit by bit.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Bytes 0x80 to 0xFF of IBM code page 437.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

/// Names that differ between readers: a trailing backslash, and a Unicode
/// Path extra field naming another file than the header.
fn names(raw: &mut Bytes, entries: &[Entry]) -> Result<(), ErrorKind> {
    for e in entries {
        let mut header_name = e.name.clone();
        if e.unicode_path {
            let central = RawHeader::read(raw, e.central_header_start, true)?;
            header_name = decode_name(&central.name);
            if let Some(unicode) = central.unicode_path()
                && unicode != header_name
                && !one_legacy_name(&central, &unicode)
            {
                return Err(ErrorKind::Ambiguous(Ambiguity::UnicodePathDiffers {
                    member: header_name,
                    unicode,
                }));
            }
        }
        for name in [&e.name, &header_name] {
            if name.ends_with('\\') {
                return Err(ErrorKind::Ambiguous(Ambiguity::BackslashName {
                    member: name.clone(),
                }));
            }
        }
    }
    Ok(())
}

/// Local headers against the central directory: the zip reader's check,
/// then, when it fails, which member and what differs.
fn headers(
    zip: &mut ZipArchive<Bytes>,
    raw: &mut Bytes,
    entries: &[Entry],
) -> Result<(), ErrorKind> {
    let Err(found) = zip.validate_header_consistency() else {
        return Ok(());
    };
    for e in entries {
        if let Some(a) = local_mismatch(raw, e)? {
            return Err(ErrorKind::Ambiguous(a));
        }
    }
    if let Some((offset, name)) = unlisted_local(raw, entries, zip.central_directory_start())? {
        return Err(ErrorKind::Ambiguous(Ambiguity::UnlistedLocalEntry {
            offset,
            name,
        }));
    }
    let detail = found.to_string();
    let detail = detail
        .strip_prefix("invalid Zip archive: header inconsistency detected: ")
        .unwrap_or(&detail);
    Err(ErrorKind::Ambiguous(Ambiguity::HeadersDisagree {
        detail: detail.to_owned(),
    }))
}

/// What a member's local header says differently from its central entry.
fn local_mismatch(raw: &mut Bytes, e: &Entry) -> io::Result<Option<Ambiguity>> {
    let central = RawHeader::read(raw, e.central_header_start, true)?;
    let local = RawHeader::read(raw, e.header_start, false)?;
    let (c, l) = (&central.fixed, &local.fixed);
    let differs = |field: &'static str, local: String, central: String| {
        Some(Ambiguity::LocalHeaderMismatch {
            member: e.name.clone(),
            field,
            local,
            central,
        })
    };
    let quoted = |b: &[u8]| format!("{:?}", decode_name(b));
    if !l.starts_with(LOCAL) {
        return Ok(differs(
            "signature",
            format!("{:?}", l.get(..4).unwrap_or_default()),
            "a local header".into(),
        ));
    }
    if local.name != central.name {
        return Ok(differs("name", quoted(&local.name), quoted(&central.name)));
    }
    let (lflags, cflags) = (le(l, 6, 2), le(c, 8, 2));
    for (bit, field) in [(1, "encryption flag"), (8, "data-descriptor flag")] {
        if lflags & bit != cflags & bit {
            let set = |f: u64| if f & bit != 0 { "set" } else { "not set" }.to_owned();
            return Ok(differs(field, set(lflags), set(cflags)));
        }
    }
    if le(l, 8, 2) != le(c, 10, 2) {
        return Ok(differs(
            "compression method",
            le(l, 8, 2).to_string(),
            le(c, 10, 2).to_string(),
        ));
    }
    let (ltime, ctime) = ((le(l, 12, 2), le(l, 10, 2)), (le(c, 14, 2), le(c, 12, 2)));
    if ltime != ctime {
        return Ok(differs(
            "modification time",
            dos_time(ltime),
            dos_time(ctime),
        ));
    }
    let pending = lflags & 8 != 0;
    let hex = |v: u64| format!("{v:#010x}");
    let crc = le(l, 14, 4);
    if crc != u64::from(e.crc32) && !(pending && crc == 0) {
        return Ok(differs("CRC-32", hex(crc), hex(u64::from(e.crc32))));
    }
    let zip64 = local.extra_field(ZIP64_EXTRA).unwrap_or_default();
    let sized = |at: usize, zip64_at: usize| match le(l, at, 4) {
        0xFFFF_FFFF => le(zip64, zip64_at, 8),
        v => v,
    };
    for (field, local_size, central_size) in [
        ("compressed size", sized(18, 8), e.compressed_size),
        ("size", sized(22, 0), e.size),
    ] {
        if local_size != central_size && !(pending && local_size == 0) {
            return Ok(differs(
                field,
                local_size.to_string(),
                central_size.to_string(),
            ));
        }
    }
    let (lpath, cpath) = (local.unicode_path(), central.unicode_path());
    if lpath != cpath {
        let path = |p: Option<String>| p.map_or_else(|| "none".into(), |p| format!("{p:?}"));
        return Ok(differs(
            "Unicode Path extra field",
            path(lpath),
            path(cpath),
        ));
    }
    Ok(None)
}

/// An MS-DOS `(date, time)` as `YYYY-MM-DD hh:mm:ss`.
fn dos_time((date, time): (u64, u64)) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        1980 + (date >> 9),
        (date >> 5) & 15,
        date & 31,
        time >> 11,
        (time >> 5) & 63,
        (time & 31) * 2
    )
}

/// The first local header, with its name, in the bytes before the central
/// directory that no listed member covers.
fn unlisted_local(
    raw: &mut Bytes,
    entries: &[Entry],
    directory: u64,
) -> io::Result<Option<(u64, String)>> {
    let mut covered: Vec<(u64, u64)> = entries
        .iter()
        .map(|e| (e.header_start, e.data_end()))
        .collect();
    covered.sort_unstable();
    let mut gaps = Vec::new();
    let mut at = 0;
    for (start, end) in covered {
        if at < start.min(directory) {
            gaps.push((at, start.min(directory)));
        }
        at = at.max(end);
    }
    if at < directory {
        gaps.push((at, directory));
    }
    for (from, to) in gaps {
        for offset in scan(raw, from, to, &[LOCAL])? {
            let h = RawHeader::read(raw, offset, false)?;
            let end = offset + 30 + h.name.len() as u64 + h.extra.len() as u64;
            if h.fixed.len() == 30 && end <= to {
                return Ok(Some((offset, decode_name(&h.name))));
            }
        }
    }
    Ok(None)
}

/// Data descriptors (general purpose bit 3) against the central directory.
/// The descriptor is read here, not through the zip reader, which does not
/// name its descriptor type outside the crate and needs the optional
/// signature.
fn descriptors(raw: &mut Bytes, entries: &[Entry]) -> Result<(), ErrorKind> {
    for e in entries.iter().filter(|e| e.descriptor) {
        let d = raw.read_at(e.data_end(), 24)?;
        let signed = d.starts_with(b"PK\x07\x08");
        let at = if signed { 4 } else { 0 };
        let crc = le(&d, at, 4);
        // Sizes of 8 bytes (zip64) or 4; some writers use 8 for small members.
        let sizes = |width: usize| {
            (d.len() >= at + 4 + 2 * width)
                .then(|| (le(&d, at + 4, width), le(&d, at + 4 + width, width)))
        };
        let zip64 = e.zip64 || e.compressed_size >= 0xFFFF_FFFF || e.size >= 0xFFFF_FFFF;
        let (first, second) = if zip64 { (8, 4) } else { (4, 8) };
        let central = (e.compressed_size, e.size);
        let mismatch = |field, descriptor: String, central: String| {
            Err(ErrorKind::Ambiguous(Ambiguity::DataDescriptorMismatch {
                member: e.name.clone(),
                field,
                descriptor,
                central,
            }))
        };
        let hex = |v: u64| format!("{v:#010x}");
        let Some(read) = sizes(first).or_else(|| sizes(second)) else {
            return mismatch("signature", String::new(), String::new());
        };
        if !signed && crc != u64::from(e.crc32) {
            return mismatch("signature", String::new(), String::new());
        }
        if crc != u64::from(e.crc32) {
            return mismatch("CRC-32", hex(crc), hex(u64::from(e.crc32)));
        }
        if read == central || sizes(second) == Some(central) {
            continue;
        }
        if read.0 != central.0 {
            return mismatch("compressed size", read.0.to_string(), central.0.to_string());
        }
        return mismatch("size", read.1.to_string(), central.1.to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_decode_as_readers_do() {
        assert_eq!(CP437_HIGH.chars().count(), 128);
        assert_eq!(decode_name(b"eid-ocr.json"), "eid-ocr.json");
        assert_eq!(decode_name("café".as_bytes()), "café");
        assert_eq!(decode_name(b"caf\x82.txt"), "café.txt");
    }

    #[test]
    fn code_page_437_is_the_zip_readers() {
        use eid_testkit::crafted::{RawMember, assemble};
        let high: Vec<u8> = (0x80..=0xFF).collect();
        let zip = assemble(&[RawMember::stored(high.clone(), "x")], b"");
        let archive = ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let entry = archive.by_index_data(0).unwrap();
        assert_eq!(entry.name_raw(), high.as_slice());
        assert_eq!(entry.name().unwrap(), decode_name(&high));
    }
}
