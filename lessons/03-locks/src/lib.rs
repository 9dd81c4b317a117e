//! # Lesson 3, `locks`: C-side against Rust-side locks, and the self-made global lock
//!
//! Edit `src/exercise.rs` (only that file), then run `cargo test -p locks`.
//! The book chapter is `mdbook/src/lessons/03-locks.md`; `cargo lab hint locks` helps.
//!
//! The exercise is compiled twice from the same file: in [`real`] with the standard
//! library's locks and C's real racy counter, in [`model`] with loom's locks and a Rust model
//! of that counter, so loom can try every interleaving.

#![forbid(unsafe_code)]

// ANCHOR: facade
/// The exercise with `loom::sync`, and `Racy` = [`RacyCounterModel`], for `tests/loom_model.rs`.
pub mod model;
/// The exercise with `std::sync`, and `Racy` = C's racy counter (`ffi::RacyCounter`).
pub mod real;
// ANCHOR_END: facade

/// A loom model of C's racy counter with the same API and the same `Send`-but-not-`Sync`
/// promise as `ffi::RacyCounter`: the shared lesson support.
pub use lesson_support::RacyCounterModel;
