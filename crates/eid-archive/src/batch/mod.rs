//! Batches: [`discover`] finds the archives, [`Shard`] splits them across
//! machines, and a [`Batch`] maps any per-archive work over them on a thread
//! pool while the results come back **in input order**, one at a time, with
//! a bounded number in flight. What the work is (an audit, exhibits, a page)
//! is the caller's: the batch knows inputs, threads and panics only.

mod discover;
mod ordered;
mod shard;

#[cfg_attr(not(feature = "store"), allow(unused_imports))]
pub(crate) use discover::Remote;
pub use discover::{Input, discover};
pub use shard::{ParseShardError, Shard, ShardRecord};

use crate::error::{Error, ErrorKind};
use std::io;
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// A thread pool for batches of archives (the report run's engine; its
/// own API is [`crate::run::report`]).
#[doc(hidden)]
pub struct Batch {
    pool: rayon::ThreadPool,
    in_flight: usize,
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("threads", &self.pool.current_num_threads())
            .finish_non_exhaustive()
    }
}

impl Batch {
    /// A batch with its own pool of `jobs` threads (`None`: one per core).
    pub fn new(jobs: Option<NonZeroUsize>) -> io::Result<Batch> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.map_or(0, NonZeroUsize::get))
            .thread_name(|i| format!("eid-audit-worker-{i}"))
            .build()
            .map_err(io::Error::other)?;
        let in_flight = pool.current_num_threads() * 4;
        Ok(Batch { pool, in_flight })
    }

    /// This batch with at most `n` results in memory at once (at least
    /// one): a caller whose results are large bounds them all together.
    pub(crate) fn with_in_flight(mut self, n: usize) -> Batch {
        self.in_flight = self.in_flight.min(n).max(1);
        self
    }

    /// The worker threads.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Runs `work` on every input that is a readable file (its index and
    /// path) on the pool, and hands each result to `sink` on the calling
    /// thread, in input order, as soon as it and all before it are done. An
    /// input that could not be opened, or whose work panicked (image decoders
    /// are known to panic on crafted input), is handed over as its error. At
    /// most four results per thread wait in memory, whatever the number of
    /// inputs. `sink` breaks to stop the batch early.
    pub fn run<T: Send>(
        &self,
        inputs: &[Input],
        work: impl Fn(usize, &Input) -> Result<T, Error> + Sync,
        mut sink: impl FnMut(usize, Result<T, Error>) -> ControlFlow<()>,
    ) {
        ordered::run_ordered(
            &self.pool,
            inputs,
            self.in_flight,
            |index, input| {
                let label = input.path().display().to_string();
                match input.problem() {
                    Some(why) => Err(Error::new(
                        label,
                        None,
                        ErrorKind::Io(io::Error::other(why.to_owned())),
                    )),
                    None => isolate(&label, || work(index, input)),
                }
            },
            &mut sink,
        );
    }
}

/// Runs `work`, turning a panic inside it into an [`ErrorKind::Internal`] error
/// for `label`, so one archive's crash never takes a batch down.
fn isolate<T>(label: &str, work: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|payload| {
        Err(Error::new(
            label,
            None,
            ErrorKind::Internal(panic_message(&*payload)),
        ))
    })
}

/// What a panic said, from its payload: the one reading of a payload, for
/// the batch and for the binary's last-resort handler.
#[doc(hidden)]
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".into())
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
