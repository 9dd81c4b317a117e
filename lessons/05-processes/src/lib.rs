//! # Lesson 5, `processes`: isolation, a framed reply, and faults
//!
//! Edit `src/exercise.rs` (only that file), then run `cargo test -p processes`.
//! The book chapter is `mdbook/src/lessons/05-processes.md`; `cargo lab hint processes` helps.
//!
//! The worker (`src/bin/processes-worker.rs`) takes C's racy counter, increments it `n` times
//! and replies with one 12-byte frame on stdout: the magic bytes `LAB1`, then the count as a
//! little-endian `u64`. Every worker is its own process, with its own copy of the C global:
//! no lock is needed. The full version, with a pool, request frames, deadlines and retries,
//! is the `isolated` crate; the exercise's last part uses its pool.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

// ANCHOR: protocol
/// The first four bytes of every reply.
pub const MAGIC: [u8; 4] = *b"LAB1";
/// A reply is exactly this long: the magic, then a little-endian `u64`.
pub const REPLY_LEN: usize = 12;
// ANCHOR_END: protocol

// ANCHOR: fault
/// Why counting in processes failed. Nothing is ever silently counted as 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// A worker could not be started.
    Spawn(String),
    /// A worker did not exit cleanly (crashed, was killed, or exited non-zero).
    Crashed(String),
    /// A worker's reply is not a valid frame.
    Malformed(String),
    /// The total does not fit in a `u64`.
    Overflow,
}
// ANCHOR_END: fault

/// Misbehaviour a worker can be asked for, to test fault handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerFault {
    /// Counts, then aborts (SIGABRT) without replying.
    Abort,
    /// Replies with four bytes of text instead of a frame, then exits 0.
    Garbage,
    /// Replies with the magic and 3 of the 8 count bytes, then exits 0.
    Short,
    /// Replies with a correct frame, then exits with status 3.
    ExitNonZero,
    /// Replies with a correct frame, then panics (exit status 101).
    Panic,
    /// Replies with a correct frame, then is killed by SIGKILL.
    Killed,
}

impl WorkerFault {
    /// The worker's command-line word for it.
    pub fn word(self) -> &'static str {
        match self {
            WorkerFault::Abort => "abort",
            WorkerFault::Garbage => "garbage",
            WorkerFault::Short => "short",
            WorkerFault::ExitNonZero => "exit-nonzero",
            WorkerFault::Panic => "panic",
            WorkerFault::Killed => "killed",
        }
    }
}

/// For tests: a folder where workers meet. Each worker of the meeting leaves a marker file
/// there (`<pid>`, holding its pid and start time), then waits until all `workers` markers
/// are there, so a worker started after its siblings were waited for gives up (after
/// [`MEETING_TIMEOUT_SECS`]) and exits with [`MET_ALONE_STATUS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// The folder (it must exist); one marker file per worker.
    pub dir: PathBuf,
    /// How many workers take part.
    pub workers: usize,
}

/// How long a worker waits for its siblings before it gives up.
pub const MEETING_TIMEOUT_SECS: u64 = 5;
/// The exit status of a worker that gave up waiting for its siblings.
pub const MET_ALONE_STATUS: i32 = 4;

/// One worker's job: how many increments, and (for tests) how to misbehave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Increments the worker makes on its own copy of the C counter.
    pub increments: u64,
    /// Misbehaviour, for fault tests.
    pub fault: Option<WorkerFault>,
    /// For tests: reply with this count without counting (counts too big to count to).
    pub claim: Option<u64>,
    /// For tests: meet the other workers first (see [`Meeting`]).
    pub meet: Option<Meeting>,
}

impl Job {
    /// A well-behaved job.
    pub fn count(increments: u64) -> Self {
        Job {
            increments,
            fault: None,
            claim: None,
            meet: None,
        }
    }

    /// A job whose worker replies `count` without counting.
    pub fn claiming(count: u64) -> Self {
        Job {
            claim: Some(count),
            ..Job::count(0)
        }
    }

    /// This job, misbehaving as `fault` says.
    pub fn with_fault(self, fault: WorkerFault) -> Self {
        Job {
            fault: Some(fault),
            ..self
        }
    }

    /// This job, meeting its siblings first.
    pub fn meeting(self, meeting: &Meeting) -> Self {
        Job {
            meet: Some(meeting.clone()),
            ..self
        }
    }

    /// The command that starts this job's worker, with its stdout piped back to us.
    pub fn command(&self, worker: &Path) -> Command {
        let mut cmd = Command::new(worker);
        cmd.arg(self.increments.to_string());
        if let Some(fault) = self.fault {
            cmd.arg(fault.word());
        }
        if let Some(count) = self.claim {
            cmd.arg("--claim").arg(count.to_string());
        }
        if let Some(meeting) = &self.meet {
            cmd.arg("--meet")
                .arg(&meeting.dir)
                .arg(meeting.workers.to_string());
        }
        cmd.stdin(Stdio::null()).stdout(Stdio::piped());
        cmd
    }
}

// The exercise: src/exercise.rs or, with `LAB_VARIANT=<variant>` set, the file lessons/build.rs
// chose from lessons/lessons.toml (the solution, the shipped copy or a wrong answer).
#[cfg(not(lab_variant))]
pub mod exercise;
#[cfg(lab_variant)]
include!(concat!(env!("OUT_DIR"), "/exercise.rs"));

pub use exercise::{count_in_processes, count_with_pool, decode_reply};
/// The pool's test-only faults, which `count_with_pool` passes on.
pub use isolated::fault_injection::TestFault;
/// The lab's process pool, for the last part of the exercise.
pub use isolated::{Pool, PoolConfig, PoolError};
