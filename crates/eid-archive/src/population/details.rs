//! The cells of a few archives, read back from the report's own
//! `archives.csv`: the index keeps positions, not paths, so the rows of
//! `duplicates.csv` are completed from the file already written, in one
//! streaming pass (a plain file of a run, or an `--excel` one of a merge).

use super::csv_out::unexcel;
use crate::error::OutputError;
use std::io;
use std::path::Path;

/// What `duplicates.csv` shows of an archive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Detail {
    pub(crate) archive: String,
    pub(crate) sha256: String,
    pub(crate) process_id: String,
    pub(crate) status: String,
    pub(crate) verification_date: String,
}

const NAMES: [&str; 5] = [
    "archive",
    "sha256",
    "process_id",
    "status",
    "verification_date",
];

/// The details of the rows at `wanted` (0-based, ascending, each once) of
/// the `archives.csv` at `path`, in that order.
pub(crate) fn read(path: &Path, wanted: &[u32]) -> Result<Vec<Detail>, OutputError> {
    let fail = |e: csv::Error| OutputError::io(path)(io::Error::from(e));
    let mut out = Vec::with_capacity(wanted.len());
    if wanted.is_empty() {
        return Ok(out);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(path)
        .map_err(fail)?;
    let header = reader.headers().map_err(fail)?.clone();
    let excel = header.get(0).is_some_and(|h| h.starts_with('\u{feff}'));
    let at: Vec<Option<usize>> = NAMES
        .iter()
        .map(|n| {
            header
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == *n)
        })
        .collect();
    let mut next = wanted.iter().peekable();
    let mut record = csv::StringRecord::new();
    let mut row = 0u32;
    while let Some(&&want) = next.peek() {
        if !reader.read_record(&mut record).map_err(fail)? {
            break;
        }
        if row == want {
            let cell = |i: usize| {
                let v = at[i].and_then(|c| record.get(c)).unwrap_or_default();
                if excel { unexcel(v) } else { v }.to_owned()
            };
            out.push(Detail {
                archive: cell(0),
                sha256: cell(1),
                process_id: cell(2),
                status: cell(3),
                verification_date: cell(4),
            });
            next.next();
        }
        row += 1;
    }
    Ok(out)
}
