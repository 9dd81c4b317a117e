// WRONG ANSWER (fixture): one compare-exchange with no retry loop: when another thread stored
// between the load and the exchange, the exchange fails and the increment is silently dropped.

use super::sync::atomic::{AtomicU64, Ordering};

// ANCHOR: atomic_counter
/// One counter that every thread increments, like C's `lab_atomic_increment`.
#[derive(Debug)]
pub struct AtomicCounter {
    value: AtomicU64,
}

impl AtomicCounter {
    /// A counter at 0.
    pub fn new() -> Self {
        AtomicCounter {
            value: AtomicU64::new(0),
        }
    }

    /// Adds one, from any thread.
    pub fn increment(&self) {
        let seen = self.value.load(Ordering::Relaxed);
        let _ = self
            .value
            .compare_exchange(seen, seen + 1, Ordering::Relaxed, Ordering::Relaxed);
    }

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
// Aligned to a cache line, so two slots never share one (no false sharing).
#[derive(Debug)]
#[repr(align(64))]
pub struct Slot {
    count: AtomicU64,
}
// ANCHOR_END: slot

// ANCHOR: shards
/// Per-thread counters, reduced at the end: no two threads ever write the same slot.
#[derive(Debug)]
pub struct Shards {
    slots: Vec<Slot>,
}

impl Shards {
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

    /// The slots, in order (the tests check where they sit in memory).
    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

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
}
// ANCHOR_END: shards
