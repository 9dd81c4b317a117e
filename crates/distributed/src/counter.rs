//! The counter job on ranks: each rank counts on its own copy of the C library's racy global,
//! and MPI adds the counts up.
//!
//! The racy counter loses increments when two threads call it at once. A rank is a process
//! with its own copy of every C global, and each rank here calls it from one thread, through
//! `ffi::RacyCounter` (one handle per process, `!Sync`): nothing races, so each rank's count is
//! exact. What is left is adding `ranks` numbers that live in `ranks` processes, which is what
//! a **reduction** is for:
//!
//! - `MPI_Reduce` (`reduce_into_root`) leaves the sum on one rank, the root;
//! - `MPI_Allreduce` (`all_reduce_into`), used here, leaves it on every rank, so every rank
//!   can check it.
//!
//! The isolated pool does the same with pipes: each worker's delta comes back in a reply frame
//! and the parent adds them (`isolated::reduce`). The total must equal [`single_process`]: the
//! same increments done one after another in this process.

use mpi::collective::SystemOperation;
use mpi::traits::*;

use crate::fault::{FaultAt, Step};

/// The collective the counter job meets in.
pub const STEP: Step = Step("the all-reduce of the counts");

/// `per_rank` increments on this process's own racy C counter, from this one thread. Returns
/// the count read back from C.
pub fn count_here(per_rank: u64) -> u64 {
    let counter = ffi::RacyCounter::take()
        .expect("this rank's thread is the only one that takes the racy counter");
    counter.reset();
    for _ in 0..per_rank {
        counter.increment();
    }
    counter.get()
}

/// The counter job: every rank counts `per_rank` on its own C counter, then the counts are
/// summed with `MPI_Allreduce`. Every rank returns the total.
pub fn count<C: Communicator>(world: &C, per_rank: u64, fault: FaultAt) -> u64 {
    let mine = count_here(per_rank);
    STEP.before(rank_of(world), fault);
    let mut total = 0u64;
    world.all_reduce_into(&mine, &mut total, SystemOperation::sum());
    total
}

/// The same increments in one process, one after another: `ranks × per_rank` on the one racy
/// counter. `None` when the total would not fit in a `u64`.
pub fn single_process(per_rank: u64, ranks: u32) -> Option<u64> {
    let total = per_rank.checked_mul(u64::from(ranks))?;
    Some(count_here(total))
}

/// This process's rank as the lab counts ranks (MPI's `int`, never negative).
pub(crate) fn rank_of<C: Communicator>(world: &C) -> u32 {
    u32::try_from(world.rank()).expect("MPI ranks are never negative")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_thread_counts_exactly_on_its_own_c_counter() {
        assert_eq!(count_here(12_345), 12_345);
        assert_eq!(count_here(0), 0, "reset before counting");
        assert_eq!(single_process(1_000, 4), Some(4_000));
        assert_eq!(single_process(u64::MAX, 2), None);
    }
}
