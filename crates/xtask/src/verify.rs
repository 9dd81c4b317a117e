//! `cargo xtask verify`: proves every lesson honest. For every lesson, the exercise as shipped
//! FAILS its grading tests, the solution PASSES them, and every wrong-answer fixture is caught
//! the way the lesson table says.

use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use lab::Table;
use lab::runner::test_run::{self, Run};
use lab::runner::{BUILD_LIMIT, lesson_named};
use lesson_table::{Lesson, Variant};

/// Options for `cargo xtask verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only this lesson (all of them when omitted).
    pub lesson: Option<String>,
    /// Seconds each test run may take before it counts as hanging; at least 1.
    #[arg(long, default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
}

// ANCHOR: verify
/// `cargo xtask verify`: for every lesson, the exercise as shipped FAILS its grading tests, the
/// solution PASSES them, and every wrong-answer fixture is caught the way the table says (each
/// variant's `Expect`, judged against its `Outcome`). Also checks that each exercise file still equals its shipped copy when git says it is
/// unedited. Exits non-zero on any defect.
pub fn verify(args: &VerifyArgs) -> anyhow::Result<()> {
    let chosen: Vec<&'static Lesson> = match args.lesson.as_deref() {
        Some(name) => vec![lesson_named(name)?],
        None => lesson_table::all().iter().collect(),
    };
    // Every lesson's shipped exercise (must fail), solution (must pass) and fixtures.
    let runs: Vec<(&Lesson, Variant<'_>)> = chosen
        .iter()
        .flat_map(|lesson| lesson.variants().into_iter().map(move |v| (*lesson, v)))
        .collect();

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
                lesson.name.as_str(),
                lesson_table::EXERCISE,
                "= shipped copy",
                &drift,
                "DEFECT",
            ]);
            defects.push(format!("{}: {drift}", lesson.name));
        }
    }
    for (lesson, variant) in &runs {
        bar.set_message(format!("{} [{}]", lesson.name, variant.name));
        let got = test_run::run(&Run {
            lesson,
            variant: Some(variant.name),
            test_target: None,
            build_limit: BUILD_LIMIT,
            test_limit: variant.expect.test_limit(Duration::from_secs(args.timeout)),
        });
        let ok = got.meets(&variant.expect);
        let verdict = if ok { "ok" } else { "DEFECT" };
        bar.println(format!(
            "{verdict:>6}  {} [{}]: must {}, got {}",
            lesson.name,
            variant.name,
            variant.expect,
            got.short()
        ));
        if !ok {
            defects.push(format!(
                "{} [{}] must {} but got: {got}",
                lesson.name, variant.name, variant.expect
            ));
        }
        table.row([
            lesson.name.clone(),
            variant.name.to_string(),
            variant.expect.to_string(),
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
    let exercise = std::fs::read(lesson.path(lesson_table::EXERCISE)).ok();
    let shipped = std::fs::read(lesson.path(lesson_table::SHIPPED)).ok();
    match (exercise, shipped) {
        (_, None) => Some("shipped/exercise.rs is missing".into()),
        (None, _) => Some("src/exercise.rs is missing".into()),
        (Some(a), Some(b)) if a == b => None,
        _ => {
            let edited = std::process::Command::new("git")
                .current_dir(lab::workspace_root())
                .args(["diff", "--quiet", "HEAD", "--"])
                .arg(lesson.path(lesson_table::EXERCISE))
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
    use lab::runner::outcome::Outcome;
    use lesson_table::Expect;

    #[test]
    fn verify_judges_outcomes_strictly() {
        let failed = Outcome::TestFailed {
            test: "t".into(),
            message: "lost an update".into(),
            target: None,
            all: "---- t stdout ----\nlost an update".into(),
            others: Vec::new(),
        };
        let broken = Outcome::CompileError {
            first_error: "error[E0133]".into(),
        };
        assert!(failed.meets(&Expect::Fails));
        assert!(
            !broken.meets(&Expect::Fails),
            "a shipped exercise must compile and fail its tests"
        );
        assert!(
            !Outcome::NoTests.meets(&Expect::Passes),
            "0 tests is not a pass"
        );
        assert!(failed.meets(&Expect::FailsTest("lost an update".into())));
        assert!(!failed.meets(&Expect::FailsTest("deadlock".into())));
        assert!(broken.meets(&Expect::FailsToCompile("E0133".into())));
    }

    #[test]
    fn a_time_limit_under_a_second_is_refused() {
        use clap::Parser;
        #[derive(Debug, Parser)]
        struct Verify {
            #[command(flatten)]
            args: super::VerifyArgs,
        }
        assert!(Verify::try_parse_from(["verify", "--timeout", "0"]).is_err());
        assert_eq!(
            Verify::try_parse_from(["verify"]).unwrap().args.timeout,
            120
        );
    }
}
