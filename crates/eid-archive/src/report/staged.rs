//! A report folder written by something other than the run's own writer
//! (`merge`), under the same rules: the lock, the recovery of an
//! interrupted swap, `--force` replacing only what an earlier report lists
//! as its own, a staging folder, and the journalled swap. What goes into
//! the staging folder is the caller's; `run.json` is written last, with the
//! SHA-256 of every file staged.

use super::folder::{self, Lock};
use super::record::FileRecord;
use crate::error::OutputError;
use crate::fsio;
use serde::Serialize;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// A staging folder inside a locked report folder. Dropping it before
/// [`Staged::finish`] removes what was staged and leaves the folder as it was.
pub(crate) struct Staged {
    dir: PathBuf,
    staging: PathBuf,
    recovered: bool,
    _lock: Lock,
}

impl Staged {
    /// Locks `dir` (created if needed), rolls back an interrupted swap,
    /// refuses a report that is there unless `force` (and, `force` or not,
    /// anything eid-audit did not write), and opens an empty staging folder.
    pub(crate) fn create(dir: &Path, force: bool) -> Result<Staged, OutputError> {
        fsio::ensure_dir(dir).map_err(|e| match e {
            OutputError::Io { path, cause } => OutputError::Folder { path, cause },
            other => other,
        })?;
        let lock = Lock::take(dir)?;
        let recovered = folder::recover(dir)?;
        folder::check_replaceable(dir, force)?;
        let staging = dir.join(folder::STAGING);
        fs::create_dir(&staging).map_err(OutputError::io(&staging))?;
        Ok(Staged {
            dir: dir.to_owned(),
            staging,
            recovered,
            _lock: lock,
        })
    }

    /// The staging folder: everything of the report is written here first.
    pub(crate) fn path(&self) -> &Path {
        &self.staging
    }

    /// True when an earlier run's interrupted swap was rolled back first.
    pub(crate) fn recovered(&self) -> bool {
        self.recovered
    }

    /// Writes `summary.txt`, then `run.json` as `record` makes it from the
    /// SHA-256 of every file staged, and swaps the report into place.
    /// Returns the report's entries as they now are in the folder.
    pub(crate) fn finish<T: Serialize>(
        self,
        summary: &str,
        record: impl FnOnce(Vec<FileRecord>) -> T,
    ) -> Result<Vec<PathBuf>, OutputError> {
        fsio::write_atomic(&self.staging, "summary.txt", |w| {
            w.write_all(summary.as_bytes())
        })?;
        let run = record(super::writer::hash_all(&self.staging)?);
        fsio::write_atomic(&self.staging, "run.json", |w| {
            serde_json::to_writer_pretty(&mut *w, &run)?;
            w.write_all(b"\n")
        })?;
        folder::swap(&self.dir, &self.staging)
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        // A report that was not finished never reaches the folder.
        let _ = fs::remove_dir_all(&self.staging);
    }
}
