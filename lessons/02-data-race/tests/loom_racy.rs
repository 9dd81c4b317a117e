//! Grading loom model for lesson 2 (`data-race`): loom must find the race. Do not edit: edit
//! `src/exercise.rs`.

use data_race::RacyModel;
use data_race::model::exercise::count_on_threads;
use data_race::model::sync::Arc;

/// The test passes only if loom FINDS the interleaving that loses an increment: both threads
/// load 0, both store 1. If your threads never overlap, loom finds nothing and this fails.
#[test]
#[should_panic(expected = "racy model lost an update")]
fn loom_finds_the_racy_model_losing_an_update() {
    loom::model(|| {
        let total = count_on_threads(Arc::new(RacyModel::default()), 2, 1);
        assert_eq!(total, 2, "the racy model lost an update");
    });
}
