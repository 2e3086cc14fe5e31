//! Batches: [`discover`] finds the archives, [`Shard`] splits them across
//! machines, and a [`Batch`] runs the per-archive pipeline on a thread pool
//! while results come back **in input order**, one at a time, with a bounded
//! number in flight.

mod discover;
mod ordered;
mod shard;

pub use discover::{Input, discover};
pub use shard::{ParseShardError, Shard};

use crate::archive::Archive;
use crate::audit::{Audit, AuditOptions};
use crate::crops::{self, CropOptions, Crops};
use crate::error::{Error, ErrorKind, OutputError};
use crate::pii::Pii;
use std::collections::HashSet;
use std::io;
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// How a batch runs.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    /// Limits, policy, process records.
    pub audit: AuditOptions,
    /// Worker threads; `None` means one per core.
    pub jobs: Option<NonZeroUsize>,
    /// Cut crops into this folder (`<dir>/<processId>/...`), this way.
    pub crops: Option<(PathBuf, CropOptions)>,
    /// Cut crops this way and hand them back in memory ([`Processed::held`]),
    /// for one container of the whole run, instead of writing files.
    pub held_crops: Option<CropOptions>,
    /// Hash every member (SHA-256) for the evidence manifest.
    pub hash_members: bool,
    /// Decode every image, so that broken ones are found without crops.
    pub verify_media: bool,
    /// Write each archive's HTML page into this `html/` folder
    /// (`a/000123.html`, named by the input's position), under this
    /// personal-data mode.
    pub html: Option<(PathBuf, Pii)>,
}

impl BatchOptions {
    /// Options that audit each archive this way.
    pub fn new(audit: AuditOptions) -> Self {
        BatchOptions {
            audit,
            ..BatchOptions::default()
        }
    }

    /// These options on `jobs` threads.
    pub fn with_jobs(mut self, jobs: Option<NonZeroUsize>) -> Self {
        self.jobs = jobs;
        self
    }

    /// These options, also cutting crops into `dir`.
    pub fn with_crops(mut self, dir: impl Into<PathBuf>, options: CropOptions) -> Self {
        self.crops = Some((dir.into(), options));
        self
    }

    /// These options, also cutting crops, held in memory for the caller to
    /// store ([`Processed::held`]); each archive's folder is still named as
    /// with [`BatchOptions::with_crops`].
    pub fn with_crops_held(mut self, options: CropOptions) -> Self {
        self.held_crops = Some(options);
        self
    }

    /// These options, also hashing every member.
    pub fn with_member_hashes(mut self, hash: bool) -> Self {
        self.hash_members = hash;
        self
    }

    /// These options, also writing each archive's HTML page into `dir`
    /// (a report's `html/` folder) under the personal-data mode `pii`.
    pub fn with_html(mut self, dir: impl Into<PathBuf>, pii: Pii) -> Self {
        self.html = Some((dir.into(), pii));
        self
    }

    /// These options, also decoding every image.
    pub fn with_media_verified(mut self, verify: bool) -> Self {
        self.verify_media = verify;
        self
    }
}

/// What one archive gave.
#[derive(Debug)]
pub struct Processed {
    /// The audit.
    pub audit: Audit,
    /// The crops, with `--crops`: the cut, or why they could not be written.
    pub crops: Option<Result<Crops, OutputError>>,
    /// The exhibit files, when crops are held in memory: file names are
    /// relative to the folder in `crops`.
    pub held: crops::Held,
    /// The archive's HTML page, with `--html`: written, or why it could not be.
    pub html: Option<Result<(), OutputError>>,
}

/// The result for one input, in input order.
#[derive(Debug)]
pub struct Outcome<'a> {
    /// Position in the input list.
    pub index: usize,
    /// The input.
    pub input: &'a Input,
    /// The audit, or the one-line error.
    pub result: Result<Box<Processed>, Error>,
}

/// A running batch: its options and its thread pool.
pub struct Batch {
    options: BatchOptions,
    pool: rayon::ThreadPool,
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("options", &self.options)
            .field("threads", &self.pool.current_num_threads())
            .finish_non_exhaustive()
    }
}

impl Batch {
    /// A batch with its own pool of `options.jobs` threads.
    pub fn new(options: BatchOptions) -> io::Result<Batch> {
        let jobs = options.jobs.map_or(0, NonZeroUsize::get);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .thread_name(|i| format!("eid-audit-worker-{i}"))
            .build()
            .map_err(io::Error::other)?;
        Ok(Batch { options, pool })
    }

    /// The worker threads.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// The options the batch runs with.
    pub fn options(&self) -> &BatchOptions {
        &self.options
    }

    /// Runs every input through [`Batch::process`] and hands each [`Outcome`]
    /// to `sink` on the calling thread, in input order, as soon as it and all
    /// before it are done. At most four results per thread wait in memory,
    /// whatever the number of inputs. `sink` breaks to stop the batch early.
    ///
    /// Exhibits are written by the workers into a folder of their own, then
    /// moved here, in input order, to their process id's folder: the first
    /// archive with a process id gets the plain name, any later one the id and
    /// the first 12 hex digits of its SHA-256, the same on every run.
    pub fn run(&self, inputs: &[Input], mut sink: impl FnMut(Outcome<'_>) -> ControlFlow<()>) {
        let in_flight = self.pool.current_num_threads() * 4;
        let mut claimed = HashSet::new();
        ordered::run_ordered(
            &self.pool,
            inputs,
            in_flight,
            |index, input| self.process_at(index, input),
            |index, mut result| {
                if let Ok(processed) = &mut result {
                    settle_crops(
                        self.options.crops.as_ref().map(|(dir, _)| dir.as_path()),
                        processed,
                        &mut claimed,
                    );
                }
                sink(Outcome {
                    index,
                    input: &inputs[index],
                    result,
                })
            },
        );
    }

    /// Runs the pipeline for one input, isolated: a panic anywhere inside
    /// (image decoders are known to panic on crafted input) becomes its error.
    /// Its exhibits, if any, are left in the worker's own folder.
    pub fn process(&self, input: &Input) -> Result<Box<Processed>, Error> {
        self.process_at(0, input)
    }

    fn process_at(&self, index: usize, input: &Input) -> Result<Box<Processed>, Error> {
        let label = input.path().display().to_string();
        match input {
            Input::Unreadable(_, why) => Err(Error::new(
                label,
                None,
                ErrorKind::Io(io::Error::other(why.clone())),
            )),
            Input::Archive(path) => isolate(&label, || self.process_archive(index, path)),
        }
    }

    fn process_archive(&self, index: usize, path: &Path) -> Result<Box<Processed>, Error> {
        let mut archive = Archive::open(path, &self.options.audit.read)?;
        let mut audit = Audit::of_archive(&archive, &self.options.audit.policy)?;
        if self.options.hash_members {
            audit.hash_members(&mut archive);
        }
        if self.options.verify_media {
            audit.verify_media(&mut archive);
        }
        let mut held = crops::Held::new();
        let crops = if let Some((dir, crop_options)) = &self.options.crops {
            let own = dir.join(format!(".archive-{index}"));
            Some(crops::write_staged(
                &mut archive,
                &audit,
                &own,
                crop_options,
            ))
        } else {
            self.options.held_crops.as_ref().map(|crop_options| {
                crops::hold(&mut archive, &audit, crop_options).map(|(crops, files)| {
                    held = files;
                    crops
                })
            })
        };
        // The page is written here, while the archive is open: under
        // `--pii full` its images are copied beside the page.
        let html = self.options.html.as_ref().map(|(dir, pii)| {
            crate::html::write_archive_page(
                &mut archive,
                &audit,
                crops.as_ref().map(Result::as_ref),
                index,
                dir,
                pii,
            )
        });
        Ok(Box::new(Processed {
            audit,
            crops,
            held,
            html,
        }))
    }
}

/// Names an archive's exhibits folder after its process id (or, when an
/// earlier archive has that one, the process id and the first 12 hex digits
/// of the archive's SHA-256) and, when they are files in `dir`, moves them
/// there from the worker's folder.
fn settle_crops(dir: Option<&Path>, processed: &mut Processed, claimed: &mut HashSet<String>) {
    let Some(Ok(written)) = &mut processed.crops else {
        return;
    };
    let base = crops::safe_component(&processed.audit.process_id);
    let mut name = base.clone();
    if !claimed.insert(name.clone()) {
        let sha = &processed.audit.archive.fingerprint.sha256;
        let with_sha = format!("{base}-{}", &sha[..sha.len().min(12)]);
        name = with_sha.clone();
        let mut n = 2;
        while !claimed.insert(name.clone()) {
            name = format!("{with_sha}-{n}");
            n += 1;
        }
    }
    let Some(dir) = dir else {
        written.folder = name;
        return;
    };
    let from = dir.join(&written.folder);
    let to = dir.join(&name);
    match std::fs::rename(&from, &to) {
        Ok(()) => written.folder = name,
        Err(e) => processed.crops = Some(Err(OutputError::io(&to)(e))),
    }
}

/// Runs `work`, turning a panic inside it into an [`ErrorKind::Internal`] error
/// for `label`, so one archive's crash never takes a batch down.
fn isolate<T>(label: &str, work: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        Err(Error::new(label, None, ErrorKind::Internal(what)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_confined_to_its_archive() {
        // No known input panics a dependency, so a closure stands in for one.
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let r = isolate("boom.zip", || -> Result<u8, Error> {
            panic!("decoder exploded")
        });
        std::panic::set_hook(prev);
        let e = r.unwrap_err();
        assert!(matches!(e.kind(), ErrorKind::Internal(m) if m == "decoder exploded"));
        assert_eq!(
            e.to_string(),
            "boom.zip: internal error while reading this archive (please report it): decoder exploded"
        );
        let ok = isolate("fine.zip", || -> Result<u8, Error> { Ok(3) });
        assert_eq!(ok.unwrap(), 3);
    }
}
