//! Helpers shared by the test files (included with `mod common;`).
#![allow(dead_code)]

use std::time::Duration;

use isolated::{Pool, PoolConfig};

/// The worker binary cargo built for these tests.
pub const WORKER: &str = env!("CARGO_BIN_EXE_lab-worker");

/// A config for `n` workers of the test-built worker, with generous timeouts (no flakiness on
/// a loaded 2-core machine).
pub fn config(n: usize) -> PoolConfig {
    PoolConfig::new(WORKER, n).task_timeout(Duration::from_secs(60))
}

/// A started pool of `n` test-built workers.
pub fn pool(n: usize) -> Pool {
    Pool::start(config(n)).expect("the pool starts")
}

/// The parent process id (field 4) of `pid`, or `None` when `pid` no longer exists at all.
/// A zombie still has a `/proc` entry, so "None, or a parent that is not us" means the child
/// was reaped. (Pids are allocated increasingly, so a reuse within one test is not a concern.)
pub fn parent_of(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid ...": comm may contain spaces, so split after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// True when `pid` has exited but not been reaped yet (state `Z` in `/proc/<pid>/stat`).
pub fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        stat.rfind(')')
            .and_then(|i| stat[i + 1..].split_whitespace().next().map(|s| s == "Z"))
            .unwrap_or(false)
    })
}

/// Asserts that none of `pids` is still a child of this process (running or zombie).
pub fn assert_all_reaped(pids: &[u32]) {
    assert!(!pids.is_empty(), "no worker pids were recorded");
    let me = std::process::id();
    for &pid in pids {
        assert_ne!(
            parent_of(pid),
            Some(me),
            "worker pid {pid} is still our child (running or a zombie)"
        );
    }
}

/// True while `pid` exists and is not a zombie (a zombie has exited: it runs nothing and holds
/// no memory, and reaping it is its parent's job, or init's once it is orphaned).
pub fn is_alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid)
}

/// Sends SIGKILL to `pid` if it is still alive: a test's cleanup of what it started.
pub fn kill_if_alive(pid: u32) {
    if is_alive(pid)
        && let Ok(raw) = i32::try_from(pid)
    {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(raw),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
}

/// Waits until `pid` is dead (gone or a zombie), failing after `limit`.
pub fn assert_dies_within(pid: u32, limit: Duration, what: &str) {
    let deadline = std::time::Instant::now() + limit;
    while is_alive(pid) {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} (pid {pid}) is still alive after {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `st_dev` as `/proc/<pid>/maps` shows it: `major:minor` in hex (glibc's encoding of
/// `dev_t`).
pub fn dev_in_maps(dev: u64) -> String {
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    format!("{major:02x}:{minor:02x}")
}

/// Makes this test process the reaper of its orphaned descendants (`PR_SET_CHILD_SUBREAPER`):
/// a process whose parent dies is reparented here instead of to init, so the test can reap it
/// ([`reap_if_child`]) rather than leave a zombie behind for an init that may never reap one.
pub fn adopt_orphans() {
    nix::sys::prctl::set_child_subreaper(true).expect("PR_SET_CHILD_SUBREAPER");
}

/// Reaps `pid` if it is a child of this process (waiting for it: kill it first).
pub fn reap_if_child(pid: u32) {
    if parent_of(pid) == Some(std::process::id())
        && let Ok(raw) = i32::try_from(pid)
    {
        let _ = nix::sys::wait::waitpid(nix::unistd::Pid::from_raw(raw), None);
    }
}

/// Whether process `pid` maps the file `(dev, ino)` (`None` when its maps cannot be read:
/// it is gone).
pub fn maps(pid: u32, dev: u64, ino: u64) -> Option<bool> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/maps")).ok()?;
    let (dev, ino) = (dev_in_maps(dev), ino.to_string());
    Some(text.lines().any(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        f.len() >= 5 && f[3] == dev && f[4] == ino
    }))
}

/// Everything that still holds the file `(dev, ino)`, which was reached at `path`: every
/// process that maps it or has it open (this one included), every entry of the shared-memory
/// directory that names it, and `path` if it still leads to it. Empty once its memory is free.
pub fn holders(dev: u64, ino: u64, path: &std::path::Path) -> Vec<String> {
    use std::os::unix::fs::MetadataExt;
    let same = |m: std::fs::Metadata| m.dev() == dev && m.ino() == ino;
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        if maps(pid, dev, ino) == Some(true) {
            found.push(format!("process {pid} maps it"));
        }
        for fd in std::fs::read_dir(entry.path().join("fd"))
            .into_iter()
            .flatten()
            .flatten()
        {
            if std::fs::metadata(fd.path()).is_ok_and(same) {
                found.push(format!(
                    "process {pid} has it open as {}",
                    fd.path().display()
                ));
            }
        }
    }
    let dir = isolated::temp_shared::default_dir();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if entry.metadata().is_ok_and(same) {
            found.push(format!("{} names it", entry.path().display()));
        }
    }
    if std::fs::metadata(path).is_ok_and(same) {
        found.push(format!("{} still leads to it", path.display()));
    }
    found
}
