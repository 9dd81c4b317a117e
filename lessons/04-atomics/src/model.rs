//! The same exercise compiled with loom's atomics, for the loom models.

// ANCHOR: model_facade
pub use loom::sync;
// ANCHOR_END: model_facade

// The file is `src/exercise.rs`; a feature puts the solution or a fixture in its place.
#[cfg_attr(feature = "solution", path = "../solution/exercise.rs")]
#[cfg_attr(feature = "shipped", path = "../shipped/exercise.rs")]
#[cfg_attr(
    feature = "wrong-load-then-store",
    path = "../solution/wrong_load_then_store.rs"
)]
#[cfg_attr(feature = "wrong-unpadded", path = "../solution/wrong_unpadded.rs")]
#[cfg_attr(
    not(any(
        feature = "solution",
        feature = "shipped",
        feature = "wrong-load-then-store",
        feature = "wrong-unpadded"
    )),
    path = "exercise.rs"
)]
#[allow(
    clippy::duplicate_mod,
    reason = "the same exercise, compiled once with std and once with loom"
)]
pub mod exercise;
