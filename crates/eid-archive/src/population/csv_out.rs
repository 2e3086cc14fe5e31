//! The population's CSV files (`duplicates.csv`, `sample.csv`,
//! `retention.csv`), written as the report's own: a header even without
//! rows, and under `--excel` a byte-order mark and cells that cannot start
//! a formula (paths and process ids come from untrusted archives).

use crate::error::OutputError;
use crate::inert::cell as excel_cell;
use std::fs::File;
use std::io::{self, BufWriter, Write as _};
use std::path::{Path, PathBuf};

/// A CSV file being written.
pub(crate) struct CsvOut {
    path: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
    columns: &'static [&'static str],
    excel: bool,
}

impl CsvOut {
    /// Creates `path` (which must not exist) with its header.
    pub(crate) fn create(
        path: &Path,
        columns: &'static [&'static str],
        excel: bool,
    ) -> Result<CsvOut, OutputError> {
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(OutputError::io(path))?;
        let mut buf = BufWriter::with_capacity(64 << 10, file);
        if excel {
            buf.write_all("\u{feff}".as_bytes())
                .map_err(OutputError::io(path))?;
        }
        let mut out = CsvOut {
            path: path.to_owned(),
            writer: csv::Writer::from_writer(buf),
            columns,
            excel: false,
        };
        out.row(columns)?;
        out.excel = excel;
        Ok(out)
    }

    /// Appends one row, its cells in the order of the columns.
    pub(crate) fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<(), OutputError> {
        let result = if self.excel {
            let inert: Vec<String> = cells
                .iter()
                .zip(self.columns)
                .map(|(v, c)| excel_cell(v.as_ref(), c))
                .collect();
            self.writer.write_record(&inert)
        } else {
            self.writer.write_record(cells.iter().map(AsRef::as_ref))
        };
        result.map_err(|e| OutputError::io(&self.path)(io::Error::from(e)))
    }

    /// Flushes and closes the file.
    pub(crate) fn close(mut self) -> Result<(), OutputError> {
        self.writer.flush().map_err(OutputError::io(&self.path))
    }
}

/// A cell of a file written for spreadsheets, as it was before: the `'`
/// that made a formula inert taken off again.
pub(crate) fn unexcel(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}
