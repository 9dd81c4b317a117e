//! Grading tests for lesson 3 (`locks`) on real threads. Do not edit: edit `src/exercise.rs`.

use std::sync::Arc;
use std::thread;

use locks::real::exercise::{CSideLock, LibraryLock};

const THREADS: u64 = 4;
const EACH: u64 = 10_000;

fn hammer(increment: impl Fn() + Send + Sync) {
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..EACH {
                    increment();
                }
            });
        }
    });
}

#[test]
fn the_c_side_lock_counts_exactly_on_real_threads() {
    let counter = Arc::new(CSideLock::new());
    hammer(|| counter.increment());
    assert_eq!(
        counter.get(),
        THREADS * EACH,
        "CSideLock lost {} updates",
        THREADS * EACH - counter.get()
    );
}

#[test]
fn the_library_lock_makes_c_racy_counter_exact() {
    // The only test in this binary that takes C's racy counter.
    let racy = ffi::RacyCounter::take().expect("no other test holds the racy counter");
    racy.reset();
    let lib = LibraryLock::new(racy);
    hammer(|| lib.increment());
    assert_eq!(
        lib.get(),
        THREADS * EACH,
        "C's racy counter behind LibraryLock must count exactly: every call must hold the lock"
    );
}
