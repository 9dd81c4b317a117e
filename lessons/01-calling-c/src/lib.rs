//! # Lesson 1, `calling-c`: calling C safely
//!
//! Edit `src/exercise.rs` (only that file), then run `cargo test -p calling-c`.
//! The book chapter is `mdbook/src/lessons/01-calling-c.md`; `cargo lab hint calling-c` helps.
//!
//! The types the tests check are defined here, so the exercise cannot change them.

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

// The exercise: src/exercise.rs or, with `LAB_VARIANT=<variant>` set, the file lessons/build.rs
// chose from lessons/lessons.toml (the solution, the shipped copy or a wrong answer).
#[cfg(not(lab_variant))]
pub mod exercise;
#[cfg(lab_variant)]
include!(concat!(env!("OUT_DIR"), "/exercise.rs"));

pub use exercise::{squared, squares, total};
