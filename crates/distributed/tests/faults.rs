//! A rank that aborts, segfaults in C or hangs: the job ends within its limit (mpirun's own
//! `--timeout`, and the launcher's a few seconds later), with an error that names the rank and
//! the cause, and with no process left (checked in `/proc` by `common::launch`).

mod common;

use std::time::Duration;

use supervisor::mpi::MpiError;
use supervisor::mpi::Transport::SharedMemory;

/// The faulty jobs' limit: a hang runs into it, a death ends the job long before.
const LIMIT: Duration = Duration::from_secs(10);

fn faulty(ranks: u32, job: &[&str], fault: &str, rank: u32) -> MpiError {
    let rank = rank.to_string();
    let mut args = job.to_vec();
    args.extend(["--fault", fault, "--fault-rank", &rank]);
    match common::launch(ranks, SharedMemory, LIMIT, &args) {
        Ok(done) => panic!("{args:?} succeeded:\n{}", done.combined()),
        Err(err) => err,
    }
}

#[test]
fn a_rank_that_aborts_is_named_with_sigabrt() {
    let err = faulty(4, &["counter"], "abort", 2);
    assert!(
        matches!(&err, MpiError::Killed { rank: 2, signal, .. } if signal == "SIGABRT"),
        "{err}\n{}",
        err.output()
    );
    assert!(
        err.to_string().starts_with("rank 2 was killed by SIGABRT"),
        "{err}"
    );
}

#[test]
fn a_rank_that_segfaults_in_c_is_named_with_sigsegv() {
    let err = faulty(2, &["e3", "--len", "1000"], "segv", 1);
    assert!(
        matches!(&err, MpiError::Killed { rank: 1, signal, .. } if signal == "SIGSEGV"),
        "{err}\n{}",
        err.output()
    );
}

#[test]
fn a_rank_that_hangs_is_stopped_at_the_limit_and_named() {
    let err = faulty(4, &["e1", "--n", "1000"], "hang", 3);
    match &err {
        MpiError::TimedOut { limit, missing, .. } => {
            assert_eq!(*limit, LIMIT);
            assert_eq!(missing, &[3], "{err}");
        }
        other => panic!("expected a time-out, got: {other}\n{}", other.output()),
    }
    assert!(
        err.to_string()
            .contains("rank 3 never reached the reduce of the sums"),
        "{err}"
    );
}
