//! `cargo xtask loom`: every loom model in the workspace, one of the four witnesses for every
//! thread-safety claim about the counter kernels (the compiler, ThreadSanitizer and the stress
//! tests are the others).
//!
//! loom explores every interleaving of a small model. It cannot see into C, so each kernel
//! switches its C call to a Rust model of the call's memory effect under `cfg(loom)`; the
//! locking, sharding, joining and reducing code is the same code as in the real build. loom
//! proves the *model*. A run where 0 loom tests ran is a failure.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;

use lab::Table;
use supervisor::{Finished, Output, cargo, describe, tail};

/// Packages that may hold loom models, in `crates/<name>/tests/*.rs` files with `#![cfg(loom)]`.
const LOOM_PACKAGES: &[&str] = &["racy", "mutex", "atomic", "sharded", "isolated"];

/// Options for `cargo xtask loom`.
#[derive(Debug, Args)]
pub struct LoomArgs {
    /// `LOOM_MAX_PREEMPTIONS` for the models that do not state their own bound. The models named
    /// `..._exhaustive_...` and `..._preemption_bound_N_...` set theirs in the test itself.
    #[arg(long, default_value_t = 2)]
    pub max_preemptions: usize,
    /// Only this package (repeatable). Default: every package that has a loom test.
    #[arg(long = "package", short = 'p')]
    pub packages: Vec<String>,
    /// Time limit per package, in seconds (a cold build is included).
    #[arg(long, default_value_t = 600)]
    pub limit_secs: u64,
}

/// One package's loom test targets.
#[derive(Debug)]
struct LoomTarget {
    package: &'static str,
    tests: Vec<String>,
}

/// The counts read from cargo's `test result:` lines.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct TestCounts {
    passed: u64,
    failed: u64,
}

/// Runs every loom model: `cargo test` with `--cfg loom` added to `RUSTFLAGS`, per package.
pub fn run(args: &LoomArgs) -> anyhow::Result<()> {
    let root = lab::workspace_root();
    let targets = loom_targets(&root, &args.packages)?;
    if targets.is_empty() {
        bail!("no loom tests found (files in crates/<package>/tests/ with `#![cfg(loom)]`)");
    }
    let (var, flags) = rustflags_with_loom();
    println!(
        "loom: {var}={flags:?}, LOOM_MAX_PREEMPTIONS={} (models that say `exhaustive` or \
         `preemption_bound_N` set their own), --target-dir target/loom",
        args.max_preemptions
    );

    let mut table = Table::new(["package", "tests", "passed", "failed", "time"]);
    let mut total = TestCounts::default();
    let mut problems = Vec::new();
    for target in &targets {
        let mut cmd = Command::new(cargo());
        cmd.current_dir(&root)
            .args(["test", "--target-dir", "target/loom", "-p", target.package])
            .env(var, &flags)
            .env("LOOM_MAX_PREEMPTIONS", args.max_preemptions.to_string());
        for test in &target.tests {
            cmd.args(["--test", test]);
        }
        println!("\n$ {}", describe(&cmd));
        let done = supervisor::run(
            &mut cmd,
            Duration::from_secs(args.limit_secs),
            Output::Capture,
        )
        .with_context(|| format!("loom models of `{}`", target.package))?;
        print_test_lines(&done);
        let counts = parse_test_results(&done.combined());
        total.passed += counts.passed;
        total.failed += counts.failed;
        if !done.status.success() || counts.failed > 0 {
            eprintln!("{}", tail(&done.combined(), 60));
            problems.push(format!(
                "{}: cargo test failed ({})",
                target.package, done.status
            ));
        } else if counts.passed == 0 {
            problems.push(format!("{}: 0 loom tests ran", target.package));
        }
        table.row([
            target.package.to_string(),
            target.tests.join(", "),
            counts.passed.to_string(),
            counts.failed.to_string(),
            format!("{:.0} s", done.elapsed.as_secs_f64()),
        ]);
    }
    println!("\n{}", table.render());
    println!(
        "loom: {} passed, {} failed, in {} package(s)",
        total.passed,
        total.failed,
        targets.len()
    );
    if total.passed == 0 {
        bail!("0 loom tests ran: the models were not compiled with --cfg loom");
    }
    if !problems.is_empty() {
        bail!("loom failed: {}", problems.join("; "));
    }
    Ok(())
}

/// Finds `crates/<package>/tests/<name>.rs` files that start a loom-only test (`#![cfg(loom)]`).
fn loom_targets(root: &Path, only: &[String]) -> anyhow::Result<Vec<LoomTarget>> {
    for name in only {
        if !LOOM_PACKAGES.contains(&name.as_str()) {
            bail!(
                "`{name}` has no loom models; packages: {}",
                LOOM_PACKAGES.join(", ")
            );
        }
    }
    let mut targets = Vec::new();
    for &package in LOOM_PACKAGES {
        if !only.is_empty() && !only.iter().any(|o| o == package) {
            continue;
        }
        let dir = root.join("crates").join(package).join("tests");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut tests: Vec<String> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .filter(|p| std::fs::read_to_string(p).is_ok_and(|text| text.contains("#![cfg(loom)]")))
            .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
            .collect();
        tests.sort();
        if !tests.is_empty() {
            targets.push(LoomTarget { package, tests });
        }
    }
    Ok(targets)
}

/// The flags variable cargo will read, with `--cfg loom` added to what the environment has:
/// a `RUSTFLAGS` in the environment overrides `build.rustflags`, so we extend it rather than
/// replace it (and `CARGO_ENCODED_RUSTFLAGS`, when set, wins over both).
fn rustflags_with_loom() -> (&'static str, String) {
    match std::env::var("CARGO_ENCODED_RUSTFLAGS") {
        Ok(encoded) if !encoded.is_empty() => (
            "CARGO_ENCODED_RUSTFLAGS",
            format!("{encoded}\x1f--cfg\x1floom"),
        ),
        _ => {
            let existing = std::env::var("RUSTFLAGS").unwrap_or_default();
            let flags = format!("{} --cfg loom", existing.trim()).trim().to_string();
            ("RUSTFLAGS", flags)
        }
    }
}

/// Sums cargo's `test result: ok. 3 passed; 0 failed; ...` lines.
fn parse_test_results(output: &str) -> TestCounts {
    let mut counts = TestCounts::default();
    for line in output.lines() {
        let Some(rest) = line.trim().strip_prefix("test result:") else {
            continue;
        };
        for part in rest.split([';', '.']) {
            let mut words = part.split_whitespace();
            if let (Some(n), Some(what)) = (words.next(), words.next()) {
                match (n.parse::<u64>(), what) {
                    (Ok(n), "passed") => counts.passed += n,
                    (Ok(n), "failed") => counts.failed += n,
                    _ => {}
                }
            }
        }
    }
    counts
}

fn print_test_lines(done: &Finished) {
    for line in done.combined().lines() {
        let line = line.trim_start();
        if line.starts_with("test ") || line.starts_with("error") {
            println!("  {line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_result_lines_are_summed() {
        let out = "running 3 tests\n\
            test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 6.31s\n\
            test result: FAILED. 5 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out\n";
        assert_eq!(
            parse_test_results(out),
            TestCounts {
                passed: 8,
                failed: 1
            }
        );
    }

    #[test]
    fn no_test_result_line_means_zero_tests() {
        assert_eq!(
            parse_test_results("error: could not compile"),
            TestCounts::default()
        );
    }

    #[test]
    fn the_kernel_crates_have_loom_tests() {
        let targets = loom_targets(&lab::workspace_root(), &[]).unwrap();
        for package in ["racy", "mutex", "atomic", "sharded"] {
            let found = targets.iter().find(|t| t.package == package);
            assert!(
                found.is_some_and(|t| t.tests.iter().any(|n| n == "loom")),
                "{package} has no tests/loom.rs with #![cfg(loom)]: {targets:?}"
            );
        }
    }

    /// K-racy, K-mutex-c, K-atomic, K-sharded on the real C: the C pthread driver under gcc's
    /// adds the same kernels from Rust threads through the FFI.)
    #[test]
    fn an_unknown_package_is_refused_by_name() {
        let err = loom_targets(&lab::workspace_root(), &["ffi".into()]).unwrap_err();
        assert!(
            err.to_string().contains("`ffi` has no loom models"),
            "{err}"
        );
    }
}
