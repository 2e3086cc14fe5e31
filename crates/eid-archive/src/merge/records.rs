//! Reading a shard's files record by record, as raw bytes: a merged file is
//! the shards' records copied byte for byte, never parsed and written
//! again, so it is byte-equal to what one run writes whatever the columns
//! (and whatever columns a later version adds).

use crate::error::OutputError;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// A file read one record at a time: a CSV record (a line, or several when a
/// quoted cell holds a line break) or a JSON line.
pub(super) struct Records {
    path: PathBuf,
    reader: BufReader<File>,
    csv: bool,
    record: Vec<u8>,
    /// The current record was taken; the next call to `peek` reads another.
    taken: bool,
    done: bool,
}

impl Records {
    /// Opens a CSV file (`csv`) or a JSON Lines file.
    pub(super) fn open(path: &Path, csv: bool) -> Result<Records, OutputError> {
        let file = File::open(path).map_err(OutputError::io(path))?;
        Ok(Records {
            path: path.to_owned(),
            reader: BufReader::with_capacity(64 << 10, file),
            csv,
            record: Vec::new(),
            taken: true,
            done: false,
        })
    }

    /// The next record, with its line ending, without taking it; `None` at
    /// the end of the file.
    pub(super) fn peek(&mut self) -> Result<Option<&[u8]>, OutputError> {
        if self.taken && !self.done {
            self.record.clear();
            self.taken = false;
            loop {
                let n = self
                    .reader
                    .read_until(b'\n', &mut self.record)
                    .map_err(OutputError::io(&self.path))?;
                // A CSV record goes on while a quoted cell is open: an odd
                // number of quotes so far (a quote inside a cell is doubled).
                let open = self.csv && self.record.iter().filter(|b| **b == b'"').count() % 2 == 1;
                if n == 0 || !open {
                    break;
                }
            }
            if self.record.is_empty() {
                self.done = true;
            }
        }
        Ok((!self.done).then_some(self.record.as_slice()))
    }

    /// Takes the record `peek` showed.
    pub(super) fn take(&mut self) {
        self.taken = true;
    }
}

/// The cell at `column` of a raw CSV record, unquoted; empty when the
/// record is shorter.
pub(super) fn cell(record: &[u8], column: usize) -> String {
    let mut i = 0;
    let mut n = 0;
    loop {
        let (value, next) = one_cell(record, i);
        if n == column {
            return String::from_utf8_lossy(&value).into_owned();
        }
        match next {
            Some(next) => i = next,
            None => return String::new(),
        }
        n += 1;
    }
}

/// Every cell of a raw CSV record (a header), unquoted.
pub(super) fn cells(record: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let (value, next) = one_cell(record, i);
        out.push(String::from_utf8_lossy(&value).into_owned());
        match next {
            Some(next) => i = next,
            None => return out,
        }
    }
}

/// The cell starting at byte `i`, unquoted, and where the next one starts
/// (`None` after the last).
fn one_cell(record: &[u8], mut i: usize) -> (Vec<u8>, Option<usize>) {
    let mut value = Vec::new();
    if record.get(i) == Some(&b'"') {
        i += 1;
        while i < record.len() {
            if record[i] == b'"' {
                if record.get(i + 1) == Some(&b'"') {
                    value.push(b'"');
                    i += 2;
                    continue;
                }
                i += 1;
                break;
            }
            value.push(record[i]);
            i += 1;
        }
    }
    while i < record.len() {
        match record[i] {
            b',' => return (value, Some(i + 1)),
            b'\r' | b'\n' => return (value, None),
            b => value.push(b),
        }
        i += 1;
    }
    (value, None)
}

/// A cell as written by `--excel`, given back as the report wrote it
/// before: a formula-like cell lost its leading `'`.
pub(super) fn unexcel(value: String) -> String {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_owned(),
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_unquoted_and_records_span_quoted_line_breaks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        let text = "archive,message\n\"a,\"\"b\"\".zip\",\"two\nlines\"\nc.zip,\n";
        std::fs::write(&path, text).unwrap();
        let mut r = Records::open(&path, true).unwrap();
        let mut got = Vec::new();
        while let Some(rec) = r.peek().unwrap() {
            got.push((rec.to_vec(), cell(rec, 0), cell(rec, 1), cell(rec, 5)));
            r.take();
        }
        assert_eq!(got.len(), 3);
        assert_eq!(cells(&got[0].0), vec!["archive", "message"]);
        assert_eq!(got[1].1, "a,\"b\".zip");
        assert_eq!(got[1].2, "two\nlines");
        assert_eq!((got[2].1.as_str(), got[2].2.as_str()), ("c.zip", ""));
        assert_eq!(got[2].3, "");
        let back: Vec<u8> = got.iter().flat_map(|g| g.0.clone()).collect();
        assert_eq!(back, text.as_bytes(), "records are the bytes as written");
        assert_eq!(unexcel("'=x".into()), "=x");
        assert_eq!(unexcel("'plain".into()), "'plain");
    }
}
