//! A process record kept outside the zip: beside it (the same file stem with
//! `.json`, as integrators store it) or given with `--process`. It is read
//! within the JSON limit and fingerprinted like the archive.

use crate::error::{ErrorKind, Measure, Sized};
use crate::evidence::OutsideFile;
use crate::limits::Limits;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The process record beside an archive: the same file stem with `.json`,
/// when anything stands there. Something that is not a file (a folder, a
/// pipe, a dangling link) is an error naming it, never skipped.
pub(super) fn sidecar_path(archive: &Path) -> Result<Option<PathBuf>, (String, ErrorKind)> {
    let candidate = archive.with_extension("json");
    if candidate == archive {
        return Ok(None);
    }
    match std::fs::symlink_metadata(&candidate) {
        Ok(_) => Ok(Some(candidate)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err((candidate.display().to_string(), ErrorKind::Io(e))),
    }
}

/// A process record kept outside the zip (given with `--process`, or found beside it).
pub(super) struct ProcessFile {
    /// How to name it in messages.
    pub(super) label: String,
    /// Its bytes.
    pub(super) bytes: Vec<u8>,
}

impl ProcessFile {
    /// The file as fingerprinted evidence.
    pub(super) fn outside_file(&self) -> OutsideFile {
        let f = super::source::fingerprint(&self.bytes);
        OutsideFile {
            path: self.label.clone(),
            sha256: f.sha256,
            bytes: f.bytes,
        }
    }
}

impl ProcessFile {
    /// Reads a process record file, refusing one over the JSON size limit.
    /// A failure names the file.
    pub(super) fn read(path: &Path, limits: &Limits) -> Result<ProcessFile, (String, ErrorKind)> {
        let label = path.display().to_string();
        let fail = |kind| (label.clone(), kind);
        // Only a regular file is opened: a pipe would block, a device never end.
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() => {}
            Ok(m) => {
                return Err(fail(ErrorKind::ProcessRecordUnreadable(format!(
                    "it is {}, not a file",
                    super::source::kind_of(&m)
                ))));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(fail(ErrorKind::ProcessRecordUnreadable(
                    "a link to nothing (its target does not exist)".into(),
                )));
            }
            Err(e) => return Err(fail(ErrorKind::Io(e))),
        }
        let file = File::open(path).map_err(|e| fail(ErrorKind::Io(e)))?;
        let mut bytes = Vec::new();
        file.take(limits.max_json_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| fail(ErrorKind::Io(e)))?;
        if bytes.len() as u64 > limits.max_json_bytes {
            return Err(fail(ErrorKind::TooLarge {
                what: Sized::ProcessFile,
                measured: Measure::Inflated,
                size: bytes.len() as u64,
                limit: limits.max_json_bytes,
            }));
        }
        Ok(ProcessFile { label, bytes })
    }
}
