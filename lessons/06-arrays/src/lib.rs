//! # Lesson 6, `arrays`: arrays and batching
//!
//! Edit `src/exercise.rs` (only that file), then run `cargo test -p arrays`.
//! The book chapter is `mdbook/src/lessons/06-arrays-and-batching.md`; `cargo lab hint arrays` helps.
//!
//! The exercise calls C's `square_array` through [`c::square_array`], which is
//! `ffi::square_array` plus two counters the tests read: how many times the code crossed into
//! C, and how many of those crossings ran outside rayon's thread pool.

#![forbid(unsafe_code)]

// ANCHOR: c_facade
// ANCHOR: c_facade_call
/// `ffi::square_array`, counted.
pub mod c {
    use std::sync::atomic::{AtomicUsize, Ordering};

    static CALLS: AtomicUsize = AtomicUsize::new(0);
    static OUTSIDE_POOL: AtomicUsize = AtomicUsize::new(0);

    /// Squares `input` into `out` in one C call (see `ffi::square_array`), and counts the call.
    pub fn square_array(input: &[f64], out: &mut [f64]) -> Result<(), ffi::LengthMismatch> {
        CALLS.fetch_add(1, Ordering::Relaxed);
        if rayon::current_thread_index().is_none() {
            OUTSIDE_POOL.fetch_add(1, Ordering::Relaxed);
        }
        ffi::square_array(input, out)
    }
    // ANCHOR_END: c_facade_call

    // ANCHOR: c_facade_counts
    /// Calls into C since the last [`reset`].
    pub fn calls() -> usize {
        CALLS.load(Ordering::Relaxed)
    }

    /// Calls made from a thread outside rayon's pool since the last [`reset`].
    pub fn calls_outside_pool() -> usize {
        OUTSIDE_POOL.load(Ordering::Relaxed)
    }

    /// Sets both counters to 0.
    pub fn reset() {
        CALLS.store(0, Ordering::Relaxed);
        OUTSIDE_POOL.store(0, Ordering::Relaxed);
    }
    // ANCHOR_END: c_facade_counts
}
// ANCHOR_END: c_facade

// The exercise: src/exercise.rs or, with `LAB_VARIANT=<variant>` set, the file lessons/build.rs
// chose from lessons/lessons.toml (the solution, the shipped copy or a wrong answer).
#[cfg(not(lab_variant))]
pub mod exercise;
#[cfg(lab_variant)]
include!(concat!(env!("OUT_DIR"), "/exercise.rs"));

pub use exercise::square_parallel;
