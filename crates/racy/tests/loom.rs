//! loom models of the racy kernel: loom must *find* the bug, by its message.
//!
//! The kernel code (`racy::run_with`) is the same as in the real build; only the C call is
//! replaced by a model of its memory effect (see `src/leaf.rs`).
//! Run: `cargo xtask loom` (or `RUSTFLAGS="--cfg loom" cargo test -p racy --test loom`).
#![cfg(loom)]

use harness::Config;
use racy::{Model, RacyCounter};

// ANCHOR: racy_loom
/// Claim K-racy: two threads, one increment each, can end with the counter at 1. loom explores
/// the interleavings and finds load 0, load 0, store 1, store 1; the final value shows the loss.
#[test]
#[should_panic(expected = "racy counter lost 1 of 2 increments")]
fn racy_counter_loses_updates_under_loom() {
    loom::model(|| {
        let tally = racy::run_with(RacyCounter::model(Model::LostUpdate), &Config::new(2, 1));
        assert_eq!(
            tally.lost, 0,
            "racy counter lost {} of {} increments",
            tally.lost, tally.expected
        );
    });
}

/// Claim K-racy: the same kernel with the global in a `loom::cell::UnsafeCell`: loom reports
/// the two unsynchronized writes as a causality violation, i.e. a data race.
#[test]
#[should_panic(expected = "Causality violation: Concurrent write accesses to `UnsafeCell`")]
fn racy_counter_is_a_data_race_under_loom() {
    loom::model(|| {
        racy::run_with(RacyCounter::model(Model::DataRace), &Config::new(2, 1));
    });
}
// ANCHOR_END: racy_loom

/// Control: the models themselves count right when no two threads race (one thread), so the
/// failures above come from the interleavings and not from a broken model.
#[test]
fn racy_models_are_exact_on_one_thread_under_loom() {
    for model in [Model::LostUpdate, Model::DataRace] {
        loom::model(move || {
            let tally = racy::run_with(RacyCounter::model(model), &Config::new(1, 3));
            assert_eq!(tally.observed, 3);
        });
    }
}
