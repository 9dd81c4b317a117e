//! What happened when a lesson's tests ran, as one plain verdict, [`Outcome`]: passed, did not
//! compile, a test failed (which one, and why), a test binary ended before all its tests
//! reported, or stopped at the time limit. [`Outcome::meets`] says whether an outcome is what
//! the lesson table (or `verify`) wants. Running the tests is [`super::test_run`].

use std::fmt;
use std::time::Duration;

use super::reports::Unreported;
use lesson_table::Expect;

/// The two phases of a run, each under its own limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// `cargo test --no-run`: compiling (cargo's time).
    Build,
    /// Running the test binaries (the student's code).
    Tests,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Build => "build",
            Phase::Tests => "tests",
        })
    }
}

/// The verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every test passed; this many ran.
    Passed {
        /// Tests that ran and passed (loom models included).
        tests: usize,
    },
    /// The code does not compile.
    CompileError {
        /// The compiler's first error, as it printed it.
        first_error: String,
    },
    /// A test failed.
    TestFailed {
        /// The first failing test's name.
        test: String,
        /// What it printed (its panic message), trimmed.
        message: String,
        /// The test target it is in, e.g. `loom_model`.
        target: Option<String>,
        /// Every failing test's report (libtest's order), for `verify` to search.
        all: String,
        /// The other tests that failed, in the order they were listed.
        others: Vec<String>,
    },
    /// The tests did not end within the limit.
    TimedOut {
        /// The limit.
        limit: Duration,
        /// Which phase was stopped.
        phase: Phase,
    },
    /// A test binary ended before every test it lists had reported (`std::process::exit` in
    /// the code under test), whatever its exit status and whatever it printed.
    ExitedEarly(Unreported),
    /// Everything "passed" but no test ran: as bad as a failure.
    NoTests,
    /// Something else went wrong (cargo missing, a crash without a test name).
    Other(String),
}

impl Outcome {
    /// True only for [`Outcome::Passed`].
    pub fn passed(&self) -> bool {
        matches!(self, Outcome::Passed { .. })
    }

    /// One short line for tables.
    pub fn short(&self) -> String {
        match self {
            Outcome::Passed { tests } => format!("passed ({tests} tests)"),
            Outcome::CompileError { .. } => "does not compile".into(),
            Outcome::TestFailed { test, others, .. } if others.is_empty() => {
                format!("failed: {test}")
            }
            Outcome::TestFailed { test, others, .. } => {
                format!("failed: {test} (and {} more)", others.len())
            }
            Outcome::TimedOut { limit, phase } => {
                format!("{phase} timed out after {} s", limit.as_secs())
            }
            Outcome::ExitedEarly(_) => "a test binary exited early".into(),
            Outcome::NoTests => "0 tests ran".into(),
            Outcome::Other(why) => format!("error: {}", first_line(why)),
        }
    }

    /// Everything the outcome says, for searching (verify checks fixtures' messages in it).
    pub fn full_text(&self) -> String {
        match self {
            Outcome::CompileError { first_error } => first_error.clone(),
            Outcome::TestFailed { all, .. } => all.clone(),
            other => other.short(),
        }
    }
}

impl Outcome {
    /// Whether this outcome is what `expect` wants. Strict: a shipped exercise must COMPILE
    /// and fail its grading tests (clippy checks it, students build on it), and 0 tests is not
    /// a pass.
    pub fn meets(&self, expect: &Expect) -> bool {
        let got = self;
        match expect {
            Expect::Passes => got.passed(),
            Expect::Fails => matches!(
                got,
                Outcome::TestFailed { .. }
                    | Outcome::TimedOut {
                        phase: Phase::Tests,
                        ..
                    }
            ),
            Expect::FailsTest(text) => {
                matches!(got, Outcome::TestFailed { .. }) && got.full_text().contains(text.as_str())
            }
            Expect::FailsToCompile(text) => {
                matches!(got, Outcome::CompileError { .. })
                    && got.full_text().contains(text.as_str())
            }
            Expect::TimesOut(_) => matches!(
                got,
                Outcome::TimedOut {
                    phase: Phase::Tests,
                    ..
                }
            ),
            Expect::ExitsEarly => matches!(got, Outcome::ExitedEarly(_)),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Passed { tests } => write!(f, "all {tests} tests passed"),
            Outcome::CompileError { first_error } => {
                writeln!(
                    f,
                    "your code does not compile. The compiler's first error:\n"
                )?;
                write!(f, "{}", indent(first_error))
            }
            Outcome::TestFailed {
                test,
                message,
                target,
                others,
                ..
            } => {
                let place = in_test_file(target.as_deref());
                writeln!(f, "the test `{test}`{place} failed:\n")?;
                write!(f, "{}", indent(message))?;
                match more_failed(others) {
                    Some(more) => write!(f, "\n\n{more}"),
                    None => Ok(()),
                }
            }
            Outcome::TimedOut { limit, phase } => write!(
                f,
                "timed out after {} s: a deadlock or an endless loop? (the {phase} were \
                 stopped; nothing is left running)",
                limit.as_secs()
            ),
            Outcome::ExitedEarly(Unreported {
                binary,
                listed,
                missing,
            }) => {
                write!(
                    f,
                    "a test binary exited before its tests finished (process::exit?)"
                )?;
                if let Some(binary) = binary {
                    write!(f, " in {binary}")?;
                }
                let named: Vec<String> = missing.iter().take(3).map(|t| format!("`{t}`")).collect();
                match missing.len() {
                    0 => write!(f, ": its report does not match its {listed} tests"),
                    n => write!(
                        f,
                        ": {n} of its {listed} tests never reported ({}{})",
                        named.join(", "),
                        if n > named.len() { ", ..." } else { "" }
                    ),
                }
            }
            Outcome::NoTests => write!(f, "no test ran: the lesson's tests are missing"),
            Outcome::Other(why) => write!(f, "{why}"),
        }
    }
}

/// Where a failing test lives, for a headline: ` (in tests/<target>.rs)`, or nothing when the
/// test target is not known.
pub fn in_test_file(target: Option<&str>) -> String {
    target
        .map(|t| format!(" (in tests/{t}.rs)"))
        .unwrap_or_default()
}

/// How many tests failed besides the one shown, and which (at most five named): "And 3 more
/// tests failed: `a`, `b`, `c` (their reports are in the whole output)."; `None` when no other
/// test failed.
pub fn more_failed(others: &[String]) -> Option<String> {
    const NAMED: usize = 5;
    let mut named: Vec<String> = others
        .iter()
        .take(NAMED)
        .map(|t| format!("`{t}`"))
        .collect();
    if others.len() > NAMED {
        named.push(format!("and {} others", others.len() - NAMED));
    }
    let (n, tests, reports) = match others.len() {
        0 => return None,
        1 => (1, "test", "its report is"),
        n => (n, "tests", "their reports are"),
    };
    Some(format!(
        "And {n} more {tests} failed: {} ({reports} in the whole output).",
        named.join(", ")
    ))
}

/// Each line of `text` indented by four spaces.
pub fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_failures_are_counted_and_at_most_five_named() {
        let names = |n: usize| (1..=n).map(|i| format!("t{i}")).collect::<Vec<_>>();
        assert_eq!(more_failed(&[]), None);
        assert_eq!(
            more_failed(&names(1)).as_deref(),
            Some("And 1 more test failed: `t1` (its report is in the whole output).")
        );
        assert_eq!(
            more_failed(&names(7)).as_deref(),
            Some(
                "And 7 more tests failed: `t1`, `t2`, `t3`, `t4`, `t5`, and 2 others (their \
                 reports are in the whole output)."
            )
        );
    }
    #[test]
    fn a_time_limit_catches_only_tests_that_never_end() {
        let limit = Duration::from_secs(20);
        let stopped = |phase| Outcome::TimedOut { limit, phase };
        assert!(stopped(Phase::Tests).meets(&Expect::TimesOut(limit)));
        assert!(
            !stopped(Phase::Build).meets(&Expect::TimesOut(limit)),
            "a slow build is not the student's endless loop"
        );
        assert!(stopped(Phase::Tests).meets(&Expect::Fails));
        assert!(!stopped(Phase::Build).meets(&Expect::Fails));
        assert!(!(Outcome::Passed { tests: 3 }).meets(&Expect::TimesOut(limit)));
        assert!(Outcome::Passed { tests: 3 }.meets(&Expect::Passes));
        assert_eq!(
            Expect::TimesOut(limit).test_limit(Duration::from_secs(60)),
            limit
        );
        assert_eq!(
            Expect::Passes.test_limit(Duration::from_secs(60)),
            Duration::from_secs(60)
        );
    }
}
