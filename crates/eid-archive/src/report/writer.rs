//! The report folder as one unit. A run writes everything — the CSV files,
//! `audits.jsonl`, the exhibits under `crops/`, `summary.txt`, `run.json` —
//! into a staging folder inside the report folder, and only when the run is
//! complete swaps each into place, moving what an earlier report left (its
//! stale crops included) out of the way first. An interrupted run leaves the
//! previous report whole; a lock file keeps two runs out of one folder.

use super::columns::{ArchiveRow, CheckRow, FeatureRow, FindingRow, MemberRow};
use super::excel;
use super::folder::{self, Lock};
use super::parquet::{Footer, Tables};
use super::record::{FileRecord, RunRecord};
use super::rows::Rows;
use crate::codes::hex;
use crate::error::OutputError;
use crate::fsio;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// How a report is written.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct WriterOptions {
    /// Replace a report already in the folder.
    pub force: bool,
    /// Also write `audits.jsonl`.
    pub jsonl: bool,
    /// Write the CSV files for spreadsheets: a byte-order mark, cells that
    /// would start a formula made inert, hexadecimal kept as text.
    pub excel: bool,
    /// Also write `verified_claims.jsonl`.
    pub verified_claims: bool,
    /// Also write the tables as Parquet files, with this footer.
    pub(crate) parquet: Option<Footer>,
}

impl WriterOptions {
    /// These options, replacing an earlier report or not.
    pub fn with_force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// These options, with `audits.jsonl` or not.
    pub fn with_jsonl(mut self, jsonl: bool) -> Self {
        self.jsonl = jsonl;
        self
    }

    /// These options, with `verified_claims.jsonl` or not.
    pub fn with_verified_claims(mut self, verified_claims: bool) -> Self {
        self.verified_claims = verified_claims;
        self
    }

    /// These options, with Parquet files (their footer) or not.
    pub(crate) fn with_parquet(mut self, footer: Option<Footer>) -> Self {
        self.parquet = footer;
        self
    }

    /// These options, for spreadsheets or not.
    pub fn with_excel(mut self, excel: bool) -> Self {
        self.excel = excel;
        self
    }
}

/// One CSV file being written in the staging folder.
struct CsvFile {
    path: PathBuf,
    writer: csv::Writer<File>,
}

impl CsvFile {
    fn create<T: Serialize + Default>(dir: &Path, name: &str) -> Result<CsvFile, OutputError> {
        let path = dir.join(name);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(OutputError::io(&path))?;
        let mut writer = csv::WriterBuilder::new()
            .has_headers(false)
            .buffer_capacity(256 << 10)
            .from_writer(file);
        // A header even for a file that gets no rows: it still says what it holds.
        let header = header_of::<T>().map_err(OutputError::io(&path))?;
        writer
            .write_record(&header)
            .map_err(|e| OutputError::io(&path)(io::Error::from(e)))?;
        Ok(CsvFile { path, writer })
    }

    fn row(&mut self, record: &impl Serialize) -> Result<(), OutputError> {
        let result = self.writer.serialize(record);
        result.map_err(|e| OutputError::io(&self.path)(io::Error::from(e)))
    }

    fn close(mut self) -> Result<(), OutputError> {
        self.writer.flush().map_err(OutputError::io(&self.path))
    }
}

/// A JSON Lines file being written in the staging folder.
struct JsonLines {
    path: PathBuf,
    writer: BufWriter<File>,
}

impl JsonLines {
    fn create(dir: &Path, name: &str) -> Result<JsonLines, OutputError> {
        let path = dir.join(name);
        let file = File::create(&path).map_err(OutputError::io(&path))?;
        Ok(JsonLines {
            path,
            writer: BufWriter::with_capacity(256 << 10, file),
        })
    }

    fn line(&mut self, value: &impl Serialize) -> Result<(), OutputError> {
        serde_json::to_writer(&mut self.writer, value)
            .map_err(io::Error::from)
            .and_then(|()| self.writer.write_all(b"\n"))
            .map_err(OutputError::io(&self.path))
    }

    fn close(mut self) -> Result<(), OutputError> {
        self.writer.flush().map_err(OutputError::io(&self.path))
    }
}

/// A report being written. Dropping it before [`ReportWriter::finish`]
/// removes everything it wrote and leaves the folder as it was.
pub struct ReportWriter {
    dir: PathBuf,
    staging: PathBuf,
    excel: bool,
    files: Option<[CsvFile; 5]>,
    parquet: Option<Tables>,
    jsonl: Option<JsonLines>,
    claims: Option<JsonLines>,
    recovered: bool,
    _lock: Lock,
}

impl ReportWriter {
    /// Starts a report in `dir`, which is created if needed. An existing
    /// report is refused unless `force`; what an interrupted run left is
    /// cleared.
    pub fn create(
        dir: impl AsRef<Path>,
        options: &WriterOptions,
    ) -> Result<ReportWriter, OutputError> {
        let dir = dir.as_ref();
        fsio::ensure_dir(dir).map_err(|e| match e {
            OutputError::Io { path, cause } => OutputError::Folder { path, cause },
            other => other,
        })?;
        let lock = Lock::take(dir)?;
        // Under the lock: an interrupted swap is rolled back first, so the
        // earlier report is judged whole.
        let recovered = folder::recover(dir)?;
        folder::check_replaceable(dir, options.force)?;
        let staging = dir.join(folder::STAGING);
        fs::create_dir(&staging).map_err(OutputError::io(&staging))?;
        let files = [
            CsvFile::create::<ArchiveRow>(&staging, super::REPORT_FILES[0])?,
            CsvFile::create::<CheckRow>(&staging, super::REPORT_FILES[1])?,
            CsvFile::create::<FeatureRow>(&staging, super::REPORT_FILES[2])?,
            CsvFile::create::<FindingRow>(&staging, super::REPORT_FILES[3])?,
            CsvFile::create::<MemberRow>(&staging, super::REPORT_FILES[4])?,
        ];
        let parquet = match &options.parquet {
            Some(footer) => Some(Tables::create(&staging, footer)?),
            None => None,
        };
        let jsonl = if options.jsonl {
            Some(JsonLines::create(&staging, "audits.jsonl")?)
        } else {
            None
        };
        let claims = if options.verified_claims {
            Some(JsonLines::create(&staging, "verified_claims.jsonl")?)
        } else {
            None
        };
        Ok(ReportWriter {
            dir: dir.to_owned(),
            staging,
            excel: options.excel,
            files: Some(files),
            parquet,
            jsonl,
            claims,
            recovered,
            _lock: lock,
        })
    }

    /// True when an earlier run's interrupted swap was rolled back first,
    /// restoring the report before it.
    pub(crate) fn recovered(&self) -> bool {
        self.recovered
    }

    /// The staging folder: what the run writes beside the files this
    /// writer keeps (`crops/`, `crops.zip`, `html/`) goes here, so that it
    /// moves in with the report, or never arrives.
    pub(crate) fn staging(&self) -> &Path {
        &self.staging
    }

    /// Appends one archive's rows.
    pub fn write(&mut self, rows: &Rows) -> Result<(), OutputError> {
        let Some([archives, checks, features, findings, members]) = self.files.as_mut() else {
            return Ok(());
        };
        archives.row(&rows.archive)?;
        for r in &rows.checks {
            checks.row(r)?;
        }
        for r in &rows.features {
            features.row(r)?;
        }
        for r in &rows.findings {
            findings.row(r)?;
        }
        for r in &rows.members {
            members.row(r)?;
        }
        if let Some(parquet) = self.parquet.as_mut() {
            parquet.write(rows)?;
        }
        Ok(())
    }

    /// Writes out what the CSV files buffer, so that the files in the
    /// staging folder can be read (the duplicates read `archives.csv`).
    pub(crate) fn flush(&mut self) -> Result<(), OutputError> {
        for f in self.files.iter_mut().flatten() {
            f.writer.flush().map_err(OutputError::io(&f.path))?;
        }
        Ok(())
    }

    /// Appends one line to `audits.jsonl` (when it is written).
    pub fn write_json(&mut self, value: &impl Serialize) -> Result<(), OutputError> {
        self.jsonl.as_mut().map_or(Ok(()), |j| j.line(value))
    }

    /// Appends one line to `verified_claims.jsonl` (when it is written).
    pub fn write_claims(&mut self, value: &impl Serialize) -> Result<(), OutputError> {
        self.claims.as_mut().map_or(Ok(()), |j| j.line(value))
    }

    /// Completes the report: closes the files, writes `summary.txt`, hashes
    /// every file written into `run.json`, and swaps it all into place.
    /// Returns the report's entries as they now are in the folder.
    pub fn finish(
        mut self,
        summary: &str,
        mut run: RunRecord,
    ) -> Result<Vec<PathBuf>, OutputError> {
        for f in self.files.take().into_iter().flatten() {
            let path = f.path.clone();
            f.close()?;
            if self.excel {
                excel::rewrite(&path).map_err(OutputError::io(&path))?;
            }
        }
        if let Some(parquet) = self.parquet.take() {
            parquet.close()?;
        }
        for lines in [self.jsonl.take(), self.claims.take()]
            .into_iter()
            .flatten()
        {
            lines.close()?;
        }
        fsio::write_atomic(&self.staging, "summary.txt", |w| {
            w.write_all(summary.as_bytes())
        })?;
        run.outputs = hash_all(&self.staging)?;
        fsio::write_atomic(&self.staging, "run.json", |w| {
            serde_json::to_writer_pretty(&mut *w, &run)?;
            w.write_all(b"\n")
        })?;
        folder::swap(&self.dir, &self.staging)
    }
}

impl Drop for ReportWriter {
    fn drop(&mut self) {
        // A report that was not finished never reaches the folder.
        let _ = fs::remove_dir_all(&self.staging);
    }
}

/// SHA-256 and size of every file under `root`, by path relative to it, in
/// order. The files are hashed in parallel: a report with `--html` or
/// `--crops` holds thousands of small files, and opening and reading them
/// one after the other would be a noticeable part of the run.
pub(super) fn hash_all(root: &Path) -> Result<Vec<FileRecord>, OutputError> {
    use rayon::prelude::*;
    let mut files = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).map_err(OutputError::io(&dir))? {
            let entry = entry.map_err(OutputError::io(&dir))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(OutputError::io(&path))?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                files.push(path);
            }
        }
    }
    let mut out = files
        .par_iter()
        .map(|path| {
            let (sha256, bytes) = hash_file(path)?;
            let relative = path.strip_prefix(root).unwrap_or(path);
            Ok(FileRecord {
                path: relative.to_string_lossy().replace('\\', "/"),
                sha256,
                bytes,
            })
        })
        .collect::<Result<Vec<_>, OutputError>>()?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// SHA-256 (hex) and size of one file.
pub(crate) fn hash_file(path: &Path) -> Result<(String, u64), OutputError> {
    let mut hasher = Sha256::new();
    let mut file = File::open(path).map_err(OutputError::io(path))?;
    let mut buf = vec![0u8; 64 << 10];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(OutputError::io(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok((hex(&hasher.finalize()), bytes))
}

/// The header row of `T`: its field names, as serde names them, taken from a
/// serialised default row so that the header can never drift from the rows.
fn header_of<T: Serialize + Default>() -> io::Result<csv::StringRecord> {
    let mut probe = csv::Writer::from_writer(Vec::new());
    probe.serialize(T::default()).map_err(io::Error::from)?;
    let bytes = probe
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let header = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice())
        .records()
        .next()
        .transpose()
        .map_err(io::Error::from)?
        .unwrap_or_default();
    Ok(header)
}
