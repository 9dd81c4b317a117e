//! Grading loom model for lesson 2 (`data-race`): the locked counter. Do not edit: edit
//! `src/exercise.rs`.
//!
//! loom runs the exercise (the `model` build, with loom's threads) over every interleaving of
//! two threads that increment once each. (This file runs before `loom_racy.rs`.)

use data_race::LockedModel;
use data_race::model::exercise::count_on_threads;
use data_race::model::sync::Arc;

#[test]
fn the_locked_model_never_loses_an_update() {
    loom::model(|| {
        let total = count_on_threads(Arc::new(LockedModel::default()), 2, 1);
        assert_eq!(
            total, 2,
            "the locked counter ended at {total}, not 2 (2 threads x 1 increment): read the \
             counter only after joining every thread, and let each do `per_thread` increments"
        );
    });
}
