//! The report folder as one unit, and never more than eid-audit's own.
//!
//! - **A lock the kernel releases.** `.eid-audit.lock` is held with an
//!   advisory lock on the open file (`flock`), which the kernel drops when
//!   the process ends however it ends: no pid to trust, none to be reused.
//! - **Only what eid-audit wrote is replaced.** A report's entries
//!   (`archives.csv`, …, `crops/`, `html/`) are replaced only when the
//!   previous report's `run.json` lists them as its own, every file of a
//!   folder included; anything else in their place is refused, `--force` or
//!   not.
//! - **A swap that can be undone.** Before the earlier report is moved
//!   aside, a journal names its entries; the journal is removed only when
//!   the new report is wholly in place. A run killed in between leaves the
//!   journal, and the next run puts the earlier report back before anything
//!   else: a complete report is never lost.

use super::REPORT_ENTRIES;
use crate::error::OutputError;
use crate::fsio;
use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where a run writes until it is complete.
pub(super) const STAGING: &str = ".eid-audit-partial";
/// Where an earlier report's entries wait while the new ones move in.
pub(super) const OLD: &str = ".eid-audit-old";
/// The lock file of a report folder.
const LOCK: &str = ".eid-audit.lock";
/// The journal of a swap under way: the earlier report's entries, one a line.
const JOURNAL: &str = ".eid-audit-swap";

/// The lock of a report folder: held while the file is open, released by
/// the kernel when the process ends.
pub(super) struct Lock {
    path: PathBuf,
    _file: File,
}

impl Lock {
    /// Takes the lock of `dir`, or says another run holds it.
    pub(super) fn take(dir: &Path) -> Result<Lock, OutputError> {
        let path = dir.join(LOCK);
        // A holder that finished unlinks the file; one that opened it just
        // before may then hold a lock on a file no longer there: it checks
        // and tries again, a few times at most.
        for _ in 0..8 {
            let mut file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(OutputError::io(&path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => return Err(OutputError::Locked { path }),
                Err(TryLockError::Error(e)) => return Err(OutputError::io(&path)(e)),
            }
            if still_there(&file, &path) {
                // For a person looking: which process holds it.
                let _ = file.set_len(0);
                let _ = writeln!(file, "{}", std::process::id());
                return Ok(Lock { path, _file: file });
            }
        }
        Err(OutputError::Locked { path })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Unlinked while still held; the file closes (and unlocks) after.
        let _ = fs::remove_file(&self.path);
    }
}

/// True when `path` still names the file `file` has open.
#[cfg(unix)]
fn still_there(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Elsewhere a lock file is never unlinked while open, so it is the same.
#[cfg(not(unix))]
fn still_there(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// The report entries present in `dir`.
fn present(dir: &Path) -> Vec<&'static str> {
    REPORT_ENTRIES
        .iter()
        .copied()
        .filter(|n| fs::symlink_metadata(dir.join(n)).is_ok())
        .collect()
}

/// Puts back an earlier report whose swap was interrupted, then clears what
/// an interrupted run left (its staging folder; an earlier report whose
/// replacement completed). Under the lock.
pub(super) fn recover(dir: &Path) -> Result<bool, OutputError> {
    let journal = dir.join(JOURNAL);
    let recovered = match fs::read_to_string(&journal) {
        Ok(text) => {
            let old = dir.join(OLD);
            for name in text.lines().filter(|n| REPORT_ENTRIES.contains(n)) {
                let aside = old.join(name);
                if fs::symlink_metadata(&aside).is_err() {
                    continue;
                }
                let target = dir.join(name);
                // What stands there now is the interrupted run's own entry.
                remove_all(&target)?;
                fs::rename(&aside, &target).map_err(OutputError::io(&target))?;
            }
            fs::remove_file(&journal).map_err(OutputError::io(&journal))?;
            true
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(OutputError::io(&journal)(e)),
    };
    for leftover in [STAGING, OLD] {
        remove_all(&dir.join(leftover))?;
    }
    Ok(recovered)
}

/// Refuses to start when `dir` holds a report entry that is not the
/// previous report's own (its `run.json` lists every file of it), `--force`
/// or not; and, without `force`, when it holds a report at all.
pub(super) fn check_replaceable(dir: &Path, force: bool) -> Result<(), OutputError> {
    let present = present(dir);
    let Some(first) = present.first() else {
        return Ok(());
    };
    let owned = owned_files(dir);
    for name in &present {
        if let Some(foreign) = foreign_file(dir, name, owned.as_ref())? {
            return Err(OutputError::NotOurs {
                path: dir.join(name),
                foreign,
            });
        }
    }
    if force {
        Ok(())
    } else {
        Err(OutputError::Exists {
            path: dir.join(first),
        })
    }
}

/// The report's own files in `dir`, as canonical paths: what its previous
/// `run.json` lists, and anything under the folders a run keeps to itself.
/// An input among them is the tool's output, not evidence: a run over a
/// store that holds its own report never audits it.
pub(crate) fn own_files(dir: &Path) -> OwnFiles {
    let Ok(root) = dir.canonicalize() else {
        return OwnFiles::default();
    };
    let listed = owned_files(dir)
        .unwrap_or_default()
        .into_iter()
        .map(|p| root.join(p))
        .collect();
    // Only the folders that exist: with no earlier report here, no input is
    // looked up at all (a store of millions is not canonicalised for nothing).
    let private = [STAGING, OLD]
        .iter()
        .map(|n| root.join(n))
        .filter(|p| p.exists())
        .collect();
    OwnFiles { listed, private }
}

/// A report folder's own files ([`own_files`]).
#[derive(Debug, Default)]
pub(crate) struct OwnFiles {
    listed: BTreeSet<PathBuf>,
    private: Vec<PathBuf>,
}

impl OwnFiles {
    /// True when `path` is one of them.
    pub(crate) fn contains(&self, path: &Path) -> bool {
        if self.listed.is_empty() && self.private.is_empty() {
            return false;
        }
        let Ok(path) = path.canonicalize() else {
            return false;
        };
        self.listed.contains(&path) || self.private.iter().any(|p| path.starts_with(p))
    }
}

/// The files the previous report recorded as its own (`outputs` of its
/// `run.json`, and `run.json` itself), or `None` when there is no readable
/// record of an eid-audit report.
fn owned_files(dir: &Path) -> Option<BTreeSet<String>> {
    let path = dir.join("run.json");
    let meta = fs::symlink_metadata(&path).ok()?;
    // A run.json is small; anything else is not one.
    if !meta.is_file() || meta.len() > 64 << 20 {
        return None;
    }
    let run: serde_json::Value = serde_json::from_slice(&fs::read(&path).ok()?).ok()?;
    if run["tool"]["name"] != "eid-audit" {
        return None;
    }
    let mut owned: BTreeSet<String> = run["outputs"]
        .as_array()?
        .iter()
        .filter_map(|f| f["path"].as_str().map(str::to_owned))
        .collect();
    owned.insert("run.json".into());
    Some(owned)
}

/// The first file under the entry `name` of `dir` that the previous report
/// did not write, if any (a link, a device: anything but a file or folder,
/// counts as not written by it).
fn foreign_file(
    dir: &Path,
    name: &str,
    owned: Option<&BTreeSet<String>>,
) -> Result<Option<PathBuf>, OutputError> {
    let root = dir.join(name);
    let Some(owned) = owned else {
        return Ok(Some(root));
    };
    let mut stack = vec![root];
    while let Some(path) = stack.pop() {
        let meta = fs::symlink_metadata(&path).map_err(OutputError::io(&path))?;
        if meta.is_dir() {
            for entry in fs::read_dir(&path).map_err(OutputError::io(&path))? {
                stack.push(entry.map_err(OutputError::io(&path))?.path());
            }
            continue;
        }
        let relative = path
            .strip_prefix(dir)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        if !meta.is_file() || !owned.contains(&relative) {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// Moves the earlier report's entries aside and the new ones in from
/// `staging`, under a journal that the next run rolls back if this one is
/// killed half-way; then removes the earlier report and the empty staging
/// folder. Returns the report's entries as they now are.
pub(super) fn swap(dir: &Path, staging: &Path) -> Result<Vec<PathBuf>, OutputError> {
    let old = dir.join(OLD);
    let earlier = present(dir);
    let journal = fsio::write_atomic(dir, JOURNAL, |w| {
        for name in &earlier {
            writeln!(w, "{name}")?;
        }
        Ok(())
    })?;
    // The journal reaches the disk before anything moves (a power cut, not
    // only a kill, must leave it readable).
    File::open(&journal)
        .and_then(|f| f.sync_all())
        .map_err(OutputError::io(&journal))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    fs::create_dir(&old).map_err(OutputError::io(&old))?;
    for name in &earlier {
        let path = dir.join(name);
        fs::rename(&path, old.join(name)).map_err(OutputError::io(&path))?;
    }
    let mut done = Vec::new();
    for name in REPORT_ENTRIES {
        let from = staging.join(name);
        if fs::symlink_metadata(&from).is_ok() {
            let to = dir.join(name);
            fs::rename(&from, &to).map_err(OutputError::io(&to))?;
            done.push(to);
        }
    }
    // The new report is whole: from here on the earlier one is not needed.
    fs::remove_file(&journal).map_err(OutputError::io(&journal))?;
    remove_all(&old)?;
    remove_all(staging)?;
    Ok(done)
}

/// Removes a folder and everything in it, if it exists; never follows a link.
pub(super) fn remove_all(path: &Path) -> Result<(), OutputError> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path).map_err(OutputError::io(path)),
        Ok(_) => fs::remove_file(path).map_err(OutputError::io(path)),
        Err(_) => Ok(()),
    }
}
