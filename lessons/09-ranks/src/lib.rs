//! # Lesson 9, `ranks`: ranks beyond one machine
//!
//! Edit `src/exercise.rs` (only that file), then run `cargo test -p ranks`.
//! The book chapter is `mdbook/src/lessons/09-ranks.md`; `cargo lab hint ranks` helps.
//!
//! MPI runs one copy of a program per *rank*: separate processes, which `mpirun` may place on
//! other machines, that share nothing and talk only through messages. The program here is
//! `src/bin/ranks-job.rs`; the exercise is what each rank does in it: count on its own C
//! counter and have the counts summed on rank 0 (a *reduction*), and square its share of an
//! array that rank 0 hands out in uneven parts (*Scatterv*) and collects back in order
//! (*Gatherv*). Every C call goes through `ffi`'s safe API, and every MPI call through
//! rsmpi's: the lesson has no `unsafe`.

#![forbid(unsafe_code)]

pub use ffi::RacyCounter;
pub use mpi::Count;
pub use mpi::topology::{Rank, SimpleCommunicator};

// ANCHOR: split
/// How an array is shared among ranks for a Scatterv or a Gatherv: rank `r` gets
/// `counts[r]` elements, the ones starting at index `displs[r]` (its *displacement*).
/// MPI counts in `int`s, hence [`Count`] (`i32`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// How many elements each rank gets, one entry per rank.
    pub counts: Vec<Count>,
    /// Where each rank's part starts in the whole array, one entry per rank.
    pub displs: Vec<Count>,
}
// ANCHOR_END: split

/// The rank that holds the whole array and receives the total: rank 0.
pub const ROOT: Rank = 0;

/// How many increments rank `rank` makes in the counter job: `base × (rank + 1)`, so every
/// rank counts a different number and a total that used only some ranks' counts shows.
pub fn increments_for(rank: Rank, base: u64) -> u64 {
    base * (u64::try_from(rank).expect("ranks are numbered from 0") + 1)
}

/// The array the E3 job squares: `len` positive doubles, all different, so their squares are
/// all different too (a square out of place shows) and none is 0 (a square that never came
/// back, left at 0.0, never looks right).
pub fn input(len: usize) -> Vec<f64> {
    (0..len).map(|i| i as f64 * 0.5 + 0.25).collect()
}

// The exercise: src/exercise.rs or, with `LAB_VARIANT=<variant>` set, the file lessons/build.rs
// chose from lessons/lessons.toml (the solution, the shipped copy or a wrong answer).
#[cfg(not(lab_variant))]
pub mod exercise;
#[cfg(lab_variant)]
include!(concat!(env!("OUT_DIR"), "/exercise.rs"));

pub use exercise::{count_on_ranks, split, square_on_ranks};
