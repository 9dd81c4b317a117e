//! # Lesson 3, `locks`: C-side against Rust-side locks, and the self-made global lock
//!
//! Edit `src/exercise.rs` (only that file), then run `cargo test -p locks`.
//! The book chapter is `mdbook/src/lessons/03-locks.md`; `cargo lab hint locks` helps.
//!
//! The exercise is compiled twice from the same file: in [`real`] with the standard
//! library's locks and C's real racy counter, in [`model`] with loom's locks and a Rust model
//! of that counter, so loom can try every interleaving.

use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::atomic::Ordering;

// ANCHOR: facade
/// The exercise with `loom::sync`, and `Racy` = [`RacyModel`], for `tests/loom_model.rs`.
pub mod model;
/// The exercise with `std::sync`, and `Racy` = C's racy counter (`ffi::RacyCounter`).
pub mod real;
// ANCHOR_END: facade

// ANCHOR: racy_model
/// A loom model of C's racy counter with the same API and the same `Send`-but-not-`Sync`
/// promise as `ffi::RacyCounter`: a load, then a store, with no lock between them.
#[derive(Debug)]
pub struct RacyModel {
    value: loom::sync::atomic::AtomicU64,
    _not_sync: PhantomData<Cell<()>>,
}

impl RacyModel {
    /// A fresh model counter at 0.
    pub fn new() -> Self {
        RacyModel {
            value: loom::sync::atomic::AtomicU64::new(0),
            _not_sync: PhantomData,
        }
    }
    /// Load, add one, store: what `lab_racy_increment` does in C.
    pub fn increment(&self) {
        let seen = self.value.load(Ordering::Relaxed);
        self.value.store(seen + 1, Ordering::Relaxed);
    }
    /// Reads the counter.
    pub fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: racy_model

impl Default for RacyModel {
    fn default() -> Self {
        Self::new()
    }
}
