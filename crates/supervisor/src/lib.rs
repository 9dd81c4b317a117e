//! # `supervisor`: running a child program without ever hanging and without leaving anything
//! behind. Every
//! child runs in its own process group under a time limit that covers reading its output too.
//! When the child exits, or when the limit passes, whichever is first, its whole group is
//! stopped ([`stop_group`]: SIGTERM, then SIGKILL after [`GRACE`]) and the child is reaped, so a
//! background process it started (`Command::new("sleep").arg("1000").spawn()` in a student's
//! exercise) dies with it instead of holding our pipe open. The runner uses this for students'
//! code (which may deadlock or start processes of its own), and `cargo xtask` for every step it
//! runs.
//!
//! A program that calls [`supervise`] (`cargo lab check` and `watch`, every `cargo xtask`
//! command) also:
//! - ends on SIGINT, SIGTERM and SIGHUP by stopping every group it started, then itself, with a
//!   one-line message and the exit status 128 + the signal's number (130 for Ctrl-C): its
//!   children run in their own groups, so the terminal's Ctrl-C never reaches them;
//! - is the subreaper of everything it starts (`PR_SET_CHILD_SUBREAPER`): a process that leaves
//!   its group (`setsid`, `process_group(0)`) and loses its parent is handed to us instead of to
//!   init, and is killed when the run that started it ends.
//!
//! What no code can catch: SIGKILL of the runner itself. Its children then keep running (they
//! are in their own groups, and nothing here asks the kernel to kill them with their parent).

#![forbid(unsafe_code)]

use std::collections::BTreeSet;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid, waitpid};
use nix::unistd::{Pid, getpgrp, getpid};

pub mod mpi;
pub mod procfs;
pub mod python;
mod signals;
pub mod watched;

pub use signals::{STOP_SIGNALS, supervise};

/// How long a stopped group has, after SIGTERM, before SIGKILL. Long enough for a runner
/// inside it (`cargo xtask verify` under `test-all`) to stop its own children first.
pub const GRACE: Duration = Duration::from_secs(3);

/// How long the output may take to drain once the group is gone: a pipe still open then is held
/// by a process outside the group, and we stop reading.
const DRAIN: Duration = Duration::from_secs(2);

/// The process groups of the children [`run`] started and has not reaped yet (each child leads
/// its own group, so its pid is the group's id). A child is added while this lock is held
/// across its spawn and removed while it is held across its reaping, so whoever holds the lock
/// sees every group that exists, and each id still names the group it was added for (an
/// unreaped leader keeps its pid from being reused).
static LIVE: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());

/// Set by [`supervise`] once we are the subreaper of our descendants.
pub(crate) static ADOPTS: AtomicBool = AtomicBool::new(false);

pub(crate) fn live() -> MutexGuard<'static, BTreeSet<i32>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

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
    /// The limit passed; the child's whole process group was stopped and the child reaped.
    #[error("still running after {limit:.0?}: stopped it (a deadlock or an endless loop?)")]
    TimedOut {
        /// The limit that passed.
        limit: Duration,
        /// What it printed before it was killed (captured mode only).
        stdout: String,
        /// What it printed to stderr before it was killed (captured mode only).
        stderr: String,
    },
    /// Waiting for the child failed (its group was stopped all the same).
    #[error("could not wait for `{program}`: {source}")]
    Wait {
        /// The program as given.
        program: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

/// Runs `cmd` to completion or until `limit` passes, whichever is first; either way its whole
/// process group is stopped before this returns, and the limit includes reading its output.
pub fn run(cmd: &mut Command, limit: Duration, output: Output) -> Result<Finished, RunError> {
    let program = format!("{}", cmd.get_program().to_string_lossy());
    // Own process group: stopping it stops grandchildren too (cargo -> test binary -> ...).
    cmd.process_group(0);
    match output {
        Output::Capture => cmd.stdout(Stdio::piped()).stderr(Stdio::piped()),
        Output::Inherit => cmd.stdout(Stdio::inherit()).stderr(Stdio::inherit()),
    };
    cmd.stdin(Stdio::null());
    let start = Instant::now();
    let mut child = {
        let mut live = live();
        let child = cmd.spawn().map_err(|source| RunError::Spawn {
            program: program.clone(),
            source,
        })?;
        live.insert(group_of(&child));
        child
    };
    let readers = Readers::start(&mut child);
    let in_time = exits_by(&child, start + limit);
    let status = end(&mut child);
    let (stdout, stderr) = readers.finish(Instant::now() + DRAIN);
    if !in_time {
        return Err(RunError::TimedOut {
            limit,
            stdout,
            stderr,
        });
    }
    match status {
        Ok(status) => Ok(Finished {
            status,
            stdout,
            stderr,
            elapsed: start.elapsed(),
        }),
        Err(source) => Err(RunError::Wait { program, source }),
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

/// Stops the child's whole process group and reaps the child (no zombie is left behind). For a
/// child started by [`run`] (or any child that leads its own process group).
pub fn kill_group(child: &mut Child) {
    let _ = end(child);
}

/// The group a child of [`run`] leads.
fn group_of(child: &Child) -> i32 {
    i32::try_from(child.id()).expect("a pid fits in an i32")
}

/// True when the child exits before `deadline`. It is left unreaped (`WNOWAIT`): its pid, and
/// so its group's id, stays ours until [`end`] has stopped the group.
fn exits_by(child: &Child, deadline: Instant) -> bool {
    let pid = Pid::from_raw(group_of(child));
    let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
    let mut nap = Duration::from_millis(1);
    loop {
        match waitid(Id::Pid(pid), flags) {
            Ok(WaitStatus::StillAlive) | Err(nix::errno::Errno::EINTR) => {}
            // Exited; or it cannot be waited for at all (then there is nothing to wait for).
            Ok(_) | Err(_) => return true,
        }
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        thread::sleep(nap.min(deadline - now));
        nap = (nap * 2).min(Duration::from_millis(20));
    }
}

/// Stops the child's group, reaps the child, and (under [`supervise`]) kills the orphans that
/// were handed to us.
fn end(child: &mut Child) -> std::io::Result<ExitStatus> {
    let group = group_of(child);
    stop_group(group);
    let mut live = live();
    let status = child.wait();
    live.remove(&group);
    if ADOPTS.load(Ordering::SeqCst) {
        kill_orphans(&live, false);
    }
    status
}

/// Stops every process of group `group`: SIGTERM (and SIGCONT, so a stopped process sees it),
/// up to [`GRACE`] for them to exit, then SIGKILL; returns once none runs (zombies aside) or a
/// few more seconds passed. A signal sent to a group reaches every member at once, including
/// one forked meanwhile, so nothing escapes by forking.
pub fn stop_group(group: i32) {
    let pg = Pid::from_raw(group);
    if procfs::group_is_running(group) {
        let _ = killpg(pg, Signal::SIGTERM);
        let _ = killpg(pg, Signal::SIGCONT);
        wait_until(|| !procfs::group_is_running(group), GRACE);
    }
    let _ = killpg(pg, Signal::SIGKILL);
    let until = Instant::now() + Duration::from_secs(5);
    while procfs::group_is_running(group) && Instant::now() < until {
        let _ = killpg(pg, Signal::SIGKILL);
        thread::sleep(Duration::from_millis(5));
    }
}

/// Polls `done` every few milliseconds for up to `within`; true when it became true.
fn wait_until(mut done: impl FnMut() -> bool, within: Duration) -> bool {
    let until = Instant::now() + within;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Kills and reaps the processes handed to us as their subreaper: our children that [`run`]
/// did not start itself (a process whose parent died while it had left its group). Their own
/// children are handed to us in turn, so this repeats until none is left. Unless `all`, our
/// children in our own process group are spared: they were started by other code of this
/// program (a worker pool, `mdbook serve`), not by a child of [`run`].
pub(crate) fn kill_orphans(live: &BTreeSet<i32>, all: bool) {
    let me = getpid().as_raw();
    let ours = getpgrp().as_raw();
    let until = Instant::now() + GRACE;
    loop {
        let orphans: Vec<i32> = procfs::all()
            .into_iter()
            .filter(|p| p.ppid == me && !live.contains(&p.pid) && !live.contains(&p.pgrp))
            .filter(|p| all || p.pgrp != ours)
            .map(|p| p.pid)
            .collect();
        if orphans.is_empty() || Instant::now() >= until {
            return;
        }
        for pid in orphans {
            let pid = Pid::from_raw(pid);
            let _ = kill(pid, Signal::SIGKILL);
            wait_until(
                || {
                    !matches!(
                        waitpid(pid, Some(WaitPidFlag::WNOHANG)),
                        Ok(WaitStatus::StillAlive)
                    )
                },
                GRACE,
            );
        }
    }
}

/// Threads that drain the child's pipes, so a chatty child never blocks on a full pipe. What
/// they read is kept as it arrives, so giving up on a pipe still loses nothing already read.
struct Readers {
    out: Option<Drain>,
    err: Option<Drain>,
}

struct Drain {
    bytes: Arc<Mutex<Vec<u8>>>,
    done: mpsc::Receiver<()>,
}

impl Readers {
    fn start(child: &mut Child) -> Self {
        fn drain(mut r: impl Read + Send + 'static) -> Drain {
            let bytes = Arc::new(Mutex::new(Vec::new()));
            let (tx, done) = mpsc::channel();
            let sink = Arc::clone(&bytes);
            thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match r.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => sink
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .extend_from_slice(&buf[..n]),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(_) => break,
                    }
                }
                let _ = tx.send(());
            });
            Drain { bytes, done }
        }
        Readers {
            out: child.stdout.take().map(drain),
            err: child.stderr.take().map(drain),
        }
    }

    /// What each pipe gave, waiting for their ends until `until` at the latest.
    fn finish(self, until: Instant) -> (String, String) {
        let take = |d: Option<Drain>| {
            d.map(|d| {
                let _ = d
                    .done
                    .recv_timeout(until.saturating_duration_since(Instant::now()));
                let bytes = d.bytes.lock().unwrap_or_else(|e| e.into_inner());
                String::from_utf8_lossy(&bytes).into_owned()
            })
            .unwrap_or_default()
        };
        (take(self.out), take(self.err))
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

    /// `sh` starts `sleep 1000` in the background (writing its pid to a file) and exits at
    /// once; the sleep keeps the stdout pipe open. The run must end within its limit anyway,
    /// and the sleep must be gone: it is in the child's process group.
    #[test]
    fn a_background_child_holding_the_pipe_neither_outlives_the_run_nor_stretches_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let mut cmd = Command::new("sh");
        cmd.args(["-c", r#"sleep 1000 & echo $! > "$1"; echo started"#, "sh"])
            .arg(&pidfile);
        let (tx, rx) = std::sync::mpsc::channel();
        thread::spawn(move || {
            let _ = tx.send(run(&mut cmd, Duration::from_secs(5), Output::Capture));
        });
        let got = rx.recv_timeout(Duration::from_secs(30));
        let pid: i32 = std::fs::read_to_string(&pidfile)
            .expect("sh wrote the pid of its sleep")
            .trim()
            .parse()
            .unwrap();
        let gone_by = Instant::now() + Duration::from_secs(10);
        while crate::procfs::is_running(pid) && Instant::now() < gone_by {
            thread::sleep(Duration::from_millis(20));
        }
        let survived = crate::procfs::is_running(pid);
        if survived {
            // Leave nothing behind even when the test fails.
            let _ = nix::sys::signal::kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
        let done = got
            .expect("run did not return within 30 s: it waited for the pipe the sleep holds")
            .expect("sh exits 0");
        assert!(done.status.success());
        assert_eq!(done.stdout, "started\n");
        assert!(
            !survived,
            "the background sleep (pid {pid}) outlived the run"
        );
    }

    /// At the limit the whole group goes, not only the child: `sh` and the `sleep` it started
    /// in the background are both gone when `run` returns.
    #[test]
    fn nothing_of_the_group_runs_after_a_time_out() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let mut cmd = Command::new("sh");
        cmd.args(["-c", r#"sleep 1000 & echo $! > "$1"; sleep 1000"#, "sh"])
            .arg(&pidfile);
        let err = run(&mut cmd, Duration::from_millis(1500), Output::Capture).unwrap_err();
        assert!(matches!(err, RunError::TimedOut { .. }), "{err}");
        let pid: i32 = std::fs::read_to_string(&pidfile)
            .expect("sh wrote the pid of its sleep")
            .trim()
            .parse()
            .unwrap();
        let survived = crate::procfs::is_running(pid);
        if survived {
            let _ = nix::sys::signal::kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
        assert!(
            !survived,
            "the background sleep (pid {pid}) outlived the time-out"
        );
    }
}
