// Lesson 4, `atomics`: edit this file, then run `cargo test -p atomics`.
//
// This file is compiled twice: with `std::sync::atomic` and with loom's atomics. Write
// `super::sync` as if it were `std::sync`.

use super::sync::atomic::{AtomicU64, Ordering};

// ANCHOR: atomic_counter
// ANCHOR: atomic_counter_type
/// One counter that every thread increments, like C's `lab_atomic_increment`.
#[derive(Debug)]
pub struct AtomicCounter {
    value: AtomicU64,
}
// ANCHOR_END: atomic_counter_type

impl AtomicCounter {
    /// A counter at 0.
    pub fn new() -> Self {
        AtomicCounter {
            value: AtomicU64::new(0),
        }
    }

    // ANCHOR: atomic_counter_increment
    /// Adds one, from any thread.
    pub fn increment(&self) {
        // TODO: an atomic load and an atomic store are two indivisible steps, not one: another
        // thread can store between them and its increment is lost. Make it ONE
        // read-modify-write with `fetch_add` (`Ordering::Relaxed` is enough for a counter that
        // is read after the threads are joined: the join is the synchronization).
        let seen = self.value.load(Ordering::Relaxed);
        self.value.store(seen + 1, Ordering::Relaxed);
    }
    // ANCHOR_END: atomic_counter_increment

    /// Reads the counter.
    pub fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: atomic_counter

impl Default for AtomicCounter {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: slot
/// One thread's own counter. Only its thread writes it; `Shards::total` reads them all after
/// the threads are joined.
// TODO: two `Slot`s side by side in a Vec share one 64-byte cache line, so every increment on
// one core throws the line out of the other core's cache ("false sharing"): correct, but
// slow. Align `Slot` to 64 bytes (`#[repr(align(64))]`) so each slot owns a whole line.
#[derive(Debug)]
pub struct Slot {
    count: AtomicU64,
}
// ANCHOR_END: slot

// ANCHOR: shards
// ANCHOR: shards_type
/// Per-thread counters, reduced at the end: no two threads ever write the same slot.
#[derive(Debug)]
pub struct Shards {
    slots: Vec<Slot>,
}
// ANCHOR_END: shards_type

impl Shards {
    // ANCHOR: shards_new
    /// `n` slots at 0.
    pub fn new(n: usize) -> Self {
        Shards {
            slots: (0..n)
                .map(|_| Slot {
                    count: AtomicU64::new(0),
                })
                .collect(),
        }
    }
    // ANCHOR_END: shards_new

    /// The slots, in order (the tests check where they sit in memory).
    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    // ANCHOR: shards_calls
    /// Thread `shard` adds one to its own slot. Nobody else writes it, so `Relaxed` is enough.
    pub fn increment(&self, shard: usize) {
        self.slots[shard].count.fetch_add(1, Ordering::Relaxed);
    }

    /// The sum of every slot: call it after joining the incrementing threads.
    pub fn total(&self) -> u64 {
        self.slots
            .iter()
            .map(|s| s.count.load(Ordering::Relaxed))
            .sum()
    }
    // ANCHOR_END: shards_calls
}
// ANCHOR_END: shards
