//! loom model of the pool's collect-and-reduce: workers are loom threads that send their
//! replies over a loom channel, in whatever order loom chooses; the parent collects them with
//! the pool's own [`isolated::reduce::TaskResults`] and reduces with its own `sum_counts`.
//!
//! What this proves (for the model, in every interleaving loom explores):
//! - the total is exact whatever order the replies arrive in;
//! - a task whose worker "hangs" (its timeout fires before its reply arrives) is re-run once,
//!   and even if the hung worker's reply arrives late after all, nothing counts twice;
//! - a naive reducer ("stop after as many replies as tasks, sum them") is wrong in some
//!   interleaving, and loom finds it.
//!
//! It does not look into the worker processes or the pipes: the fault tests do that with real
//! processes. Run: `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test -p isolated
//! --target-dir target/loom --test loom_reduce`.
#![cfg(loom)]

use isolated::reduce::{Lost, TaskResults, sum_counts};
use loom::sync::mpsc::{Receiver, Sender, channel};
use loom::thread;

/// What reaches the parent: a reply (task, delta), or the watchdog's "task timed out".
#[derive(Debug, Clone, Copy)]
enum Msg {
    Done { task: usize, delta: u64 },
    TimedOut { task: usize },
}

/// Increments each task does (different per task, so a swapped or doubled one shows).
const WORK: [u64; 3] = [1, 10, 100];

// ANCHOR: loom_collect
/// The parent's loop: what the pool's event loop does with each event, on `TaskResults`.
/// `retry` starts a replacement worker for a lost task.
fn collect(
    rx: &Receiver<Msg>,
    tasks: usize,
    retries: u32,
    mut retry: impl FnMut(usize),
) -> Result<u64, usize> {
    let mut results: TaskResults<u64> = TaskResults::new(tasks, retries);
    while !results.is_complete() {
        match rx
            .recv()
            .expect("a sender is alive while tasks are missing")
        {
            Msg::Done { task, delta } => {
                // A second reply for the same task is refused, not added.
                let _ = results.record(task, delta);
            }
            Msg::TimedOut { task } => match results.lost(task) {
                Lost::Retry { .. } => retry(task),
                Lost::AlreadyDone => {}
                Lost::GiveUp { .. } => return Err(task),
            },
        }
    }
    let deltas = results.finish().expect("complete");
    Ok(sum_counts(&deltas).expect("no overflow"))
}
// ANCHOR_END: loom_collect

fn worker(tx: Sender<Msg>, tasks: Vec<usize>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        for task in tasks {
            // The work happens on this worker's own counter; only the reply carries it out.
            let mut own_counter = 0u64;
            for _ in 0..WORK[task] {
                own_counter += 1;
            }
            let _ = tx.send(Msg::Done {
                task,
                delta: own_counter,
            });
        }
    })
}

#[test]
fn replies_in_any_order_reduce_to_the_exact_total() {
    loom::model(|| {
        let (tx, rx) = channel();
        let handles = vec![
            worker(tx.clone(), vec![2]),
            worker(tx.clone(), vec![0]),
            worker(tx.clone(), vec![1]),
        ];
        drop(tx);
        let total = collect(&rx, 3, 0, |_| unreachable!("nothing is lost"));
        assert_eq!(total, Ok(111));
        for h in handles {
            h.join().unwrap();
        }
    });
}

/// Task 0 on a healthy worker; task 1 on a worker that is slow (its reply may come before or
/// after the watchdog's timeout, or after the retry's reply); task 2 on the healthy one too.
fn hung_worker_scenario(
    collector: impl FnOnce(&Receiver<Msg>, &mut dyn FnMut(usize)) -> Result<u64, usize>,
) -> Result<u64, usize> {
    let (tx, rx) = channel();
    let mut handles = vec![
        worker(tx.clone(), vec![0, 2]),
        worker(tx.clone(), vec![1]), // the slow one
    ];
    let watchdog = tx.clone();
    handles.push(thread::spawn(move || {
        let _ = watchdog.send(Msg::TimedOut { task: 1 });
    }));
    let mut retries = Vec::new();
    let total = {
        let mut retry = |task: usize| retries.push(worker(tx.clone(), vec![task]));
        collector(&rx, &mut retry)
    };
    drop(tx);
    for h in handles.into_iter().chain(retries) {
        h.join().unwrap();
    }
    total
}

#[test]
fn a_timed_out_task_is_rerun_once_and_counted_once_in_every_order() {
    loom::model(|| {
        let total = hung_worker_scenario(|rx, retry| collect(rx, 3, 1, retry));
        assert_eq!(total, Ok(111));
    });
}

#[test]
fn without_retry_a_timed_out_task_fails_the_job_or_its_reply_came_first() {
    loom::model(|| {
        let total = hung_worker_scenario(|rx, retry| collect(rx, 3, 0, retry));
        // Either the slow reply beat the timeout (then nothing was lost) or the job fails,
        // naming task 1. Never a wrong total.
        assert!(matches!(total, Ok(111) | Err(1)), "{total:?}");
    });
}

// ANCHOR: loom_naive
/// The reducer `TaskResults` replaces: count replies until there are as many as tasks.
fn collect_naive(rx: &Receiver<Msg>, tasks: usize, retry: &mut dyn FnMut(usize)) -> u64 {
    let (mut replies, mut total) = (0, 0);
    while replies < tasks {
        match rx.recv().unwrap() {
            Msg::Done { delta, .. } => {
                replies += 1;
                total += delta;
            }
            Msg::TimedOut { task } => retry(task),
        }
    }
    total
}
// ANCHOR_END: loom_naive

#[test]
#[should_panic(expected = "naive reduction gave a wrong total")]
fn loom_finds_the_naive_reducer_counting_a_late_reply_twice() {
    loom::model(|| {
        let total = hung_worker_scenario(|rx, retry| Ok(collect_naive(rx, 3, retry)));
        assert!(
            total == Ok(111),
            "naive reduction gave a wrong total: {total:?}"
        );
    });
}
