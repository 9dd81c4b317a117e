//! The same exercise compiled with loom's locks, on a Rust model of the racy counter.

// ANCHOR: model_facade
pub use loom::sync;

/// The non-thread-safe library, modelled for loom.
pub use crate::RacyCounterModel as Racy;
// ANCHOR_END: model_facade

// The exercise: src/exercise.rs or, with `LAB_VARIANT=<variant>` set, the file lessons/build.rs
// chose from lessons/lessons.toml (the solution, the shipped copy or a wrong answer).
#[cfg(not(lab_variant))]
#[path = "exercise.rs"]
#[allow(
    clippy::duplicate_mod,
    reason = "the same exercise, compiled once with std and once with loom"
)]
pub mod exercise;
#[cfg(lab_variant)]
include!(concat!(env!("OUT_DIR"), "/exercise.rs"));
