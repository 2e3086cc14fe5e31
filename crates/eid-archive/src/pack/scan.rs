//! Which inputs a pack holds: each input hashed (and, when process ids
//! select, audited for its process id) on the thread pool, then matched
//! against the selection. Every selecting value must match an archive.

use super::{PackError, PackOptions, Selection};
use crate::archive::Archive;
use crate::audit::Audit;
use crate::batch::Input;
use crate::codes::hex;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read, Write};
use std::path::PathBuf;

/// One input, as the scan found it.
#[derive(Debug, Clone)]
pub(super) struct Scanned {
    /// Its path.
    pub(super) path: PathBuf,
    /// The SHA-256 of its bytes; empty when they could not be read.
    pub(super) sha256: String,
    /// Its size.
    pub(super) bytes: u64,
    /// Its process id, when process ids select and it could be audited.
    pub(super) process_id: Option<String>,
    /// Why it could not be read (one line, naming it).
    pub(super) error: Option<String>,
}

/// An input chosen for the pack.
#[derive(Debug, Clone)]
pub(super) struct Chosen {
    /// The input.
    pub(super) scanned: Scanned,
    /// What selected it: `processId`, `sha256`, `sample`.
    pub(super) selected_by: Vec<&'static str>,
    /// Other paths holding the same bytes (packed once).
    pub(super) also_at: Vec<String>,
}

/// Hashes every input and, when `audit` is set, audits it for its process id.
/// Once `stop` turns true, the inputs left are not read.
pub(super) fn scan(
    inputs: &[&Input],
    audit: bool,
    options: &PackOptions,
    stop: &(dyn Fn() -> bool + Sync),
) -> Vec<Scanned> {
    inputs
        .par_iter()
        .map(|input| {
            let path = input.path().to_owned();
            let shown = path.display().to_string();
            let mut s = Scanned {
                path,
                sha256: String::new(),
                bytes: 0,
                process_id: None,
                error: None,
            };
            if stop() {
                s.error = Some(format!("{shown}: not read: interrupted"));
                return s;
            }
            if let Some(problem) = input.problem() {
                s.error = Some(format!("{shown}: {problem}"));
                return s;
            }
            match hash_file(&s.path, options.audit.read.limits.max_archive_bytes) {
                Ok((sha, bytes)) => (s.sha256, s.bytes) = (sha, bytes),
                Err(e) => {
                    s.error = Some(format!("{shown}: cannot be read: {e}"));
                    return s;
                }
            }
            if audit {
                match process_id(&s, options) {
                    Ok(id) => s.process_id = Some(id),
                    Err(e) => s.error = Some(e),
                }
            }
            s
        })
        .collect()
}

/// The process id of a scanned archive, or one line saying why not.
fn process_id(s: &Scanned, options: &PackOptions) -> Result<String, String> {
    let audited = guarded(|| {
        let mut archive = Archive::open(&s.path, &options.audit.read)?;
        Audit::of_archive(&mut archive, &options.audit)
    })?;
    let audit = audited.map_err(|e| e.to_string())?;
    if audit.archive.fingerprint.sha256 != s.sha256 {
        return Err(format!("{}: changed while it was read", s.path.display()));
    }
    Ok(audit.process_id)
}

/// Runs `f`, turning a panic on hostile input into one line.
pub(super) fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|payload| {
        format!(
            "internal error (please report it): {}",
            crate::batch::panic_message(&*payload)
        )
    })
}

/// The SHA-256 and size of a regular file of at most `max` bytes.
fn hash_file(path: &std::path::Path, max: u64) -> io::Result<(String, u64)> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    if meta.len() > max {
        return Err(io::Error::other(format!(
            "{} bytes, over max_archive_bytes ({max})",
            meta.len()
        )));
    }
    let mut w = HashingWriter::new(io::sink());
    let n = io::copy(&mut std::fs::File::open(path)?.take(max + 1), &mut w)?;
    if n > max {
        return Err(io::Error::other("grew past max_archive_bytes while read"));
    }
    Ok((w.finish(), n))
}

/// The inputs `selection` names, in input order, each distinct archive once;
/// refused when any selecting value names no archive.
pub(super) fn choose(scanned: &[Scanned], selection: &Selection) -> Result<Vec<Chosen>, PackError> {
    let pids: BTreeSet<&str> = selection.process_ids.iter().map(String::as_str).collect();
    let shas: BTreeSet<&str> = selection.sha256.iter().map(String::as_str).collect();
    let sample: BTreeSet<&str> = selection
        .sample
        .iter()
        .flat_map(|s| s.rows.iter().map(|r| r.sha256.as_str()))
        .collect();
    let mut chosen: Vec<Chosen> = Vec::new();
    let mut by_sha: BTreeMap<&str, usize> = BTreeMap::new();
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    for s in scanned.iter().filter(|s| !s.sha256.is_empty()) {
        let mut by = Vec::new();
        if let Some(pid) = s.process_id.as_deref().filter(|p| pids.contains(p)) {
            matched.insert(pid);
            by.push("processId");
        }
        for (set, what) in [(&shas, "sha256"), (&sample, "sample")] {
            if set.contains(s.sha256.as_str()) {
                by.push(what);
            }
        }
        if by.is_empty() {
            continue;
        }
        matched.insert(&s.sha256);
        match by_sha.get(s.sha256.as_str()) {
            Some(&i) => chosen[i].also_at.push(s.path.display().to_string()),
            None => {
                by_sha.insert(&s.sha256, chosen.len());
                chosen.push(Chosen {
                    scanned: s.clone(),
                    selected_by: by,
                    also_at: Vec::new(),
                });
            }
        }
    }
    let mut missing: Vec<String> = Vec::new();
    for pid in &pids {
        if !matched.contains(pid) {
            missing.push(format!("no archive has process id {pid:?}"));
        }
    }
    for sha in &shas {
        if !matched.contains(sha) {
            missing.push(format!("no archive has SHA-256 {sha}"));
        }
    }
    if let Some(sample) = &selection.sample {
        let rows = sample.rows.iter();
        for row in rows.filter(|r| !matched.contains(r.sha256.as_str())) {
            missing.push(format!(
                "{} line {}: no archive has SHA-256 {}",
                sample.file.display(),
                row.line,
                row.sha256
            ));
        }
    }
    if !missing.is_empty() {
        return Err(PackError::Refused(format!(
            "{}; no pack written",
            missing.join("; ")
        )));
    }
    Ok(chosen)
}

/// A writer that hashes what passes through it.
pub(super) struct HashingWriter<W> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> HashingWriter<W> {
    pub(super) fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hash: Sha256::new(),
        }
    }

    /// The hex SHA-256 of what was written.
    pub(super) fn finish(self) -> String {
        hex(&self.hash.finalize())
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
