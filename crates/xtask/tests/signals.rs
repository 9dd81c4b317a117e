//! Ctrl-C to `cargo xtask test-all` while `cargo xtask verify` runs a lesson's tests under it:
//! three runners deep (test-all, verify, cargo test), each child in its own process group.
//! test-all asks verify's group to stop (SIGTERM), verify stops cargo's group in turn, and only
//! then does each exit. Nothing any of them started may still run afterwards.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use supervisor::procfs::{self, Stat, descendants};
use supervisor::watched::Watched;

#[test]
fn ctrl_c_to_test_all_stops_verify_and_the_tests_it_runs() {
    let mut runner = Watched::start(
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["test-all", "--only", "lessons-verify"])
            .current_dir(lab::workspace_root()),
    )
    .expect("xtask starts");
    let pid = runner.pid();
    let mut seen: BTreeMap<i32, Stat> = BTreeMap::new();
    let mut tests_seen = false;
    // verify may have to compile the lessons first: minutes when cold.
    let ready_by = Instant::now() + Duration::from_secs(900);
    while !tests_seen && Instant::now() < ready_by && procfs::is_running(pid) {
        let now = descendants(pid);
        tests_seen = now.iter().any(Stat::is_test_binary);
        seen.extend(now.into_iter().map(|p| (p.pid, p)));
        std::thread::sleep(Duration::from_millis(20));
    }
    let depth_seen = seen.values().filter(|p| p.comm == "xtask").count();
    let signalled = tests_seen && kill(Pid::from_raw(pid), Signal::SIGINT).is_ok();
    let status = runner.wait_within(Duration::from_secs(60));
    let seen: Vec<Stat> = seen.into_values().collect();
    let left = procfs::still_running(&seen);
    // Leave nothing behind, even when this test fails.
    runner.kill_all(&seen);
    let said = runner.stderr();
    assert!(signalled, "no test binary ran under verify:\n{said}");
    assert!(depth_seen >= 1, "verify ran under test-all: {seen:#?}");
    let status = status.expect("test-all did not exit within a minute of Ctrl-C");
    assert!(
        left.is_empty(),
        "still running after test-all exited: {left:#?}"
    );
    assert_eq!(status.code(), Some(130), "{status}:\n{said}");
    assert_eq!(
        said.lines()
            .filter(|l| l.starts_with("cargo xtask: stopped by SIGINT"))
            .count(),
        1,
        "test-all says it once:\n{said}"
    );
    assert!(
        said.lines()
            .any(|l| l.starts_with("cargo xtask: stopped by SIGTERM")),
        "verify, asked to stop by test-all, says so too:\n{said}"
    );
}
