//! `cargo xtask verify`: proves every lesson honest. For every lesson, the exercise as shipped
//! FAILS its grading tests, the solution PASSES them, and every wrong-answer fixture is caught
//! the way the lesson table says.

use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use lab::Table;
use lab::runner::lessons::{self, Caught, LESSONS, Lesson};
use lab::runner::outcome::{self, Outcome, Run};
use lab::runner::{BUILD_LIMIT, lesson_named};

/// Options for `cargo xtask verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only this lesson (all of them when omitted).
    pub lesson: Option<String>,
    /// Seconds each test run may take before it counts as hanging.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
}

/// One run that `verify` makes, and what it must show.
#[derive(Debug)]
struct Expectation {
    lesson: &'static Lesson,
    variant: &'static str,
    want: Want,
}

#[derive(Debug, Clone, Copy)]
enum Want {
    Fail,
    Pass,
    Caught(Caught),
}

impl Want {
    fn describe(self) -> String {
        match self {
            Want::Fail => "fails".into(),
            Want::Pass => "passes".into(),
            Want::Caught(Caught::ByTest(text)) => format!("a test fails with \"{text}\""),
            Want::Caught(Caught::ByCompiler(text)) => format!("compile error {text}"),
            Want::Caught(Caught::ByTimeLimit(d)) => format!("stopped at {} s", d.as_secs()),
        }
    }

    fn judge(self, got: &Outcome) -> bool {
        match self {
            // Shipped must fail the GRADING TESTS (compiling is required: clippy checks it).
            Want::Fail => matches!(
                got,
                Outcome::TestFailed { .. } | Outcome::TimedOut { phase: "tests", .. }
            ),
            Want::Pass => got.passed(),
            Want::Caught(Caught::ByTest(text)) => {
                matches!(got, Outcome::TestFailed { .. }) && got.full_text().contains(text)
            }
            Want::Caught(Caught::ByCompiler(text)) => {
                matches!(got, Outcome::CompileError { .. }) && got.full_text().contains(text)
            }
            Want::Caught(Caught::ByTimeLimit(_)) => {
                matches!(got, Outcome::TimedOut { phase: "tests", .. })
            }
        }
    }
}

// ANCHOR: verify
/// `cargo xtask verify`: for every lesson, the exercise as shipped FAILS its grading tests, the
/// solution PASSES them, and every wrong-answer fixture is caught the way the table says.
/// Also checks that each exercise file still equals its shipped copy when git says it is
/// unedited. Exits non-zero on any defect.
pub fn verify(args: &VerifyArgs) -> anyhow::Result<()> {
    let chosen: Vec<&'static Lesson> = match args.lesson.as_deref() {
        Some(name) => vec![lesson_named(name)?],
        None => LESSONS.iter().collect(),
    };
    let mut runs = Vec::new();
    for lesson in &chosen {
        runs.push(Expectation {
            lesson,
            variant: "shipped",
            want: Want::Fail,
        });
        runs.push(Expectation {
            lesson,
            variant: "solution",
            want: Want::Pass,
        });
        for fixture in lesson.fixtures {
            runs.push(Expectation {
                lesson,
                variant: fixture.feature,
                want: Want::Caught(fixture.caught),
            });
        }
    }

    let started = Instant::now();
    let bar = ProgressBar::new(runs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let mut table = Table::new(["lesson", "variant", "must", "got", "verdict"]);
    let mut defects = Vec::new();
    for lesson in &chosen {
        if let Some(drift) = shipped_copy_drift(lesson) {
            table.row([
                lesson.name,
                "src/exercise.rs",
                "= shipped copy",
                &drift,
                "DEFECT",
            ]);
            defects.push(format!("{}: {drift}", lesson.name));
        }
    }
    for run in &runs {
        bar.set_message(format!("{} [{}]", run.lesson.name, run.variant));
        let limit = match run.want {
            Want::Caught(Caught::ByTimeLimit(d)) => d,
            _ => Duration::from_secs(args.timeout),
        };
        let got = outcome::run(&Run {
            lesson: run.lesson,
            feature: Some(run.variant),
            test_target: None,
            build_limit: BUILD_LIMIT,
            test_limit: limit,
        });
        let ok = run.want.judge(&got);
        let verdict = if ok { "ok" } else { "DEFECT" };
        bar.println(format!(
            "{verdict:>6}  {} [{}]: must {}, got {}",
            run.lesson.name,
            run.variant,
            run.want.describe(),
            got.short()
        ));
        if !ok {
            defects.push(format!(
                "{} [{}] must {} but got: {got}",
                run.lesson.name,
                run.variant,
                run.want.describe()
            ));
        }
        table.row([
            run.lesson.name.to_string(),
            run.variant.to_string(),
            run.want.describe(),
            got.short(),
            verdict.to_string(),
        ]);
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!("\n{}", table.render());
    println!(
        "verify: {} runs over {} lessons in {:.0} s, {} defect(s)",
        runs.len(),
        chosen.len(),
        started.elapsed().as_secs_f64(),
        defects.len()
    );
    if !defects.is_empty() {
        for d in &defects {
            eprintln!("DEFECT: {d}");
        }
        bail!("{} defect(s): see the table above", defects.len());
    }
    Ok(())
}
// ANCHOR_END: verify

/// `Some(reason)` when the exercise differs from its shipped copy although git says the
/// exercise file is unedited: the two copies drifted apart in a commit.
fn shipped_copy_drift(lesson: &Lesson) -> Option<String> {
    let exercise = std::fs::read(lesson.path(lessons::EXERCISE)).ok();
    let shipped = std::fs::read(lesson.path(lessons::SHIPPED)).ok();
    match (exercise, shipped) {
        (_, None) => Some("shipped/exercise.rs is missing".into()),
        (None, _) => Some("src/exercise.rs is missing".into()),
        (Some(a), Some(b)) if a == b => None,
        _ => {
            let edited = std::process::Command::new("git")
                .current_dir(lab::workspace_root())
                .args(["diff", "--quiet", "HEAD", "--"])
                .arg(lesson.path(lessons::EXERCISE))
                .status()
                .map(|s| !s.success());
            match edited {
                // Edited locally (a student's work): not a defect of the lesson.
                Ok(true) => None,
                Ok(false) => Some("committed exercise differs from shipped/exercise.rs".into()),
                Err(_) => None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_judges_outcomes_strictly() {
        let failed = Outcome::TestFailed {
            test: "t".into(),
            message: "lost an update".into(),
            target: None,
            all: "---- t stdout ----\nlost an update".into(),
        };
        let broken = Outcome::CompileError {
            first_error: "error[E0133]".into(),
        };
        assert!(Want::Fail.judge(&failed));
        assert!(
            !Want::Fail.judge(&broken),
            "a shipped exercise must compile and fail its tests"
        );
        assert!(
            !Want::Pass.judge(&Outcome::NoTests),
            "0 tests is not a pass"
        );
        assert!(Want::Caught(Caught::ByTest("lost an update")).judge(&failed));
        assert!(!Want::Caught(Caught::ByTest("deadlock")).judge(&failed));
        assert!(Want::Caught(Caught::ByCompiler("E0133")).judge(&broken));
    }
}
