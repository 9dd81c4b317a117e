//! # Lesson 2, `data-race`: the data race, and making loom find it
//!
//! Edit `src/exercise.rs` (only that file), then run `cargo test -p data-race`.
//! The book chapter is `mdbook/src/lessons/02-data-race.md`; `cargo lab hint data-race` helps.
//!
//! The exercise is compiled twice from the same file: in [`real`] its `super::sync` and
//! `super::thread` are the standard library's, and the tests run it on the real C counters;
//! in [`model`] they are loom's, and loom runs it on Rust models of the C counters, trying
//! every interleaving of the threads.

#![forbid(unsafe_code)]

// ANCHOR: counter_trait
/// What the exercise needs from a counter: the interface of the C counter family.
pub trait Counter: Send + Sync + 'static {
    /// Adds one.
    fn increment(&self);
    /// Reads the total.
    fn get(&self) -> u64;
}
// ANCHOR_END: counter_trait

// ANCHOR: facade
/// The exercise on loom's threads, for the models in `tests/loom_*.rs`: `src/model.rs`.
pub mod model;
/// The exercise on real threads (`std::thread`, `std::sync`): `src/real.rs`.
pub mod real;
// ANCHOR_END: facade

/// C's `lab_locked_increment`: thread-safe, the lock is inside C.
impl Counter for ffi::LockedCounter {
    fn increment(&self) {
        ffi::LockedCounter::increment(self)
    }
    fn get(&self) -> u64 {
        ffi::LockedCounter::get(self)
    }
}

/// C's `lab_atomic_increment`: thread-safe, one atomic fetch-add in C.
impl Counter for ffi::AtomicCounter {
    fn increment(&self) {
        ffi::AtomicCounter::increment(self)
    }
    fn get(&self) -> u64 {
        ffi::AtomicCounter::get(self)
    }
}

/// A loom model of C's `lab_racy_increment` (load, then store, no lock between): the shared
/// lesson support, `lesson_support::RacyModel`.
pub use lesson_support::RacyModel;

impl Counter for RacyModel {
    fn increment(&self) {
        RacyModel::increment(self)
    }
    fn get(&self) -> u64 {
        RacyModel::get(self)
    }
}

// ANCHOR: locked_model
// ANCHOR: locked_model_type
/// A loom model of C's `lab_locked_increment`: the same read-modify-write inside a mutex.
#[derive(Debug, Default)]
pub struct LockedModel {
    value: loom::sync::Mutex<u64>,
}
// ANCHOR_END: locked_model_type

// ANCHOR: locked_model_impl
impl Counter for LockedModel {
    fn increment(&self) {
        *self
            .value
            .lock()
            .expect("no thread panics while holding the lock") += 1;
    }
    fn get(&self) -> u64 {
        *self
            .value
            .lock()
            .expect("no thread panics while holding the lock")
    }
}
// ANCHOR_END: locked_model_impl
// ANCHOR_END: locked_model
