//! # Lesson 4, `atomics`: beyond the lock, atomics and sharding
//!
//! Edit `src/exercise.rs` (only that file), then run `cargo test -p atomics`.
//! The book chapter is `mdbook/src/lessons/04-atomics-and-sharding.md`; `cargo lab hint atomics` helps.
//!
//! The exercise is compiled twice from the same file: in [`real`] with `std::sync::atomic`,
//! in [`model`] with loom's atomics, so loom can try every interleaving. C's
//! `lab_atomic_increment` is one `atomic_fetch_add_explicit`; the Rust atomics here have the
//! same memory effects, and the lesson writes the Rust side of both strategies.

#![forbid(unsafe_code)]

// ANCHOR: facade
/// The exercise with `loom::sync`, for `tests/loom_model.rs`.
pub mod model;
/// The exercise with `std::sync`.
pub mod real;
// ANCHOR_END: facade

/// A cache line on the machines the lab targets (x86-64 and most ARM cores): 64 bytes.
pub const CACHE_LINE: usize = 64;
