//! What can go wrong, and how it is told: [`FaultReport`] (which worker failed which task, and
//! [`FaultReason`] why) and [`PoolError`] (why a pool could not start or a job has no result).
//!
//! Every message names what the reader needs to act: the worker's number and pid, the task and
//! its attempt, the path of a missing or stale binary and how to rebuild it.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use crate::config::{WORKER_ENV, WORKER_NAME};
use crate::protocol::{FrameError, MAX_PAYLOAD, VERSION};
use crate::reduce::Duplicate;

// ANCHOR: fault_report
/// Why a worker failed a task.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FaultReason {
    /// The worker's pipe closed: it exited or was killed. `status` says how.
    #[error("the worker died without replying ({status})")]
    Died {
        /// E.g. "killed by signal 11 (SIGSEGV)".
        status: String,
    },
    /// No reply within the task timeout: the worker was killed.
    #[error("no reply within {after:?}: the worker hung and was killed")]
    TimedOut {
        /// The timeout that passed.
        after: Duration,
    },
    /// The worker sent a frame the pool refuses (malformed, truncated, oversized, wrong
    /// version, a reply to the wrong task); it was killed.
    #[error("{error}; the worker was stopped ({status})")]
    BadFrame {
        /// What was wrong.
        error: FrameError,
        /// How the worker ended.
        status: String,
    },
    /// Writing the request failed.
    #[error("could not send the task ({error}); worker {status}")]
    Pipe {
        /// The error.
        error: String,
        /// How the worker ended.
        status: String,
    },
}

/// Which worker failed which task, and why. Every failed worker has been killed and reaped by
/// the time a report exists.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "worker #{worker} (pid {pid}) failed task {task} ({task_desc}) on attempt {attempt}: {reason}"
)]
pub struct FaultReport {
    /// The worker's number in this pool (numbers are never reused; replacements get new ones).
    pub worker: usize,
    /// The worker's process id.
    pub pid: u32,
    /// The task's index in the job.
    pub task: usize,
    /// What the task was.
    pub task_desc: String,
    /// Which attempt of the task this was (1 = first).
    pub attempt: u32,
    /// What happened.
    pub reason: FaultReason,
}
// ANCHOR_END: fault_report

/// Why a pool could not start or a job gave no result. A job that fails returns this, never a
/// partial or wrong total.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The worker binary does not exist.
    #[error(
        "worker binary not found at {} (build it with `cargo build -p isolated --bin \
         {WORKER_NAME}`, or point {WORKER_ENV} at it)",
        .path.display()
    )]
    WorkerMissing {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// The worker binary exists but cannot be executed.
    #[error(
        "worker binary at {} is not executable (check its permissions, or point {WORKER_ENV} \
         at a built {WORKER_NAME})",
        .path.display()
    )]
    NotExecutable {
        /// The file.
        path: PathBuf,
    },
    /// Starting the worker failed for another reason.
    #[error("could not start worker {}: {source}", .path.display())]
    Spawn {
        /// The binary.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The worker speaks another protocol version: a stale binary.
    #[error(
        "stale worker binary at {}: it speaks protocol version {got}, this pool speaks version \
         {VERSION} (rebuild it: `cargo build -p isolated --bin {WORKER_NAME}`)",
        .path.display()
    )]
    StaleWorker {
        /// The binary.
        path: PathBuf,
        /// The version it answered with.
        got: u8,
    },
    /// The program answered the handshake with bytes that are no protocol header at all, not
    /// even an old version's: it is some other program, not a stale worker.
    #[error(
        "{} is not a {WORKER_NAME}: its first bytes are not a protocol header ({}); point \
         {WORKER_ENV} at a built {WORKER_NAME}",
        .path.display(),
        shown(.first)
    )]
    NotAWorker {
        /// The program.
        path: PathBuf,
        /// What it wrote first (at most a header's worth).
        first: Vec<u8>,
    },
    /// The worker did not complete the handshake.
    #[error("worker {} failed its handshake: {reason}", .path.display())]
    Handshake {
        /// The binary.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// A task was lost and retry was off or spent. No total is returned.
    #[error("{report}; {}", no_result(*.retries, .report.attempt))]
    TaskFailed {
        /// The last failure.
        report: FaultReport,
        /// The retry budget that was configured.
        retries: u32,
    },
    /// A worker answered a task with an `Error` frame (the request itself was refused).
    #[error("worker #{worker} refused task {task}: {message}")]
    Rejected {
        /// The worker's number.
        worker: usize,
        /// The task's index.
        task: usize,
        /// The worker's message.
        message: String,
    },
    /// A task is too large for one frame.
    #[error("task `{what}` needs {bytes} bytes, more than one frame's {MAX_PAYLOAD}")]
    TaskTooLarge {
        /// Its payload size.
        bytes: usize,
        /// What it was.
        what: String,
    },
    /// A second result for a task arrived (should be impossible; refused rather than counted).
    #[error(transparent)]
    Duplicate(Duplicate),
    /// The operating system refused something else (poll, shared memory, ...).
    #[error(transparent)]
    Io(io::Error),
}

/// `68 69 0a, "hi\n" as text`: a program's first bytes, for [`PoolError::NotAWorker`].
fn shown(bytes: &[u8]) -> String {
    let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}, {:?} as text",
        hex.join(" "),
        String::from_utf8_lossy(bytes)
    )
}

/// The end of a [`PoolError::TaskFailed`] message: why there is no result.
fn no_result(retries: u32, attempts: u32) -> String {
    if retries == 0 {
        "retry is off, so the job has no result".into()
    } else {
        format!("gave up after {attempts} attempts, so the job has no result")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(attempt: u32) -> FaultReport {
        FaultReport {
            worker: 1,
            pid: 4242,
            task: 3,
            task_desc: "count 1000 increments".into(),
            attempt,
            reason: FaultReason::Died {
                status: "killed by signal 6 (SIGABRT)".into(),
            },
        }
    }

    #[test]
    fn a_failed_task_says_who_what_why_and_that_there_is_no_result() {
        let off = PoolError::TaskFailed {
            report: report(1),
            retries: 0,
        };
        assert_eq!(
            off.to_string(),
            "worker #1 (pid 4242) failed task 3 (count 1000 increments) on attempt 1: the worker \
             died without replying (killed by signal 6 (SIGABRT)); retry is off, so the job has \
             no result"
        );
        let spent = PoolError::TaskFailed {
            report: report(3),
            retries: 2,
        };
        assert!(
            spent
                .to_string()
                .ends_with("; gave up after 3 attempts, so the job has no result"),
            "{spent}"
        );
    }

    #[test]
    fn a_program_that_is_not_a_worker_is_told_apart_from_a_stale_one() {
        let err = PoolError::NotAWorker {
            path: "/bin/chatty".into(),
            first: b"hi\n".to_vec(),
        };
        assert_eq!(
            err.to_string(),
            "/bin/chatty is not a lab-worker: its first bytes are not a protocol header (68 69 \
             0a, \"hi\\n\" as text); point LAB_WORKER at a built lab-worker"
        );
    }

    #[test]
    fn a_missing_or_stale_worker_says_how_to_rebuild_it() {
        let missing = PoolError::WorkerMissing {
            path: "/x/lab-worker".into(),
        };
        assert_eq!(
            missing.to_string(),
            "worker binary not found at /x/lab-worker (build it with `cargo build -p isolated \
             --bin lab-worker`, or point LAB_WORKER at it)"
        );
        let stale = PoolError::StaleWorker {
            path: "/x/lab-worker".into(),
            got: 0,
        };
        assert!(
            stale.to_string().contains(&format!(
                "protocol version 0, this pool speaks version {VERSION} (rebuild it"
            )),
            "{stale}"
        );
    }
}
