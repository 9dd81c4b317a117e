//! What `cargo xtask bench --only mpi` times on the ranks (the `lab-mpi-bench` binary, which
//! the bench's `mpi` group starts through the lab's launcher): the counter job and E3 across
//! every rank, and, between ranks 0 and 1, one small round trip and one large message each way.
//!
//! Rank 0 keeps the clock (`std::time::Instant`). Every timed run starts after a barrier, so it
//! starts when the slowest rank is ready, and it ends when rank 0 holds the answer. Each
//! measurement is printed by rank 0 as one JSON line of seconds per timed run; the bench takes
//! the medians. Every answer is checked: E3's squares against the input (a wrong one is a
//! panic, which ends the job), and the counter's totals are printed for the bench to judge,
//! since "exact at every rank count" is a target that is met or missed.

use std::time::Instant;

use mpi::traits::*;
use serde::Serialize;

use crate::split::Split;
use crate::{FaultAt, counter, e3};

/// What to measure, and how often.
#[derive(Debug, Clone, clap::Parser)]
pub struct BenchArgs {
    /// E3's doubles, scattered across the ranks.
    #[arg(long)]
    pub len: usize,
    /// The counter job's increments, split evenly across the ranks.
    #[arg(long)]
    pub increments: u64,
    /// Timed runs of each measurement (after one untimed).
    #[arg(long, default_value_t = 5)]
    pub samples: usize,
    /// Also time this many 8-byte round trips between ranks 0 and 1 per run.
    #[arg(long)]
    pub round_trips: Option<usize>,
    /// Also time one message of this many doubles from rank 0 to rank 1 and back.
    #[arg(long)]
    pub message: Option<usize>,
}

/// One measurement, as the bench reads it.
#[derive(Debug, Serialize)]
struct Line {
    id: &'static str,
    ranks: i32,
    /// Seconds per timed run (rank 0's clock).
    samples_s: Vec<f64>,
    /// Round trips (or jobs) per timed run.
    per: f64,
    /// The counter job: each run's reduced total, and what it should be.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    totals: Vec<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<u64>,
}

impl Line {
    fn new(id: &'static str, ranks: i32, samples_s: Vec<f64>, per: f64) -> Line {
        let (totals, expected) = (Vec::new(), None);
        Line {
            id,
            ranks,
            samples_s,
            per,
            totals,
            expected,
        }
    }
}

/// Runs `f` once untimed, then `samples` times, each run after a barrier of every rank; returns
/// this rank's seconds per timed run (rank 0's are the ones printed).
fn timed(world: &impl Communicator, samples: usize, mut f: impl FnMut()) -> Vec<f64> {
    let mut out = Vec::with_capacity(samples);
    for run in 0..=samples.max(1) {
        world.barrier();
        let start = Instant::now();
        f();
        if run > 0 {
            out.push(start.elapsed().as_secs_f64());
        }
    }
    out
}

/// Measures everything `args` asks for, on every rank; rank 0 returns the JSON lines to print,
/// the others nothing.
pub fn run(world: &impl Communicator, args: &BenchArgs) -> Vec<String> {
    let (rank, ranks) = (world.rank(), world.size());
    let mut lines = Vec::new();
    if let Some(k) = args.round_trips {
        lines.push(Line::new(
            "latency",
            ranks,
            round_trips(world, k, args.samples),
            k as f64,
        ));
    }
    if let Some(n) = args.message {
        lines.push(Line::new(
            "bandwidth",
            ranks,
            large_message(world, n, args.samples),
            1.0,
        ));
    }
    lines.push(Line::new(
        "e3",
        ranks,
        square_timed(world, args.len, args.samples),
        1.0,
    ));
    let per = args.increments / ranks as u64;
    let (samples_s, totals) = count_timed(world, per, args.samples);
    lines.push(Line {
        totals,
        expected: Some(per * ranks as u64),
        ..Line::new("counter", ranks, samples_s, 1.0)
    });
    if rank != 0 {
        return Vec::new();
    }
    lines
        .iter()
        .map(|l| serde_json::to_string(l).expect("a line serializes"))
        .collect()
}

// ANCHOR: ping_pong
/// `k` round trips of 8 bytes between ranks 0 and 1 per timed run (the other ranks wait).
fn round_trips(world: &impl Communicator, k: usize, samples: usize) -> Vec<f64> {
    let rank = world.rank();
    let other = world.process_at_rank(1 - rank.min(1));
    let mut msg = [0u8; 8];
    timed(world, samples, || {
        for i in 0..k {
            match rank {
                0 => {
                    msg = (i as u64).to_le_bytes();
                    other.send(&msg[..]);
                    other.receive_into(&mut msg[..]);
                    assert_eq!(
                        u64::from_le_bytes(msg),
                        i as u64,
                        "rank 1 echoed another message"
                    );
                }
                1 => {
                    other.receive_into(&mut msg[..]);
                    other.send(&msg[..]);
                }
                _ => {}
            }
        }
    })
}
// ANCHOR_END: ping_pong

/// One message of `n` doubles from rank 0 to rank 1 and back per timed run, into buffers
/// written before timing (so no page is touched for the first time while the clock runs).
fn large_message(world: &impl Communicator, n: usize, samples: usize) -> Vec<f64> {
    let rank = world.rank();
    let other = world.process_at_rank(1 - rank.min(1));
    let sent: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let mut back = vec![0.0f64; n];
    let t = timed(world, samples, || match rank {
        0 => {
            other.send(&sent[..]);
            other.receive_into(&mut back[..]);
        }
        1 => {
            other.receive_into(&mut back[..]);
            other.send(&back[..]);
        }
        _ => {}
    });
    assert!(
        rank > 1 || back == sent,
        "the large message came back changed"
    );
    t
}

/// E3 across every rank, timed: the lab's round ([`e3::Pieces::square`]: `Scatterv`, the C
/// kernel on each piece, `Gatherv`) over `n` doubles, with every buffer allocated and written
/// before timing, so no run pays for faulting in fresh pages; rank 0 checks the squares against
/// one process's at the end.
fn square_timed(world: &impl Communicator, n: usize, samples: usize) -> Vec<f64> {
    let (rank, ranks) = (world.rank(), world.size() as usize);
    let split = Split::even(n, ranks).expect("each rank's part fits in a C int");
    let mut pieces = e3::Pieces::new(split, rank as usize);
    let input = if rank == 0 { e3::input(n) } else { Vec::new() };
    let mut squares = vec![0.0f64; if rank == 0 { n } else { 0 }];
    let t = timed(world, samples, || {
        let root_buffers = (rank == 0).then_some((&input[..], &mut squares[..]));
        pieces.square(world, root_buffers);
    });
    let wrong = e3::mismatches(&squares, &e3::single_process(&input));
    assert_eq!(
        wrong, 0,
        "E3 on {ranks} ranks: {wrong} squares differ from one process's"
    );
    t
}

/// The lab's counter job ([`counter::count`]: each rank counts on its own racy C global, the
/// counts all-reduced), timed. Returns the times, and each timed run's total on rank 0 (the
/// others return none).
fn count_timed(world: &impl Communicator, per: u64, samples: usize) -> (Vec<f64>, Vec<u64>) {
    let healthy = FaultAt {
        fault: None,
        rank: 0,
    };
    let mut totals = Vec::new();
    let t = timed(world, samples, || {
        totals.push(counter::count(world, per, healthy));
    });
    if world.rank() != 0 {
        totals.clear();
    }
    let totals = totals.split_off(totals.len().min(1)); // not the untimed run's
    (t, totals)
}
