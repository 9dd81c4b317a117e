//! Grading loom models for lesson 3 (`locks`). Do not edit: edit `src/exercise.rs`.
//!
//! Two threads increment once each; loom tries every interleaving, and every one of them
//! must end with a total of 2.

use locks::RacyCounterModel;
use locks::model::exercise::{CSideLock, LibraryLock};
use locks::model::sync::Arc;
use loom::thread;

#[test]
fn the_c_side_lock_never_loses_an_update_under_loom() {
    loom::model(|| {
        let counter = Arc::new(CSideLock::new());
        let other = Arc::clone(&counter);
        let t = thread::spawn(move || other.increment());
        counter.increment();
        t.join().unwrap();
        assert_eq!(
            counter.get(),
            2,
            "CSideLock lost an update: another thread ran between the load and the store"
        );
    });
}

#[test]
fn the_library_lock_never_loses_an_update_under_loom() {
    loom::model(|| {
        let lib = Arc::new(LibraryLock::new(RacyCounterModel::new()));
        let other = Arc::clone(&lib);
        let t = thread::spawn(move || other.increment());
        lib.increment();
        t.join().unwrap();
        assert_eq!(
            lib.get(),
            2,
            "LibraryLock lost an update: every call into the library must hold the lock"
        );
    });
}
