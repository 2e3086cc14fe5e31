//! An ordered parallel map: tasks run on a thread pool, results come back to
//! the calling thread in input order, with a bounded number of tasks ahead.
//!
//! Each task gets its own one-slot channel; the caller keeps the receivers in
//! a queue in input order and waits on the oldest. No shared window, counter
//! or reordering map is needed: the queue's length is the number in flight.

use rayon::ThreadPool;
use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};

/// Runs `work` over `items` on `pool`, handing each result to `sink` on the
/// calling thread, in input order, as soon as it and all before it are done.
/// At most `in_flight` results wait in memory at any time. When `sink` breaks,
/// no new task starts; tasks already running finish and their results are dropped.
pub(crate) fn run_ordered<T, R>(
    pool: &ThreadPool,
    items: &[T],
    in_flight: usize,
    work: impl Fn(usize, &T) -> R + Sync,
    mut sink: impl FnMut(usize, R) -> ControlFlow<()>,
) where
    T: Sync,
    R: Send,
{
    let stop = AtomicBool::new(false);
    let in_flight = in_flight.max(1);
    // The caller's thread runs this closure and the sink; the pool runs the tasks.
    pool.in_place_scope(|scope| {
        let mut pending: VecDeque<(usize, Receiver<R>)> = VecDeque::with_capacity(in_flight);
        let mut next = items.iter().enumerate();
        loop {
            while pending.len() < in_flight {
                let Some((i, item)) = next.next() else { break };
                let (tx, rx) = sync_channel(1);
                let (work, stop) = (&work, &stop);
                scope.spawn(move |_| {
                    if !stop.load(Ordering::Relaxed) {
                        // The receiver is gone only when the sink stopped the run.
                        let _ = tx.send(work(i, item));
                    }
                });
                pending.push_back((i, rx));
            }
            let Some((i, rx)) = pending.pop_front() else {
                break;
            };
            // A task that panicked drops its sender; its panic resurfaces when the scope ends.
            let Ok(result) = rx.recv() else { break };
            if sink(i, result).is_break() {
                stop.store(true, Ordering::Relaxed);
                break;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn pool(n: usize) -> ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    }

    #[test]
    fn results_arrive_in_input_order_whatever_the_timing() {
        let items: Vec<u64> = (0..200).collect();
        let mut seen = Vec::new();
        run_ordered(
            &pool(4),
            &items,
            8,
            |_, i| {
                // Later items finish first.
                std::thread::sleep(std::time::Duration::from_micros((200 - i) * 20));
                i * 2
            },
            |i, r| {
                seen.push((i, r));
                ControlFlow::Continue(())
            },
        );
        assert_eq!(
            seen,
            items
                .iter()
                .map(|i| (*i as usize, i * 2))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn no_more_than_the_cap_runs_ahead_of_the_sink() {
        let items: Vec<usize> = (0..100).collect();
        let started = AtomicUsize::new(0);
        let mut max_ahead = 0;
        run_ordered(
            &pool(3),
            &items,
            5,
            |_, _| started.fetch_add(1, Ordering::SeqCst),
            |i, _| {
                max_ahead = max_ahead.max(started.load(Ordering::SeqCst) - i);
                ControlFlow::Continue(())
            },
        );
        assert!(max_ahead <= 5, "{max_ahead}");
    }

    #[test]
    fn a_break_stops_new_work() {
        let items: Vec<usize> = (0..10_000).collect();
        let ran = AtomicUsize::new(0);
        let mut got = 0;
        run_ordered(
            &pool(2),
            &items,
            4,
            |_, _| ran.fetch_add(1, Ordering::SeqCst),
            |i, _| {
                got += 1;
                if i == 9 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        assert_eq!(got, 10);
        assert!(
            ran.load(Ordering::SeqCst) <= 10 + 4,
            "{}",
            ran.load(Ordering::SeqCst)
        );
    }
}
