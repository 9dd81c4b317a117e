// Lesson 9, `ranks`: edit this file, then run `cargo test -p ranks`.
//
// mpirun starts this program once per rank: separate processes, each with its own copy of C's
// racy global, which could run on different machines and share nothing. Whatever one rank
// knows, another learns only from a message. Two collectives carry them here: a reduction
// (every rank's count summed on rank 0) and Scatterv/Gatherv (an array handed out to the ranks
// in parts of different sizes, and collected back in order).

use mpi::traits::*;

use crate::{Count, ROOT, RacyCounter, SimpleCommunicator, Split};

// ANCHOR: count_on_ranks
/// Every rank of `world` counts `increments` on its own C counter (one thread per process, so
/// the racy counter is exact), then every rank's count is summed on rank 0: `Some(total)` on
/// rank 0, `None` on every other rank.
pub fn count_on_ranks(
    world: &SimpleCommunicator,
    counter: &RacyCounter,
    increments: u64,
) -> Option<u64> {
    for _ in 0..increments {
        counter.increment();
    }
    // TODO: this is rank 0's own count, not the total: the other ranks' counts are in other
    // processes. Sum them on rank 0 with a reduction: `world.process_at_rank(ROOT)` is rank 0;
    // on rank 0 call its `reduce_into_root(&mine, &mut total, SystemOperation::sum())`, on
    // every other rank its `reduce_into(&mine, SystemOperation::sum())`
    // (`use mpi::collective::SystemOperation;`). Every rank must take part.
    (world.rank() == ROOT).then(|| counter.get())
}
// ANCHOR_END: count_on_ranks

// ANCHOR: split
/// `len` elements shared as evenly as possible among `ranks` ranks, in rank order: every rank
/// gets `len / ranks`, and the first `len % ranks` ranks one more.
pub fn split(len: Count, ranks: Count) -> Split {
    // TODO: when `len` does not divide by `ranks`, the last `len % ranks` elements belong to
    // no rank here. Give the first `len % ranks` ranks one element more, and start each part
    // where the one before it ends (its displacement is the sum of the counts before it).
    let each = len / ranks;
    Split {
        counts: vec![each; ranks as usize],
        displs: (0..ranks).map(|r| r * each).collect(),
    }
}
// ANCHOR_END: split

// ANCHOR: square_on_ranks
// ANCHOR: square_on_ranks_signature
/// E3 on ranks: rank 0 holds the whole `input` (`None` on every other rank) of `len`
/// elements; it scatters the parts [`split`] says, every rank squares its part with C's
/// `square_array`, and rank 0 gathers the squares back in order: `Some(squares)` on rank 0,
/// `None` elsewhere.
pub fn square_on_ranks(
    world: &SimpleCommunicator,
    input: Option<&[f64]>,
    len: Count,
) -> Option<Vec<f64>> {
    // ANCHOR_END: square_on_ranks_signature
    // ANCHOR: square_on_ranks_scatter
    // TODO: Scatter and Gather give every rank the same count, `len / size`: when that does
    // not divide, the tail is never sent, never squared and never comes back. Use `split` and
    // the uneven versions: `Partition::new(input, &split.counts[..], &split.displs[..])` with
    // `scatter_varcount_into_root` / `scatter_varcount_into`, and `PartitionMut::new(..)` with
    // `gather_varcount_into_root` / `gather_varcount_into`
    // (`use mpi::datatype::{Partition, PartitionMut};`).
    let each = (len / world.size()) as usize;
    let root = world.process_at_rank(ROOT);
    let mut part = vec![0.0; each];
    match input {
        Some(input) => root.scatter_into_root(input, &mut part[..]),
        None => root.scatter_into(&mut part[..]),
    }
    // ANCHOR_END: square_on_ranks_scatter
    // ANCHOR: square_on_ranks_gather
    let mut squared = vec![0.0; each];
    ffi::square_array(&part, &mut squared).expect("two buffers of this rank's count");
    if input.is_none() {
        root.gather_into(&squared[..]);
        return None;
    }
    let mut out = vec![0.0; len as usize];
    root.gather_into_root(&squared[..], &mut out[..]);
    Some(out)
}
// ANCHOR_END: square_on_ranks_gather
// ANCHOR_END: square_on_ranks
