//! **Test support: fault injection.** Everything that lets a test (or the demo, once, on purpose)
//! make a worker misbehave lives here, and nothing else in the crate depends on it being used.
//!
//! Two locks keep it out of ordinary runs, both needed:
//!
//! 1. the worker honours a fault only when started with `LAB_WORKER_TEST_FAULTS=1`
//!    ([`TEST_FAULTS_ENV`]); the pool sets that variable only for a pool built with
//!    [`PoolConfig::test_faults`](crate::PoolConfig::test_faults), and removes it from the
//!    workers' environment otherwise;
//! 2. a fault is asked for per task, through the request header's fault byte, only by an
//!    explicit [`Pool::run_injecting`](crate::Pool::run_injecting) or
//!    [`Pool::count_injecting`](crate::Pool::count_injecting) call.
//!
//! A worker without the variable answers a fault byte with an `Error` frame and carries on.

use std::io::{self, Write};
use std::process::Command;

use crate::protocol::{self, MAX_PAYLOAD, Op, VERSION};

// ANCHOR: test_faults
/// Faults a worker can be asked to commit, for the fault tests. Header byte 2.
///
/// **Test-only.** A worker honours a non-zero fault byte only when it was started with
/// `LAB_WORKER_TEST_FAULTS=1` in its environment; the pool sets that variable only when built
/// with [`PoolConfig::test_faults`](crate::PoolConfig::test_faults) and removes it otherwise, so
/// no production run can reach these. Every fault happens *after* the worker did the task's work
/// and *before* it replied: the reply is lost, the work (on the worker's own counter) is not seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum TestFault {
    /// `std::process::abort()`: SIGABRT.
    Abort = 1,
    /// A real SIGSEGV from a store inside C (`c_src/fault.c`).
    SegfaultInC = 2,
    /// The worker sends itself SIGKILL (as the OOM killer or `kill -9` would).
    Killed = 3,
    /// Sleeps forever instead of replying: the pool's per-task timeout must end it.
    Hang = 4,
    /// Writes a header with an opcode that does not exist.
    MalformedReply = 5,
    /// Writes a header announcing 16 bytes, then 3 bytes, then exits.
    TruncatedReply = 6,
    /// Writes a header announcing `MAX_PAYLOAD + 1` bytes.
    OversizedReply = 7,
    /// Exits with status 0 without replying.
    ExitWithoutReply = 8,
}
// ANCHOR_END: test_faults

impl TestFault {
    /// Every fault, for tests that try them all.
    pub const ALL: [TestFault; 8] = [
        TestFault::Abort,
        TestFault::SegfaultInC,
        TestFault::Killed,
        TestFault::Hang,
        TestFault::MalformedReply,
        TestFault::TruncatedReply,
        TestFault::OversizedReply,
        TestFault::ExitWithoutReply,
    ];

    /// The fault for a header byte.
    pub fn from_byte(b: u8) -> Option<TestFault> {
        TestFault::ALL.into_iter().find(|f| *f as u8 == b)
    }
}

/// The environment variable that lets a worker honour [`TestFault`]s.
pub const TEST_FAULTS_ENV: &str = "LAB_WORKER_TEST_FAULTS";
/// Needs [`TEST_FAULTS_ENV`] too: the worker stamps this version on its replies, to play a stale
/// worker binary.
pub const TEST_VERSION_ENV: &str = "LAB_WORKER_TEST_VERSION";

// The pool's side.

/// Sets the worker's test variables on `cmd`: [`TEST_FAULTS_ENV`] only when `faults` is on,
/// [`TEST_VERSION_ENV`] only when a `version` is given; otherwise both are removed, so a
/// variable in the parent's own environment never reaches a worker.
pub(crate) fn set_worker_env(cmd: &mut Command, faults: bool, version: Option<u8>) {
    cmd.env_remove(TEST_FAULTS_ENV).env_remove(TEST_VERSION_ENV);
    if faults {
        cmd.env(TEST_FAULTS_ENV, "1");
    }
    if let Some(v) = version {
        cmd.env(TEST_VERSION_ENV, v.to_string());
    }
}

/// The fault byte for `task`'s request: its fault from `faults` on the first attempt, else 0
/// (a re-run is never faulted, so retry can recover).
pub(crate) fn fault_byte(faults: &[(usize, TestFault)], task: usize, attempt: u32) -> u8 {
    match faults.iter().find(|(t, _)| *t == task) {
        Some((_, f)) if attempt == 1 => *f as u8,
        _ => 0,
    }
}

// The worker's side.

/// How a worker was started: both options are test switches, read from the environment.
#[derive(Debug, Clone, Copy)]
pub struct WorkerOptions {
    /// Honour [`TestFault`] bytes ([`TEST_FAULTS_ENV`]`=1`).
    pub faults_enabled: bool,
    /// The version stamped on replies ([`VERSION`] except in the stale-worker test).
    pub reply_version: u8,
}

impl WorkerOptions {
    /// Reads the test variables: [`TEST_FAULTS_ENV`] and, only with it, [`TEST_VERSION_ENV`].
    pub fn from_env() -> Self {
        let faults_enabled = std::env::var(TEST_FAULTS_ENV).is_ok_and(|v| v == "1");
        let reply_version = if faults_enabled {
            std::env::var(TEST_VERSION_ENV)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(VERSION)
        } else {
            VERSION
        };
        WorkerOptions {
            faults_enabled,
            reply_version,
        }
    }
}

/// The fault a request's fault byte asks for (`None` for 0), or the message of the `Error`
/// reply that refuses it: faults are disabled, or the byte names no fault.
pub(crate) fn requested(byte: u8, enabled: bool) -> Result<Option<TestFault>, String> {
    match (byte, enabled, TestFault::from_byte(byte)) {
        (0, _, _) => Ok(None),
        (_, true, Some(f)) => Ok(Some(f)),
        (_, false, _) => Err(format!(
            "fault injection is disabled (it is test-only: {TEST_FAULTS_ENV}=1)"
        )),
        (_, true, None) => Err("unknown test fault".into()),
    }
}

/// Commits fault `f` on `out`, the worker's stdout, with replies stamped `version`. Most faults
/// never return.
pub(crate) fn commit(f: TestFault, out: &mut impl Write, version: u8) -> io::Result<()> {
    match f {
        TestFault::Abort => std::process::abort(),
        TestFault::SegfaultInC => ffi::fault::segfault_in_c(),
        TestFault::Killed => {
            let me = nix::unistd::Pid::this();
            let _ = nix::sys::signal::kill(me, nix::sys::signal::Signal::SIGKILL);
            std::process::abort() // not reached: SIGKILL cannot be caught
        }
        TestFault::Hang => sleep_forever(),
        TestFault::MalformedReply => {
            let mut frame = Vec::new();
            protocol::write_header(&mut frame, version, Op::Counted, 0, 0, 0);
            frame[1] = 0x7E; // no such opcode
            out.write_all(&frame)?;
            out.flush()?;
            std::process::exit(0)
        }
        TestFault::TruncatedReply => {
            let mut frame = Vec::new();
            protocol::write_header(&mut frame, version, Op::Counted, 0, 0, 16);
            frame.extend_from_slice(&[1, 2, 3]);
            out.write_all(&frame)?;
            out.flush()?;
            std::process::exit(3)
        }
        TestFault::OversizedReply => {
            let mut frame = Vec::new();
            protocol::write_header(&mut frame, version, Op::Counted, 0, 0, 0);
            frame[8..12].copy_from_slice(&(MAX_PAYLOAD as u32 + 1).to_le_bytes());
            out.write_all(&frame)?;
            out.flush()?;
            // stay alive: the parent must refuse the header without waiting for the payload
            sleep_forever()
        }
        TestFault::ExitWithoutReply => std::process::exit(0),
    }
}

/// Never returns: the pool has to end this worker.
fn sleep_forever() -> ! {
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_round_trips_through_its_byte_and_zero_is_none() {
        for f in TestFault::ALL {
            assert_eq!(TestFault::from_byte(f as u8), Some(f));
        }
        assert_eq!(TestFault::from_byte(0), None);
    }

    #[test]
    fn a_fault_is_sent_on_the_first_attempt_only() {
        let faults = [(2, TestFault::Abort)];
        assert_eq!(fault_byte(&faults, 2, 1), TestFault::Abort as u8);
        assert_eq!(fault_byte(&faults, 2, 2), 0, "a re-run is never faulted");
        assert_eq!(fault_byte(&faults, 1, 1), 0, "another task");
    }

    #[test]
    fn a_fault_byte_is_refused_while_faults_are_disabled() {
        assert_eq!(requested(0, false), Ok(None));
        let refused = requested(TestFault::Abort as u8, false).unwrap_err();
        assert!(refused.contains("fault injection is disabled"), "{refused}");
        assert_eq!(
            requested(TestFault::Hang as u8, true),
            Ok(Some(TestFault::Hang))
        );
        assert_eq!(requested(0xEE, true), Err("unknown test fault".into()));
    }
}
