//! loom models of both lock kernels: they must pass, exhaustively at 2 threads × 3 increments
//! and 3 threads × 1, and at 3 threads × 2 under a preemption bound of 2 (set in the test).
//!
//! The kernel code (`mutex::run_c_with`, `mutex::run_rust_with`) is the same as in the real
//! build; only the leaf call is a model: loom's mutex around a `u64` for the pthread lock, and
//! for the Rust lock, loom's mutex around the racy kernel's `UnsafeCell` model, so loom checks
//! that the lock really orders every access to the racy global.
//! Run: `cargo xtask loom` (or `RUSTFLAGS="--cfg loom" cargo test -p mutex --test loom`).
#![cfg(loom)]

use harness::Config;
use harness::model::{bounded, exhaustive};
use mutex::LockedCounter;
use racy::{Model, RacyCounter};

fn c_mutex_is_exact(threads: usize, increments: u64) -> impl Fn() + Send + Sync + 'static {
    move || {
        let tally = mutex::run_c_with(LockedCounter::default(), &Config::new(threads, increments));
        assert_eq!(
            tally.observed, tally.expected,
            "the pthread-lock model lost an update"
        );
    }
}

fn rust_mutex_is_exact(threads: usize, increments: u64) -> impl Fn() + Send + Sync + 'static {
    move || {
        let handle = RacyCounter::model(Model::DataRace);
        let tally = mutex::run_rust_with(handle, &Config::new(threads, increments));
        assert_eq!(
            tally.observed, tally.expected,
            "the Rust-lock model lost an update"
        );
    }
}

/// K-mutex-c: every interleaving of 2 threads × 3 locked increments ends at 6.
#[test]
fn c_mutex_counts_exactly_2_threads_x_3_exhaustive_under_loom() {
    exhaustive(c_mutex_is_exact(2, 3));
}

/// K-mutex-c: every interleaving of 3 threads × 1 locked increment ends at 3.
#[test]
fn c_mutex_counts_exactly_3_threads_x_1_exhaustive_under_loom() {
    exhaustive(c_mutex_is_exact(3, 1));
}

/// K-mutex-c: 3 threads × 2 increments, every interleaving with at most 2 preemptions.
#[test]
fn c_mutex_counts_exactly_3_threads_x_2_preemption_bound_2_under_loom() {
    bounded(2, c_mutex_is_exact(3, 2));
}

// ANCHOR: rust_mutex_loom
/// K-mutex-rust: the racy C global behind our own lock. loom checks every access to the
/// `UnsafeCell` model of the global (no causality violation) and the total, in every
/// interleaving of 2 threads × 3 increments.
#[test]
fn rust_mutex_around_racy_counts_exactly_2_threads_x_3_exhaustive_under_loom() {
    exhaustive(rust_mutex_is_exact(2, 3));
}
// ANCHOR_END: rust_mutex_loom

/// K-mutex-rust: every interleaving of 3 threads × 1 increment.
#[test]
fn rust_mutex_around_racy_counts_exactly_3_threads_x_1_exhaustive_under_loom() {
    exhaustive(rust_mutex_is_exact(3, 1));
}

/// K-mutex-rust: 3 threads × 2 increments, every interleaving with at most 2 preemptions.
#[test]
fn rust_mutex_around_racy_counts_exactly_3_threads_x_2_preemption_bound_2_under_loom() {
    bounded(2, rust_mutex_is_exact(3, 2));
}
