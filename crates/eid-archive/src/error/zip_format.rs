//! Zip records that cannot be followed, said with what they claim, and the
//! names of compression methods.

use std::fmt;

/// A zip64 end-of-central-directory record or locator that lies.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Zip64Problem {
    /// The end record defers to zip64 (a field is all ones), and no zip64
    /// locator precedes it.
    MissingLocator {
        /// Where the end-of-central-directory record is.
        end_record: u64,
    },
    /// The zip64 locator points past the end of the file.
    LocatorPastEnd {
        /// Where the locator is.
        locator: u64,
        /// The offset it gives for the zip64 record.
        record: u64,
        /// The file's size.
        file_len: u64,
    },
    /// The zip64 locator points where there is no zip64 record.
    NoRecord {
        /// Where the locator is.
        locator: u64,
        /// The offset it gives for the zip64 record.
        record: u64,
    },
    /// The zip64 record claims more entries than its central directory can hold.
    TooManyEntries {
        /// Where the zip64 record is.
        record: u64,
        /// The entries it claims.
        entries: u64,
        /// The bytes the central directory has (46 at least per entry).
        room: u64,
    },
    /// The zip64 record puts the central directory outside the file, or after itself.
    DirectoryOutside {
        /// Where the zip64 record is.
        record: u64,
        /// The central directory's offset it gives.
        offset: u64,
        /// The central directory's size it gives.
        size: u64,
    },
}

impl fmt::Display for Zip64Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Zip64Problem::MissingLocator { end_record } => write!(
                f,
                "the end-of-central-directory record at offset {end_record} defers to a zip64 record, \
                 and no zip64 locator precedes it"
            ),
            Zip64Problem::LocatorPastEnd {
                locator,
                record,
                file_len,
            } => write!(
                f,
                "the zip64 end-of-central-directory locator at offset {locator} points to offset {record}, \
                 past the end of the file ({file_len} bytes)"
            ),
            Zip64Problem::NoRecord { locator, record } => write!(
                f,
                "the zip64 end-of-central-directory locator at offset {locator} points to offset {record}, \
                 where there is no zip64 end-of-central-directory record"
            ),
            Zip64Problem::TooManyEntries {
                record,
                entries,
                room,
            } => write!(
                f,
                "the zip64 end-of-central-directory record at offset {record} claims {entries} entries, \
                 more than fit in the {room} bytes of its central directory"
            ),
            Zip64Problem::DirectoryOutside {
                record,
                offset,
                size,
            } => write!(
                f,
                "the zip64 end-of-central-directory record at offset {record} puts the central directory \
                 at offset {offset} ({size} bytes), which does not end before the record"
            ),
        }
    }
}

/// The name of a zip compression method (APPNOTE 4.4.5), or `unknown`.
pub(crate) fn method_name(method: u16) -> &'static str {
    match method {
        0 => "stored",
        1 => "Shrink",
        2..=5 => "Reduce",
        6 => "Implode",
        8 => "Deflate",
        9 => "Deflate64",
        10 => "PKWARE DCL Implode",
        12 => "bzip2",
        14 => "LZMA",
        16 => "IBM z/OS CMPSC",
        18 => "IBM TERSE",
        19 => "IBM LZ77 z",
        20 | 93 => "Zstandard",
        94 => "MP3",
        95 => "XZ",
        96 => "JPEG",
        97 => "WavPack",
        98 => "PPMd",
        99 => "AES encryption",
        _ => "unknown",
    }
}
