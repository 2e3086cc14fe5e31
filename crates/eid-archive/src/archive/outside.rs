//! A process record kept outside the zip: beside it (the same file stem with
//! `.json`, as integrators store it) or given with `--process`. It is read
//! within the JSON limit and fingerprinted like the archive.

use crate::error::{ErrorKind, Measure, Sized};
use crate::evidence::OutsideFile;
use crate::limits::Limits;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The process record beside an archive: the same file stem with `.json`.
pub(super) fn sidecar_path(archive: &Path) -> Option<PathBuf> {
    let candidate = archive.with_extension("json");
    (candidate != archive && candidate.is_file()).then_some(candidate)
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
