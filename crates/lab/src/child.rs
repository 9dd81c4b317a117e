//! Running a child program without ever hanging: every child gets a time limit, runs in its own
//! process group, and the whole group is killed when the limit passes. The runner uses this for
//! students' code (which may deadlock), and `cargo xtask` for every step it runs.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use wait_timeout::ChildExt;

/// What to do with the child's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Collect stdout and stderr into [`Finished`].
    Capture,
    /// Let the child print straight to our terminal.
    Inherit,
}

/// A child that ended by itself within its time limit.
#[derive(Debug)]
pub struct Finished {
    /// How it exited.
    pub status: ExitStatus,
    /// Captured stdout (empty with [`Output::Inherit`]).
    pub stdout: String,
    /// Captured stderr (empty with [`Output::Inherit`]).
    pub stderr: String,
    /// Wall-clock time it ran.
    pub elapsed: Duration,
}

impl Finished {
    /// stdout followed by stderr, for searching.
    pub fn combined(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Why a child did not finish normally.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The program could not be started (missing, not executable, ...).
    #[error("could not start `{program}`: {source}")]
    Spawn {
        /// The program as given.
        program: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The limit passed; the child's whole process group was killed and reaped.
    #[error("still running after {limit:.0?}: stopped it (a deadlock or an endless loop?)")]
    TimedOut {
        /// The limit that passed.
        limit: Duration,
        /// What it printed before it was killed (captured mode only).
        stdout: String,
        /// What it printed to stderr before it was killed (captured mode only).
        stderr: String,
    },
}

/// Runs `cmd` to completion or until `limit` passes, whichever is first.
pub fn run(cmd: &mut Command, limit: Duration, output: Output) -> Result<Finished, RunError> {
    let program = format!("{}", cmd.get_program().to_string_lossy());
    {
        use std::os::unix::process::CommandExt;
        // Own process group: a timeout kills grandchildren too (cargo -> test binary).
        cmd.process_group(0);
    }
    match output {
        Output::Capture => cmd.stdout(Stdio::piped()).stderr(Stdio::piped()),
        Output::Inherit => cmd.stdout(Stdio::inherit()).stderr(Stdio::inherit()),
    };
    cmd.stdin(Stdio::null());
    let start = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(|source| RunError::Spawn { program, source })?;
    let readers = Readers::start(&mut child);
    let waited = child.wait_timeout(limit);
    match waited {
        Ok(Some(status)) => {
            let (stdout, stderr) = readers.finish();
            Ok(Finished {
                status,
                stdout,
                stderr,
                elapsed: start.elapsed(),
            })
        }
        Ok(None) | Err(_) => {
            kill_group(&mut child);
            let (stdout, stderr) = readers.finish();
            Err(RunError::TimedOut {
                limit,
                stdout,
                stderr,
            })
        }
    }
}

/// The cargo that runs us (`CARGO` is set by `cargo run`), or the one on `PATH`.
pub fn cargo() -> std::path::PathBuf {
    std::env::var_os("CARGO").map_or_else(|| "cargo".into(), std::path::PathBuf::from)
}

/// A command as a shell line, for showing what runs (`$ cargo test -p racy`).
pub fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The last `lines` lines of `text`.
pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Kills the child's whole process group and reaps the child (no zombie is left behind).
pub fn kill_group(child: &mut Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // The group may already be gone; either way the child is reaped below.
        let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Threads that drain the child's pipes, so a chatty child never blocks on a full pipe.
struct Readers {
    out: Option<thread::JoinHandle<String>>,
    err: Option<thread::JoinHandle<String>>,
}

impl Readers {
    fn start(child: &mut Child) -> Self {
        fn drain(mut r: impl Read + Send + 'static) -> thread::JoinHandle<String> {
            thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = r.read_to_end(&mut bytes);
                String::from_utf8_lossy(&bytes).into_owned()
            })
        }
        Readers {
            out: child.stdout.take().map(drain),
            err: child.stderr.take().map(drain),
        }
    }

    fn finish(self) -> (String, String) {
        let join = |h: Option<thread::JoinHandle<String>>| {
            h.map(|h| h.join().unwrap_or_default()).unwrap_or_default()
        };
        (join(self.out), join(self.err))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_that_hangs_is_killed_at_the_limit() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo started; sleep 30"]);
        let err = run(&mut cmd, Duration::from_millis(300), Output::Capture).unwrap_err();
        match err {
            RunError::TimedOut { stdout, .. } => assert_eq!(stdout, "started\n"),
            other => panic!("expected a timeout, got {other}"),
        }
    }

    #[test]
    fn a_grandchild_that_hangs_is_killed_with_its_group() {
        // sh starts a background sleep that keeps stdout open: only a group kill ends it,
        // otherwise draining the pipe would hang.
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 30 & wait"]);
        let started = Instant::now();
        assert!(run(&mut cmd, Duration::from_millis(300), Output::Capture).is_err());
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the group kill did not end it"
        );
    }

    #[test]
    fn a_missing_program_is_a_spawn_error_naming_it() {
        let mut cmd = Command::new("/nonexistent/lab-program");
        let err = run(&mut cmd, Duration::from_secs(5), Output::Capture).unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent/lab-program"),
            "{err}"
        );
    }

    #[test]
    fn exit_status_and_output_are_reported() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo out; echo err >&2; exit 3"]);
        let done = run(&mut cmd, Duration::from_secs(10), Output::Capture).unwrap();
        assert_eq!(done.status.code(), Some(3));
        assert_eq!(done.stdout, "out\n");
        assert_eq!(done.stderr, "err\n");
    }
}
