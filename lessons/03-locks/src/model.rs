//! The same exercise compiled with loom's locks, on a Rust model of the racy counter.

// ANCHOR: model_facade
pub use loom::sync;

/// The non-thread-safe library, modelled for loom.
pub use crate::RacyCounterModel as Racy;
// ANCHOR_END: model_facade

// The file is `src/exercise.rs`; a feature puts the solution or a fixture in its place.
#[cfg_attr(feature = "solution", path = "../solution/exercise.rs")]
#[cfg_attr(feature = "shipped", path = "../shipped/exercise.rs")]
#[cfg_attr(feature = "wrong-unlocked", path = "../solution/wrong_unlocked.rs")]
#[cfg_attr(
    feature = "wrong-read-only-lock",
    path = "../solution/wrong_read_only_lock.rs"
)]
#[cfg_attr(feature = "wrong-deadlock", path = "../solution/wrong_deadlock.rs")]
#[cfg_attr(
    not(any(
        feature = "solution",
        feature = "shipped",
        feature = "wrong-unlocked",
        feature = "wrong-read-only-lock",
        feature = "wrong-deadlock"
    )),
    path = "exercise.rs"
)]
#[allow(
    clippy::duplicate_mod,
    reason = "the same exercise, compiled once with std and once with loom"
)]
pub mod exercise;
