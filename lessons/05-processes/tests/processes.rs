//! Grading tests for lesson 5 (`processes`). Do not edit: edit `src/exercise.rs`.

use std::path::Path;

use processes::{
    Fault, Job, MAGIC, PoolConfig, TestFault, WorkerFault, count_in_processes, count_with_pool,
    decode_reply,
};

fn worker() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_processes-worker"))
}

fn frame(count: u64) -> Vec<u8> {
    let mut f = MAGIC.to_vec();
    f.extend_from_slice(&count.to_le_bytes());
    f
}

#[test]
fn a_valid_reply_is_decoded() {
    assert_eq!(decode_reply(&frame(0)), Ok(0));
    assert_eq!(decode_reply(&frame(123_456_789)), Ok(123_456_789));
    assert_eq!(decode_reply(&frame(u64::MAX)), Ok(u64::MAX));
}

#[test]
fn a_reply_of_the_wrong_length_is_malformed() {
    for len in [0, 4, 7, 11, 13] {
        let mut bytes = frame(7);
        bytes.resize(len, 0);
        assert!(
            matches!(decode_reply(&bytes), Err(Fault::Malformed(_))),
            "a reply of the wrong length is malformed: {len} bytes gave {:?}",
            decode_reply(&bytes)
        );
    }
}

#[test]
fn a_reply_without_the_magic_is_malformed() {
    let mut bytes = frame(7);
    bytes[0] = b'X';
    assert!(
        matches!(decode_reply(&bytes), Err(Fault::Malformed(_))),
        "a reply that does not start with LAB1 is malformed, got {:?}",
        decode_reply(&bytes)
    );
}

/// Four processes hammer C's racy counter at the same time, and not one increment is lost:
/// each process has its own copy of the global.
#[test]
fn processes_count_exactly_with_no_lock() {
    let jobs = [Job::count(200_000); 4];
    assert_eq!(
        count_in_processes(worker(), &jobs),
        Ok(800_000),
        "each worker process has its own C global: the total must be exact"
    );
}

#[test]
fn a_crashed_worker_is_reported_not_counted_as_zero() {
    let jobs = [
        Job::count(10),
        Job {
            increments: 10,
            fault: Some(WorkerFault::Abort),
        },
    ];
    let got = count_in_processes(worker(), &jobs);
    assert!(
        matches!(got, Err(Fault::Crashed(_))),
        "a crashed worker must be reported as Fault::Crashed, got {got:?}"
    );
}

#[test]
fn a_worker_that_exits_non_zero_is_reported() {
    let jobs = [Job {
        increments: 10,
        fault: Some(WorkerFault::ExitNonZero),
    }];
    let got = count_in_processes(worker(), &jobs);
    assert!(
        matches!(got, Err(Fault::Crashed(_))),
        "a worker that exits with status 3 failed, even if its reply looks fine: got {got:?}"
    );
}

#[test]
fn garbage_and_short_replies_are_reported() {
    for fault in [WorkerFault::Garbage, WorkerFault::Short] {
        let jobs = [
            Job::count(5),
            Job {
                increments: 5,
                fault: Some(fault),
            },
        ];
        let got = count_in_processes(worker(), &jobs);
        assert!(
            matches!(got, Err(Fault::Malformed(_))),
            "a {fault:?} reply must be reported as Fault::Malformed, got {got:?}"
        );
    }
}

#[test]
fn a_missing_worker_is_a_spawn_fault() {
    let got = count_in_processes(Path::new("/nonexistent/worker"), &[Job::count(1)]);
    assert!(matches!(got, Err(Fault::Spawn(_))), "got {got:?}");
}

fn pool_worker() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_processes-pool-worker"))
}

#[test]
fn the_pool_counts_exactly() {
    let got = count_with_pool(PoolConfig::new(pool_worker(), 2), &[10_000; 4], &[]);
    assert_eq!(
        got.as_ref().ok(),
        Some(&(40_000, 0)),
        "4 tasks x 10 000 increments on 2 pool workers: got {got:?}"
    );
}

#[test]
fn the_pool_re_runs_only_the_lost_task() {
    let config = PoolConfig::new(pool_worker(), 2).test_faults(true);
    let got = count_with_pool(config, &[10_000; 4], &[(2, TestFault::Abort)]);
    assert_eq!(
        got.as_ref().ok(),
        Some(&(40_000, 1)),
        "the worker running task 2 aborted: re-run that task once and the total is still \
         exact, with exactly one recovered task; got {got:?}"
    );
}
