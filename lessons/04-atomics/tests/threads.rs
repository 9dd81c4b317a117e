//! Grading tests for lesson 4 (`atomics`) on real threads. Do not edit: edit `src/exercise.rs`.

use std::thread;

use atomics::CACHE_LINE;
use atomics::real::exercise::{AtomicCounter, Shards, Slot};

const THREADS: usize = 4;
const EACH: u64 = 10_000;

#[test]
fn the_atomic_counter_counts_exactly_on_real_threads() {
    let counter = AtomicCounter::new();
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| (0..EACH).for_each(|_| counter.increment()));
        }
    });
    assert_eq!(
        counter.get(),
        THREADS as u64 * EACH,
        "AtomicCounter lost updates"
    );
}

#[test]
fn sharded_counters_sum_exactly_on_real_threads() {
    let shards = Shards::new(THREADS);
    thread::scope(|s| {
        for shard in 0..THREADS {
            let shards = &shards;
            s.spawn(move || (0..EACH).for_each(|_| shards.increment(shard)));
        }
    });
    assert_eq!(
        shards.total(),
        THREADS as u64 * EACH,
        "the shards lost updates"
    );
}

/// False sharing is a performance defect, not a correctness one, so it is checked where it is
/// decided: in the layout. Neighbouring slots must start at least one cache line apart.
#[test]
fn neighbouring_slots_sit_on_different_cache_lines() {
    let shards = Shards::new(4);
    let slots = shards.slots();
    assert_eq!(slots.len(), 4, "Shards::new(4) must make 4 slots");
    for pair in slots.windows(2) {
        let gap = std::ptr::from_ref(&pair[1]).addr() - std::ptr::from_ref(&pair[0]).addr();
        assert!(
            gap >= CACHE_LINE,
            "neighbouring slots are {gap} bytes apart, so they share a {CACHE_LINE}-byte cache \
             line (false sharing): align Slot to {CACHE_LINE} bytes"
        );
    }
    assert!(
        std::mem::align_of::<Slot>() >= CACHE_LINE,
        "Slot is aligned to {} bytes, not {CACHE_LINE}: a slot may straddle two lines",
        std::mem::align_of::<Slot>()
    );
}
