//! The runner never hangs and always says what went wrong: a deadlock and an endless loop end
//! with a timeout message, a compile error is shown plainly, progress is read back by `list`.
//!
//! These run the real `lab` binary, which runs `cargo test -p <lesson>` with a wrong-answer
//! fixture selected by `LAB_VARIANT` (its `--variant` option).

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{ONE_AT_A_TIME, lab, progress_file};

#[test]
fn a_deadlocking_answer_ends_with_a_timeout_message() {
    let (_dir, progress) = progress_file();
    // The fixture takes a mutex and then calls a method that takes it again. Only the
    // real-thread tests run, so nothing but the time limit can stop it.
    let ran = lab(
        &[
            "check",
            "locks",
            "--variant",
            "wrong-deadlock",
            "--test",
            "threads",
            "--timeout",
            "5",
        ],
        &progress,
    );

    let (ok, text, elapsed) = (ran.ok(), ran.text, ran.elapsed);
    assert!(!ok, "a deadlock must not pass:\n{text}");
    assert!(
        text.contains("timed out after 5 s: a deadlock or an endless loop?"),
        "expected the timeout message, got:\n{text}"
    );
    // Building may take a while on a cold cache; the tests themselves are stopped at 5 s.
    assert!(elapsed < Duration::from_secs(600), "took {elapsed:?}");
}

#[test]
fn an_endless_loop_ends_with_a_timeout_message() {
    let (_dir, progress) = progress_file();
    let ran = lab(
        &[
            "check",
            "calling-c",
            "--variant",
            "wrong-endless-loop",
            "--timeout",
            "5",
        ],
        &progress,
    );

    let (ok, text, _) = (ran.ok(), ran.text, ran.elapsed);
    assert!(!ok, "an endless loop must not pass:\n{text}");
    assert!(
        text.contains("timed out after 5 s"),
        "expected the timeout message, got:\n{text}"
    );
}

#[test]
fn a_compile_error_is_shown_plainly() {
    let (_dir, progress) = progress_file();
    let ran = lab(
        &["check", "calling-c", "--variant", "wrong-raw-call"],
        &progress,
    );

    let (ok, text, _) = (ran.ok(), ran.text, ran.elapsed);
    assert!(!ok, "code that does not compile must not pass:\n{text}");
    assert!(
        text.contains("does not compile"),
        "expected a plain verdict:\n{text}"
    );
    assert!(
        text.contains("error[E0133]") && text.contains("wrong_raw_call.rs"),
        "expected the compiler's first error, pointing at the file:\n{text}"
    );
}

#[test]
fn a_failing_test_is_named_with_its_message() {
    let (_dir, progress) = progress_file();
    let ran = lab(
        &["check", "atomics", "--variant", "wrong-unpadded"],
        &progress,
    );

    let (ok, text, _) = (ran.ok(), ran.text, ran.elapsed);
    assert!(!ok, "{text}");
    assert!(
        text.contains("the test `neighbouring_slots_sit_on_different_cache_lines`")
            && text.contains("share a 64-byte cache line"),
        "expected the failing test's name and message:\n{text}"
    );
}

#[test]
fn the_solution_passes_and_list_reads_progress_back() {
    let (_dir, progress) = progress_file();
    let ran = lab(&["check", "calling-c", "--variant", "solution"], &progress);

    let (ok, text, _) = (ran.ok(), ran.text, ran.elapsed);
    assert!(ok, "the solution must pass:\n{text}");
    assert!(text.contains("tests passed"), "{text}");
    // Checking a variant never records progress: only the student's own exercise counts.
    assert!(
        !progress.exists(),
        "a variant check must not record progress"
    );

    std::fs::write(&progress, r#"{"done": ["calling-c"]}"#).unwrap();
    let ran = lab(&["list"], &progress);

    let (ok, text, _) = (ran.ok(), ran.text, ran.elapsed);
    assert!(ok, "{text}");
    let line = |name: &str| {
        text.lines()
            .find(|l| l.contains(&format!(" {name} ")))
            .unwrap_or_else(|| panic!("no row for {name}:\n{text}"))
            .to_string()
    };
    assert!(line("calling-c").contains("done"), "{text}");
    assert!(line("data-race").contains("current"), "{text}");
    assert!(text.contains("1 of 8 lessons done"), "{text}");
}

#[test]
fn an_unknown_lesson_is_named_in_the_error() {
    let (_dir, progress) = progress_file();
    let ran = lab(&["check", "no-such-lesson"], &progress);

    let (ok, text, _) = (ran.ok(), ran.text, ran.elapsed);
    assert!(!ok);
    assert!(
        text.contains("no lesson is called `no-such-lesson`") && text.contains("data-race"),
        "{text}"
    );
}

/// The answer starts `sleep 1000` twice, once in its test's process group and once in a group
/// of its own, and never waits for them; both keep the test binary's output pipe open. The
/// runner must report the failing test at once, not wait the 1000 s for the pipe, and leave
/// neither `sleep` running.
#[test]
fn processes_an_answer_leaves_running_are_stopped_not_waited_for() {
    use std::time::Duration;
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (dir, progress) = progress_file();
    let pid_file = dir.path().join("stray-pids");
    let mut runner = Command::new(env!("CARGO_BIN_EXE_lab"))
        .args([
            "check",
            "calling-c",
            "--variant",
            "wrong-stray-process",
            "--timeout",
            "20",
        ])
        .env("LAB_PROGRESS", &progress)
        .env("LAB_STRAY_PIDS", &pid_file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the lab binary runs");
    let stdout = runner.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut { stdout }, &mut text);
        text
    });
    let pids = || -> Vec<i32> {
        std::fs::read_to_string(&pid_file)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect()
    };
    // The build may take minutes when cold; from the moment the sleeps exist, the runner has
    // the tests' few seconds plus its own clean-up, far less than a minute.
    let build_by = Instant::now() + Duration::from_secs(900);
    let mut started: Option<Instant> = None;
    let status = loop {
        if let Some(status) = runner.try_wait().unwrap() {
            break Some(status);
        }
        if started.is_none() && pids().len() == 2 {
            started = Some(Instant::now());
        }
        let late = match started {
            Some(t) => t.elapsed() > Duration::from_secs(60),
            None => Instant::now() > build_by,
        };
        if late {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let left: Vec<i32> = {
        let gone_by = Instant::now() + Duration::from_secs(5);
        while pids().iter().any(|p| supervisor::procfs::is_running(*p)) && Instant::now() < gone_by
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        pids()
            .into_iter()
            .filter(|p| supervisor::procfs::is_running(*p))
            .collect()
    };
    // Leave nothing behind, even when this test fails.
    let _ = runner.kill();
    let _ = runner.wait();
    for pid in &left {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(*pid),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
    let status = status.expect("the runner waited on the stray processes' pipe: it never ended");
    let text = reader.join().unwrap();
    assert!(!status.success(), "a wrong answer must not pass:\n{text}");
    assert!(
        text.contains("is_reported_as_overflow`"),
        "expected a failing overflow test:\n{text}"
    );
    assert_eq!(pids().len(), 2, "the answer recorded both sleeps:\n{text}");
    assert!(
        left.is_empty(),
        "still running after the runner ended: {left:?}"
    );
}

/// `std::process::exit(0)` inside a test ends its binary with status 0 and no failure report;
/// a fake `test result: ok. 8 passed` line before it looks like a full pass. Neither may pass,
/// and neither may be blamed on missing tests: each test must report for itself.
#[test]
fn a_test_binary_that_exits_early_is_not_a_pass() {
    for variant in ["wrong-exit-zero", "wrong-fake-pass"] {
        let (_dir, progress) = progress_file();
        let ran = lab(&["check", "calling-c", "--variant", variant], &progress);

        let (ok, text, _) = (ran.ok(), ran.text, ran.elapsed);
        assert!(!ok, "{variant} must not pass:\n{text}");
        assert!(
            text.contains("a test binary exited before its tests finished (process::exit?)"),
            "{variant}: expected the early-exit verdict:\n{text}"
        );
        assert!(
            text.contains("total_reports_overflow_as_none"),
            "{variant}: expected the test that never reported:\n{text}"
        );
    }
}
