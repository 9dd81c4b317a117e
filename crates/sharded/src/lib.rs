//! # `sharded`: the shared-counter job without sharing
//!
//! The fix that real C libraries use instead of a global (`strtok` → `strtok_r`,
//! `rand` → `rand_r`): the function takes a pointer to state that the *caller* owns.
//! `lab_increment_r(uint64_t *state)` keeps no global at all, so each thread passes its own
//! counter, nobody waits, and the per-thread counts are summed after the join.
//!
//! [`ffi::increment_r`] takes `&mut u64`: the borrow checker proves that no two threads hold the
//! same slot, so there is nothing to lock. The slots come from `iter_mut` over one `Vec`: disjoint
//! `&mut` borrows, all safe.
//!
//! Where the slots sit in memory still matters:
//! - [`run`] pads each slot to its own cache line (`crossbeam_utils::CachePadded`), so the cores
//!   never fight over a line: it scales with the cores.
//! - [`run_unpadded`] packs the slots next to each other, eight to a 64-byte line. The threads
//!   share no *data*, yet every write takes the whole line away from the other core: *false
//!   sharing*. Same answer, several times slower (see the benchmark).

#![forbid(unsafe_code)]

mod leaf;

use crossbeam_utils::CachePadded;
use harness::{Config, Kernel, Tally};

/// The padded kernel, for tables and benchmarks.
pub const KERNEL: Kernel = Kernel {
    name: "sharded",
    how: "per-thread padded counters, reentrant C increment, summed after join",
    exact: true,
    run,
};

/// The false-sharing kernel, for tables and benchmarks.
pub const UNPADDED_KERNEL: Kernel = Kernel {
    name: "sharded-unpadded",
    how: "per-thread counters packed in one cache line (false sharing)",
    exact: true,
    run: run_unpadded,
};

// ANCHOR: sharded_kernel
/// Runs the job with one cache-line-padded counter per thread, summed after the join.
pub fn run(cfg: &Config) -> Tally {
    let mut slots = vec![CachePadded::new(0u64); cfg.threads];
    let increments = cfg.increments;
    let elapsed = harness::on_threads(cfg.pin, &(), slots.iter_mut(), move |(), slot| {
        for _ in 0..increments {
            leaf::increment_r(slot); // my counter, my thread: nothing shared, nothing to lock
        }
    });
    let observed = slots.iter().map(|slot| **slot).sum(); // reduce after the join
    Tally::new(cfg, observed, elapsed)
}
// ANCHOR_END: sharded_kernel

// ANCHOR: cache_line
/// Eight `u64` counters in one 64-byte cache line (the line size of x86-64 and most ARM cores).
#[derive(Debug, Clone, Copy, Default)]
#[repr(C, align(64))]
struct Line([u64; 8]);
// ANCHOR_END: cache_line

// ANCHOR: unpadded_kernel
/// The same job with the counters packed side by side, so neighbours share a cache line.
pub fn run_unpadded(cfg: &Config) -> Tally {
    let mut lines = vec![Line::default(); cfg.threads.div_ceil(8)];
    // Disjoint `&mut u64` into the same lines: safe, and falsely shared.
    let slots = lines.iter_mut().flat_map(|line| line.0.iter_mut());
    let increments = cfg.increments;
    let elapsed = harness::on_threads(cfg.pin, &(), slots.take(cfg.threads), move |(), slot| {
        for _ in 0..increments {
            leaf::increment_r(slot);
        }
    });
    let observed = lines.iter().flat_map(|line| line.0).sum();
    Tally::new(cfg, observed, elapsed)
}
// ANCHOR_END: unpadded_kernel

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn packed_slots_really_share_a_cache_line() {
        assert_eq!(std::mem::size_of::<Line>(), 64);
        assert_eq!(std::mem::align_of::<Line>(), 64);
        let lines = [Line::default()];
        let first = &lines[0].0[0] as *const u64 as usize;
        let second = &lines[0].0[1] as *const u64 as usize;
        assert_eq!(first / 64, second / 64, "slots 0 and 1 are in one line");
    }

    #[test]
    fn padded_slots_never_share_a_cache_line() {
        let slots = [CachePadded::new(0u64), CachePadded::new(0u64)];
        let first = &*slots[0] as *const u64 as usize;
        let second = &*slots[1] as *const u64 as usize;
        assert!(
            second - first >= 64,
            "padded slots are a line apart or more"
        );
    }
}
