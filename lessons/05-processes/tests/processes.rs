//! Grading tests for lesson 5 (`processes`). Do not edit: edit `src/exercise.rs`.

use std::path::{Path, PathBuf};

use processes::{
    Fault, Job, MAGIC, MEETING_TIMEOUT_SECS, MET_ALONE_STATUS, Meeting, PoolConfig, REPLY_LEN,
    TestFault, WorkerFault, count_in_processes, count_with_pool, decode_reply,
};

fn worker() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_processes-worker"))
}

fn frame(count: u64) -> Vec<u8> {
    let mut f = MAGIC.to_vec();
    f.extend_from_slice(&count.to_le_bytes());
    f
}

/// `count_in_processes`, with a panic (an overflowing `+`, say) turned into a clear failure.
fn count(jobs: &[Job]) -> Result<u64, Fault> {
    std::panic::catch_unwind(|| count_in_processes(worker(), jobs)).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        panic!(
            "count_in_processes panicked ({why}) instead of returning a Result: a total past \
             u64::MAX must come back as Err(Fault::Overflow), from `checked_add`"
        )
    })
}

/// A fresh, empty folder for one test's meeting of `workers` workers.
fn meeting(test: &str, workers: usize) -> Meeting {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("processes-meet-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the meeting folder");
    Meeting { dir, workers }
}

/// The workers of `meeting` that are still children of this test process (running, or
/// exited but never waited for: zombies), as "pid 123 (state Z)".
fn unreaped(meeting: &Meeting) -> Vec<String> {
    let mut left = Vec::new();
    for entry in std::fs::read_dir(&meeting.dir).expect("read the meeting folder") {
        let entry = entry.expect("a marker");
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let marker = std::fs::read_to_string(entry.path()).expect("read a marker");
        let mut fields = marker.split_whitespace();
        let (Some(pid), Some(start)) = (
            fields.next().and_then(|p| p.parse().ok()),
            fields.next().and_then(|t| t.parse::<u64>().ok()),
        ) else {
            continue;
        };
        let Some(stat) = supervisor::procfs::stat(pid) else {
            continue; // gone: reaped
        };
        // Our child, and the very process that left the marker (not a reused pid).
        let ours = u32::try_from(stat.ppid) == Ok(std::process::id());
        if ours && stat.start_ticks == start {
            left.push(format!("pid {pid} (state {})", stat.state));
        }
    }
    left
}

#[test]
fn a_valid_reply_is_decoded() {
    assert_eq!(decode_reply(&frame(0)), Ok(0));
    assert_eq!(decode_reply(&frame(123_456_789)), Ok(123_456_789));
    assert_eq!(decode_reply(&frame(u64::MAX)), Ok(u64::MAX));
}

#[test]
fn a_reply_of_the_wrong_length_is_malformed() {
    for len in [0, 4, 7, 11] {
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
fn a_reply_longer_than_12_bytes_is_malformed() {
    let mut one_more = frame(7);
    one_more.push(0);
    let mut two_frames = frame(7);
    two_frames.extend_from_slice(&frame(8));
    let mut padded = frame(7);
    padded.resize(64, 0);
    for bytes in [one_more, two_frames, padded] {
        assert!(
            matches!(decode_reply(&bytes), Err(Fault::Malformed(_))),
            "a reply is exactly {REPLY_LEN} bytes; a longer one (here {} bytes) is malformed, \
             not read from its first 12: got {:?}",
            bytes.len(),
            decode_reply(&bytes)
        );
    }
}

#[test]
fn a_reply_without_the_magic_is_malformed() {
    for at in 0..MAGIC.len() {
        let mut bytes = frame(7);
        bytes[at] ^= 0x20; // `LAB1` becomes `lAB1`, `LaB1`, `LAb1`, `LAB\x11`
        assert!(
            matches!(decode_reply(&bytes), Err(Fault::Malformed(_))),
            "a 12-byte reply that does not start with LAB1 is malformed: byte {at} was changed \
             ({:?}), got {:?}; compare all four magic bytes",
            String::from_utf8_lossy(&bytes[..4]),
            decode_reply(&bytes)
        );
    }
    let zeros = [0u8; REPLY_LEN];
    assert!(
        matches!(decode_reply(&zeros), Err(Fault::Malformed(_))),
        "12 zero bytes have the right length but no magic: malformed, got {:?}",
        decode_reply(&zeros)
    );
}

/// Four processes hammer C's racy counter at the same time, and not one increment is lost:
/// each process has its own copy of the global.
#[test]
fn processes_count_exactly_with_no_lock() {
    let jobs = vec![Job::count(200_000); 4];
    assert_eq!(
        count(&jobs),
        Ok(800_000),
        "each worker process has its own C global: the total must be exact"
    );
}

/// Each worker waits until all its siblings are running: run one after another, the first
/// one waits alone and gives up.
#[test]
fn workers_run_all_at_once() {
    let meet = meeting("all-at-once", 3);
    let jobs = vec![Job::count(10).meeting(&meet); 3];
    let got = count(&jobs);
    assert!(
        got.is_ok(),
        "these 3 workers each wait (up to {MEETING_TIMEOUT_SECS} s) until all 3 are running, and \
         a worker that waits alone gives up (exit status {MET_ALONE_STATUS}): start EVERY worker \
         before waiting for any, not one after another; got {got:?}"
    );
    assert_eq!(got, Ok(30), "3 workers x 10 increments");
    let _ = std::fs::remove_dir_all(&meet.dir);
}

#[test]
fn a_crashed_worker_is_reported_not_counted_as_zero() {
    let jobs = [
        Job::count(10),
        Job::count(10).with_fault(WorkerFault::Abort),
        Job::count(10),
    ];
    let got = count(&jobs);
    assert!(
        matches!(got, Err(Fault::Crashed(_))),
        "a crashed worker must be reported as Fault::Crashed, got {got:?}"
    );
}

#[test]
fn a_worker_that_exits_non_zero_is_reported() {
    let jobs = [
        Job::count(10),
        Job::count(10).with_fault(WorkerFault::ExitNonZero),
        Job::count(10),
    ];
    let got = count(&jobs);
    assert!(
        matches!(got, Err(Fault::Crashed(_))),
        "a worker that exits with status 3 failed, even if its reply looks fine: got {got:?}"
    );
}

/// A valid reply, then a panic or SIGKILL: only the exit status says the worker failed.
#[test]
fn a_worker_that_panics_or_is_killed_is_a_fault_not_a_partial_count() {
    for fault in [WorkerFault::Panic, WorkerFault::Killed] {
        let jobs = [
            Job::count(10),
            Job::count(10).with_fault(fault),
            Job::count(10),
        ];
        let got = count(&jobs);
        assert!(
            matches!(got, Err(Fault::Crashed(_))),
            "the middle worker replied, then failed ({fault:?}): its exit status says so, and \
             the job is Fault::Crashed, never a partial count; got {got:?}"
        );
    }
}

#[test]
fn garbage_and_short_replies_are_reported() {
    for fault in [WorkerFault::Garbage, WorkerFault::Short] {
        let jobs = [
            Job::count(5),
            Job::count(5).with_fault(fault),
            Job::count(5),
        ];
        let got = count(&jobs);
        assert!(
            matches!(got, Err(Fault::Malformed(_))),
            "a {fault:?} reply must be reported as Fault::Malformed, got {got:?}"
        );
    }
}

/// Two faults in one job list: the one that comes first in job order is reported.
#[test]
fn the_first_fault_in_job_order_is_reported() {
    let jobs = [
        Job::count(5),
        Job::count(5).with_fault(WorkerFault::Garbage),
        Job::count(5),
        Job::count(5).with_fault(WorkerFault::ExitNonZero),
        Job::count(5),
    ];
    let got = count(&jobs);
    assert!(
        matches!(got, Err(Fault::Malformed(_))),
        "job 1 replied garbage and job 3 exited with status 3: report job 1's fault (Malformed), \
         the first in job order, not a later one; got {got:?}"
    );
    let jobs = [
        Job::count(5),
        Job::count(5).with_fault(WorkerFault::Abort),
        Job::count(5),
        Job::count(5).with_fault(WorkerFault::Short),
        Job::count(5),
    ];
    let got = count(&jobs);
    assert!(
        matches!(got, Err(Fault::Crashed(_))),
        "job 1 aborted and job 3 sent a short reply: report job 1's fault (Crashed), the first \
         in job order; got {got:?}"
    );
}

/// After a fault, the later workers must still be waited for: none may be left a zombie.
#[test]
fn every_worker_is_reaped_even_after_a_fault() {
    let meet = meeting("reaped", 5);
    let jobs = [
        Job::count(5).meeting(&meet),
        Job::count(5).with_fault(WorkerFault::Abort).meeting(&meet),
        Job::count(5).meeting(&meet),
        Job::count(5)
            .with_fault(WorkerFault::Garbage)
            .meeting(&meet),
        Job::count(5).meeting(&meet),
    ];
    let got = count(&jobs);
    assert!(got.is_err(), "jobs 1 and 3 fail: got {got:?}");
    let left = unreaped(&meet);
    assert!(
        left.is_empty(),
        "count_in_processes returned {got:?}, but these workers were never waited for: {left:?} \
         (state Z: exited, never waited for, a zombie). Wait for EVERY worker, then report the first fault"
    );
    let _ = std::fs::remove_dir_all(&meet.dir);
}

#[test]
fn a_total_past_u64_max_is_an_overflow_fault() {
    let max = u64::MAX;
    let exact = [Job::claiming(max - 5), Job::count(5)];
    assert_eq!(
        count(&exact),
        Ok(max),
        "u64::MAX - 5 plus 5 is exactly u64::MAX: that still fits"
    );
    let over = [
        Job::claiming(max - 5),
        Job::count(6),
        Job::claiming(max),
        Job::count(7),
    ];
    let got = count(&over);
    assert_eq!(
        got,
        Err(Fault::Overflow),
        "u64::MAX - 5 plus 6 does not fit in a u64 (nor does what follows): Fault::Overflow, \
         from `checked_add` at every step; got {got:?}"
    );
    let wraps_back = [
        Job::claiming(1 << 63),
        Job::claiming(1 << 63),
        Job::count(5),
    ];
    let got = count(&wraps_back);
    assert_eq!(
        got,
        Err(Fault::Overflow),
        "2^63 + 2^63 overflows in the middle, even though a wrapped total (5) looks fine at the \
         end: check every addition, not the final sum; got {got:?}"
    );
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
