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
use std::collections::HashSet;
use std::io;
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
    /// Hash every member (SHA-256) for the evidence manifest.
    pub hash_members: bool,
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

    /// These options, also hashing every member.
    pub fn with_member_hashes(mut self, hash: bool) -> Self {
        self.hash_members = hash;
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

/// A running batch: its options, its thread pool, and the crop folders
/// handed out so far (so two archives with one process id never share one).
pub struct Batch {
    options: BatchOptions,
    pool: rayon::ThreadPool,
    claimed: Mutex<HashSet<String>>,
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
        Ok(Batch {
            options,
            pool,
            claimed: Mutex::new(HashSet::new()),
        })
    }

    /// The options the batch runs with.
    pub fn options(&self) -> &BatchOptions {
        &self.options
    }

    /// Runs every input through [`Batch::process`] and hands each [`Outcome`]
    /// to `sink` on the calling thread, in input order, as soon as it and all
    /// before it are done. At most four results per thread wait in memory,
    /// whatever the number of inputs. `sink` breaks to stop the batch early.
    pub fn run(&self, inputs: &[Input], mut sink: impl FnMut(Outcome<'_>) -> ControlFlow<()>) {
        let in_flight = self.pool.current_num_threads() * 4;
        ordered::run_ordered(
            &self.pool,
            inputs,
            in_flight,
            |input| self.process(input),
            |index, result| {
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
    pub fn process(&self, input: &Input) -> Result<Box<Processed>, Error> {
        let label = input.path().display().to_string();
        match input {
            Input::Unreadable(_, why) => Err(Error::new(
                label,
                None,
                ErrorKind::Io(io::Error::other(why.clone())),
            )),
            Input::Archive(path) => isolate(&label, || self.process_archive(path)),
        }
    }

    fn process_archive(&self, path: &Path) -> Result<Box<Processed>, Error> {
        let mut archive = Archive::open(path, &self.options.audit.read)?;
        let mut audit = Audit::of_archive(&archive, &self.options.audit.policy)?;
        if self.options.hash_members {
            audit.hash_members(&mut archive);
        }
        let crops = self.options.crops.as_ref().map(|(dir, crop_options)| {
            let folder = crops::safe_component(&audit.process_id);
            let folder = self.claim_folder(&folder, &archive.fingerprint().sha256);
            crops::write(&mut archive, &audit, &dir.join(folder), crop_options)
        });
        Ok(Box::new(Processed { audit, crops }))
    }

    /// The crop folder for an archive: its process id, or, when another archive
    /// of the batch already has that folder, the process id and the first 12 hex
    /// digits of this archive's SHA-256.
    fn claim_folder(&self, folder: &str, sha256: &str) -> String {
        let mut claimed = self.claimed.lock().unwrap_or_else(|p| p.into_inner());
        if claimed.insert(folder.to_owned()) {
            return folder.to_owned();
        }
        let base = format!("{folder}-{}", &sha256[..sha256.len().min(12)]);
        let mut unique = base.clone();
        let mut n = 2;
        while !claimed.insert(unique.clone()) {
            unique = format!("{base}-{n}");
            n += 1;
        }
        unique
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

    #[test]
    fn two_archives_with_one_process_id_get_two_folders() {
        let batch = Batch::new(BatchOptions::default()).unwrap();
        assert_eq!(batch.claim_folder("p1", "abcdef0123456789"), "p1");
        assert_eq!(
            batch.claim_folder("p1", "abcdef0123456789"),
            "p1-abcdef012345"
        );
        assert_eq!(
            batch.claim_folder("p1", "abcdef0123456789"),
            "p1-abcdef012345-2"
        );
    }
}
