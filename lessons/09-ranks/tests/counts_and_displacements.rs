//! Grading tests for lesson 9 (`ranks`), part 1: `split`, on its own, with no MPI. Do not edit:
//! edit `src/exercise.rs`. Cargo runs test targets in name order and stops at the first that
//! fails, so this one, whose name sorts before `ranks`, reports a wrong `split` plainly before
//! the jobs on ranks fail because of it.
//!
//! A few examples first (10 elements on 4 ranks, 7 on 2, 3 on 4), then every length from 0 to
//! 40 over 1 to 9 ranks: more ranks than elements too.

use ranks::{Count, Split, split};

/// Every `(len, ranks)` the tests try, with `split`'s answer.
fn every_split() -> impl Iterator<Item = (Count, Count, Split)> {
    let examples = [(10, 4), (7, 2), (3, 4)].into_iter();
    let all = (1..=9).flat_map(|ranks| (0..=40).map(move |len| (len, ranks)));
    examples
        .chain(all)
        .map(|(len, ranks)| (len, ranks, split(len, ranks)))
}

#[test]
fn every_rank_gets_a_count_and_a_displacement() {
    for (len, ranks, got) in every_split() {
        assert!(
            got.counts.len() == ranks as usize && got.displs.len() == ranks as usize,
            "split({len}, {ranks}) must give one count and one displacement per rank ({ranks} \
             of each): got {got:?}"
        );
    }
}

// ANCHOR: counts_add_up
#[test]
fn the_counts_add_up_to_the_length() {
    for (len, ranks, got) in every_split() {
        let sum: Count = got.counts.iter().sum();
        assert_eq!(
            sum,
            len,
            "split({len}, {ranks}) gives counts {:?}, which add up to {sum}, not {len}: the \
             remainder, {len} % {ranks} = {}, must go to some rank, or the last elements are \
             never sent, never squared, and never come back",
            got.counts,
            len % ranks
        );
    }
}
// ANCHOR_END: counts_add_up

#[test]
fn no_rank_gets_more_than_one_element_more_than_another() {
    for (len, ranks, got) in every_split() {
        let (Some(most), Some(least)) = (got.counts.iter().max(), got.counts.iter().min()) else {
            continue; // no counts at all: another test says so
        };
        assert!(
            most - least <= 1,
            "split({len}, {ranks}) gives counts {:?}: one rank gets {most} elements and another \
             {least}. Share them as evenly as possible (counts differ by at most 1: the first \
             `len % ranks` ranks one more), because every rank waits for the busiest one",
            got.counts
        );
    }
}

#[test]
fn each_part_starts_where_the_one_before_it_ends() {
    for (len, ranks, got) in every_split() {
        let mut start = 0;
        for (rank, (&count, &displ)) in got.counts.iter().zip(&got.displs).enumerate() {
            let place = match rank {
                0 => "at the start of the array, at 0".to_string(),
                r => format!("where rank {}'s ends, at {start}", r - 1),
            };
            assert_eq!(
                displ, start,
                "split({len}, {ranks}) gives counts {:?} and displacements {:?}: rank {rank}'s \
                 part must start {place}, not at {displ} (a displacement is the sum of the \
                 counts BEFORE it)",
                got.counts, got.displs
            );
            start += count;
        }
    }
}
