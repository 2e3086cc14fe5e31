//! `--from-sample`: the archives a report's `sample.csv` drew, by their
//! `sha256` column (and their `archive` column, the path the report read
//! them from). The file, as read, and the report's `run.json` beside it go
//! into the pack: they say how the sample was drawn.

use std::path::{Path, PathBuf};

/// A report's sample, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// The file.
    pub file: PathBuf,
    /// Its rows.
    pub rows: Vec<SampleRow>,
    /// Its bytes, as read and parsed.
    pub(crate) bytes: Vec<u8>,
    /// The `run.json` of the report beside it, when there is one.
    pub(crate) report_run: Option<Vec<u8>>,
}

/// One row of a `sample.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleRow {
    /// Its line in the file (the header is line 1).
    pub line: u64,
    /// The archive's SHA-256, lower-case hex.
    pub sha256: String,
    /// The archive's path as the report read it, when the column is there.
    pub archive: Option<String>,
}

/// A sample file is a few thousand rows; past this it is not one.
const MAX_BYTES: u64 = 64 << 20;

/// A report's `run.json` lists every file it wrote: megabytes, not more.
const MAX_RUN_BYTES: u64 = 256 << 20;

/// Reads the rows of a `sample.csv` (`report --sample`, see
/// docs/population.md), with or without `--excel`'s byte-order mark. A
/// missing `sha256` column, or a row whose `sha256` is not 64 hex digits, is
/// an error naming the file and the line.
pub fn read_sample(path: &Path) -> Result<Sample, String> {
    let shown = path.display();
    let text = read_bounded(path, MAX_BYTES)
        .map_err(|e| format!("{shown}: cannot read the sample: {e}"))?;
    let rows = rows(path, &text)?;
    let beside = path.with_file_name("run.json");
    let report_run = match read_bounded(&beside, MAX_RUN_BYTES) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("{}: cannot read: {e}", beside.display())),
    };
    Ok(Sample {
        file: path.to_owned(),
        rows,
        bytes: text,
        report_run,
    })
}

/// A file of at most `max` bytes.
fn read_bounded(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::other(format!("larger than {max} bytes")));
    }
    Ok(bytes)
}

/// The rows of a sample's text.
fn rows(path: &Path, text: &[u8]) -> Result<Vec<SampleRow>, String> {
    let shown = path.display();
    let body = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(body);
    let header = reader
        .headers()
        .map_err(|e| format!("{shown}: line 1: {e}"))?
        .clone();
    let column = |name: &str| header.iter().position(|h| h == name);
    let sha = column("sha256")
        .ok_or_else(|| format!("{shown}: line 1: no sha256 column: not a sample.csv"))?;
    let archive = column("archive");
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            format!("{shown}: line {line}: {e}")
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let value = record.get(sha).unwrap_or_default().trim();
        if value.len() != 64 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "{shown}: line {line}: sha256 {value:?} is not a SHA-256 (64 hex digits)"
            ));
        }
        rows.push(SampleRow {
            line,
            sha256: value.to_ascii_lowercase(),
            archive: archive.and_then(|i| record.get(i)).map(str::to_owned),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<SampleRow>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sample.csv");
        std::fs::write(&path, text).unwrap();
        read_sample(&path)
            .map(|s| s.rows)
            .map_err(|e| e.replace(&path.display().to_string(), "FILE"))
    }

    #[test]
    fn rows_are_read_by_their_sha256_and_bad_rows_named_by_line() {
        let h = "A".repeat(64);
        let rows = read(&format!("\u{feff}archive,sha256,rank\nx.zip,{h},1\n")).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].sha256, "a".repeat(64));
        assert_eq!(rows[0].archive.as_deref(), Some("x.zip"));
        let e = read(&format!("archive,sha256\nx.zip,{h}\ny.zip,nothex\n")).unwrap_err();
        assert_eq!(
            e,
            "FILE: line 3: sha256 \"nothex\" is not a SHA-256 (64 hex digits)"
        );
        let e = read("archive,status\nx.zip,accepted\n").unwrap_err();
        assert!(e.starts_with("FILE: line 1: no sha256 column"), "{e}");
    }
}
