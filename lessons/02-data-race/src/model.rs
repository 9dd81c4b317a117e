//! The same exercise compiled with loom's threads and locks, for the loom models.

// ANCHOR: model_facade
pub use loom::sync;
pub use loom::thread;
// ANCHOR_END: model_facade

// The file is `src/exercise.rs`; a feature puts the solution or a fixture in its place.
#[cfg_attr(feature = "solution", path = "../solution/exercise.rs")]
#[cfg_attr(feature = "shipped", path = "../shipped/exercise.rs")]
#[cfg_attr(
    feature = "wrong-forgot-join",
    path = "../solution/wrong_forgot_join.rs"
)]
#[cfg_attr(feature = "wrong-join-early", path = "../solution/wrong_join_early.rs")]
#[cfg_attr(
    not(any(
        feature = "solution",
        feature = "shipped",
        feature = "wrong-forgot-join",
        feature = "wrong-join-early"
    )),
    path = "exercise.rs"
)]
#[allow(
    clippy::duplicate_mod,
    reason = "the same exercise, compiled once with std and once with loom"
)]
pub mod exercise;
