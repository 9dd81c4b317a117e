//! Grading tests for lesson 2 (`data-race`) on real threads and the real C counters.
//! Do not edit: edit `src/exercise.rs`.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, ThreadId};

use data_race::Counter;
use data_race::real::exercise::count_on_threads;

/// A thread-safe counter that also remembers which threads called it.
#[derive(Default)]
struct WhoCalled {
    count: AtomicU64,
    threads: Mutex<HashSet<ThreadId>>,
}

impl Counter for WhoCalled {
    fn increment(&self) {
        self.count.fetch_add(1, Ordering::Relaxed);
        self.threads.lock().unwrap().insert(thread::current().id());
    }
    fn get(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

#[test]
fn increments_come_from_every_thread() {
    let who = Arc::new(WhoCalled::default());
    let total = count_on_threads(Arc::clone(&who), 4, 100);
    let threads = who.threads.lock().unwrap();
    assert_eq!(
        threads.len(),
        4,
        "expected increments from 4 different threads, saw {}: start one thread per worker",
        threads.len()
    );
    assert!(
        !threads.contains(&thread::current().id()),
        "the calling thread incremented too: let the started threads do all the work"
    );
    assert_eq!(total, 400, "4 threads x 100 increments");
}

#[test]
fn the_c_locked_counter_counts_exactly() {
    // The only test in this binary that touches C's locked global.
    ffi::LockedCounter.reset();
    let total = count_on_threads(Arc::new(ffi::LockedCounter), 4, 10_000);
    assert_eq!(
        total, 40_000,
        "C's locked counter never loses an update: did every thread finish before you read?"
    );
}

#[test]
fn the_c_atomic_counter_counts_exactly() {
    // The only test in this binary that touches C's atomic global.
    ffi::AtomicCounter.reset();
    let total = count_on_threads(Arc::new(ffi::AtomicCounter), 4, 10_000);
    assert_eq!(
        total, 40_000,
        "C's atomic counter never loses an update: did every thread finish before you read?"
    );
}
