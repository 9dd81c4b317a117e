//! Ctrl-C (SIGINT), SIGTERM and SIGHUP to the runner end the student's code first, then the
//! runner, with a one-line message and the exit status 128 + the signal's number. The tests run
//! in their own process group, so without this the terminal's Ctrl-C would never reach them:
//! `cargo test` and the test binary would be handed to init and spin on.
//!
//! Each test starts the real `lab` binary on an answer that loops forever, waits until the
//! lesson's test binary runs, sends the signal to the runner alone (as `kill` does, the harder
//! case than a terminal's Ctrl-C, which reaches the runner's whole group), and checks that
//! nothing the runner started still runs.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use supervisor::procfs::{self, Stat, descendants};
use supervisor::watched::Watched;

/// One runner at a time: each runs cargo on the shared target directory.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// True for a test binary cargo built (`target/<profile>/deps/<name>-<hash>`).
/// What is left of a runner that was stopped mid-job.
struct Stopped {
    status: ExitStatus,
    stderr: String,
    /// The test binaries seen running under the runner before the signal.
    test_binaries: Vec<Stat>,
}

/// Starts `cmd`, waits until one of its descendants is a running test binary, sends `signal` to
/// it alone, and waits (at most a minute) for it to exit. Whatever happens, nothing it started
/// is left running when this returns: a failing test cleans up too.
fn stop_mid_job(mut cmd: Command, signal: Signal) -> Stopped {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut runner = Watched::start(&mut cmd).expect("the runner starts");
    let pid = runner.pid();
    let mut seen: BTreeMap<i32, Stat> = BTreeMap::new();
    let mut test_binaries = Vec::new();
    let mut look = |seen: &mut BTreeMap<i32, Stat>| {
        let now = descendants(pid);
        test_binaries.extend(now.iter().filter(|p| p.is_test_binary()).cloned());
        let ready = !test_binaries.is_empty();
        seen.extend(now.into_iter().map(|p| (p.pid, p)));
        ready
    };
    // The build may be cold: compiling takes minutes on 2 cores.
    let ready_by = Instant::now() + Duration::from_secs(900);
    while !look(&mut seen) {
        if Instant::now() > ready_by || !procfs::is_running(pid) {
            let seen: Vec<Stat> = seen.into_values().collect();
            runner.kill_all(&seen);
            panic!(
                "the runner ended or no test binary started: {}",
                runner.stderr()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // Let the endless loop spin for a moment: the runner is mid-job.
    std::thread::sleep(Duration::from_millis(300));
    look(&mut seen);
    let seen: Vec<Stat> = seen.into_values().collect();
    kill(Pid::from_raw(pid), signal).expect("the runner is there to signal");
    let status = runner.wait_within(Duration::from_secs(60));
    let left = procfs::still_running(&seen);
    runner.kill_all(&seen);
    let status =
        status.unwrap_or_else(|| panic!("the runner did not exit within a minute of {signal}"));
    assert!(
        left.is_empty(),
        "still running after the runner exited on {signal}: {left:#?}"
    );
    Stopped {
        status,
        stderr: runner.stderr(),
        test_binaries,
    }
}

fn lab(args: &[&str], progress: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lab"));
    cmd.args(args).env("LAB_PROGRESS", progress);
    cmd
}

/// `cargo lab check` on the endless loop, stopped by `signal`.
fn check_stopped_by(signal: Signal) {
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.json");
    let cmd = lab(
        &[
            "check",
            "calling-c",
            "--variant",
            "wrong-endless-loop",
            "--timeout",
            "600",
        ],
        &progress,
    );
    let stopped = stop_mid_job(cmd, signal);
    assert_eq!(
        stopped.status.code(),
        Some(128 + signal as i32),
        "the runner must exit with 128 + {signal}, got {}; it said:\n{}",
        stopped.status,
        stopped.stderr
    );
    let said: Vec<&str> = stopped
        .stderr
        .lines()
        .filter(|l| l.contains(&format!("stopped by {signal}")))
        .collect();
    assert_eq!(
        said.len(),
        1,
        "one line about {signal}:\n{}",
        stopped.stderr
    );
    assert!(
        !stopped.test_binaries.is_empty(),
        "the signal came while a test binary ran"
    );
}

#[test]
fn sigint_to_the_runner_ends_the_tests_first() {
    check_stopped_by(Signal::SIGINT);
}

#[test]
fn sigterm_to_the_runner_ends_the_tests_first() {
    check_stopped_by(Signal::SIGTERM);
}

#[test]
fn sighup_to_the_runner_ends_the_tests_first() {
    check_stopped_by(Signal::SIGHUP);
}

/// `cargo lab watch`, waiting for a save, stopped by Ctrl-C.
#[test]
fn sigint_to_watch_ends_it_with_a_message() {
    use std::io::BufRead;
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.json");
    let mut watch = lab(&["watch", "calling-c", "--poll"], &progress)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the runner starts");
    let pid = Pid::from_raw(i32::try_from(watch.id()).unwrap());
    let mut stderr = watch.stderr.take().unwrap();
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut waiting = false;
    for line in std::io::BufReader::new(watch.stdout.take().unwrap()).lines() {
        if line.unwrap_or_default().starts_with("Watching") {
            waiting = true;
            break;
        }
    }
    if !waiting {
        // The exercise passed (a student solved it): watch ended by itself.
        let status = watch.wait().unwrap();
        assert!(status.success(), "{}", errors.join().unwrap());
        return;
    }
    kill(pid, Signal::SIGINT).unwrap();
    let by = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = watch.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > by {
            let _ = watch.kill();
            let _ = watch.wait();
            panic!("watch did not end within 30 s of SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let said = errors.join().unwrap();
    assert_eq!(status.code(), Some(130), "{status}: {said}");
    assert_eq!(
        said.lines()
            .filter(|l| l.contains("stopped by SIGINT"))
            .count(),
        1,
        "{said}"
    );
}
