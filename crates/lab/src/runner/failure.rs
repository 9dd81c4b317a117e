//! Which failure a student is shown, read from libtest's output: the first failing test in
//! the order the tests were listed, with the others that failed named, or the first panic of a
//! test binary that crashed before it could report. libtest prints its failure reports in the
//! order the tests finish, which changes from run to run; what a student reads must not.

use super::outcome::Outcome;
use super::reports::{self, Listed};

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
    use crate::runner::test_run::judge;

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
}
