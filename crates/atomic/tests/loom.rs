//! loom models of the atomic kernel: exhaustive at 2 threads × 3 increments and 3 threads × 1,
//! and 3 threads × 2 under a preemption bound of 2 (set in the test).
//!
//! The kernel code (`atomic::run_with`) is the same as in the real build; the C11 fetch-add is
//! modelled by loom's `AtomicU64::fetch_add` with the same relaxed ordering, and the final
//! relaxed load is exact because of the join.
//! Run: `cargo xtask loom` (or `RUSTFLAGS="--cfg loom" cargo test -p atomic --test loom`).
#![cfg(loom)]

use atomic::AtomicCounter;
use harness::Config;
use harness::model::{bounded, exhaustive};

fn atomic_is_exact(threads: usize, increments: u64) -> impl Fn() + Send + Sync + 'static {
    move || {
        let tally = atomic::run_with(AtomicCounter::default(), &Config::new(threads, increments));
        assert_eq!(
            tally.observed, tally.expected,
            "the atomic model lost an update"
        );
    }
}

// ANCHOR: atomic_loom
/// K-atomic: every interleaving of 2 threads × 3 relaxed fetch-adds ends at 6.
#[test]
fn atomic_counts_exactly_2_threads_x_3_exhaustive_under_loom() {
    exhaustive(atomic_is_exact(2, 3));
}
// ANCHOR_END: atomic_loom

/// K-atomic: every interleaving of 3 threads × 1 fetch-add ends at 3.
#[test]
fn atomic_counts_exactly_3_threads_x_1_exhaustive_under_loom() {
    exhaustive(atomic_is_exact(3, 1));
}

/// K-atomic: 3 threads × 2 fetch-adds, every interleaving with at most 2 preemptions.
#[test]
fn atomic_counts_exactly_3_threads_x_2_preemption_bound_2_under_loom() {
    bounded(2, atomic_is_exact(3, 2));
}
