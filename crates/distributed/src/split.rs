//! Splitting `len` items across `ranks` ranks when `len` does not divide evenly.
//!
//! MPI's plain `Scatter` and `Gather` move the same count to every rank, so 10 items on 4 ranks
//! would give each rank 2 and drop 2 (or need padding). `Scatterv` and `Gatherv` take a
//! **count** and a **displacement** (where its part starts) per rank instead. [`Split::even`]
//! computes them the way the isolated pool chunks its work: the first `len % ranks` ranks get one
//! item more, so no two counts differ by more than one:
//!
//! ```
//! let split = distributed::split::Split::even(10, 4).unwrap();
//! assert_eq!(split.counts(), [3, 3, 2, 2]);
//! assert_eq!(split.displs(), [0, 3, 6, 8]);
//! ```
//!
//! A length smaller than the rank count leaves some ranks with nothing (a count of 0), which MPI
//! allows. Counts are C `int`s ([`mpi::Count`]), so a part longer than `i32::MAX` is refused
//! rather than cut short: [`Split::even`] returns `None`.

use std::ops::Range;

use mpi::Count;

/// Per-rank counts and displacements of one uneven split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    counts: Vec<Count>,
    displs: Vec<Count>,
}

impl Split {
    /// `len` items over `ranks` ranks (at least 1), the first `len % ranks` one longer; `None`
    /// when a count or displacement does not fit in a C `int`.
    pub fn even(len: usize, ranks: usize) -> Option<Split> {
        let ranks = ranks.max(1);
        let (base, extra) = (len / ranks, len % ranks);
        let mut counts = Vec::with_capacity(ranks);
        let mut displs = Vec::with_capacity(ranks);
        let mut start = 0usize;
        for r in 0..ranks {
            let count = base + usize::from(r < extra);
            counts.push(Count::try_from(count).ok()?);
            displs.push(Count::try_from(start).ok()?);
            start += count;
        }
        Some(Split { counts, displs })
    }

    /// How many items each rank gets.
    pub fn counts(&self) -> &[Count] {
        &self.counts
    }

    /// Where each rank's items start.
    pub fn displs(&self) -> &[Count] {
        &self.displs
    }

    /// Rank `rank`'s items as a range of indices.
    pub fn range(&self, rank: usize) -> Range<usize> {
        let start = self.displs[rank] as usize;
        start..start + self.counts[rank] as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parts_cover_every_item_once_in_order() {
        for len in [0, 1, 3, 4, 5, 10, 1_000_003] {
            for ranks in [1, 2, 3, 4, 7] {
                let split = Split::even(len, ranks).unwrap();
                let mut next = 0;
                for r in 0..ranks {
                    let range = split.range(r);
                    assert_eq!(range.start, next, "len {len} on {ranks}: rank {r} starts");
                    next = range.end;
                }
                assert_eq!(next, len, "len {len} on {ranks} ranks: the tail is lost");
                let (min, max) = (split.counts.iter().min(), split.counts.iter().max());
                assert!(max.unwrap() - min.unwrap() <= 1, "{split:?}");
            }
        }
    }

    #[test]
    fn fewer_items_than_ranks_leaves_the_last_ranks_empty() {
        let split = Split::even(3, 4).unwrap();
        assert_eq!(split.counts(), [1, 1, 1, 0]);
        assert_eq!(split.range(3), 3..3);
    }

    #[test]
    fn a_part_too_long_for_a_c_int_is_refused() {
        let too_long = i32::MAX as usize + 1;
        assert_eq!(Split::even(too_long, 1), None);
        assert!(Split::even(too_long, 2).is_some());
    }
}
