//! loom models of the sharded kernels: exhaustive at 2 threads × 3 increments and 3 threads × 1,
//! and 3 threads × 2 under a preemption bound of 2 (set in the test).
//!
//! The kernel code (`sharded::run`, `sharded::run_unpadded`: slots, `iter_mut`, join, sum) is
//! the same as in the real build; the reentrant C increment is modelled by `*state += 1` on the
//! thread's own `&mut u64`. What loom checks here is the harness: each slot comes back through
//! the join, so the sum after it is exact in every interleaving.
//! Run: `cargo xtask loom` (or `RUSTFLAGS="--cfg loom" cargo test -p sharded --test loom`).
#![cfg(loom)]

use harness::model::{bounded, exhaustive};
use harness::{Config, Tally};

fn sharded_is_exact(
    kernel: fn(&Config) -> Tally,
    threads: usize,
    increments: u64,
) -> impl Fn() + Send + Sync + 'static {
    move || {
        let tally = kernel(&Config::new(threads, increments));
        assert_eq!(
            tally.observed, tally.expected,
            "the sharded model lost an update"
        );
    }
}

/// K-sharded: every interleaving of 2 threads × 3 increments on own slots sums to 6.
#[test]
fn sharded_counts_exactly_2_threads_x_3_exhaustive_under_loom() {
    exhaustive(sharded_is_exact(sharded::run, 2, 3));
    exhaustive(sharded_is_exact(sharded::run_unpadded, 2, 3));
}

/// K-sharded: every interleaving of 3 threads × 1 increment sums to 3.
#[test]
fn sharded_counts_exactly_3_threads_x_1_exhaustive_under_loom() {
    exhaustive(sharded_is_exact(sharded::run, 3, 1));
    exhaustive(sharded_is_exact(sharded::run_unpadded, 3, 1));
}

/// K-sharded: 3 threads × 2 increments, every interleaving with at most 2 preemptions.
#[test]
fn sharded_counts_exactly_3_threads_x_2_preemption_bound_2_under_loom() {
    bounded(2, sharded_is_exact(sharded::run, 3, 2));
    bounded(2, sharded_is_exact(sharded::run_unpadded, 3, 2));
}
