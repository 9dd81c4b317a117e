//! Programs that are not lab-workers: each is told for what it is, killed with its own children,
//! and waited for once. The programs are small shell scripts written into a temporary directory;
//! every process they start is killed by the test's guard even when an assertion fails, and
//! reaped by this process, which adopts the orphans they leave (a child subreaper).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use isolated::locate::WORKER_ENV;
use isolated::{Pool, PoolConfig, PoolError};

/// Writes an executable shell script `name` with `body` into `dir`.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// Kills the processes whose pids are in `pid_file` (one a line) when dropped: nothing a test's
/// script started outlives the test, pass or fail.
struct KillOnDrop {
    /// Where the script wrote its children's pids.
    pid_file: PathBuf,
}

impl KillOnDrop {
    /// The pids written so far.
    fn pids(&self) -> Vec<u32> {
        std::fs::read_to_string(&self.pid_file)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        for pid in self.pids() {
            common::kill_if_alive(pid);
            common::reap_if_child(pid);
        }
    }
}

#[test]
fn a_program_that_prints_text_is_not_a_lab_worker_and_its_children_die_with_it() {
    common::adopt_orphans(); // the script's child, orphaned when the script is killed, is ours
    let dir = tempfile::tempdir().unwrap();
    let guard = KillOnDrop {
        pid_file: dir.path().join("children"),
    };
    // A program that starts a child of its own, says hello in text, and waits.
    let bogus = script(
        dir.path(),
        "chatty",
        &format!(
            "sleep 300 &\necho $! >> '{}'\necho 'hello, I am not a worker'\nexec sleep 300",
            guard.pid_file.display()
        ),
    );
    let err = Pool::start(PoolConfig::new(&bogus, 1)).unwrap_err();
    assert!(matches!(err, PoolError::NotAWorker { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("not a lab-worker: its first bytes are not a protocol header"),
        "{text}"
    );
    assert!(
        text.contains("hello, I am"),
        "the message shows them: {text}"
    );
    assert!(
        !text.contains("stale"),
        "text is not a stale worker: {text}"
    );
    let children = guard.pids();
    assert_eq!(children.len(), 1, "the script wrote its child's pid");
    for pid in children {
        common::assert_dies_within(pid, Duration::from_secs(5), "the bogus worker's own child");
    }
}

/// Run in a child by the test below, with `$LAB_WORKER` set there: times `ensure_worker`.
#[test]
#[ignore = "a probe: run by an_explicit_lab_worker_is_not_handshaken_before_the_pool_is"]
fn probe_ensure_worker() {
    let started = Instant::now();
    let found = isolated::locate::ensure_worker();
    println!(
        "ENSURE {} ms {:?}",
        started.elapsed().as_millis(),
        found.map_err(|e| e.to_string())
    );
}

#[test]
fn an_explicit_lab_worker_is_not_handshaken_before_the_pool_is() {
    // A worker that never answers: the pool's handshake limit (10 s) is the one wait it may
    // cost. `ensure_worker` must not spend another one checking it first.
    let dir = tempfile::tempdir().unwrap();
    let guard = KillOnDrop {
        pid_file: dir.path().join("children"),
    };
    let silent = script(
        dir.path(),
        "silent",
        &format!("echo $$ >> '{}'\nexec sleep 300", guard.pid_file.display()),
    );
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "probe_ensure_worker",
            "--include-ignored",
            "--nocapture",
        ])
        .env(WORKER_ENV, &silent)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("ENSURE "))
        .unwrap_or_else(|| panic!("no ENSURE line: {stdout}"));
    let ms: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!(
        ms < 3000,
        "ensure_worker took {ms} ms on an explicit {WORKER_ENV}: it ran a handshake of its own \
         before the pool's ({line})"
    );
    assert!(
        line.contains(&format!("Ok({:?})", silent)),
        "an explicit {WORKER_ENV} is used as given: {line}"
    );
}
