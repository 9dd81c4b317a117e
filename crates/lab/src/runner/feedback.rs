//! What a student reads about a failed check, in three parts: a headline (what happened, in a
//! few words), the details (the test's report, trimmed by [`super::trim`], with paths into the
//! cargo registry shortened), and last the one sentence that teaches something: the test's own
//! message, loom's finding in words ([`super::loom_report`]), or what a `should_panic` test
//! that did not panic means. Last, because a terminal shows the bottom of what was printed:
//! in `watch`, that sentence is what is still on screen.

use super::loom_report::{self, Finding};
use super::outcome::{Outcome, in_test_file, indent, more_failed};
use super::trim;

/// Why a `should_panic` test fails when nothing panicked: the test looks FOR a failure.
pub const DID_NOT_PANIC: &str = "This test passes only when the failure it looks for happens \
    (for example loom FINDING a lost update). Your code never let it happen: do the threads \
    really overlap, and does the check really assert?";

/// A verdict, ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    /// What happened, in a few words (after `✗ <lesson>: `).
    pub headline: String,
    /// The report below it, indented; trimmed unless asked for in full.
    pub details: Option<String>,
    /// The sentence to read, printed last.
    pub lesson: Option<String>,
}

/// The feedback on `outcome`; `full` keeps the details untrimmed (`--verbose`).
pub fn of(outcome: &Outcome, full: bool) -> Feedback {
    let cut = |text: &str| {
        let text = loom_report::shorten_registry_paths(text);
        indent(&if full { text } else { trim::report(&text) })
    };
    match outcome {
        Outcome::TestFailed {
            test,
            message,
            target,
            others,
            ..
        } => {
            let place = in_test_file(target.as_deref());
            let finding = Finding::of(message);
            let headline = match finding {
                Some(found) => format!("{} in the test `{test}`{place}", found.headline()),
                None => format!("the test `{test}`{place} failed"),
            };
            let lesson = match finding {
                Some(found) => Some(found.lesson().to_string()),
                None if message.contains("did not panic as expected") => {
                    Some(DID_NOT_PANIC.to_string())
                }
                None => panic_message(message).map(|m| trim::line(&m, 400)),
            };
            let mut details = match finding {
                Some(_) => format!("loom's own report:\n{}", cut(message)),
                None => cut(message),
            };
            // Below the report, never trimmed away: the others are not hidden.
            if let Some(more) = more_failed(others) {
                details.push_str(&format!("\n\n{more}"));
            }
            Feedback {
                headline,
                details: Some(details),
                lesson,
            }
        }
        Outcome::CompileError { first_error } => Feedback {
            headline: "your code does not compile. The compiler's first error:".into(),
            details: Some(cut(first_error)),
            lesson: None,
        },
        Outcome::Other(why) => Feedback {
            headline: "the check could not finish:".into(),
            details: Some(cut(why)),
            lesson: None,
        },
        other => Feedback {
            headline: other.to_string(),
            details: None,
            lesson: None,
        },
    }
}

/// The message a test panicked with, when it wrote one: the text after `panicked at ...:`, up
/// to `assert_eq!`'s `left:`/`right:` lines, without the `assertion ... failed:` prefix. None
/// for a bare `assert!`/`assert_eq!` (its expression or values are in the details already).
pub fn panic_message(report: &str) -> Option<String> {
    let lines: Vec<&str> = report.lines().collect();
    let at = lines.iter().position(|l| l.contains("panicked at"))?;
    let body: Vec<&str> = lines[at + 1..]
        .iter()
        .map(|l| l.trim())
        .take_while(|l| {
            !(l.starts_with("left:")
                || l.starts_with("right:")
                || l.starts_with("note:")
                || l.starts_with("stack backtrace"))
        })
        .filter(|l| !l.is_empty())
        .collect();
    let text = body.join(" ");
    let text = match text.split_once("` failed") {
        Some((assertion, rest)) if assertion.starts_with("assertion `") => {
            rest.strip_prefix(": ")?.to_string()
        }
        _ if text.starts_with("assertion failed: ") => return None,
        _ => text,
    };
    (!text.trim().is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(message: &str) -> Outcome {
        Outcome::TestFailed {
            test: "t".into(),
            message: message.into(),
            target: Some("exact".into()),
            all: message.into(),
            others: Vec::new(),
        }
    }

    #[test]
    fn the_test_s_own_message_is_the_lesson() {
        let report = "thread 't' (1) panicked at tests/exact.rs:47:5:\nassertion `left == right` \
                      failed: the output must be as long as the input\n  left: 1\n right: 2";
        let got = of(&failed(report), false);
        assert_eq!(got.headline, "the test `t` (in tests/exact.rs) failed");
        assert_eq!(
            got.lesson.as_deref(),
            Some("the output must be as long as the input")
        );
        assert!(got.details.unwrap().contains("    left: 1"));
        let plain = "thread 't' (1) panicked at tests/x.rs:3:5:\nCSideLock lost an update:\n2 != 3";
        assert_eq!(
            panic_message(plain).as_deref(),
            Some("CSideLock lost an update: 2 != 3")
        );
        let bare = "thread 't' (1) panicked at tests/x.rs:3:5:\nassertion `left == right` failed\n  left: 1\n right: 2";
        assert_eq!(panic_message(bare), None);
        assert_eq!(
            panic_message("thread 't' panicked at x:\nassertion failed: a < b"),
            None
        );
    }

    #[test]
    fn a_loom_deadlock_is_headlined_and_taught_in_words() {
        let report = "thread 't' (9) panicked at /root/.cargo/registry/src/index.crates.io-19/\
                      loom-0.7.3/src/rt/execution.rs:215:13:\ndeadlock; threads = [(Id(0), \
                      Blocked(Location(None)))]";
        let got = of(&failed(report), false);
        assert_eq!(
            got.headline,
            "loom found a deadlock in the test `t` (in tests/exact.rs)"
        );
        assert_eq!(got.lesson.as_deref(), Some(Finding::Deadlock.lesson()));
        let details = got.details.unwrap();
        assert!(details.starts_with("loom's own report:"), "{details}");
        assert!(
            details.contains("<cargo registry>/loom-0.7.3/src/rt/execution.rs"),
            "{details}"
        );
        assert!(!details.contains(".cargo/registry"), "{details}");
    }

    #[test]
    fn a_should_panic_test_that_did_not_panic_is_explained() {
        let got = of(
            &failed("note: test did not panic as expected at tests/loom_model.rs:5:1"),
            false,
        );
        assert_eq!(got.lesson.as_deref(), Some(DID_NOT_PANIC));
    }

    #[test]
    fn full_details_are_kept_when_asked() {
        let long = format!("thread 't' panicked at x:\n{}", "a".repeat(500));
        assert!(of(&failed(&long), false).details.unwrap().len() < 300);
        assert!(
            of(&failed(&long), true)
                .details
                .unwrap()
                .contains(&"a".repeat(500))
        );
    }
}
