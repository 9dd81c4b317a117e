//! Running one lesson's tests under a time limit, in two phases (compile and list the tests,
//! then run them), and reading cargo's and libtest's output into an [`Outcome`].

use std::process::Command;
use std::time::Duration;

use super::outcome::{Outcome, Phase};
use super::reports::{self, Listed, Unreported};
use lesson_table::{Lesson, VARIANT_ENV};
use supervisor::{Output, RunError, tail};

/// What to run: a lesson, optionally with a variant (`solution`, `shipped`, `wrong-*`) and
/// optionally only one test target.
#[derive(Debug, Clone)]
pub struct Run<'a> {
    /// The lesson.
    pub lesson: &'a Lesson,
    /// A variant compiled in place of the exercise (the value of `LAB_VARIANT`); `None` is the
    /// student's `src/exercise.rs`, whatever the caller's environment says.
    pub variant: Option<&'a str>,
    /// Only this test target (`--test <name>`).
    pub test_target: Option<&'a str>,
    /// Limit for compiling (not the student's code running: generous).
    pub build_limit: Duration,
    /// Limit for running the tests (the student's code: a deadlock ends here).
    pub test_limit: Duration,
}

/// Compiles, then runs, the lesson's tests, each phase under its own limit.
pub fn run(spec: &Run<'_>) -> Outcome {
    run_reporting(spec, &mut |_| {})
}

/// [`run`], telling `phase` when each phase starts ([`Phase::Build`], then [`Phase::Tests`]), so
/// a caller can show progress.
pub fn run_reporting(spec: &Run<'_>, phase: &mut dyn FnMut(Phase)) -> Outcome {
    run_recording(spec, phase, &mut String::new())
}

/// [`run_reporting`], appending to `raw` everything cargo and the tests printed, phase by phase
/// and untrimmed (also what a run stopped at its limit printed before): the student's report
/// is trimmed, and this is where the whole of it stays.
pub fn run_recording(spec: &Run<'_>, phase: &mut dyn FnMut(Phase), raw: &mut String) -> Outcome {
    let command = |extra: &[&str]| cargo_test(spec, extra);
    let mut record = |what: &str, stdout: &str, stderr: &str| {
        raw.push_str(&format!(
            "===== {what}: stdout =====\n{stdout}\n===== {what}: stderr =====\n{stderr}\n"
        ));
    };

    // Phase 1: compile (cargo's own time, not the student's code), and list every test binary's
    // tests: each must report in phase 2.
    phase(Phase::Build);
    let listing = supervisor::run(
        &mut command(&["--", "--list"]),
        spec.build_limit,
        Output::Capture,
    );
    match &listing {
        Ok(done) => record("build and list", &done.stdout, &done.stderr),
        Err(RunError::TimedOut { stdout, stderr, .. }) => record("build", stdout, stderr),
        Err(err) => record("build", "", &err.to_string()),
    }
    let list: Vec<Listed> = match listing {
        Err(RunError::TimedOut { limit, .. }) => {
            return Outcome::TimedOut {
                limit,
                phase: Phase::Build,
            };
        }
        Err(err) => return Outcome::Other(err.to_string()),
        Ok(done) if !done.status.success() => {
            return match first_compile_error(&done.stderr) {
                Some(first_error) => Outcome::CompileError { first_error },
                None => Outcome::Other(tail(&done.combined(), 30)),
            };
        }
        Ok(done) => reports::read_list(&done.stdout, &done.stderr),
    };
    if list.iter().all(|l| l.tests.is_empty()) {
        return Outcome::NoTests;
    }

    // Phase 2: run the tests (the student's code: it may deadlock, loop forever or exit).
    phase(Phase::Tests);
    let ran = supervisor::run(&mut command(&[]), spec.test_limit, Output::Capture);
    match &ran {
        Ok(done) => record("tests", &done.stdout, &done.stderr),
        Err(RunError::TimedOut { stdout, stderr, .. }) => record("tests", stdout, stderr),
        Err(err) => record("tests", "", &err.to_string()),
    }
    match ran {
        Err(RunError::TimedOut { limit, .. }) => Outcome::TimedOut {
            limit,
            phase: Phase::Tests,
        },
        Err(err) => Outcome::Other(err.to_string()),
        Ok(done) => judge(&list, done.status.success(), &done.stdout, &done.stderr),
    }
}

/// The verdict on a finished run of the tests `list` names. A failure report wins; then every
/// listed test must have reported in its own binary's part of stdout, whatever the status said.
pub fn judge(list: &[Listed], success: bool, stdout: &str, stderr: &str) -> Outcome {
    if !success {
        match read_failure(list, stdout, stderr) {
            Outcome::Other(why) if why.is_empty() => {}
            failed => return failed,
        }
    }
    match reports::check_every_test_reported(list, stdout) {
        Err(unreported) => Outcome::ExitedEarly(unreported),
        Ok(_) if !success => Outcome::Other(tail(&format!("{stdout}{stderr}"), 30)),
        // libtest's own summaries must agree with its per-test lines: a `test result:` line of
        // someone else's making does not.
        Ok(tests) if tests != passed_count(stdout) => Outcome::ExitedEarly(Unreported {
            binary: None,
            listed: list.iter().map(|l| l.tests.len()).sum(),
            missing: Vec::new(),
        }),
        Ok(0) => Outcome::NoTests,
        Ok(tests) => Outcome::Passed { tests },
    }
}

/// `cargo test -p <lesson>` for `spec`, with `extra` arguments.
fn cargo_test(spec: &Run<'_>, extra: &[&str]) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(crate::workspace_root())
        .args(["test", "-p", &spec.lesson.name, "--color", "never"])
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUSTFLAGS");
    // The variant reaches lessons/build.rs through the environment; without one, a
    // `LAB_VARIANT` left in the caller's shell must not grade the wrong file.
    match spec.variant {
        Some(variant) => cmd.env(VARIANT_ENV, variant),
        None => cmd.env_remove(VARIANT_ENV),
    };
    if let Some(target) = spec.test_target {
        cmd.args(["--test", target]);
    }
    cmd.args(extra);
    cmd
}

/// The first `error...` block of cargo/rustc output (up to the blank line after it).
pub fn first_compile_error(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines.iter().position(|l| {
        (l.starts_with("error[") || l.starts_with("error:"))
            && !l.starts_with("error: could not compile")
    })?;
    let block: Vec<&str> = lines[start..]
        .iter()
        .take_while(|l| !l.trim().is_empty())
        .copied()
        .collect();
    Some(block.join("\n"))
}

/// Sum of `N passed` over every `test result:` line.
pub fn passed_count(stdout: &str) -> usize {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: "))
        .filter_map(|l| {
            let n = l.split(';').next()?.split_whitespace().rev().nth(1)?;
            n.parse::<usize>().ok()
        })
        .sum()
}

/// Reads libtest's report: the first failing test in the order `list` names them (binary by
/// binary, then each binary's list), with the others that failed; or the first panic of a test
/// binary that crashed before it could report. libtest prints its `---- name stdout ----`
/// sections in the order the tests FINISH, which changes from run to run: the test a student
/// is shown must not.
pub fn read_failure(list: &[Listed], stdout: &str, stderr: &str) -> Outcome {
    let target = stderr
        .lines()
        .find_map(|l| l.split("--test ").nth(1))
        .map(|t| t.trim_end_matches('`').trim().to_string());
    let lines: Vec<&str> = stdout.lines().collect();
    // Each failure as (binary's part of the run, counted from 1 at each `running N tests`
    // line; the test's name), with the line its report starts at when it printed one.
    let mut part = 0;
    let mut failed: Vec<(usize, String)> = Vec::new();
    let mut sections: Vec<(usize, String, usize)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if reports::running_line(line).is_some() {
            part += 1;
        } else if let Some(test) = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"))
        {
            sections.push((part, test.to_string(), i));
        } else if let Some((test, "FAILED")) = reports::verdict_line(line) {
            failed.push((part, test));
        }
    }
    // Binary by binary in cargo's order, then in the binary's list; a test the list does not
    // name comes after those it names, in the order it was printed.
    let rank = |(part, test): &(usize, String)| {
        let listed = part
            .checked_sub(1)
            .and_then(|b| list.get(b))
            .and_then(|l| l.tests.iter().position(|t| t == test));
        (*part, listed.unwrap_or(usize::MAX))
    };
    if let Some((part, test, start)) = sections
        .iter()
        .min_by_key(|(part, test, _)| rank(&(*part, test.clone())))
        .cloned()
    {
        let body: Vec<&str> = lines[start + 1..]
            .iter()
            .take_while(|l| !l.starts_with("---- ") && **l != "failures:")
            .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE"))
            .copied()
            .collect();
        let first = sections.first().map_or(start, |s| s.2);
        let end = lines[first..]
            .iter()
            .rposition(|l| l.starts_with("---- "))
            .map(|i| first + i)
            .and_then(|last| {
                lines[last..]
                    .iter()
                    .position(|l| *l == "failures:")
                    .map(|i| last + i)
            })
            .unwrap_or(lines.len());
        let mut others: Vec<(usize, String)> = Vec::new();
        for (p, t) in failed
            .into_iter()
            .chain(sections.iter().map(|(p, t, _)| (*p, t.clone())))
        {
            if (p, &t) != (part, &test) && !others.contains(&(p, t.clone())) {
                others.push((p, t));
            }
        }
        // Stable: unlisted tests keep the order they were printed in.
        others.sort_by_key(|o| rank(o));
        return Outcome::TestFailed {
            test,
            message: body.join("\n").trim().to_string(),
            target,
            all: lines[first..end].join("\n"),
            others: others.into_iter().map(|(_, t)| t).collect(),
        };
    }
    // A test binary that aborted (e.g. a panic while panicking) prints no report: show the
    // first panic instead.
    let text = format!("{stdout}\n{stderr}");
    let lines: Vec<&str> = text.lines().collect();
    if let Some(start) = lines.iter().position(|l| l.contains("panicked at")) {
        let test = lines[start]
            .split('\'')
            .nth(1)
            .unwrap_or("a test")
            .to_string();
        let body: Vec<&str> = lines[start..]
            .iter()
            .take_while(|l| !l.trim().is_empty() && !l.starts_with("stack backtrace"))
            .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE"))
            .copied()
            .collect();
        return Outcome::TestFailed {
            test,
            message: body.join("\n"),
            target,
            all: text.clone(),
            others: Vec::new(),
        };
    }
    Outcome::Other(String::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::feedback;
    use lesson_table::Expect;
    const LIBTEST_FAILURE: &str = "\nrunning 2 tests\ntest a ... ok\ntest b ... FAILED\n\n\
        failures:\n\n---- b stdout ----\n\nthread 'b' (123) panicked at tests/x.rs:3:5:\n\
        assertion `left == right` failed: lost an update\n  left: 1\n right: 2\n\
        note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\n\
        failures:\n    b\n\ntest result: FAILED. 1 passed; 1 failed; 0 ignored\n";

    #[test]
    fn the_first_failing_test_and_its_message_are_read() {
        let stderr = "error: test failed, to rerun pass `-p locks --test loom_model`\n";
        let got = read_failure(&[], LIBTEST_FAILURE, stderr);
        let Outcome::TestFailed {
            test,
            message,
            target,
            ..
        } = got
        else {
            panic!("expected a test failure, got {got:?}");
        };
        assert_eq!(test, "b");
        assert!(message.contains("lost an update"), "{message}");
        assert!(message.contains("left: 1"), "{message}");
        assert!(!message.contains("RUST_BACKTRACE"), "{message}");
        assert_eq!(target.as_deref(), Some("loom_model"));
    }

    /// Two binaries: the first passes; in the second, four of five listed tests fail, and
    /// finish (so libtest prints their reports) in another order than their list's.
    fn out_of_order_run(finished: &[&str]) -> String {
        let mut run = String::from(
            "\nrunning 1 test\ntest lib_ok ... ok\n\n\
            test result: ok. 1 passed; 0 failed; 0 ignored\n\nrunning 5 tests\n",
        );
        run.push_str("test squares_work ... ok\n");
        for t in finished {
            run.push_str(&format!("test {t} ... FAILED\n"));
        }
        run.push_str("\nfailures:\n\n");
        for t in finished {
            run.push_str(&format!(
                "---- {t} stdout ----\n\nthread '{t}' (7) panicked at tests/exact.rs:1:1:\n\
                 {t} went wrong\nnote: run with `RUST_BACKTRACE=1` environment variable to \
                 display a backtrace\n\n"
            ));
        }
        let mut sorted = finished.to_vec();
        sorted.sort();
        run.push_str("\nfailures:\n");
        for t in sorted {
            run.push_str(&format!("    {t}\n"));
        }
        run.push_str("\ntest result: FAILED. 1 passed; 4 failed; 0 ignored\n");
        run
    }

    #[test]
    fn the_failure_shown_is_the_first_listed_whatever_order_they_finished_in() {
        let list = reports::read_list(
            "lib_ok: test\n\n1 test, 0 benchmarks\n\
             overflow_is_reported: test\nsquares_work: test\ntotal_adds: test\n\
             total_overflows: test\nzero_is_zero: test\n\n5 tests, 0 benchmarks\n",
            "",
        );
        let stderr = "error: test failed, to rerun pass `-p calling-c --test exact`\n";
        // Two runs of the same broken exercise, as libtest may print them.
        let runs = [
            [
                "total_overflows",
                "zero_is_zero",
                "overflow_is_reported",
                "total_adds",
            ],
            [
                "zero_is_zero",
                "total_adds",
                "total_overflows",
                "overflow_is_reported",
            ],
        ];
        for finished in runs {
            let run = out_of_order_run(&finished);
            let got = judge(&list, false, &run, stderr);
            let Outcome::TestFailed {
                test,
                message,
                others,
                all,
                ..
            } = &got
            else {
                panic!("expected a test failure, got {got:?}");
            };
            assert_eq!(test, "overflow_is_reported", "finished: {finished:?}");
            assert!(
                message.contains("overflow_is_reported went wrong"),
                "{message}"
            );
            assert!(!message.contains("total_adds"), "{message}");
            assert_eq!(others, &["total_adds", "total_overflows", "zero_is_zero"]);
            for t in finished {
                assert!(all.contains(&format!("{t} went wrong")), "{all}");
            }
            assert_eq!(
                feedback::of(&got, false).details.unwrap().lines().last(),
                Some(
                    "And 3 more tests failed: `total_adds`, `total_overflows`, `zero_is_zero` \
                     (their reports are in the whole output)."
                )
            );
            assert_eq!(got.short(), "failed: overflow_is_reported (and 3 more)");
        }
    }

    #[test]
    fn a_crash_without_a_report_shows_the_first_panic() {
        let stderr = "thread 'm' (9) panicked at src/x.rs:1:1:\nboom\nstack backtrace:\n  0: x\n";
        let Outcome::TestFailed { test, message, .. } = read_failure(&[], "", stderr) else {
            panic!("expected a test failure");
        };
        assert_eq!(test, "m");
        assert!(message.contains("boom"));
        assert!(!message.contains("stack backtrace"));
    }

    #[test]
    fn the_first_compile_error_block_is_extracted() {
        let stderr = "   Compiling x v0.1.0\nwarning: unused\n\nerror[E0133]: call to unsafe \
                      function\n --> src/a.rs:1:1\n  |\n\nerror: aborting\n\
                      error: could not compile `x`\n";
        let got = first_compile_error(stderr).unwrap();
        assert!(got.starts_with("error[E0133]"), "{got}");
        assert!(got.contains("src/a.rs:1:1"), "{got}");
        assert!(!got.contains("aborting"), "{got}");
    }

    #[test]
    fn the_variant_is_passed_to_cargo_or_removed() {
        let lesson = &lesson_table::all()[0];
        let env = |variant: Option<&str>| {
            let spec = Run {
                lesson,
                variant,
                test_target: Some("exact"),
                build_limit: Duration::from_secs(1),
                test_limit: Duration::from_secs(1),
            };
            let cmd = cargo_test(&spec, &["--no-run"]);
            let args: Vec<_> = cmd
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            assert_eq!(
                args,
                [
                    "test",
                    "-p",
                    &lesson.name,
                    "--color",
                    "never",
                    "--test",
                    "exact",
                    "--no-run"
                ]
            );
            cmd.get_envs()
                .find(|(k, _)| *k == VARIANT_ENV)
                .map(|(_, v)| v.map(|v| v.to_string_lossy().into_owned()))
        };
        assert_eq!(env(Some("solution")), Some(Some("solution".into())));
        assert_eq!(
            env(None),
            Some(None),
            "without a variant, a LAB_VARIANT in the caller's shell is removed"
        );
    }

    #[test]
    fn passed_tests_are_summed_over_binaries() {
        let out = "test result: ok. 2 passed; 0 failed; 0 ignored\n\
                   test result: ok. 3 passed; 0 failed; 0 ignored\n";
        assert_eq!(passed_count(out), 5);
        assert_eq!(passed_count("test result: ok. 0 passed; 0 failed"), 0);
    }

    #[test]
    fn an_early_exit_is_judged_as_such_never_as_a_pass_or_missing_tests() {
        let list = reports::read_list("a: test\nb: test\n\n2 tests, 0 benchmarks\n", "");
        let honest = "\nrunning 2 tests\ntest a ... ok\ntest b ... ok\n\n\
                      test result: ok. 2 passed; 0 failed; 0 ignored\n";
        assert_eq!(judge(&list, true, honest, ""), Outcome::Passed { tests: 2 });
        // `b` called process::exit(0): no line for it, and no summary.
        let exited = "\nrunning 2 tests\ntest a ... ok\n";
        let got = judge(&list, true, exited, "");
        assert!(matches!(got, Outcome::ExitedEarly(_)), "{got:?}");
        assert!(got.meets(&Expect::ExitsEarly));
        assert!(!got.meets(&Expect::Passes));
        assert!(
            got.to_string()
                .starts_with("a test binary exited before its tests finished (process::exit?)"),
            "{got}"
        );
        assert!(got.to_string().contains("`b`"), "{got}");
        // ... after printing a summary of its own.
        let faked = format!("{exited}\ntest result: ok. 8 passed; 0 failed; 0 ignored\n");
        assert!(matches!(
            judge(&list, true, &faked, ""),
            Outcome::ExitedEarly(_)
        ));
        // Every test reported, but a summary line was forged on top.
        let forged = format!("{honest}test result: ok. 8 passed; 0 failed; 0 ignored\n");
        assert!(matches!(
            judge(&list, true, &forged, ""),
            Outcome::ExitedEarly(_)
        ));
        // process::exit(1): a failed status with no report is an early exit too.
        assert!(matches!(
            judge(&list, false, exited, ""),
            Outcome::ExitedEarly(_)
        ));
        // A real failure report is still read as one.
        let failed = "\nrunning 2 tests\ntest a ... ok\ntest b ... FAILED\n\nfailures:\n\n\
                      ---- b stdout ----\nboom\n\nfailures:\n    b\n\n\
                      test result: FAILED. 1 passed; 1 failed; 0 ignored\n";
        assert!(matches!(
            judge(&list, false, failed, ""),
            Outcome::TestFailed { .. }
        ));
    }
}
