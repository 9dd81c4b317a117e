//! # `atomic`: the shared-counter job with one indivisible C11 fetch-add
//!
//! `lab_atomic_increment` is `atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed)`: the
//! hardware does the read-modify-write as one step, so no increment can be lost, and no thread
//! ever waits for a lock. [`ffi::AtomicCounter`] is `Send + Sync`.
//!
//! Relaxed ordering is enough: the counter is read only after every thread is joined, and the
//! join is the synchronization. The threads still contend for one cache line, so it scales worse
//! than the sharded kernel (see the benchmark).

#![forbid(unsafe_code)]

mod leaf;

pub use leaf::AtomicCounter;

use harness::{Config, Kernel, Tally};

/// This kernel, for tables and benchmarks.
pub const KERNEL: Kernel = Kernel {
    name: "atomic",
    how: "C11 atomic fetch-add on one C global",
    exact: true,
    run,
};

/// Runs the job on the C library's atomic counter.
#[allow(
    clippy::default_constructed_unit_structs,
    reason = "a unit struct naming the C global normally; fresh model state under cfg(loom)"
)]
pub fn run(cfg: &Config) -> Tally {
    run_with(AtomicCounter::default(), cfg)
}

// ANCHOR: atomic_kernel
/// Runs the job on `counter`: every thread calls the C11 atomic increment.
pub fn run_with(counter: AtomicCounter, cfg: &Config) -> Tally {
    counter.reset();
    let increments = cfg.increments;
    let elapsed = harness::each_thread(cfg, &counter, move |counter| {
        for _ in 0..increments {
            counter.increment(); // one indivisible fetch-add: nothing to lose
        }
    });
    // Relaxed load, exact: every thread's fetch-adds happen-before the join.
    Tally::new(cfg, counter.get(), elapsed)
}
// ANCHOR_END: atomic_kernel
