//! Grading loom models for lesson 4 (`atomics`). Do not edit: edit `src/exercise.rs`.

use atomics::model::exercise::{AtomicCounter, Shards};
use lesson_support::two_threads_add_one_each;

#[test]
fn the_atomic_counter_never_loses_an_update_under_loom() {
    two_threads_add_one_each(
        AtomicCounter::new,
        |c, _| c.increment(),
        AtomicCounter::get,
        "AtomicCounter lost an update: a load then a store is two steps, fetch_add is one",
    );
}

#[test]
fn sharded_counters_sum_exactly_under_loom() {
    two_threads_add_one_each(
        || Shards::new(2),
        |shards, i| shards.increment(i),
        Shards::total,
        "the shards lost an update",
    );
}
