//! # `harness`: what every counter kernel shares
//!
//! The lab's shared-counter job is always the same: `threads` threads each add `increments` to
//! a counter that lives in C. The kernel crates (`racy`, `mutex`, `atomic`, `sharded`) differ only
//! in *how* the threads reach the counter. Everything else lives here, written once:
//!
//! - [`Config`] (the job) and [`Tally`] (expected, observed, lost, elapsed);
//! - [`on_threads`] and [`each_thread`]: spawn one thread per slot, pin it to a core, start them
//!   together, join them, and time it;
//! - [`pin_to_core`] and [`core_for`]: worker `i` on core `i % cores`, the one pinning helper
//!   (the benchmark suite's thread pools use it too);
//! - [`sync`]: the `cfg(loom)` facade. In a normal build it is `std`/`parking_lot`; built with
//!   `RUSTFLAGS="--cfg loom"` it is loom's model of them, so the kernels' locking, sharding,
//!   joining and reducing code is the *same code* that loom explores;
//! - [`Kernel`]: a kernel's name, how it works, whether it must be exact, and its entry point.
//!   Each kernel crate exports its own; the `kernels` crate lists them all, once.
//!
//! `harness` depends on no kernel (and not on C): the kernel crates depend on it.

#![forbid(unsafe_code)]

use std::time::Duration;

mod cores;
pub mod sync;
mod threads;

#[cfg(loom)]
pub mod model;

pub use cores::{CoreId, core_for, pin_process, pin_to_core};
pub use threads::{each_thread, on_threads};

// ANCHOR: config
/// One shared-counter job: `threads` threads, each adding `increments` to the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How many threads run at once.
    pub threads: usize,
    /// Increments per thread.
    pub increments: u64,
    /// Pin thread `i` to core `i % cores` (so two threads really run on both cores).
    pub pin: bool,
}
// ANCHOR_END: config

impl Config {
    /// `threads` threads × `increments` increments each, pinned.
    pub fn new(threads: usize, increments: u64) -> Self {
        Config {
            threads,
            increments,
            pin: true,
        }
    }

    /// The total a correct kernel must observe: `threads × increments`.
    ///
    /// Panics if that product does not fit in a `u64` (the counters are 64-bit: such a job
    /// could not be checked). Callers that take sizes from a user bound them first.
    pub fn expected(&self) -> u64 {
        (self.threads as u64)
            .checked_mul(self.increments)
            .expect("threads × increments must fit in a u64")
    }
}

// ANCHOR: tally
/// What a kernel run produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    /// `threads × increments`: the increments that were called.
    pub expected: u64,
    /// The counter's value after every thread was joined.
    pub observed: u64,
    /// `expected − observed`: increments that were called but left no trace.
    pub lost: u64,
    /// Wall-clock time from the moment all threads were released to the last join.
    pub elapsed: Duration,
}
// ANCHOR_END: tally

impl Tally {
    /// The tally of `cfg` when the counter ended at `observed`.
    pub fn new(cfg: &Config, observed: u64, elapsed: Duration) -> Self {
        let expected = cfg.expected();
        Tally {
            expected,
            observed,
            lost: expected.saturating_sub(observed),
            elapsed,
        }
    }

    /// Increments called per second, all threads together.
    pub fn increments_per_sec(&self) -> f64 {
        self.expected as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The share of increments lost, from 0 to 1.
    pub fn lost_fraction(&self) -> f64 {
        if self.expected == 0 {
            0.0
        } else {
            self.lost as f64 / self.expected as f64
        }
    }
}

/// A counter kernel: what it is called and how to run it.
#[derive(Debug, Clone, Copy)]
pub struct Kernel {
    /// Short name, as in tables and benchmark ids (`racy`, `mutex-c`, ...).
    pub name: &'static str,
    /// One line: how the threads reach the counter.
    pub how: &'static str,
    /// `true` if the kernel is thread-safe, so its total must be exact.
    pub exact: bool,
    /// Runs the job. Kernels on a process-global C counter must not run two jobs at once.
    pub run: fn(&Config) -> Tally,
}

// ANCHOR: exact_over_rounds
/// Stress check for a thread-safe kernel: runs `kernel` `rounds` times at each thread count
/// and panics, naming the run, unless every total is exact. Never use it on the racy kernel:
/// how much that one loses depends on timing.
pub fn assert_exact_over_rounds(
    kernel: &Kernel,
    threads: &[usize],
    rounds: usize,
    increments: u64,
) {
    for &n in threads {
        for round in 1..=rounds {
            let tally = (kernel.run)(&Config::new(n, increments));
            assert_eq!(
                tally.observed, tally.expected,
                "{}: {n} threads x {increments}, round {round} of {rounds}: lost {}",
                kernel.name, tally.lost
            );
        }
    }
}
// ANCHOR_END: exact_over_rounds

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_counts_what_was_lost() {
        let cfg = Config::new(4, 250);
        let t = Tally::new(&cfg, 900, Duration::from_millis(1));
        assert_eq!((t.expected, t.observed, t.lost), (1000, 900, 100));
        assert!((t.lost_fraction() - 0.1).abs() < 1e-12);
        assert!((t.increments_per_sec() - 1e6).abs() < 1.0);
    }

    #[test]
    fn every_slot_gets_its_own_thread_and_is_written_back() {
        let mut slots = vec![0u64; 5];
        on_threads(false, &7u64, slots.iter_mut(), |add, slot| *slot += *add);
        assert_eq!(slots, vec![7; 5]);
    }

    #[test]
    fn pinned_threads_still_run_when_there_are_more_threads_than_cores() {
        let hits = sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        each_thread(&Config::new(8, 1), &hits, |h| {
            h.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        assert_eq!(hits.load(std::sync::atomic::Ordering::Relaxed), 8);
    }
}
