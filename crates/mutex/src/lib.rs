//! # `mutex`: the shared-counter job fixed with a lock, twice
//!
//! - [`run_c`]: the C library locks for us. `lab_locked_increment` does the same
//!   read-modify-write as the racy one, inside a `pthread_mutex_t`. Safe to call from any thread
//!   ([`ffi::LockedCounter`] is `Send + Sync`).
//! - [`run_rust`]: the C library does *not* lock (it is the racy global), so we build the lock
//!   ourselves: a `parking_lot::Mutex<RacyCounter>`. `RacyCounter` is `Send` but `!Sync`;
//!   `Mutex<T: Send>` is `Sync`, so safe code may share the lock, and every C call happens with
//!   the lock held. No `unsafe` here. This is how you call a C library that is not thread-safe
//!   from many threads, and it is *a global interpreter lock you built yourself*: only one
//!   thread is ever inside the library, so the threads queue instead of running in parallel.
//!   The benchmark shows the cost.
//!
//! `mutex` therefore depends on `racy` (for [`RacyCounter`], which the Rust lock wraps), the one
//! kernel crate that uses another: `ffi`, `harness` ← `racy` ← `mutex` ← `kernels`.
//!
//! Both are exact: stress tests (`tests/stress.rs`), loom models (`tests/loom.rs`), and for the
//! C lock ThreadSanitizer (`cargo xtask tsan`). The Rust lock is checked by loom only:
//! `parking_lot` parks threads with raw futex calls, which ThreadSanitizer (gcc's runtime,
//! uninstrumented Rust) cannot see, so it would call the correct program racy.

#![forbid(unsafe_code)]

mod leaf;

pub use leaf::LockedCounter;

use harness::sync::{Arc, Mutex};
use harness::{Config, Kernel, Tally};
use racy::RacyCounter;

/// The C pthread-mutex kernel, for tables and benchmarks.
pub const C_KERNEL: Kernel = Kernel {
    name: "mutex-c",
    how: "C global inside a pthread mutex",
    exact: true,
    run: run_c,
};

/// The Rust-lock kernel, for tables and benchmarks.
pub const RUST_KERNEL: Kernel = Kernel {
    name: "mutex-rust",
    how: "racy C global inside a parking_lot::Mutex (a global lock of your own)",
    exact: true,
    run: run_rust,
};

/// Runs the job on the C library's pthread-mutex counter.
#[allow(
    clippy::default_constructed_unit_structs,
    reason = "a unit struct naming the C global normally; fresh model state under cfg(loom)"
)]
pub fn run_c(cfg: &Config) -> Tally {
    run_c_with(LockedCounter::default(), cfg)
}

// ANCHOR: mutex_c_kernel
/// Runs the job on `counter`: every thread calls the C increment, which locks in C.
pub fn run_c_with(counter: LockedCounter, cfg: &Config) -> Tally {
    counter.reset();
    let increments = cfg.increments;
    let elapsed = harness::each_thread(cfg, &counter, move |counter| {
        for _ in 0..increments {
            counter.increment(); // pthread_mutex_lock; load; add; store; unlock
        }
    });
    Tally::new(cfg, counter.get(), elapsed)
}
// ANCHOR_END: mutex_c_kernel

/// Runs the job on the racy C global, behind a Rust lock.
///
/// # Panics
/// If another [`RacyCounter`] handle exists (run one job on the racy global at a time).
pub fn run_rust(cfg: &Config) -> Tally {
    let handle = RacyCounter::take()
        .expect("the racy counter's handle is taken elsewhere: run one job on it at a time");
    run_rust_with(handle, cfg)
}

// ANCHOR: mutex_rust_kernel
/// Runs the job on the racy global behind `handle`, with a lock of our own around every call.
pub fn run_rust_with(handle: RacyCounter, cfg: &Config) -> Tally {
    handle.reset();
    // RacyCounter is Send but !Sync; Mutex<RacyCounter> is Sync: the lock makes sharing safe.
    let library = Arc::new(Mutex::new(handle));
    let increments = cfg.increments;
    let elapsed = harness::each_thread(cfg, &library, move |library| {
        for _ in 0..increments {
            library.lock().increment(); // one thread in the C library at a time
        }
    });
    let observed = library.lock().get();
    Tally::new(cfg, observed, elapsed)
}
// ANCHOR_END: mutex_rust_kernel
