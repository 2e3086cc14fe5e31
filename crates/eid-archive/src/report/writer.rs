//! The report writer: five CSV files written under temporary names and
//! renamed into place only when the run is complete, so an interrupted run
//! leaves no half-written report, and an earlier report stays whole until
//! the new one is.

use super::REPORT_FILES;
use super::rows::{ArchiveRow, CheckRow, FeatureRow, FindingRow, MemberRow, Rows};
use crate::error::OutputError;
use crate::fsio::{self, PartialFile};
use serde::Serialize;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// One CSV file being written.
struct CsvFile {
    file: PartialFile<csv::Writer<File>>,
}

impl CsvFile {
    fn create<T: Serialize + Default>(dir: &Path, name: &str) -> Result<CsvFile, OutputError> {
        let file = PartialFile::create_with(dir, name, |f| {
            csv::WriterBuilder::new()
                .has_headers(false)
                .buffer_capacity(256 << 10)
                .from_writer(f)
        })?;
        let mut file = CsvFile { file };
        // A header even for a file that gets no rows: it still says what it holds.
        let header = header_of::<T>().map_err(OutputError::io(file.file.path()))?;
        file.file
            .writer()
            .write_record(&header)
            .map_err(|e| OutputError::io(file.file.path())(io::Error::from(e)))?;
        Ok(file)
    }

    /// Appends one row.
    fn row(&mut self, record: &impl Serialize) -> Result<(), OutputError> {
        let result = self.file.writer().serialize(record);
        result.map_err(|e| OutputError::io(self.file.path())(io::Error::from(e)))
    }
}

/// The five CSV files of a report. Dropping the writer before
/// [`ReportWriter::finish`] removes the partial files.
pub struct ReportWriter {
    archives: CsvFile,
    checks: CsvFile,
    features: CsvFile,
    findings: CsvFile,
    members: CsvFile,
}

impl ReportWriter {
    /// Starts a report in `dir`, which is created if needed. An existing report
    /// is refused unless `force`.
    pub fn create(dir: impl AsRef<Path>, force: bool) -> Result<ReportWriter, OutputError> {
        let dir = dir.as_ref();
        fsio::ensure_dir(dir)?;
        if !force {
            for name in REPORT_FILES {
                let path = dir.join(name);
                if fs::symlink_metadata(&path).is_ok() {
                    return Err(OutputError::Exists { path });
                }
            }
        }
        Ok(ReportWriter {
            archives: CsvFile::create::<ArchiveRow>(dir, REPORT_FILES[0])?,
            checks: CsvFile::create::<CheckRow>(dir, REPORT_FILES[1])?,
            features: CsvFile::create::<FeatureRow>(dir, REPORT_FILES[2])?,
            findings: CsvFile::create::<FindingRow>(dir, REPORT_FILES[3])?,
            members: CsvFile::create::<MemberRow>(dir, REPORT_FILES[4])?,
        })
    }

    /// Appends one archive's rows.
    pub fn write(&mut self, rows: &Rows) -> Result<(), OutputError> {
        self.archives.row(&rows.archive)?;
        for r in &rows.checks {
            self.checks.row(r)?;
        }
        for r in &rows.features {
            self.features.row(r)?;
        }
        for r in &rows.findings {
            self.findings.row(r)?;
        }
        for r in &rows.members {
            self.members.row(r)?;
        }
        Ok(())
    }

    /// Renames every file into place; returns the final paths.
    pub fn finish(self) -> Result<Vec<PathBuf>, OutputError> {
        [
            self.archives,
            self.checks,
            self.features,
            self.findings,
            self.members,
        ]
        .into_iter()
        .map(|f| f.file.persist())
        .collect()
    }
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
