//! Grading tests for lesson 9 (`ranks`), part 2: the jobs on real ranks. Do not edit: edit
//! `src/exercise.rs`.
//!
//! Each test starts the lesson's program (`src/bin/ranks-job.rs`) on 2 or 4 ranks through the
//! lab's launcher, `supervisor::mpi::launch`, which adds the flags mpirun needs here and stops
//! the job, with every rank, after [`LIMIT`]. Rank 0 prints one JSON line per job; the tests
//! judge those. Nothing is timed. A missing OpenMPI fails these tests, saying how to install
//! it; it never skips them.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;
use supervisor::mpi::{Launch, Transport};

/// How long one job may take (they take well under a second): a rank stuck in a collective
/// that another rank never joined ends here, with every rank stopped.
const LIMIT: Duration = Duration::from_secs(30);

/// Rank `r` counts `BASE × (r + 1)` in the counter job.
const BASE: u64 = 100_000;

/// One job at a time: 4 ranks already oversubscribe this machine's cores.
static ONE_JOB_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `ranks-job args..` on `ranks` ranks and returns rank 0's reports, one per job.
fn run(ranks: u32, args: &[&str]) -> Vec<Value> {
    supervisor::mpi::require_mpirun();
    let _turn = ONE_JOB_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    // ANCHOR: launch
    let job = Launch {
        ranks,
        transport: Transport::SharedMemory,
        limit: LIMIT,
    };
    let program = Path::new(env!("CARGO_BIN_EXE_ranks-job"));
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let done = supervisor::mpi::launch(&job, program, &args).unwrap_or_else(|e| {
        panic!(
            "`ranks-job {}` on {ranks} ranks failed: {e}. Does every rank take part in every \
             collective, with the same counts on both sides?",
            args.join(" ")
        )
    });
    // ANCHOR_END: launch
    done.stdout
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The counter job on `ranks` ranks: rank `r` counts 100 000 × (r + 1), and rank 0's total must
/// be the sum of what every rank counted.
fn counts_every_rank(ranks: u32) {
    let reports = run(ranks, &["counter", &BASE.to_string()]);
    let report = &reports[0];
    let counted: Vec<u64> = serde_json::from_value(report["counted"].clone()).expect("counts");
    let asked: Vec<u64> = (0..ranks)
        .map(|r| ranks::increments_for(r as ranks::Rank, BASE))
        .collect();
    assert_eq!(
        counted, asked,
        "on {ranks} ranks, rank r must count 100 000 × (r + 1) on its own C counter: \
         `count_on_ranks` calls `counter.increment()` `increments` times"
    );
    let sum: u64 = counted.iter().sum();
    let total = report["total"].as_u64();
    let mine = counted[0];
    let why = match total {
        Some(t) if t == sum => return,
        None => "rank 0 returned None: rank 0 is the root, it returns Some(total)".to_string(),
        Some(t) if t == mine => format!(
            "rank 0's total is {t}, only rank 0's own count: the other ranks' counts are in \
             other processes, and only a reduction brings them to rank 0"
        ),
        Some(t) if t == mine * u64::from(ranks) => format!(
            "rank 0's total is {t}, its own count times {ranks}: every rank counted a \
             different number, so only a reduction of every rank's count is right"
        ),
        Some(t) if t < sum => format!(
            "rank 0's total is {t}, less than what the ranks had counted when it returned: a \
             rank contributed its count before it had finished counting. Reduce after the \
             work, with the count read after it"
        ),
        Some(t) => format!("rank 0's total is {t}"),
    };
    panic!("{ranks} ranks counted {counted:?} on their own C counters, {sum} in all, but {why}");
}

#[test]
fn two_ranks_sum_every_rank_s_count_on_rank_0() {
    counts_every_rank(2);
}

#[test]
fn four_ranks_sum_every_rank_s_count_on_rank_0() {
    counts_every_rank(4);
}

/// E3 on `ranks` ranks, once per length: every square must come back, in order.
fn squares_come_back(ranks: u32, lens: &[&str]) {
    let args: Vec<&str> = std::iter::once("e3").chain(lens.iter().copied()).collect();
    for report in run(ranks, &args) {
        let (len, returned) = (report["len"].as_u64(), report["returned"].as_u64());
        assert_eq!(
            returned, len,
            "{ranks} ranks, {len:?} elements: rank 0 returned {returned:?} squares, not one \
             per element"
        );
        let wrong = report["wrong"].as_array().expect("ranges");
        assert!(
            wrong.is_empty(),
            "{ranks} ranks, {} elements: the squares at {} are missing or wrong (the \
             single-process square_array disagrees). Equal Scatter and Gather counts \
             (`len / size` each) drop the last `len % size` elements: every element must be \
             sent, squared and gathered back where it came from, with Scatterv and Gatherv \
             over `split`'s counts and displacements",
            len.unwrap_or_default(),
            wrong
                .iter()
                .map(|r| format!("{}..{}", r[0], r[1]))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

#[test]
fn two_ranks_square_every_element_of_an_odd_length_in_order() {
    squares_come_back(2, &["7", "1001", "1", "0"]);
}

#[test]
fn four_ranks_square_every_element_of_lengths_that_do_not_divide_in_order() {
    // 10 = 4 × 2 + 2, 3 < 4 ranks, 1001 = 4 × 250 + 1, 8 divides.
    squares_come_back(4, &["10", "3", "1001", "8", "0"]);
}
