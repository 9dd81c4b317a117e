//! A child that a test watches from outside: its stderr collected by a thread as it runs (so a
//! chatty child never blocks), and its exit awaited for at most a limit. The signal tests of
//! `lab` and `xtask` start a runner this way, signal it mid-job, and see what it left.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

use crate::procfs::{self, Stat};

/// A started child and the thread that reads its stderr to the end.
#[derive(Debug)]
pub struct Watched {
    /// The child (its stdout goes nowhere).
    pub child: Child,
    stderr: JoinHandle<String>,
}

impl Watched {
    /// Starts `cmd` with stdout discarded and stderr collected.
    pub fn start(cmd: &mut Command) -> std::io::Result<Self> {
        let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn()?;
        let mut pipe = child.stderr.take().expect("stderr was piped");
        let stderr = thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        });
        Ok(Watched { child, stderr })
    }

    /// Its process id.
    pub fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("a pid fits in an i32")
    }

    /// Its exit status, if it exits within `limit` (it is reaped then).
    pub fn wait_within(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills it and every process of `seen` (or of their groups) that still runs: what a test
    /// does last, so that it leaves nothing behind even when it fails.
    pub fn kill_all(&mut self, seen: &[Stat]) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for p in procfs::still_running(seen) {
            let _ = killpg(Pid::from_raw(p.pgrp), Signal::SIGKILL);
            let _ = kill(Pid::from_raw(p.pid), Signal::SIGKILL);
        }
    }

    /// Everything it wrote to stderr (waits for the pipe to close).
    pub fn stderr(self) -> String {
        self.stderr.join().unwrap_or_default()
    }
}
