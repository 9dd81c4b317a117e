//! The source article's third example (E3) on ranks: rank 0 holds an array of doubles, each
//! rank squares a part of it in C (`ffi::square_array`), and rank 0 gets the whole result back.
//!
//! Unlike E1, the data itself has to move, because only rank 0 has it:
//!
//! 1. `MPI_Scatterv` sends rank `r` its part: `counts[r]` doubles starting at `displs[r]`
//!    ([`Split::even`]; with 1,000,003 doubles on 4 ranks the parts are 250,001, 250,001,
//!    250,001 and 250,000). Plain `MPI_Scatter` sends every rank the same count, so it could
//!    not carry a length that does not divide.
//! 2. Each rank squares its part into a buffer of its own.
//! 3. `MPI_Gatherv` brings the parts back into rank 0's output, each at its displacement.
//!
//! The result must equal [`single_process`], one `square_array` call over the whole array, to
//! the bit: squaring a double is exactly rounded, so splitting the work cannot change it.
//! A length below the rank count is allowed: the ranks past the end get nothing and send
//! nothing.

use mpi::datatype::{Partition, PartitionMut};
use mpi::traits::*;

use crate::counter::rank_of;
use crate::fault::{FaultAt, Step};
use crate::split::Split;

/// The collective the E3 job meets in first.
pub const STEP: Step = Step("the scatter");

/// The input: `len` doubles 0, 0.5, 1.0, ... (the same values the benchmark squares).
pub fn input(len: usize) -> Vec<f64> {
    (0..len).map(|i| i as f64 * 0.5).collect()
}

/// E3 on ranks: rank 0's `input` (every other rank passes `None`) scattered over the ranks,
/// squared, and gathered back. `len` is the input's length, which every rank knows. Rank 0
/// returns the squares, every other rank `None`.
///
/// # Panics
/// When `len` is too long for MPI's C `int` counts, or rank 0 passes no input of length `len`.
pub fn square_on_ranks<C: Communicator>(
    world: &C,
    input: Option<&[f64]>,
    len: usize,
    fault: FaultAt,
) -> Option<Vec<f64>> {
    let ranks = usize::try_from(world.size()).expect("a positive rank count");
    let rank = rank_of(world);
    let split = Split::even(len, ranks).expect("each rank's part fits in a C int");
    let mut pieces = Pieces::new(split, rank as usize);
    STEP.before(rank, fault);
    if rank == 0 {
        let input = input.expect("rank 0 holds the input");
        assert_eq!(
            input.len(),
            len,
            "rank 0's input has the length every rank was told"
        );
        let mut out = vec![0.0; len];
        pieces.square(world, Some((input, &mut out)));
        Some(out)
    } else {
        pieces.square(world, None);
        None
    }
}

/// One rank's buffers for E3 over a [`Split`]: the piece it receives and the squares it sends
/// back, allocated once, so that [`Pieces::square`] can run again and again without
/// allocating (the benchmark times it that way).
#[derive(Debug)]
pub struct Pieces {
    split: Split,
    piece: Vec<f64>,
    squared: Vec<f64>,
}

impl Pieces {
    /// The buffers of rank `rank` for `split`.
    pub fn new(split: Split, rank: usize) -> Pieces {
        let mine = split.range(rank).len();
        Pieces {
            split,
            piece: vec![0.0; mine],
            squared: vec![0.0; mine],
        }
    }

    // ANCHOR: square
    /// One round of E3: rank 0 passes `Some((input, out))`, every other rank `None`; rank 0's
    /// `input` is scattered over the ranks (`Scatterv`), every rank squares its piece in C, and
    /// the squares are gathered into rank 0's `out` (`Gatherv`), each at its displacement.
    pub fn square<C: Communicator>(
        &mut self,
        world: &C,
        root_buffers: Option<(&[f64], &mut [f64])>,
    ) {
        let (counts, displs) = (self.split.counts(), self.split.displs());
        let root = world.process_at_rank(0);
        match root_buffers {
            Some((input, out)) => {
                let from = Partition::new(input, counts, displs);
                root.scatter_varcount_into_root(&from, &mut self.piece[..]);
                ffi::square_array(&self.piece, &mut self.squared).expect("one length");
                let mut into = PartitionMut::new(out, counts, displs);
                root.gather_varcount_into_root(&self.squared[..], &mut into);
            }
            None => {
                root.scatter_varcount_into(&mut self.piece[..]);
                ffi::square_array(&self.piece, &mut self.squared).expect("one length");
                root.gather_varcount_into(&self.squared[..]);
            }
        }
    }
    // ANCHOR_END: square
}

/// The same squares in one process: one `square_array` call over the whole input.
pub fn single_process(input: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; input.len()];
    ffi::square_array(input, &mut out).expect("equal lengths");
    out
}

/// How many elements of `got` differ from `want` (bit for bit), counting a length difference
/// as that many more.
pub fn mismatches(got: &[f64], want: &[f64]) -> usize {
    let differ = got
        .iter()
        .zip(want)
        .filter(|(g, w)| g.to_bits() != w.to_bits())
        .count();
    differ + got.len().abs_diff(want.len())
}

/// A fingerprint of `values` (FNV-1a over their bits, in order): two runs that print the same
/// one squared to the same bits.
pub fn fingerprint(values: &[f64]) -> u64 {
    values.iter().fold(0xcbf2_9ce4_8422_2325, |hash, v| {
        v.to_bits().to_le_bytes().iter().fold(hash, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn squaring_in_parts_gives_the_bits_of_one_call() {
        let input = input(1_003);
        let want = single_process(&input);
        let split = Split::even(input.len(), 4).unwrap();
        let mut got = Vec::new();
        for r in 0..4 {
            got.extend(single_process(&input[split.range(r)]));
        }
        assert_eq!(mismatches(&got, &want), 0);
        assert_eq!(fingerprint(&got), fingerprint(&want));
    }

    #[test]
    fn a_lost_tail_or_a_changed_bit_is_counted() {
        let want = single_process(&input(10));
        assert_eq!(mismatches(&want[..8], &want), 2);
        let mut off = want.clone();
        off[3] = f64::from_bits(off[3].to_bits() ^ 1);
        assert_eq!(mismatches(&off, &want), 1);
        assert_ne!(fingerprint(&off), fingerprint(&want));
    }
}
