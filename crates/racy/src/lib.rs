//! # `racy`: the shared-counter job done wrong, on purpose
//!
//! Every thread calls the C library's `lab_racy_increment` at the same time. That function is a
//! plain load, add and store on a process-global with no lock:
//!
//! ```text
//! thread A            thread B            counter
//! load  5                                 5
//!                     load  5             5
//! store 6                                 6
//!                     store 6             6   <- B's store overwrites A's: one increment lost
//! ```
//!
//! That is a data race, undefined behaviour in C, and safe Rust cannot write it: the handle
//! [`ffi::RacyCounter`] is `!Sync`. This crate therefore holds that unique handle for the whole
//! run (so no safe code can touch the global meanwhile) and breaks the contract in exactly one
//! `unsafe` block, marked `UNSOUND ON PURPOSE`. It is the only `unsafe` in the lab outside
//! `crates/ffi`, and it is there to be *seen* failing:
//!
//! - `cargo lab demo` prints the increments it loses on two cores;
//! - loom finds the losing interleaving in a model of the C code (`tests/loom.rs`);
//! - ThreadSanitizer reports the race in the real C (`cargo xtask tsan`).
//!
//! Nothing asserts *how many* updates it loses: that depends on timing.

mod leaf;

pub use leaf::{RacyCounter, RacyGlobal};

#[cfg(loom)]
pub use leaf::Model;

use harness::{Config, Kernel, Tally};

/// This kernel, for tables and benchmarks.
pub const KERNEL: Kernel = Kernel {
    name: "racy",
    how: "racy C global, no lock (unsound on purpose)",
    exact: false,
    run,
};

/// Runs the job on the C library's racy global. Increments will be lost on more than one core.
///
/// # Panics
/// If another [`RacyCounter`] handle exists (run one racy job at a time).
pub fn run(cfg: &Config) -> Tally {
    let handle = RacyCounter::take()
        .expect("the racy counter's handle is taken elsewhere: run one racy job at a time");
    run_with(handle, cfg)
}

// ANCHOR: racy_kernel
/// Runs the job on the global behind `handle`, holding the handle until every thread is joined.
pub fn run_with(handle: RacyCounter, cfg: &Config) -> Tally {
    handle.reset();
    let global = RacyGlobal::of(&handle);
    let increments = cfg.increments;
    let elapsed = harness::each_thread(cfg, &global, move |global| {
        for _ in 0..increments {
            // UNSOUND ON PURPOSE: every thread runs this at the same time, so the C code's load
            // and store interleave: A loads 5, B loads 5, A stores 6, B stores 6, and one of the
            // two increments is lost. It is a data race, undefined behaviour in C.
            // SAFETY: NOT upheld, and that is the lesson: `increment` requires that no other
            // thread is inside a racy C function at the same time.
            unsafe { global.increment() }
        }
    });
    // Every thread is joined: the handle is the only way to the global again.
    Tally::new(cfg, handle.get(), elapsed)
}
// ANCHOR_END: racy_kernel
