//! Running the real `lab` binary from the runner's tests: one at a time, with its own progress
//! file, and what it printed.

#![allow(
    dead_code,
    reason = "each test binary that includes this module uses a part of it"
)]
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One `lab` at a time: each runs cargo on the shared target directory, and a test run must not
/// spend its time limit waiting for another test's build to release cargo's lock.
pub static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// What one run of `lab` did.
#[derive(Debug)]
pub struct Ran {
    /// Its exit code (`None` when a signal ended it).
    pub code: Option<i32>,
    /// stdout followed by stderr.
    pub text: String,
    /// stdout alone.
    pub stdout: String,
    /// How long it took.
    pub elapsed: Duration,
}

impl Ran {
    /// Whether it exited with status 0.
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
}

/// A fresh progress file (in a folder removed on drop), so a test never touches the real one.
pub fn progress_file() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("progress.json");
    (dir, path)
}

/// Runs `lab <args>` with `progress` as its progress file, and waits for it.
pub fn lab(args: &[&str], progress: &std::path::Path) -> Ran {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_lab"))
        .args(args)
        .env("LAB_PROGRESS", progress)
        .output()
        .expect("the lab binary runs");
    Ran {
        code: out.status.code(),
        text: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        elapsed: started.elapsed(),
    }
}
