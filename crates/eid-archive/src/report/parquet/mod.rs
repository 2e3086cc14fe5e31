//! `report --parquet`: the five tables as Parquet files beside the CSV
//! files, from the same rows. Columns are typed (booleans, days, UTC
//! timestamps, sizes, dictionary-encoded codes, lists for the cells the CSV
//! joins with `; `), compressed with zstd, and written in row groups as the
//! rows arrive, so memory stays flat. The bytes depend on the rows alone,
//! and each file's footer names the tool version and the policy digest.
//! `docs/parquet.md` gives every column.

mod population;
mod table;
mod tables;

use super::rows::Rows;
use crate::error::OutputError;
use parquet::errors::ParquetError;
use std::path::{Path, PathBuf};

pub(crate) use population::write as write_population;
pub(crate) use table::{BATCH_ROWS, BatchFile, Footer};

/// The Parquet files of a report, in the order of the CSV files.
pub(crate) const PARQUET_FILES: [&str; 5] = [
    "archives.parquet",
    "checks.parquet",
    "features.parquet",
    "findings.parquet",
    "members.parquet",
];

/// One Parquet file being written: its table and where it is.
struct File {
    path: PathBuf,
    table: table::Table,
}

/// The five Parquet files being written in the staging folder.
pub(crate) struct Tables {
    files: [File; 5],
}

/// A Parquet error, as an output error naming the file.
fn failed(path: &Path) -> impl Fn(ParquetError) -> OutputError + '_ {
    move |e| match e {
        ParquetError::External(e) => match e.downcast::<std::io::Error>() {
            Ok(io) => OutputError::io(path)(*io),
            Err(e) => OutputError::io(path)(std::io::Error::other(e)),
        },
        e => OutputError::io(path)(std::io::Error::other(e)),
    }
}

impl Tables {
    /// Creates the five files in `dir`, with this footer.
    pub(crate) fn create(dir: &Path, footer: &Footer) -> Result<Tables, OutputError> {
        let columns = [
            tables::ARCHIVES,
            tables::CHECKS,
            tables::FEATURES,
            tables::FINDINGS,
            tables::MEMBERS,
        ];
        let mut files = Vec::with_capacity(5);
        for (name, columns) in PARQUET_FILES.iter().zip(columns) {
            let path = dir.join(name);
            let table = table::Table::create(&path, columns, footer).map_err(failed(&path))?;
            files.push(File { path, table });
        }
        let files = files
            .try_into()
            .map_err(|_| OutputError::Options("five Parquet tables".into()))?;
        Ok(Tables { files })
    }

    /// Appends one archive's rows.
    pub(crate) fn write(&mut self, rows: &Rows) -> Result<(), OutputError> {
        let [archives, checks, features, findings, members] = &mut self.files;
        let put = |f: &File, e: Result<(), ParquetError>| e.map_err(failed(&f.path));
        let r = archives.table.row(&rows.archive, tables::archive);
        put(archives, r)?;
        for row in &rows.checks {
            let r = checks.table.row(row, tables::check);
            put(checks, r)?;
        }
        for row in &rows.features {
            let r = features.table.row(row, tables::feature);
            put(features, r)?;
        }
        for row in &rows.findings {
            let r = findings.table.row(row, tables::finding);
            put(findings, r)?;
        }
        for row in &rows.members {
            let r = members.table.row(row, tables::member);
            put(members, r)?;
        }
        Ok(())
    }

    /// Writes what is held and closes every file.
    pub(crate) fn close(self) -> Result<(), OutputError> {
        for f in self.files {
            f.table.close().map_err(failed(&f.path))?;
        }
        Ok(())
    }
}

/// A Parquet error while merging, as an output error naming the file.
pub(crate) fn error(path: &Path) -> impl Fn(ParquetError) -> OutputError + '_ {
    failed(path)
}

#[cfg(test)]
mod tests;
