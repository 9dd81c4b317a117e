//! Grading loom models for lesson 4 (`atomics`). Do not edit: edit `src/exercise.rs`.

use atomics::model::exercise::{AtomicCounter, Shards};
use atomics::model::sync::Arc;
use loom::thread;

#[test]
fn the_atomic_counter_never_loses_an_update_under_loom() {
    loom::model(|| {
        let counter = Arc::new(AtomicCounter::new());
        let other = Arc::clone(&counter);
        let t = thread::spawn(move || other.increment());
        counter.increment();
        t.join().unwrap();
        assert_eq!(
            counter.get(),
            2,
            "AtomicCounter lost an update: a load then a store is two steps, fetch_add is one"
        );
    });
}

#[test]
fn sharded_counters_sum_exactly_under_loom() {
    loom::model(|| {
        let shards = Arc::new(Shards::new(2));
        let other = Arc::clone(&shards);
        let t = thread::spawn(move || other.increment(1));
        shards.increment(0);
        t.join().unwrap();
        assert_eq!(shards.total(), 2, "the shards lost an update");
    });
}
