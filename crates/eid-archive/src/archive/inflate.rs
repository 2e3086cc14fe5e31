//! Bounded inflation: the one place where member sizes are counted against the
//! limits. Every read of a member (a JSON file, an image header, a whole image,
//! a hash for the manifest) goes through [`Inflater::inflate`], which checks the
//! declared size first, stops one byte past what may be read, charges the
//! archive's inflation budget, and compares what it got with what was declared.

use super::index::Member;
use super::source::Bytes;
use crate::error::{Corruption, ErrorKind, Measure, Sized};
use std::io::{self, Read, Write};
use zip::ZipArchive;

/// How much of a member to read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Want {
    /// The whole member, which may not exceed `limit` bytes (of kind `what`).
    All {
        /// The largest size allowed.
        limit: u64,
        /// What the limit is for, in errors.
        what: Sized,
    },
    /// At most the first `n` bytes (image headers, content sniffing).
    Prefix(u64),
}

/// The zip reader and the archive's inflation budget.
pub(crate) struct Inflater {
    zip: ZipArchive<Bytes>,
    /// Inflated bytes allowed for the whole archive.
    max_total: u64,
    /// Inflated bytes read so far.
    used: u64,
}

/// An inflation failure: what went wrong, and whether it is the member's fault
/// (`true`) or the whole archive's (`false`, the total budget).
pub(crate) type Failure = (ErrorKind, bool);

impl Inflater {
    pub(crate) fn new(zip: ZipArchive<Bytes>, max_total: u64) -> Self {
        Inflater {
            zip,
            max_total,
            used: 0,
        }
    }

    /// Inflates what `want` asks of `member` into `sink`; returns the byte count.
    pub(crate) fn inflate(
        &mut self,
        member: &Member,
        want: Want,
        sink: &mut impl Write,
    ) -> Result<u64, Failure> {
        if let Some(kind) = member.unreadable() {
            return Err((kind, true));
        }
        if let Want::All { limit, what } = want
            && member.size > limit
        {
            return Err((
                ErrorKind::TooLarge {
                    what,
                    measured: Measure::Declared,
                    size: member.size,
                    limit,
                },
                true,
            ));
        }
        let remaining = self.max_total.saturating_sub(self.used);
        let cap = match want {
            Want::All { limit, .. } => limit.min(remaining),
            Want::Prefix(n) => n.min(remaining),
        };
        // One byte past the cap shows that there was more.
        let mut got = 0u64;
        let result = match self.zip.by_index(member.index) {
            Ok(file) => copy_counting(&mut file.take(cap.saturating_add(1)), sink, &mut got),
            Err(e) => Err(super::zip_error(e)),
        };
        self.used += got;
        if let Want::All { limit, what } = want
            && got > limit
        {
            return Err((
                ErrorKind::TooLarge {
                    what,
                    measured: Measure::Inflated,
                    size: got,
                    limit,
                },
                true,
            ));
        }
        if got > remaining {
            return Err((
                ErrorKind::TooLarge {
                    what: Sized::WholeArchive,
                    measured: Measure::Inflated,
                    size: self.used,
                    limit: self.max_total,
                },
                false,
            ));
        }
        result.map_err(|kind| (kind, true))?;
        if matches!(want, Want::All { .. }) && got != member.size {
            return Err((
                ErrorKind::Corrupt(Corruption::Short {
                    got,
                    declared: member.size,
                }),
                true,
            ));
        }
        Ok(got)
    }
}

/// Copies `from` into `to`, counting bytes in `got` even when it fails part-way.
fn copy_counting(
    from: &mut impl Read,
    to: &mut impl Write,
    got: &mut u64,
) -> Result<(), ErrorKind> {
    let mut buf = [0u8; 64 << 10];
    loop {
        match from.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                to.write_all(&buf[..n])
                    .map_err(|e| ErrorKind::Corrupt(Corruption::Data(e.to_string())))?;
                *got += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ErrorKind::Corrupt(Corruption::Data(e.to_string()))),
        }
    }
}
