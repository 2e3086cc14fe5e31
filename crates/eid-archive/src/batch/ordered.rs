//! An ordered parallel map: tasks run on a thread pool, results come back to
//! the calling thread in input order, with a bounded number of tasks ahead.
//!
//! Each task (a run of consecutive items, see [`chunk_len`]) gets its own
//! one-slot channel; the caller keeps the receivers in a queue in input
//! order and waits on the oldest. No shared window or reordering map is
//! needed: the items of the queued tasks are the number in flight.

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
    let chunk = chunk_len(in_flight, pool.current_num_threads());
    // The caller's thread runs this closure and the sink; the pool runs the tasks.
    pool.in_place_scope(|scope| {
        let mut pending: VecDeque<(usize, Receiver<Vec<R>>)> =
            VecDeque::with_capacity(in_flight.div_ceil(chunk));
        let mut next = 0;
        let mut waiting = 0; // items in the pending chunks
        loop {
            while next < items.len() && waiting + chunk.min(items.len() - next) <= in_flight {
                let range = next..(next + chunk).min(items.len());
                let (tx, rx) = sync_channel(1);
                let (work, stop, items) = (&work, &stop, &items[range.clone()]);
                let first = range.start;
                scope.spawn(move |_| {
                    let mut results = Vec::with_capacity(items.len());
                    for (k, item) in items.iter().enumerate() {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        results.push(work(first + k, item));
                    }
                    // The receiver is gone only when the sink stopped the run.
                    let _ = tx.send(results);
                });
                waiting += range.len();
                pending.push_back((range.len(), rx));
                next = range.end;
            }
            let Some((len, rx)) = pending.pop_front() else {
                break;
            };
            // A task that panicked drops its sender; its panic resurfaces when the scope ends.
            let Ok(results) = rx.recv() else { break };
            let first = next - waiting;
            waiting -= len;
            for (k, result) in results.into_iter().enumerate() {
                if sink(first + k, result).is_break() {
                    stop.store(true, Ordering::Relaxed);
                    return;
                }
            }
        }
    });
}

/// How many items one task takes: a result is handed to the caller's thread
/// per task, and each handoff can cost a wake-up of that thread and of a
/// worker, so a task takes several when the cap leaves each worker two
/// tasks or more, and one when it does not.
fn chunk_len(in_flight: usize, threads: usize) -> usize {
    (in_flight / (2 * threads.max(1))).clamp(1, 8)
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

    /// With one item a task (a cap of 4) and four (a cap of 16 on two
    /// threads), a break stops new work within the cap.
    #[test]
    fn a_break_stops_new_work() {
        for cap in [4, 16] {
            let items: Vec<usize> = (0..10_000).collect();
            let ran = AtomicUsize::new(0);
            let mut got = 0;
            run_ordered(
                &pool(2),
                &items,
                cap,
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
            let ran = ran.load(Ordering::SeqCst);
            assert!(ran <= 10 + cap, "cap {cap}: {ran}");
        }
    }

    /// Tasks of several items (a cap of 16 on two threads: four a task)
    /// keep the order and the cap, whatever the timing (the stop is
    /// tested with them above).
    #[test]
    fn tasks_of_several_items_keep_order_and_cap() {
        assert_eq!(chunk_len(16, 2), 4);
        assert_eq!(chunk_len(8, 2), 2);
        assert_eq!(chunk_len(5, 3), 1);
        let items: Vec<u64> = (0..203).collect();
        let started = AtomicUsize::new(0);
        let (mut seen, mut max_ahead) = (Vec::new(), 0);
        run_ordered(
            &pool(2),
            &items,
            16,
            |_, i| {
                started.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_micros((i * 7919) % 300));
                i * 2
            },
            |i, r| {
                max_ahead = max_ahead.max(started.load(Ordering::SeqCst) - i);
                seen.push((i, r));
                ControlFlow::Continue(())
            },
        );
        let expected: Vec<_> = items.iter().map(|i| (*i as usize, i * 2)).collect();
        assert_eq!(seen, expected);
        assert!(max_ahead <= 16, "{max_ahead}");
    }
}
