//! Grading loom models for lesson 3 (`locks`). Do not edit: edit `src/exercise.rs`.
//!
//! Two threads increment once each; loom tries every interleaving, and every one of them
//! must end with a total of 2.

use lesson_support::two_threads_add_one_each;
use locks::RacyCounterModel;
use locks::model::exercise::{CSideLock, LibraryLock};

#[test]
fn the_c_side_lock_never_loses_an_update_under_loom() {
    two_threads_add_one_each(
        CSideLock::new,
        |c, _| c.increment(),
        CSideLock::get,
        "CSideLock lost an update: another thread ran between the load and the store",
    );
}

#[test]
fn the_library_lock_never_loses_an_update_under_loom() {
    two_threads_add_one_each(
        || LibraryLock::new(RacyCounterModel::new()),
        |lib, _| lib.increment(),
        LibraryLock::get,
        "LibraryLock lost an update: every call into the library must hold the lock",
    );
}
