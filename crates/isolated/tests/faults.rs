//! Faults: each one ends in a clear report naming the worker, the task and the reason; every
//! child is reaped; with retry only the lost task is re-run and the total is exact; without
//! retry the job fails and returns no total at all.

mod common;

use std::time::Duration;

use common::{WORKER, assert_all_reaped, config, parent_of};
use isolated::fault_injection::TestFault;
use isolated::{FaultReason, Pool, PoolConfig, PoolError, TempSharedF64s};

/// 6 tasks of 1000 increments on 2 workers: the exact total is 6000.
const PER_TASK: [u64; 6] = [1000; 6];
const EXACT: u64 = 6000;
/// The task that faults.
const VICTIM: usize = 3;

fn faulty_pool(retries: u32, timeout: Duration) -> Pool {
    Pool::start(
        config(2)
            .test_faults(true)
            .retries(retries)
            .task_timeout(timeout),
    )
    .expect("the pool starts")
}

/// Runs the counter job with `fault` on task VICTIM and no retry: the job must fail, name the
/// task, and the failed worker must already be reaped.
fn fails_without_retry(fault: TestFault, timeout: Duration) -> (PoolError, Vec<u32>) {
    let mut pool = faulty_pool(0, timeout);
    let err = pool
        .count_injecting(&PER_TASK, &[(VICTIM, fault)])
        .expect_err("a lost task without retry must fail the job, never give a total");
    let PoolError::TaskFailed { report, retries } = &err else {
        panic!("expected TaskFailed, got {err}");
    };
    assert_eq!(*retries, 0);
    assert_eq!(report.task, VICTIM, "{err}");
    assert_eq!(report.attempt, 1);
    assert!(report.worker < 2, "one of the two first workers: {err}");
    assert!(
        err.to_string().contains(&format!("task {VICTIM}")),
        "the message names the task: {err}"
    );
    assert!(
        err.to_string().contains(&format!("pid {}", report.pid)),
        "the message names the worker's pid: {err}"
    );
    // The failed worker is reaped as soon as the failure is reported.
    assert_ne!(parent_of(report.pid), Some(std::process::id()));
    // The pool is still usable: it refills and the next job is exact.
    assert_eq!(pool.count(&PER_TASK).unwrap(), EXACT);
    let pids = pool.spawned_pids().to_vec();
    drop(pool);
    assert_all_reaped(&pids);
    (err, pids)
}

/// Runs the counter job with `fault` on task VICTIM and one retry: the total must be exact and
/// exactly one failure, of task VICTIM, must be reported.
fn recovers_with_retry(fault: TestFault, timeout: Duration) -> FaultReason {
    let mut pool = faulty_pool(1, timeout);
    let (total, recovered) = pool
        .count_injecting(&PER_TASK, &[(VICTIM, fault)])
        .expect("one retry recovers one lost task");
    assert_eq!(
        total, EXACT,
        "the lost task's work (done by the dead worker) must not count, its re-run must"
    );
    assert_eq!(recovered.len(), 1, "{recovered:?}");
    assert_eq!(recovered[0].task, VICTIM);
    let pids = pool.spawned_pids().to_vec();
    assert_eq!(pids.len(), 3, "two workers and one replacement");
    assert_ne!(parent_of(recovered[0].pid), Some(std::process::id()));
    drop(pool);
    assert_all_reaped(&pids);
    recovered[0].reason.clone()
}

const LONG: Duration = Duration::from_secs(60);
/// The task timeout of the hang tests: short, but long enough that a healthy 1000-increment
/// task never hits it even on a loaded 2-core machine.
const HANG_TIMEOUT: Duration = Duration::from_secs(1);

#[test]
fn a_worker_that_aborts_mid_task_is_reported_and_reaped() {
    let (err, _) = fails_without_retry(TestFault::Abort, LONG);
    assert!(err.to_string().contains("SIGABRT"), "{err}");
}

#[test]
fn a_worker_that_segfaults_in_c_is_reported_and_reaped() {
    let (err, _) = fails_without_retry(TestFault::SegfaultInC, LONG);
    assert!(err.to_string().contains("signal 11 (SIGSEGV)"), "{err}");
}

#[test]
fn a_worker_killed_mid_task_is_reported_and_reaped() {
    let (err, _) = fails_without_retry(TestFault::Killed, LONG);
    assert!(err.to_string().contains("SIGKILL"), "{err}");
}

#[test]
fn a_worker_that_exits_without_replying_is_reported() {
    let (err, _) = fails_without_retry(TestFault::ExitWithoutReply, LONG);
    assert!(err.to_string().contains("exited with status 0"), "{err}");
}

#[test]
fn a_hung_worker_is_killed_at_the_task_timeout() {
    let (err, _) = fails_without_retry(TestFault::Hang, HANG_TIMEOUT);
    let PoolError::TaskFailed { report, .. } = &err else {
        unreachable!()
    };
    assert_eq!(
        report.reason,
        FaultReason::TimedOut {
            after: HANG_TIMEOUT
        }
    );
}

#[test]
fn a_malformed_reply_is_refused() {
    let (err, _) = fails_without_retry(TestFault::MalformedReply, LONG);
    assert!(err.to_string().contains("unknown opcode 0x7e"), "{err}");
}

#[test]
fn a_truncated_reply_is_refused() {
    let (err, _) = fails_without_retry(TestFault::TruncatedReply, LONG);
    assert!(err.to_string().contains("truncated frame"), "{err}");
    assert!(err.to_string().contains("exited with status 3"), "{err}");
}

#[test]
fn an_oversized_reply_is_refused_without_waiting_for_its_payload() {
    // The worker stays alive after the header: the pool must refuse on the header alone (a
    // 60 s timeout would be the only other way out, and the assertion below would fail).
    let (err, _) = fails_without_retry(TestFault::OversizedReply, LONG);
    assert!(err.to_string().contains("oversized frame"), "{err}");
    assert!(err.to_string().contains("SIGKILL"), "{err}");
}

#[test]
fn with_retry_every_fault_loses_nothing_and_counts_nothing_twice() {
    for fault in TestFault::ALL {
        let timeout = if fault == TestFault::Hang {
            HANG_TIMEOUT
        } else {
            LONG
        };
        let reason = recovers_with_retry(fault, timeout);
        // each fault is recognised for what it is
        let text = reason.to_string();
        let expected = match fault {
            TestFault::Abort => "SIGABRT",
            TestFault::SegfaultInC => "SIGSEGV",
            TestFault::Killed => "SIGKILL",
            TestFault::Hang => "hung",
            TestFault::MalformedReply => "unknown opcode",
            TestFault::TruncatedReply => "truncated",
            TestFault::OversizedReply => "oversized",
            TestFault::ExitWithoutReply => "died without replying",
        };
        assert!(text.contains(expected), "{fault:?}: {text}");
    }
}

#[test]
fn several_faults_in_one_job_are_each_retried_once() {
    let mut pool = faulty_pool(1, LONG);
    let per_task: Vec<u64> = (1..=10).collect();
    let (total, recovered) = pool
        .count_injecting(
            &per_task,
            &[
                (0, TestFault::SegfaultInC),
                (4, TestFault::Abort),
                (9, TestFault::TruncatedReply),
            ],
        )
        .unwrap();
    assert_eq!(total, 55);
    let mut lost: Vec<usize> = recovered.iter().map(|r| r.task).collect();
    lost.sort();
    assert_eq!(lost, vec![0, 4, 9]);
    let pids = pool.spawned_pids().to_vec();
    drop(pool);
    assert_all_reaped(&pids);
}

#[test]
fn a_worker_killed_while_idle_is_replaced_and_only_its_task_is_rerun() {
    // Killed between jobs: the next request to it fails to send *and* its pipe reads as closed,
    // two events for one dead worker. Only the first may count: the second must not be taken
    // for a failure of the worker that took its place in the pool.
    let mut pool = faulty_pool(1, LONG);
    let victim = pool.worker_pids()[0];
    let pid = nix::unistd::Pid::from_raw(i32::try_from(victim).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !common::is_zombie(victim) {
        assert!(
            std::time::Instant::now() < deadline,
            "worker {victim} did not die"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let (total, recovered) = pool.count_injecting(&PER_TASK, &[]).unwrap();
    assert_eq!(total, EXACT);
    assert_eq!(
        recovered.len(),
        1,
        "only the dead worker's task: {recovered:?}"
    );
    assert_eq!(recovered[0].pid, victim);
    assert!(
        recovered[0].to_string().contains("SIGKILL"),
        "{}",
        recovered[0]
    );
    let pids = pool.spawned_pids().to_vec();
    assert_eq!(pids.len(), 3, "two workers and one replacement");
    drop(pool);
    assert_all_reaped(&pids);
}

#[test]
fn a_spent_retry_budget_fails_the_job() {
    // The fault is injected on the first attempt only, so a budget of 0 re-runs is "spent" at
    // once; the message says the job has no result.
    let mut pool = faulty_pool(0, LONG);
    let err = pool
        .count_injecting(&[5, 5], &[(1, TestFault::Killed)])
        .unwrap_err();
    assert!(err.to_string().contains("no result"), "{err}");
}

#[test]
fn fault_requests_are_refused_unless_the_pool_enables_test_faults() {
    let mut pool = Pool::start(config(1)).unwrap();
    let err = pool
        .count_injecting(&[10], &[(0, TestFault::Abort)])
        .unwrap_err();
    assert!(
        err.to_string().contains("fault injection is disabled"),
        "{err}"
    );
    // nothing crashed: the same worker still serves
    assert_eq!(pool.count(&[10]).unwrap(), 10);
    assert_eq!(pool.spawned_pids().len(), 1);
}

#[test]
fn a_missing_worker_binary_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-worker");
    let err = Pool::start(PoolConfig::new(&path, 2)).unwrap_err();
    assert!(matches!(err, PoolError::WorkerMissing { .. }), "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert!(err.to_string().contains("not found"), "{err}");
}

#[test]
fn a_worker_binary_that_is_not_executable_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab-worker");
    std::fs::copy(WORKER, &path).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = Pool::start(PoolConfig::new(&path, 2)).unwrap_err();
    assert!(matches!(err, PoolError::NotExecutable { .. }), "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
    assert!(err.to_string().contains("not executable"), "{err}");
}

#[test]
fn a_stale_worker_binary_is_rejected_by_its_version() {
    let err = Pool::start(config(2).test_pretend_version(0)).unwrap_err();
    assert!(
        matches!(err, PoolError::StaleWorker { got: 0, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("stale worker binary"), "{err}");
    assert!(err.to_string().contains("version 0"), "{err}");
}

#[test]
fn a_program_that_is_not_a_worker_fails_the_handshake_clearly() {
    // `cat` echoes our Hello back: a well-formed frame, but a request, not a HelloOk.
    let err = Pool::start(PoolConfig::new("/bin/cat", 1)).unwrap_err();
    assert!(matches!(err, PoolError::Handshake { .. }), "{err}");
    assert!(err.to_string().contains("expected HelloOk"), "{err}");
    // `true` exits at once: the handshake sees the pipe close.
    let err = Pool::start(PoolConfig::new("/bin/true", 1)).unwrap_err();
    assert!(err.to_string().contains("handshake"), "{err}");
}

/// Which file `a` is (`st_dev`, `st_ino`) and the path its workers open.
fn identity(a: &TempSharedF64s) -> (u64, u64, std::path::PathBuf) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(a.path()).unwrap();
    (m.dev(), m.ino(), a.path())
}

/// Asserts that nothing holds the array `seen` any more: no process maps it or has it open, no
/// directory entry names it (its memory is free). Within a second: a worker another test is
/// starting at that moment holds a copy of this process's descriptors until its `exec`.
fn assert_released(seen: &(u64, u64, std::path::PathBuf), after: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(1);
    loop {
        let left = common::holders(seen.0, seen.1, &seen.2);
        if left.is_empty() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the shared array is still held after {after}: {left:#?}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn the_shared_memory_file_is_removed_on_drop_on_error_and_on_panic() {
    // normal drop
    let a = TempSharedF64s::new(16).unwrap();
    let seen = identity(&a);
    assert!(!common::holders(seen.0, seen.1, &seen.2).is_empty());
    drop(a);
    assert_released(&seen, "drop");

    // a job that fails (its worker crashes, no retry): the `?` path drops the array
    fn failing_job() -> Result<(), PoolError> {
        let mut pool = faulty_pool(0, LONG);
        let shared = TempSharedF64s::from_slice(&[1.0; 64]).unwrap();
        *SEEN.lock().unwrap() = Some(identity(&shared));
        pool.run_injecting(
            &[isolated::Task::SquareShm {
                path: shared.path(),
                offset: 0,
                len: 64,
            }],
            &[(0, TestFault::Abort)],
        )?;
        Ok(())
    }
    type Seen = Option<(u64, u64, std::path::PathBuf)>;
    static SEEN: std::sync::Mutex<Seen> = std::sync::Mutex::new(None);
    assert!(failing_job().is_err());
    assert_released(&SEEN.lock().unwrap().take().unwrap(), "an error");

    // a panic while the array is alive
    let result = std::panic::catch_unwind(|| {
        let shared = TempSharedF64s::new(8).unwrap();
        *SEEN.lock().unwrap() = Some(identity(&shared));
        panic!("boom while the shared array is mapped");
    });
    assert!(result.is_err());
    assert_released(&SEEN.lock().unwrap().take().unwrap(), "a panic");
}
