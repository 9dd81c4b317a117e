//! The program `mpirun` starts once per rank (`cargo test -p ranks` launches it at 2 and 4
//! ranks through `supervisor::mpi`): runs one job of the exercise on every rank, and rank 0
//! prints what happened as one JSON line per job, for the grading tests to judge.
//!
//! - `ranks-job counter <base>`: rank `r` counts `base × (r + 1)` on its own C counter through
//!   `count_on_ranks`; then the job itself (not the exercise) gathers what every rank's counter
//!   reads once the exercise has returned, and rank 0 prints
//!   `{"job":"counter","counted":[..],"total":..}`.
//! - `ranks-job e3 <len>..`: for each length, rank 0 makes the input, `square_on_ranks` squares
//!   it on every rank, and rank 0 compares the squares with one `ffi::square_array` call over
//!   the whole input, in this process: `{"job":"e3","len":..,"returned":..,"wrong":[[from,to],..]}`
//!   (the index ranges that are missing or wrong).

#![forbid(unsafe_code)]

use mpi::traits::*;
use serde_json::json;

use ranks::{Count, ROOT, RacyCounter, SimpleCommunicator};

fn main() {
    let universe = mpi::initialize().expect("MPI is initialized once, here");
    let world = universe.world();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let numbers = |from: usize| -> Vec<u64> {
        args[from..]
            .iter()
            .map(|a| {
                a.parse()
                    .unwrap_or_else(|_| usage(&format!("not a number: {a}")))
            })
            .collect()
    };
    match args.first().map(String::as_str) {
        Some("counter") if args.len() == 2 => counter(&world, numbers(1)[0]),
        Some("e3") => {
            for len in numbers(1) {
                e3(&world, len as usize);
            }
        }
        _ => usage("ranks-job counter <base> | ranks-job e3 <len>.."),
    }
}

// ANCHOR: counter_job
fn counter(world: &SimpleCommunicator, base: u64) {
    let counter = RacyCounter::take().expect("the first and only handle of this process");
    let total = ranks::count_on_ranks(world, &counter, ranks::increments_for(world.rank(), base));
    // What this rank's counter says now that the exercise has returned, gathered by the job.
    let counted = counter.get();
    let root = world.process_at_rank(ROOT);
    if world.rank() == ROOT {
        let mut every = vec![0u64; world.size() as usize];
        root.gather_into_root(&counted, &mut every[..]);
        let report = json!({"job": "counter", "counted": every, "total": total});
        println!("{report}");
    } else {
        root.gather_into(&counted);
    }
}
// ANCHOR_END: counter_job

// ANCHOR: e3_job
fn e3(world: &SimpleCommunicator, len: usize) {
    let input = (world.rank() == ROOT).then(|| ranks::input(len));
    let count = Count::try_from(len).unwrap_or_else(|_| usage("a length MPI can count"));
    let squares = ranks::square_on_ranks(world, input.as_deref(), count);
    let Some(input) = input else { return };
    // The single-process result: one C call over the whole input.
    let mut want = vec![0.0; len];
    ffi::square_array(&input, &mut want).expect("equal lengths");
    let got = squares.unwrap_or_default();
    let wrong = ranges((0..len).filter(|&i| got.get(i) != Some(&want[i])));
    let report = json!({"job": "e3", "len": len, "returned": got.len(), "wrong": wrong});
    println!("{report}");
}
// ANCHOR_END: e3_job

/// Consecutive indices as `[from, to)` ranges: `0 1 2 7 8` is `[[0, 3], [7, 9]]`.
fn ranges(indices: impl Iterator<Item = usize>) -> Vec<[usize; 2]> {
    let mut out: Vec<[usize; 2]> = Vec::new();
    for i in indices {
        match out.last_mut() {
            Some(last) if last[1] == i => last[1] = i + 1,
            _ => out.push([i, i + 1]),
        }
    }
    out
}

fn usage(why: &str) -> ! {
    eprintln!("ranks-job: {why}");
    std::process::exit(2)
}
