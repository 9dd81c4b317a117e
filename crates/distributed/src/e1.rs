//! The source article's first example (E1) on ranks: `square` over `1..=n`, the range split
//! across the ranks, each rank summing its part's squares, the sums reduced to rank 0.
//!
//! No number crosses between ranks but the partial sums: each rank computes its own part of the
//! range from `n`, its rank and the rank count ([`Split::even`]), the way a pool's task carries
//! its range. Two overflows are kept out of reach:
//!
//! - C's `int square(int)` overflows past 46340, which is undefined behaviour; each square here
//!   is `ffi::square_wide`, computed in C in 64 bits, defined for every `i32`;
//! - the sum of the squares of `1..=n` is `n(n+1)(2n+1)/6`, which passes `u64::MAX` just after
//!   [`MAX_N`]: `lab-mpi e1` refuses a larger `n`, and each rank adds with `checked_add`.
//!
//! The reduction is `MPI_Reduce` with MPI's own sum on `u64`s (`MPI_UINT64_T`): only rank 0,
//! the root, receives the total. It must equal [`single_process`], the same sum in one loop.

use mpi::collective::SystemOperation;
use mpi::traits::*;

use crate::counter::rank_of;
use crate::fault::{FaultAt, Step};
use crate::split::Split;

/// The collective the E1 job meets in.
pub const STEP: Step = Step("the reduce of the sums");

/// The largest `n` whose sum of squares `1² + .. + n²` fits in a `u64`.
pub const MAX_N: u32 = 3_810_777;

/// The sum of squares of the integers in `part`, each squared in C in 64 bits; `None` when the
/// sum would not fit in a `u64`.
pub fn sum_squares(part: std::ops::Range<usize>) -> Option<u64> {
    part.map(|x| {
        let x = i32::try_from(x).ok()?;
        u64::try_from(ffi::square_wide(x)).ok()
    })
    .try_fold(0u64, |acc, sq| acc.checked_add(sq?))
}

/// E1 on ranks: the integers `1..=n` split across the ranks, each rank's sum of squares reduced
/// onto rank 0. Rank 0 returns `Some(total)`, every other rank `None`.
///
/// # Panics
/// When `n` exceeds [`MAX_N`] (the total would overflow).
pub fn sum_on_ranks<C: Communicator>(world: &C, n: u32, fault: FaultAt) -> Option<u64> {
    assert!(
        n <= MAX_N,
        "E1 with n = {n}: the sum overflows a u64 past {MAX_N}"
    );
    let ranks = usize::try_from(world.size()).expect("a positive rank count");
    let rank = rank_of(world);
    let split = Split::even(n as usize, ranks).expect("n <= MAX_N fits in a C int");
    // Indices 0..n stand for the integers 1..=n.
    let part = split.range(rank as usize);
    let mine = sum_squares(part.start + 1..part.end + 1).expect("n <= MAX_N: no overflow");
    STEP.before(rank, fault);
    let root = world.process_at_rank(0);
    if rank == 0 {
        let mut total = 0u64;
        root.reduce_into_root(&mine, &mut total, SystemOperation::sum());
        Some(total)
    } else {
        root.reduce_into(&mine, SystemOperation::sum());
        None
    }
}

/// The same sum in one process: `square_wide` over `1..=n` in one loop.
pub fn single_process(n: u32) -> Option<u64> {
    sum_squares(1..n as usize + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n(n+1)(2n+1)/6`, in 128 bits.
    fn closed_form(n: u32) -> u128 {
        let n = u128::from(n);
        n * (n + 1) * (2 * n + 1) / 6
    }

    #[test]
    fn max_n_is_the_last_n_whose_sum_fits_in_a_u64() {
        assert!(closed_form(MAX_N) <= u128::from(u64::MAX));
        assert!(closed_form(MAX_N + 1) > u128::from(u64::MAX));
    }

    #[test]
    fn the_single_process_sum_is_the_closed_form_and_past_max_n_is_none() {
        for n in [0, 1, 2, 46_341, 100_000] {
            assert_eq!(
                single_process(n).map(u128::from),
                Some(closed_form(n)),
                "n = {n}"
            );
        }
        assert_eq!(sum_squares(1..MAX_N as usize + 2), None);
    }

    #[test]
    fn parts_of_a_split_add_up_to_the_whole() {
        let split = Split::even(10_007, 3).unwrap();
        let parts: u64 = (0..3)
            .map(|r| {
                let p = split.range(r);
                sum_squares(p.start + 1..p.end + 1).unwrap()
            })
            .sum();
        assert_eq!(Some(parts), single_process(10_007));
    }
}
