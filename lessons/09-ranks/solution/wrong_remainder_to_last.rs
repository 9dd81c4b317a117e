// WRONG ANSWER (fixture): the whole remainder goes to the last rank: it does up to
// `ranks - 1` elements more than the others, and everyone waits for it.

use mpi::collective::SystemOperation;
use mpi::datatype::{Partition, PartitionMut};
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
    // The work is done: only now is this rank's count final.
    let mine = counter.get();
    let root = world.process_at_rank(ROOT);
    if world.rank() == ROOT {
        let mut total = 0;
        root.reduce_into_root(&mine, &mut total, SystemOperation::sum());
        Some(total)
    } else {
        root.reduce_into(&mine, SystemOperation::sum());
        None
    }
}
// ANCHOR_END: count_on_ranks

// ANCHOR: split
/// `len` elements shared as evenly as possible among `ranks` ranks, in rank order: every rank
/// gets `len / ranks`, and the first `len % ranks` ranks one more.
pub fn split(len: Count, ranks: Count) -> Split {
    let (each, extra) = (len / ranks, len % ranks);
    let counts: Vec<Count> = (0..ranks)
        .map(|r| if r == ranks - 1 { each + extra } else { each })
        .collect();
    // Each part starts where the one before it ends.
    let displs = counts
        .iter()
        .scan(0, |start, &count| {
            let here = *start;
            *start += count;
            Some(here)
        })
        .collect();
    Split { counts, displs }
}
// ANCHOR_END: split

// ANCHOR: square_on_ranks
/// E3 on ranks: rank 0 holds the whole `input` (`None` on every other rank) of `len`
/// elements; it scatters the parts [`split`] says, every rank squares its part with C's
/// `square_array`, and rank 0 gathers the squares back in order: `Some(squares)` on rank 0,
/// `None` elsewhere.
pub fn square_on_ranks(
    world: &SimpleCommunicator,
    input: Option<&[f64]>,
    len: Count,
) -> Option<Vec<f64>> {
    let split = split(len, world.size());
    let mine = split.counts[world.rank() as usize] as usize;
    let root = world.process_at_rank(ROOT);
    // ANCHOR: scatter
    let mut part = vec![0.0; mine];
    match input {
        Some(input) => {
            let parts = Partition::new(input, &split.counts[..], &split.displs[..]);
            root.scatter_varcount_into_root(&parts, &mut part[..]);
        }
        None => root.scatter_varcount_into(&mut part[..]),
    }
    // ANCHOR_END: scatter
    let mut squared = vec![0.0; mine];
    ffi::square_array(&part, &mut squared).expect("two buffers of this rank's count");
    // ANCHOR: gather
    if input.is_none() {
        root.gather_varcount_into(&squared[..]);
        return None;
    }
    let mut out = vec![0.0; len as usize];
    let mut parts = PartitionMut::new(&mut out[..], &split.counts[..], &split.displs[..]);
    root.gather_varcount_into_root(&squared[..], &mut parts);
    Some(out)
    // ANCHOR_END: gather
}
// ANCHOR_END: square_on_ranks
