//! `cargo xtask test-all`: the README's test command. Runs every kind of check the lab has, in
//! order, each under a time limit, and ends with one summary line that CI reads.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;

use lab::Table;
use supervisor::Output;

/// Options for `cargo xtask test-all`.
#[derive(Debug, Args)]
pub struct TestAllArgs {
    /// Run only the steps whose names contain this text (e.g. `loom`).
    #[arg(long)]
    pub only: Option<String>,
    /// Skip the steps whose names contain this text (repeatable).
    #[arg(long)]
    pub skip: Vec<String>,
}

/// One step: a command, why it exists, and how long it may take on a cold 2-core machine.
#[derive(Debug)]
struct Step {
    name: &'static str,
    why: &'static str,
    /// Either `cargo ...`, `bash ...` or `xtask ...` (this program, re-invoked).
    argv: &'static [&'static str],
    limit: Duration,
}

// ANCHOR: steps
const STEPS: &[Step] = &[
    Step {
        name: "tools",
        why: "mdbook (pinned) and chromium for the book, gcc's sanitizer runtimes, OpenMPI and libclang for the MPI crate; skips what is present",
        argv: &["bash", ".ci/install-tools"],
        limit: Duration::from_secs(15 * 60),
    },
    Step {
        name: "workspace-tests",
        why: "unit, property, compile-fail, example, stress, fault and sanitizer tests; the MPI jobs at 2 and 4 ranks",
        argv: &["cargo", "test", "--workspace", "--exclude-lessons"],
        limit: Duration::from_secs(20 * 60),
    },
    Step {
        name: "loom",
        why: "every loom model, with a preemption bound; fails if 0 ran",
        argv: &["xtask", "loom"],
        limit: Duration::from_secs(10 * 60),
    },
    Step {
        name: "tsan",
        why: "ThreadSanitizer on the real C, from C and from Rust threads",
        argv: &["xtask", "tsan"],
        limit: Duration::from_secs(8 * 60),
    },
    Step {
        name: "lessons-verify",
        why: "every exercise fails as shipped, passes with its solution, catches wrong answers",
        argv: &["xtask", "verify"],
        limit: Duration::from_secs(15 * 60),
    },
    Step {
        name: "mutants",
        why: "the committed mutation result is fresh: every mutant of each solution fails a test or is listed as equivalent",
        argv: &["xtask", "mutants", "--check"],
        limit: Duration::from_secs(60),
    },
    Step {
        name: "bench-quick",
        why: "the benchmark suite in quick mode: every figure and table is produced",
        argv: &["xtask", "bench", "--quick"],
        limit: Duration::from_secs(8 * 60),
    },
    Step {
        name: "book",
        why: "mdbook build, includes and anchors, claims ledger, links, headless Chromium",
        argv: &["xtask", "book-check"],
        limit: Duration::from_secs(8 * 60),
    },
    Step {
        name: "leftovers",
        why: "nothing the run started is left: no process of target/ (nor its mpirun), nothing of the lab or OpenMPI in /dev/shm",
        argv: &["xtask", "leftovers"],
        limit: Duration::from_secs(60),
    },
];
// ANCHOR_END: steps

/// Runs the steps; returns an error naming every step that failed.
pub fn run(args: &TestAllArgs) -> anyhow::Result<()> {
    let root = lab::workspace_root();
    let me = std::env::current_exe().context("cannot find the xtask executable")?;
    let chosen: Vec<&Step> = STEPS
        .iter()
        .filter(|s| args.only.as_deref().is_none_or(|o| s.name.contains(o)))
        .filter(|s| !args.skip.iter().any(|k| s.name.contains(k.as_str())))
        .collect();
    if chosen.is_empty() {
        bail!("no step matches; steps are: {}", names());
    }

    let mut table = Table::new(["step", "result", "time", "what it checks"]);
    let (mut passed, mut failed) = (0, 0);
    for (i, step) in chosen.iter().enumerate() {
        println!(
            "\n=== [{}/{}] {}: {}",
            i + 1,
            chosen.len(),
            step.name,
            step.why
        );
        let mut cmd = command_for(step, &me);
        cmd.current_dir(&root);
        let started = Instant::now();
        let verdict = match supervisor::run(&mut cmd, step.limit, Output::Inherit) {
            Ok(done) if done.status.success() => "pass".to_string(),
            Ok(done) => format!("FAIL ({})", done.status),
            Err(err) => format!("FAIL ({err})"),
        };
        if verdict == "pass" {
            passed += 1;
        } else {
            failed += 1;
        }
        let secs = started.elapsed().as_secs_f64();
        println!("=== {}: {verdict} in {secs:.0} s", step.name);
        table.row([
            step.name.to_string(),
            verdict,
            format!("{secs:.0} s"),
            step.why.to_string(),
        ]);
    }
    println!("\n{}", table.render());
    println!("test-all: {passed} passed, {failed} failed");
    if failed > 0 {
        bail!("{failed} step(s) failed; rerun one with `cargo xtask test-all --only <step>`");
    }
    Ok(())
}

fn names() -> String {
    STEPS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
}

fn command_for(step: &Step, me: &std::path::Path) -> Command {
    let (program, rest) = step.argv.split_first().expect("a step has a program");
    let mut cmd = match *program {
        "xtask" => Command::new(me),
        other => Command::new(other),
    };
    for arg in rest {
        if *arg == "--exclude-lessons" {
            // `--workspace` would include the lessons, whose exercises fail as shipped on
            // purpose; `xtask verify` checks them instead.
            for lesson in lab::runner::lesson_packages() {
                cmd.args(["--exclude", lesson]);
            }
        } else {
            cmd.arg(arg);
        }
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn every_step_has_a_limit_within_the_ci_budget() {
        let total: Duration = STEPS.iter().map(|s| s.limit).sum();
        assert!(
            total <= 90 * MIN,
            "the step limits add up to {total:?}, over CI's 90 minutes"
        );
    }

    #[test]
    fn the_leftovers_check_comes_last() {
        assert_eq!(STEPS.last().map(|s| s.name), Some("leftovers"));
    }

    #[test]
    fn step_names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for s in STEPS {
            assert!(seen.insert(s.name), "duplicate step {}", s.name);
        }
    }
}
