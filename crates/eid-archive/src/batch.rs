//! Batches: finding the archives, splitting them into shards, and running the
//! per-archive pipeline on a rayon pool while results come back **in input
//! order**, one at a time, with a bounded number in flight.

use crate::crops::{self, CropOptions, Crops};
use crate::{Audit, AuditOptions, Error, ErrorKind, open_archive};
use std::collections::{BTreeMap, HashSet};
use std::io::{self, BufRead};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};

/// One input: an archive path, or a folder that could not be walked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// An archive to read.
    Archive(PathBuf),
    /// A path that could not be listed; it becomes an error row.
    Unreadable(PathBuf, String),
}

impl Input {
    /// The path.
    pub fn path(&self) -> &Path {
        match self {
            Input::Archive(p) | Input::Unreadable(p, _) => p,
        }
    }
}

/// Expands paths into inputs: folders are walked recursively for `*.zip` (any
/// case; links to folders are not followed, so a loop cannot trap the walk),
/// files are taken as given, `-` reads one path per line from `stdin`. The
/// result is sorted by path, without repeats.
pub fn discover(paths: &[PathBuf], stdin: &mut dyn BufRead) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            let mut line = String::new();
            while matches!(stdin.read_line(&mut line), Ok(n) if n > 0) {
                let t = line.trim_end_matches(['\n', '\r']);
                if !t.is_empty() {
                    add(Path::new(t), &mut out, true);
                }
                line.clear();
            }
        } else {
            add(p, &mut out, true);
        }
    }
    out.sort();
    out.dedup();
    out
}

fn is_zip(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

fn add(p: &Path, out: &mut Vec<Input>, given: bool) {
    let meta = if given {
        std::fs::metadata(p)
    } else {
        std::fs::symlink_metadata(p)
    };
    match meta {
        Ok(m) if m.is_dir() => match std::fs::read_dir(p) {
            Ok(entries) => {
                for e in entries {
                    match e {
                        Ok(e) => add(&e.path(), out, false),
                        Err(err) => out.push(Input::Unreadable(
                            p.to_owned(),
                            format!("cannot list folder: {err}"),
                        )),
                    }
                }
            }
            Err(err) => out.push(Input::Unreadable(
                p.to_owned(),
                format!("cannot list folder: {err}"),
            )),
        },
        Ok(m) if m.is_file() && (given || is_zip(p)) => out.push(Input::Archive(p.to_owned())),
        Ok(m) if m.file_type().is_symlink() && is_zip(p) => out.push(Input::Archive(p.to_owned())),
        Ok(_) => {}
        // A path named explicitly is an input even when it cannot be read: its
        // error row says why. The walk itself skips entries that vanished.
        Err(_) if given => out.push(Input::Archive(p.to_owned())),
        Err(_) => {}
    }
}

/// A shard `K/N` (1-based): the inputs whose path hashes to `K-1` modulo `N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which one, 1 to `count`.
    pub index: u32,
    /// How many.
    pub count: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let (k, n) = s.split_once('/').ok_or("a shard is K/N, e.g. 2/8")?;
        let index: u32 = k
            .trim()
            .parse()
            .map_err(|_| format!("shard index {k:?} is not a number"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("shard count {n:?} is not a number"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!("shard {index}/{count}: K must be 1 to N"));
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// True when the path belongs to this shard. The hash (FNV-1a, 64 bits, of
    /// the path's bytes as given) is the same on every machine.
    pub fn contains(&self, path: &Path) -> bool {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in path.as_os_str().as_encoded_bytes() {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        h % u64::from(self.count) == u64::from(self.index - 1)
    }
}

/// How a batch runs.
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    /// Limits, policy, process records.
    pub audit: AuditOptions,
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    /// Cut crops into this folder (`<dir>/<processId>/...`).
    pub crops_dir: Option<PathBuf>,
    /// How crops are cut.
    pub crop_options: CropOptions,
    /// Hash every member (SHA-256) for the evidence manifest.
    pub hash_members: bool,
    /// Crop folders handed out in this batch, so two archives with one process
    /// id never write into the same folder.
    pub claimed_folders: Arc<Mutex<HashSet<String>>>,
}

impl BatchOptions {
    /// The crop folder for an archive: its process id, or, when another archive
    /// of the batch already has that folder, the process id and the first 12 hex
    /// digits of this archive's SHA-256.
    pub fn claim_folder(&self, folder: &str, sha256: &str) -> String {
        let mut claimed = self
            .claimed_folders
            .lock()
            .unwrap_or_else(|p| p.into_inner());
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

/// What one archive gave.
#[derive(Debug)]
pub struct Processed {
    /// The audit.
    pub audit: Audit,
    /// SHA-256 of each member, in member order, with `--hash-members`.
    pub member_hashes: Option<Vec<Result<String, String>>>,
    /// The crops written, with `--crops`: the cut and the folder relative to the crops dir,
    /// or why they could not be written.
    pub crops: Option<Result<Crops, String>>,
}

/// The result for one input, in input order.
#[derive(Debug)]
pub struct Outcome {
    /// Position in the input list.
    pub index: usize,
    /// The input.
    pub input: Input,
    /// The audit, or the one-line error.
    pub result: Result<Box<Processed>, Error>,
}

/// Runs the pipeline for one archive, isolated: a panic anywhere inside
/// (image decoders are known to panic on crafted input) becomes its error.
pub fn process(input: &Input, options: &BatchOptions) -> Result<Box<Processed>, Error> {
    let label = input.path().display().to_string();
    match input {
        Input::Unreadable(_, why) => Err(Error::new(
            label,
            None,
            ErrorKind::Io(io::Error::other(why.clone())),
        )),
        Input::Archive(path) => isolate(&label, || process_archive(path, options)),
    }
}

/// Runs `work`, turning a panic inside it into an [`ErrorKind::Internal`] error
/// for `label`, so one archive's crash never takes a batch down.
pub fn isolate<T>(label: &str, work: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        Err(Error::new(label, None, ErrorKind::Internal(what)))
    })
}

fn process_archive(path: &Path, options: &BatchOptions) -> Result<Box<Processed>, Error> {
    let mut archive = open_archive(path, &options.audit)?;
    let audit = Audit::of_archive(&archive, &options.audit.policy)?;
    let member_hashes = options.hash_members.then(|| {
        (0..archive.members().len())
            .map(|i| archive.member_sha256(i).map_err(|e| e.kind.to_string()))
            .collect()
    });
    let crops = options.crops_dir.as_ref().map(|dir| {
        let mut cut = crops::cut(&mut archive, &audit.process_id, &options.crop_options);
        cut.folder = options.claim_folder(&cut.folder, archive.sha256());
        cut.write(dir).map(|_| cut).map_err(|e| e.to_string())
    });
    Ok(Box::new(Processed {
        audit,
        member_hashes,
        crops,
    }))
}

/// Runs every input through [`process`] on `options.jobs` threads and hands
/// each [`Outcome`] to `sink` on the calling thread, in input order, as soon
/// as it and all before it are done. At most a few results per worker wait
/// in memory at any time, whatever the number of inputs. `sink` returns
/// `false` to stop the batch early.
pub fn run(
    inputs: Vec<Input>,
    options: &BatchOptions,
    mut sink: impl FnMut(Outcome) -> bool,
) -> io::Result<()> {
    let jobs = if options.jobs == 0 {
        rayon::current_num_threads()
    } else {
        options.jobs
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("eid-audit-worker-{i}"))
        .build()
        .map_err(io::Error::other)?;
    // Workers may run this far ahead of the writer; this bounds memory.
    let window = jobs * 4;
    let n = inputs.len();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let written = (Mutex::new(0usize), Condvar::new());
    // Workers blocked on the window; the writer wakes them only when there are some.
    let waiting = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Result<Box<Processed>, Error>)>();
    let inputs_ref = &inputs;

    std::thread::scope(|s| {
        s.spawn(|| {
            pool.scope(|ps| {
                for _ in 0..jobs {
                    let tx = tx.clone();
                    let (next, stop, written, waiting) = (&next, &stop, &written, &waiting);
                    ps.spawn(move |_| {
                        loop {
                            let i = next.fetch_add(1, Ordering::SeqCst);
                            if i >= n || stop.load(Ordering::SeqCst) {
                                break;
                            }
                            {
                                let (lock, cv) = written;
                                let mut done = lock.lock().unwrap_or_else(|p| p.into_inner());
                                while i >= *done + window && !stop.load(Ordering::SeqCst) {
                                    waiting.fetch_add(1, Ordering::SeqCst);
                                    done = cv.wait(done).unwrap_or_else(|p| p.into_inner());
                                    waiting.fetch_sub(1, Ordering::SeqCst);
                                }
                            }
                            if stop.load(Ordering::SeqCst) {
                                break;
                            }
                            let result = process(&inputs_ref[i], options);
                            if tx.send((i, result)).is_err() {
                                break;
                            }
                        }
                    });
                }
            });
            drop(tx);
        });

        let mut pending: BTreeMap<usize, Result<Box<Processed>, Error>> = BTreeMap::new();
        let mut want = 0usize;
        for (i, result) in rx.iter() {
            pending.insert(i, result);
            while let Some(result) = pending.remove(&want) {
                let go_on = sink(Outcome {
                    index: want,
                    input: inputs_ref[want].clone(),
                    result,
                });
                want += 1;
                let (lock, cv) = &written;
                *lock.lock().unwrap_or_else(|p| p.into_inner()) = want;
                if waiting.load(Ordering::SeqCst) > 0 {
                    cv.notify_all();
                }
                if !go_on {
                    stop.store(true, Ordering::SeqCst);
                    cv.notify_all();
                    return;
                }
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_inputs() {
        let paths: Vec<PathBuf> = (0..300)
            .map(|i| PathBuf::from(format!("store/{i}.zip")))
            .collect();
        let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
        for p in &paths {
            assert_eq!(
                shards.iter().filter(|s| s.contains(p)).count(),
                1,
                "{}",
                p.display()
            );
        }
        let sizes: Vec<usize> = shards
            .iter()
            .map(|s| paths.iter().filter(|p| s.contains(p)).count())
            .collect();
        assert!(sizes.iter().all(|n| *n > 70), "{sizes:?}");
        for bad in ["0/3", "4/3", "1/0", "x/2", "3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
