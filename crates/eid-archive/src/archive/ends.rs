//! What surrounds the members: the end-of-central-directory record and its
//! comment, bytes before the first local header and after the end record,
//! and the zip64 records. An archive whose ends can be read two ways is
//! refused; one whose zip64 records lie is refused with what they claim.

use super::source::Bytes;
use crate::error::{Ambiguity, ErrorKind, Zip64Problem};
use std::io;
use zip::ZipArchive;

const END: &[u8; 4] = b"PK\x05\x06";
const ZIP64_END: &[u8; 4] = b"PK\x06\x06";
const ZIP64_LOCATOR: &[u8; 4] = b"PK\x06\x07";
/// Signatures that start a zip structure.
const ZIP_SIGNATURES: [&[u8; 4]; 5] = [b"PK\x03\x04", b"PK\x01\x02", END, ZIP64_END, ZIP64_LOCATOR];
/// An end record is 22 bytes, its comment at most 65,535.
const END_LEN: u64 = 22;
const TAIL: u64 = END_LEN + 0xFFFF;
/// Signature positions kept at most by one scan; past that the archive is refused anyway.
const MOST_FOUND: usize = 64;

/// Little-endian integer of `n` bytes at `at`, or 0 past the end of `b`.
pub(super) fn le(b: &[u8], at: usize, n: usize) -> u64 {
    b.get(at..at + n).map_or(0, |s| {
        s.iter().rev().fold(0, |v, x| (v << 8) | u64::from(*x))
    })
}

/// Positions of `signatures` in `from..to`, read in chunks, at most [`MOST_FOUND`].
pub(super) fn scan(
    raw: &mut Bytes,
    from: u64,
    to: u64,
    signatures: &[&[u8; 4]],
) -> io::Result<Vec<u64>> {
    const CHUNK: u64 = 1 << 20;
    let mut found = Vec::new();
    let mut at = from;
    while at < to && found.len() < MOST_FOUND {
        // Three bytes of overlap, so a signature across two chunks is seen.
        let len = (to - at).min(CHUNK + 3);
        let chunk = raw.read_at(at, len as usize)?;
        for (i, w) in chunk.windows(4).enumerate() {
            if w[..2] == *b"PK" && signatures.iter().any(|s| w == s.as_slice()) {
                found.push(at + i as u64);
            }
        }
        if chunk.len() < 4 {
            break;
        }
        at += chunk.len() as u64 - 3;
    }
    found.truncate(MOST_FOUND);
    Ok(found)
}

/// An end-of-central-directory record: where it is and where it ends.
struct EndRecord {
    at: u64,
    comment: Vec<u8>,
}

impl EndRecord {
    fn end(&self) -> u64 {
        self.at + END_LEN + self.comment.len() as u64
    }

    fn read(raw: &mut Bytes, at: u64) -> io::Result<Option<EndRecord>> {
        let head = raw.read_at(at, END_LEN as usize)?;
        if head.len() < END_LEN as usize {
            return Ok(None);
        }
        let comment = raw.read_at(at + END_LEN, le(&head, 20, 2) as usize)?;
        Ok(Some(EndRecord { at, comment }))
    }

    /// Whether the comment covers position `p`.
    fn comment_covers(&self, p: u64) -> bool {
        (self.at + END_LEN..self.end()).contains(&p)
    }
}

/// Refuses an archive whose ends can be read two ways. `data_end` is where
/// the last member's data ends, `first_header` where the first local header
/// (or, with no members, the central directory) starts.
pub(super) fn check(
    zip: &ZipArchive<Bytes>,
    raw: &mut Bytes,
    data_end: u64,
    first_header: u64,
) -> Result<(), ErrorKind> {
    let len = raw.len();
    let ambiguous = |a| Err(ErrorKind::Ambiguous(a));
    // After the members' data (with no members, anywhere: a record in a
    // comment can hide them all), within the last 64 KiB and 22 bytes, where
    // readers that search from the end look for the record.
    let from = if zip.is_empty() { 0 } else { data_end };
    let from = from.max(len.saturating_sub(TAIL));
    let mut records = Vec::new();
    for at in scan(raw, from, len, &[END])? {
        if let Some(r) = EndRecord::read(raw, at)? {
            records.push(r);
        }
    }
    // The record the zip reader took: the last one whose comment it reports.
    let used = records
        .iter()
        .rposition(|r| r.comment == zip.comment() && r.end() <= len);
    if let Some(u) = used {
        let r = &records[u];
        if let Some(i) = r.comment.windows(4).position(|w| w == END) {
            return ambiguous(Ambiguity::EndRecordInComment {
                offset: r.at + END_LEN + i as u64,
            });
        }
    }
    if records.len() > 1 {
        let in_comment = records
            .iter()
            .find(|q| records.iter().any(|r| r.comment_covers(q.at)));
        if let Some(q) = in_comment {
            return ambiguous(Ambiguity::EndRecordInComment { offset: q.at });
        }
        if used.is_none_or(|u| u + 1 == records.len()) {
            return ambiguous(Ambiguity::SeveralEndRecords {
                offsets: records.iter().map(|r| r.at).collect(),
            });
        }
    }
    if let Some(u) = used {
        let end = records[u].end();
        if let Some(offset) = scan(raw, end, len, &ZIP_SIGNATURES)?.first() {
            return ambiguous(Ambiguity::TrailingZip { offset: *offset });
        }
    }
    if zip.offset() != 0 {
        return ambiguous(Ambiguity::ShiftedOffsets {
            offset: zip.offset(),
        });
    }
    if first_header > 0 {
        return ambiguous(Ambiguity::DataBeforeFirstEntry {
            bytes: first_header,
        });
    }
    Ok(())
}

/// Why the zip reader found no usable end record, when a zip64 record or
/// locator is to blame: what it claims. Read only after the reader failed.
pub(super) fn zip64_problem(raw: &mut Bytes) -> io::Result<Option<Zip64Problem>> {
    let len = raw.len();
    let candidates = scan(raw, len.saturating_sub(TAIL), len, &[END])?;
    for at in candidates.into_iter().rev() {
        let end = raw.read_at(at, END_LEN as usize)?;
        if end.len() < END_LEN as usize {
            continue;
        }
        let defers = le(&end, 10, 2) == 0xFFFF
            || le(&end, 12, 4) == 0xFFFF_FFFF
            || le(&end, 16, 4) == 0xFFFF_FFFF;
        let locator_at = at.checked_sub(20);
        let locator = match locator_at {
            Some(l) => raw.read_at(l, 20)?,
            None => Vec::new(),
        };
        let (Some(locator_at), true) = (locator_at, locator.starts_with(ZIP64_LOCATOR)) else {
            if defers {
                return Ok(Some(Zip64Problem::MissingLocator { end_record: at }));
            }
            continue;
        };
        let record = le(&locator, 8, 8);
        if record >= len {
            return Ok(Some(Zip64Problem::LocatorPastEnd {
                locator: locator_at,
                record,
                file_len: len,
            }));
        }
        // The record where the locator says, else (data put before the
        // archive) the one that ends at the locator.
        let at_record = |raw: &mut Bytes, p: u64| -> io::Result<Option<Vec<u8>>> {
            let r = raw.read_at(p, 56)?;
            Ok((r.starts_with(ZIP64_END) && p + 56 <= locator_at).then_some(r))
        };
        let found = match at_record(raw, record)? {
            Some(r) => Some((record, r)),
            None => match locator_at.checked_sub(56) {
                Some(p) => at_record(raw, p)?.map(|r| (p, r)),
                None => None,
            },
        };
        let Some((record_at, r)) = found else {
            return Ok(Some(Zip64Problem::NoRecord {
                locator: locator_at,
                record,
            }));
        };
        let shift = record_at - record.min(record_at);
        let (entries, size, offset) = (le(&r, 32, 8), le(&r, 40, 8), le(&r, 48, 8));
        let directory_end = offset.checked_add(shift).and_then(|o| o.checked_add(size));
        if directory_end.is_none_or(|e| e > record_at) {
            return Ok(Some(Zip64Problem::DirectoryOutside {
                record: record_at,
                offset,
                size,
            }));
        }
        if entries.saturating_mul(46) > size {
            return Ok(Some(Zip64Problem::TooManyEntries {
                record: record_at,
                entries,
                room: size,
            }));
        }
    }
    Ok(None)
}
