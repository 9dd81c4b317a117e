//! Why an MPI job failed, read from what mpirun printed: which rank, and what happened to it.
//!
//! OpenMPI (4.1) says it in a few fixed sentences (samples of real runs are in
//! `crates/supervisor/testdata/mpirun/`):
//! - `MPI_ABORT was invoked on rank 1 in communicator MPI_COMM_WORLD with errorcode 3.`
//! - `mpirun noticed that process rank 1 with PID 0 on node vm exited on signal 11
//!   (Segmentation fault).` (a rank killed by a signal: `abort()` is SIGABRT, 6)
//! - `The first process to do so was: Process name: [[29977,1],1] Exit code: 7` (the second
//!   number of the name is the rank)
//! - `The user-provided time limit for job execution has been reached` (`--timeout`), which does
//!   not say which rank hung. A program can: each rank prints [`reached`]`(rank, step)` on
//!   stderr before a collective step, and the ranks that never said it are the ones that hung.

use std::time::Duration;

use super::{INSTALL, Launch};
use crate::RunError;

/// The line a rank prints (on stderr) when it reaches `step`, for [`MpiError::TimedOut`] to
/// name the ranks that never did: `mpi: rank 2 reached the reduce`.
pub fn reached(rank: u32, step: &str) -> String {
    format!("mpi: rank {rank} reached {step}")
}

/// Why an MPI job has no result. Each message names the rank and the cause; `output` is what
/// mpirun and the ranks printed, for the details.
#[derive(Debug, thiserror::Error)]
pub enum MpiError {
    /// `mpirun` is not on `PATH`.
    #[error("mpirun is not installed: install OpenMPI with {INSTALL}")]
    NotInstalled,
    /// A rank called `MPI_Abort`; mpirun stopped every rank.
    #[error("rank {rank} called MPI_Abort (error code {code}), so mpirun stopped every rank")]
    Aborted {
        /// The rank that called it.
        rank: u32,
        /// The error code it gave.
        code: i32,
        /// mpirun's and the ranks' output.
        output: String,
    },
    /// A rank was killed by a signal (SIGSEGV from a bad store in C, SIGABRT from `abort()`).
    #[error("rank {rank} was killed by {signal} ({what}){}", signal_hint(.signal))]
    Killed {
        /// The rank.
        rank: u32,
        /// The signal's name, `SIGSEGV`.
        signal: String,
        /// mpirun's words for it, `Segmentation fault`.
        what: String,
        /// mpirun's and the ranks' output.
        output: String,
    },
    /// A rank exited with a non-zero status.
    #[error("rank {rank} exited with status {code}, so mpirun stopped the job")]
    Exited {
        /// The rank.
        rank: u32,
        /// Its exit status.
        code: i32,
        /// mpirun's and the ranks' output.
        output: String,
    },
    /// The job did not finish within the limit and was stopped.
    #[error("the job did not finish within {} s, so {}: {}", .limit.as_secs(), stopper(*.by_launcher), unfinished(.missing, .step))]
    TimedOut {
        /// The limit (mpirun's `--timeout`).
        limit: Duration,
        /// True when mpirun did not stop it by itself and the launcher did, [`super::MARGIN`] later.
        by_launcher: bool,
        /// The ranks that never printed [`reached`] (empty when no rank printed it).
        missing: Vec<u32>,
        /// The step the other ranks reached.
        step: Option<String>,
        /// mpirun's and the ranks' output.
        output: String,
    },
    /// mpirun failed without saying which rank.
    #[error("mpirun failed ({status}) without naming a rank; its output ends:\n{}", crate::tail(.output, 8))]
    Failed {
        /// How mpirun exited.
        status: String,
        /// mpirun's and the ranks' output.
        output: String,
    },
    /// The run's scratch folder could not be made.
    #[error("cannot make the MPI run's scratch folder: {0}")]
    Scratch(std::io::Error),
    /// mpirun could not be run.
    #[error(transparent)]
    Run(RunError),
}

impl MpiError {
    /// Reads mpirun's `output` for the rank that failed. `status` is how mpirun ended;
    /// `stopped` is true when the launcher had to stop mpirun at its limit.
    pub(crate) fn from_output(job: &Launch, output: &str, status: &str, stopped: bool) -> Self {
        let output = output.to_string();
        if let Some((rank, code)) = mpi_abort(&output) {
            return MpiError::Aborted { rank, code, output };
        }
        if let Some((rank, number, what)) = signalled(&output) {
            let signal = nix::sys::signal::Signal::try_from(number)
                .map_or_else(|_| format!("signal {number}"), |s| s.as_str().to_string());
            return MpiError::Killed {
                rank,
                signal,
                what,
                output,
            };
        }
        if let Some((rank, code)) = exited(&output) {
            return MpiError::Exited { rank, code, output };
        }
        let timed_out = output.contains("time limit for job execution has been reached");
        if timed_out || stopped {
            let (missing, step) = not_reached(job.ranks, &output);
            return MpiError::TimedOut {
                limit: Duration::from_secs(job.timeout_secs()),
                by_launcher: !timed_out,
                missing,
                step,
                output,
            };
        }
        MpiError::Failed {
            status: status.to_string(),
            output,
        }
    }

    /// What mpirun and the ranks printed (empty when nothing ran).
    pub fn output(&self) -> &str {
        match self {
            MpiError::Aborted { output, .. }
            | MpiError::Killed { output, .. }
            | MpiError::Exited { output, .. }
            | MpiError::TimedOut { output, .. }
            | MpiError::Failed { output, .. } => output,
            _ => "",
        }
    }
}

/// `MPI_ABORT was invoked on rank R in communicator C\nwith errorcode E.`
fn mpi_abort(text: &str) -> Option<(u32, i32)> {
    let rest = after(text, "MPI_ABORT was invoked on rank ")?;
    let rank = leading(rest)?;
    let code = after(rest, "with errorcode ")?;
    Some((rank, leading_signed(code)?))
}

/// `process rank R with PID P on node N exited on signal S (What).`
fn signalled(text: &str) -> Option<(u32, i32, String)> {
    let line = text.lines().find(|l| l.contains(" exited on signal "))?;
    let rank = leading(after(line, "process rank ")?)?;
    let rest = after(line, " exited on signal ")?;
    let number = leading_signed(rest)?;
    let what = after(rest, "(")
        .and_then(|w| w.split(')').next())
        .unwrap_or("")
        .to_string();
    Some((rank, number, what))
}

/// `Process name: [[J,1],R]` followed by `Exit code: C`.
fn exited(text: &str) -> Option<(u32, i32)> {
    let name = after(text, "Process name: [[")?;
    let rank = leading(after(name, "],")?)?;
    let code = after(name, "Exit code:")?.trim_start();
    Some((rank, leading_signed(code)?))
}

/// The ranks below `ranks` that never printed [`reached`], and the step the others reached;
/// nothing when no rank printed it (the program does not say).
fn not_reached(ranks: u32, text: &str) -> (Vec<u32>, Option<String>) {
    let mut seen = std::collections::BTreeSet::new();
    let mut step = None;
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("mpi: rank ") else {
            continue;
        };
        if let (Some(rank), Some(what)) = (leading(rest), after(rest, " reached ")) {
            seen.insert(rank);
            step.get_or_insert_with(|| what.to_string());
        }
    }
    if seen.is_empty() {
        return (Vec::new(), None);
    }
    ((0..ranks).filter(|r| !seen.contains(r)).collect(), step)
}

fn after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    text.find(marker).map(|i| &text[i + marker.len()..])
}

fn leading(text: &str) -> Option<u32> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn leading_signed(text: &str) -> Option<i32> {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    leading(digits)
        .and_then(|n| i32::try_from(n).ok())
        .map(|n| sign * n)
}

fn signal_hint(signal: &str) -> &'static str {
    match signal {
        "SIGSEGV" => ": a store or load at an address it may not touch (a bug in C?)",
        "SIGABRT" => ": it called abort()",
        "SIGKILL" => ": killed from outside (kill -9, or the out-of-memory killer)",
        _ => "",
    }
}

fn stopper(by_launcher: bool) -> &'static str {
    if by_launcher {
        "the launcher stopped mpirun (mpirun's own --timeout did not end it)"
    } else {
        "mpirun stopped it (--timeout)"
    }
}

fn unfinished(missing: &[u32], step: &Option<String>) -> String {
    let names = |ranks: &[u32]| {
        let list: Vec<String> = ranks.iter().map(u32::to_string).collect();
        let noun = if ranks.len() == 1 { "rank" } else { "ranks" };
        format!("{noun} {}", list.join(", "))
    };
    match step {
        Some(step) if !missing.is_empty() => format!(
            "{} never reached {step}, where the others waited for {}",
            names(missing),
            if missing.len() == 1 { "it" } else { "them" }
        ),
        Some(step) => format!("every rank reached {step}, and then the job hung"),
        None => "no rank said how far it got, so mpirun cannot tell which rank hung".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mpi::Transport;

    fn sample(name: &str) -> String {
        let path = format!("{}/testdata/mpirun/{name}.txt", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn parse(name: &str, extra: &str) -> MpiError {
        let job = Launch {
            ranks: 4,
            transport: Transport::SharedMemory,
            limit: Duration::from_secs(3),
        };
        MpiError::from_output(
            &job,
            &format!("{extra}{}", sample(name)),
            "exit status: 1",
            false,
        )
    }

    #[test]
    fn an_abort_names_the_rank_and_sigabrt() {
        let err = parse("abort", "");
        assert!(matches!(&err, MpiError::Killed { rank: 1, signal, .. } if signal == "SIGABRT"));
        assert_eq!(
            err.to_string(),
            "rank 1 was killed by SIGABRT (Aborted): it called abort()"
        );
    }

    #[test]
    fn a_segfault_names_the_rank_and_sigsegv() {
        let err = parse("segv", "");
        assert_eq!(
            err.to_string(),
            "rank 1 was killed by SIGSEGV (Segmentation fault): a store or load at an address \
             it may not touch (a bug in C?)"
        );
    }

    #[test]
    fn mpi_abort_names_the_rank_and_its_error_code() {
        let err = parse("mpi-abort", "");
        assert!(
            matches!(
                err,
                MpiError::Aborted {
                    rank: 1,
                    code: 3,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn a_lost_mpi_abort_message_is_a_failure_without_a_rank_not_a_guess() {
        let err = parse("mpi-abort-lost-message", "");
        assert!(matches!(err, MpiError::Failed { .. }), "{err}");
        assert!(err.to_string().contains("ORTE_ERROR_LOG"), "{err}");
    }

    #[test]
    fn a_non_zero_exit_names_the_rank_and_the_status() {
        let err = parse("exit", "");
        assert_eq!(
            err.to_string(),
            "rank 1 exited with status 7, so mpirun stopped the job"
        );
    }

    #[test]
    fn a_time_out_names_the_ranks_that_never_reached_the_step() {
        let marks = format!(
            "{}\n{}\n{}\n",
            reached(0, "the reduce"),
            reached(2, "the reduce"),
            reached(3, "the reduce")
        );
        let err = parse("timeout", &marks);
        assert_eq!(
            err.to_string(),
            "the job did not finish within 3 s, so mpirun stopped it (--timeout): rank 1 never \
             reached the reduce, where the others waited for it"
        );
        let silent = parse("timeout", "");
        assert!(
            matches!(&silent, MpiError::TimedOut { missing, by_launcher: false, .. } if missing.is_empty()),
            "{silent}"
        );
    }

    #[test]
    fn a_run_the_launcher_stopped_is_a_time_out_by_the_launcher() {
        let job = Launch {
            ranks: 2,
            transport: Transport::Tcp,
            limit: Duration::from_secs(3),
        };
        let err = MpiError::from_output(&job, &reached(1, "the gather"), "stopped", true);
        assert!(
            err.to_string()
                .contains("the launcher stopped mpirun (mpirun's own --timeout did not end it): rank 0 never reached the gather"),
            "{err}"
        );
    }
}
