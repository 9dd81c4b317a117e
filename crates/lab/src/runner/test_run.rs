//! Running one lesson's tests under a time limit, in two phases (compile and list the tests,
//! then run them), and reading cargo's and libtest's output into an [`Outcome`].

use std::process::Command;
use std::time::Duration;

use super::failure::read_failure;
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

    // Before anything is built: a lesson that needs something installed (OpenMPI) says so,
    // instead of failing in a build script with a raw linker or bindgen error.
    if let Some(why) = super::needs::missing(spec.lesson) {
        record("needs", "", &why);
        return Outcome::Other(why);
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use lesson_table::Expect;
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
