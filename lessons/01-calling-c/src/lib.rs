//! # Lesson 1, `calling-c`: calling C safely
//!
//! Edit `src/exercise.rs` (only that file), then run `cargo test -p calling-c`.
//! The book chapter is `mdbook/src/lessons/01-calling-c.md`; `cargo lab hint calling-c` helps.
//!
//! The types the tests check are defined here, so the exercise cannot change them, and so is
//! [`c`]: the `ffi` wrappers the exercise calls, each call counted so the tests can see that
//! the work really crossed into C (and how many times).

#![forbid(unsafe_code)]

// ANCHOR: overflow
/// The input at `index` is `value`, and `value²` does not fit in a C `int`: calling C's
/// `square` on it would be undefined behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow {
    /// Where the input sits in the slice.
    pub index: usize,
    /// The input itself.
    pub value: i32,
}
// ANCHOR_END: overflow

// ANCHOR: c_facade
/// The C functions the exercise calls: `ffi`'s safe wrappers, each call counted per thread.
pub mod c {
    use std::cell::Cell;

    /// How many times each function was called, on one thread.
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
    pub struct Calls {
        /// Calls to [`square`].
        pub square: usize,
        /// Calls to [`square_wide`].
        pub square_wide: usize,
        /// Calls to [`add`].
        pub add: usize,
        /// Calls to [`square_array`].
        pub square_array: usize,
    }

    // ANCHOR: c_facade_call
    thread_local! {
        static CALLS: Cell<Calls> = Cell::new(Calls::default());
    }

    fn tick(bump: impl FnOnce(&mut Calls)) {
        let mut calls = CALLS.get();
        bump(&mut calls);
        CALLS.set(calls);
    }

    /// `ffi::square`, counted.
    pub fn square(x: i32) -> Option<i32> {
        tick(|c| c.square += 1);
        ffi::square(x)
    }
    // ANCHOR_END: c_facade_call

    /// `ffi::square_wide`, counted.
    pub fn square_wide(x: i32) -> i64 {
        tick(|c| c.square_wide += 1);
        ffi::square_wide(x)
    }

    /// `ffi::add`, counted.
    pub fn add(a: i32, b: i32) -> Option<i32> {
        tick(|c| c.add += 1);
        ffi::add(a, b)
    }

    /// `ffi::square_array` (one C call for the whole buffer), counted.
    pub fn square_array(input: &[f64], out: &mut [f64]) -> Result<(), ffi::LengthMismatch> {
        tick(|c| c.square_array += 1);
        ffi::square_array(input, out)
    }

    // ANCHOR: c_facade_count
    /// Runs `f`, and returns what it returned with the calls it made on this thread.
    pub fn count<R>(f: impl FnOnce() -> R) -> (R, Calls) {
        CALLS.set(Calls::default());
        let result = f();
        (result, CALLS.take())
    }
    // ANCHOR_END: c_facade_count
}
// ANCHOR_END: c_facade

// The exercise: src/exercise.rs or, with `LAB_VARIANT=<variant>` set, the file lessons/build.rs
// chose from lessons/lessons.toml (the solution, the shipped copy or a wrong answer).
#[cfg(not(lab_variant))]
pub mod exercise;
#[cfg(lab_variant)]
include!(concat!(env!("OUT_DIR"), "/exercise.rs"));

pub use exercise::{squared, squares, total};
