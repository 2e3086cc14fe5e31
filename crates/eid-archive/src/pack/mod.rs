//! The evidence of one case, or of a list, sealed in one zip (`eid-audit
//! pack`): each archive selected, verbatim; its `inspect --format json`, its
//! printable page, its exhibits and, where it qualifies, its verified claims,
//! all under the run's personal-data mode and rule for images; the policy
//! text; the pack's own `run.json`; and `manifest.sha256`, the SHA-256 of
//! every other member in `sha256sum` format.
//!
//! A pack is selected, never "everything": by process id, by archive SHA-256,
//! or by the rows of a report's `sample.csv`. A value that matches no archive
//! is an error and nothing is written, so that an auditor never receives a
//! silently incomplete pack. The zip is the same bytes for the same inputs
//! and options (members in a fixed order, each dated 1980-01-01), and it is
//! written under a temporary name beside its final one and renamed into
//! place only when complete. [`verify`] checks a pack as untrusted input.

mod case;
mod manifest;
mod record;
mod sample;
mod scan;
mod verify;

pub use manifest::{MANIFEST, format as format_manifest, is_safe_name, parse as parse_manifest};
pub use sample::{Sample, SampleRow, read_sample};
pub use verify::{Verified, verify};

use crate::audit::AuditOptions;
use crate::batch::Input;
use crate::crops::CropOptions;
use crate::error::OutputError;
use crate::fsio::PartialFile;
use crate::ida::IdaOptions;
use crate::pii::Pii;
use crate::report::Tool;
use record::PackRecord;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// How a pack is made.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct PackOptions {
    /// The policy, the limits and the process record source.
    pub audit: AuditOptions,
    /// The personal-data mode of everything but the archives themselves.
    pub pii: Pii,
    /// How exhibits are made (annotation, embedding, exclusions).
    pub crops: CropOptions,
    /// The settings of the verified claims (written only under `--pii full`).
    pub ida: IdaOptions,
    /// The text of the policy file, when one was given.
    pub policy_text: Option<String>,
    /// The tool, for `run.json`.
    pub tool: Tool,
    /// The command line, for `run.json`.
    pub command_line: Vec<String>,
    /// When the pack run started (`SOURCE_DATE_EPOCH` makes it fixed).
    pub started: SystemTime,
    /// Replace a pack already at the output path.
    pub force: bool,
}

impl Default for PackOptions {
    fn default() -> Self {
        PackOptions {
            audit: AuditOptions::default(),
            pii: Pii::Omit,
            crops: CropOptions::default(),
            ida: IdaOptions::default(),
            policy_text: None,
            tool: Tool::default(),
            command_line: Vec::new(),
            started: SystemTime::UNIX_EPOCH,
            force: false,
        }
    }
}

impl PackOptions {
    /// The tool (name, version, commit) and its command line, for `run.json`.
    pub fn with_invocation(mut self, tool: Tool, command_line: Vec<String>) -> Self {
        self.tool = tool;
        self.command_line = command_line;
        self
    }
}

/// Which archives go into a pack: any archive one of these values names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Process ids.
    pub process_ids: Vec<String>,
    /// Archive SHA-256s (lower-case hex).
    pub sha256: Vec<String>,
    /// A report's `sample.csv`, each row selecting by its `sha256`.
    pub sample: Option<Sample>,
}

impl Selection {
    /// True when nothing is selected by any value.
    pub fn is_empty(&self) -> bool {
        self.process_ids.is_empty()
            && self.sha256.is_empty()
            && self.sample.as_ref().is_none_or(|s| s.rows.is_empty())
    }
}

/// Why no pack was written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    /// The request cannot be met as asked: nothing selected, a value that
    /// matches no archive, an output that is not eid-audit's to replace.
    #[error("{0}")]
    Refused(String),
    /// The pack could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// Stopped on request before the pack was complete: nothing was written.
    #[error("interrupted; no pack written")]
    Interrupted,
}

/// What a pack holds, once written.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct Packed {
    /// Its path.
    pub path: PathBuf,
    /// Archives packed.
    pub archives: usize,
    /// Files listed in the manifest.
    pub files: usize,
    /// One line per input that could not be read (each names it), packed
    /// or not.
    pub errors: Vec<String>,
}

/// Makes the pack of the archives among `inputs` that `selection` names,
/// at `out`. `warn` receives one line per archive that cannot be read, as it
/// is found; the batch goes on. When `stop` turns true (an interrupt), the
/// pack is abandoned and its temporary file removed.
pub fn make(
    inputs: &[Input],
    out: &Path,
    selection: &Selection,
    options: &PackOptions,
    warn: &mut dyn FnMut(&str),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<Packed, PackError> {
    if selection.is_empty() {
        return Err(PackError::Refused(
            "nothing selected: give --process-id, --sha256 or --from-sample".into(),
        ));
    }
    check_output(out, options.force)?;
    let own = std::fs::canonicalize(out).ok();
    // A pack left in the folder being packed is not an input.
    let inputs: Vec<&Input> = inputs
        .iter()
        .filter(|i| own.is_none() || std::fs::canonicalize(i.path()).ok() != own)
        .collect();
    let scanned = scan::scan(&inputs, !selection.process_ids.is_empty(), options, stop);
    if stop() {
        return Err(PackError::Interrupted);
    }
    // Said before a refusal too: an archive that cannot be read may be
    // the one a process id was meant to find.
    let mut errors: Vec<String> = scanned.iter().filter_map(|s| s.error.clone()).collect();
    for e in &errors {
        warn(e);
    }
    let chosen = scan::choose(&scanned, selection)?;
    let (dir, name) = split(out)?;
    crate::fsio::ensure_dir(dir)?;
    let mut file = PartialFile::create(dir, name)?;
    let path = file.path().to_owned();
    let fail = |e: io::Error| PackError::Output(OutputError::io(&path)(e));
    let mut record = PackRecord::new(options, selection, inputs.len());
    let mut zip = Zip::new(file.writer());
    for chosen in &chosen {
        if stop() {
            // The partial file is removed as it is dropped.
            return Err(PackError::Interrupted);
        }
        let built = case::build(chosen, options);
        // An archive selected by its hash alone is first opened here.
        if let (Some(e), None) = (&built.record.error, &chosen.scanned.error) {
            warn(e);
            errors.push(e.clone());
        }
        // The archive first, verbatim: what everything after it describes.
        let member = &built.record.archive.member;
        let hex = zip
            .put_file(member, &chosen.scanned.path, &chosen.scanned.sha256)
            .map_err(fail)?;
        zip.hashes.insert(member.clone(), hex);
        for (name, bytes) in &built.members {
            zip.put(name, bytes).map_err(fail)?;
        }
        record.cases.push(built.record);
    }
    record.errors = errors.clone();
    if let Some(sample) = &selection.sample {
        // How the sample was drawn: the file as read, and its report's run.json.
        zip.put(record::SAMPLE, &sample.bytes).map_err(fail)?;
        if let Some(run) = &sample.report_run {
            zip.put(record::REPORT_RUN, run).map_err(fail)?;
        }
    }
    let (policy_toml, run_json) = record.finish(options);
    zip.put("policy.toml", policy_toml.as_bytes())
        .map_err(fail)?;
    zip.put("run.json", run_json.as_bytes()).map_err(fail)?;
    let files = zip.hashes.len();
    let text = format_manifest(&zip.hashes);
    zip.put(MANIFEST, text.as_bytes()).map_err(fail)?;
    zip.finish().map_err(fail)?;
    let path = file.persist()?;
    Ok(Packed {
        path,
        archives: chosen.len(),
        files,
        errors,
    })
}

/// Refuses an output that is a folder, or a file there without `force`, or,
/// with it, a file that is not a pack (eid-audit replaces only its own).
fn check_output(out: &Path, force: bool) -> Result<(), PackError> {
    let Ok(meta) = std::fs::symlink_metadata(out) else {
        return Ok(());
    };
    let shown = out.display();
    if meta.is_dir() {
        return Err(PackError::Refused(format!(
            "{shown}: is a folder; a pack is one file"
        )));
    }
    if !force {
        return Err(PackError::Refused(format!(
            "{shown}: already exists; use --force to replace it"
        )));
    }
    let is_pack = meta.is_file()
        && std::fs::File::open(out)
            .ok()
            .and_then(|f| zip::ZipArchive::new(io::BufReader::new(f)).ok())
            .is_some_and(|z| z.index_for_name(MANIFEST).is_some());
    if !is_pack {
        return Err(PackError::Refused(format!(
            "{shown}: not a pack eid-audit wrote (no {MANIFEST}); not replaced"
        )));
    }
    Ok(())
}

/// The output's folder and file name.
fn split(out: &Path) -> Result<(&Path, &str), PackError> {
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| PackError::Refused(format!("{}: not a file name", out.display())))?;
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Ok((dir, name))
}

/// The pack's zip being written: every member dated 1980-01-01 with the
/// same permissions, so that the same members give the same bytes, and
/// hashed as it is written for the manifest.
struct Zip<W: Write + io::Seek> {
    zip: zip::ZipWriter<W>,
    hashes: BTreeMap<String, String>,
}

impl<W: Write + io::Seek> Zip<W> {
    fn new(w: W) -> Self {
        Zip {
            zip: zip::ZipWriter::new(w),
            hashes: BTreeMap::new(),
        }
    }

    fn options(name: &str) -> zip::write::SimpleFileOptions {
        // Zips and images are compressed already; text is worth deflating.
        let text = [".json", ".html", ".svg", ".toml", ".sha256"]
            .iter()
            .any(|e| name.ends_with(e));
        zip::write::SimpleFileOptions::default()
            .compression_method(if text {
                zip::CompressionMethod::Deflated
            } else {
                zip::CompressionMethod::Stored
            })
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644)
            .large_file(false)
    }

    fn start(&mut self, name: &str, large: bool) -> io::Result<()> {
        // Every name is made here; one that is not safe is a bug, never written.
        if !is_safe_name(name) {
            return Err(io::Error::other(format!("unsafe member name {name:?}")));
        }
        self.zip
            .start_file(name, Self::options(name).large_file(large))
            .map_err(plain)
    }

    /// Writes a member held in memory (the manifest is not listed in itself).
    fn put(&mut self, name: &str, bytes: &[u8]) -> io::Result<()> {
        self.start(name, false)?;
        self.zip.write_all(bytes)?;
        if name != MANIFEST {
            let hex = crate::codes::hex(&Sha256::digest(bytes));
            self.hashes.insert(name.to_owned(), hex);
        }
        Ok(())
    }

    /// Copies an archive file verbatim, hashing it on the way; refuses it
    /// when its bytes are no longer those that were selected.
    fn put_file(&mut self, name: &str, path: &Path, sha256: &str) -> io::Result<String> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        self.start(name, len >= u32::MAX as u64)?;
        let mut hashing = scan::HashingWriter::new(&mut self.zip);
        io::copy(&mut io::Read::take(file, len), &mut hashing)?;
        let hex = hashing.finish();
        if hex != sha256 {
            return Err(io::Error::other(format!(
                "{}: changed while it was packed (SHA-256 {hex}, selected as {sha256})",
                path.display()
            )));
        }
        Ok(hex)
    }

    fn finish(self) -> io::Result<()> {
        let mut w = self.zip.finish().map_err(plain)?;
        w.flush()
    }
}

/// A zip writer's error as the plain I/O error under it, else its text.
fn plain(e: zip::result::ZipError) -> io::Error {
    match e {
        zip::result::ZipError::Io(e) => e,
        other => io::Error::other(other.to_string()),
    }
}
