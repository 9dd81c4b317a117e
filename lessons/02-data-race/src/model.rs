//! The same exercise compiled with loom's threads and locks, for the loom models.

// ANCHOR: model_facade
pub use loom::sync;
pub use loom::thread;
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
