//! `cargo xtask loom` and `cargo xtask tsan`: two of the four witnesses for every thread-safety claim
//! about the counter kernels (the compiler and the stress tests are the other two).
//!
//! - **loom** explores every interleaving of a small model. It cannot see into C, so each kernel
//!   switches its C call to a Rust model of the call's memory effect under `cfg(loom)`; the
//!   locking, sharding, joining and reducing code is the same code as in the real build.
//!   loom proves the *model*.
//! - **ThreadSanitizer** watches the *real C* while it runs: gcc's `-fsanitize=thread`, from a C
//!   pthread driver and from Rust threads through the FFI, on the stable toolchain.
//!
//! Each command runs its children through [`lab::proc::run`] (time limits, whole process
//! group killed on timeout) and reads their output: a run where 0 loom tests ran is a failure,
//! and so is a TSan case whose verdict is not the expected one.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;

use lab::Table;
use lab::proc::{self, Finished, Output};

// ---------------------------------------------------------------------------------------------
// loom
// ---------------------------------------------------------------------------------------------

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
pub fn loom(args: &LoomArgs) -> anyhow::Result<()> {
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
        let done = proc::run(
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

// ---------------------------------------------------------------------------------------------
// ThreadSanitizer
// ---------------------------------------------------------------------------------------------

/// Options for `cargo xtask tsan`.
#[derive(Debug, Args)]
pub struct TsanArgs {
    /// Threads per case.
    #[arg(long, default_value_t = 2)]
    pub threads: u32,
    /// Increments per thread in each case.
    #[arg(long, default_value_t = 20_000)]
    pub increments: u64,
    /// Time limit for the instrumented build, in seconds.
    #[arg(long, default_value_t = 600)]
    pub build_limit_secs: u64,
}

/// What TSan must say about a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A data race report (and exit code 66).
    Race,
    /// No report, exit 0.
    Clean,
}

/// One TSan case: which program, which kernel, what TSan must say.
#[derive(Debug)]
struct Case {
    from: &'static str,
    kernel: &'static str,
    expect: Expect,
}

// ANCHOR: tsan_cases
/// Kernels from the C pthread driver (`c_src/driver_tsan.c`).
const C_DRIVER_CASES: &[Case] = &[
    Case {
        from: "C pthreads",
        kernel: "racy",
        expect: Expect::Race,
    },
    Case {
        from: "C pthreads",
        kernel: "locked",
        expect: Expect::Clean,
    },
    Case {
        from: "C pthreads",
        kernel: "atomic",
        expect: Expect::Clean,
    },
    Case {
        from: "C pthreads",
        kernel: "reentrant",
        expect: Expect::Clean,
    },
];

/// Kernels from Rust threads through the FFI (`crates/kernels/examples/tsan_kernels.rs`).
/// `mutex-rust` is not here: parking_lot parks threads with raw futex calls that TSan cannot
/// see, so it would report the correct program as racy. loom checks that kernel instead.
const RUST_CASES: &[Case] = &[
    Case {
        from: "Rust threads",
        kernel: "racy",
        expect: Expect::Race,
    },
    Case {
        from: "Rust threads",
        kernel: "mutex-c",
        expect: Expect::Clean,
    },
    Case {
        from: "Rust threads",
        kernel: "atomic",
        expect: Expect::Clean,
    },
    Case {
        from: "Rust threads",
        kernel: "sharded",
        expect: Expect::Clean,
    },
    Case {
        from: "Rust threads",
        kernel: "sharded-unpadded",
        expect: Expect::Clean,
    },
];
// ANCHOR_END: tsan_cases

/// TSan's exit code when it reported something.
const TSAN_EXIT: i32 = 66;
const RACE_REPORT: &str = "WARNING: ThreadSanitizer: data race";

/// Builds the C driver and the Rust example with ThreadSanitizer and checks every case.
pub fn tsan(args: &TsanArgs) -> anyhow::Result<()> {
    let root = lab::workspace_root();
    let out_dir = root.join("target/tsan");
    std::fs::create_dir_all(&out_dir).context("cannot create target/tsan")?;
    let build_limit = Duration::from_secs(args.build_limit_secs);

    // 1. The C pthread driver, built by gcc with its TSan runtime.
    let driver = build_c_driver(&root, &out_dir, build_limit)?;

    // 2. The Rust example, with the C library built by crates/ffi/build.rs under TSan.
    let mut cargo_build = Command::new(cargo());
    cargo_build
        .current_dir(&root)
        .args(["build", "--target-dir", "target/tsan", "-p", "kernels"])
        .args(["--example", "tsan_kernels"])
        .env("LAB_SANITIZE", "thread");
    println!("$ LAB_SANITIZE=thread {}", describe(&cargo_build));
    let built = proc::run(&mut cargo_build, build_limit, Output::Capture)?;
    if !built.status.success() {
        bail!("the TSan build failed:\n{}", tail(&built.combined(), 60));
    }
    let example = out_dir.join("debug/examples/tsan_kernels");

    let counts = [args.threads.to_string(), args.increments.to_string()];
    let mut table = tsan_table();
    let mut wrong = check_cases(&driver, C_DRIVER_CASES, &counts, &mut table)?;
    wrong.extend(check_cases(&example, RUST_CASES, &counts, &mut table)?);
    println!("\n{}", table.render());
    println!(
        "mutex-rust (parking_lot around the racy C call) is checked by loom only: parking_lot's \
         futex is invisible to TSan, which would report the correct program as racy."
    );
    if !wrong.is_empty() {
        bail!(
            "ThreadSanitizer's verdict was not the expected one for: {}",
            wrong.join(", ")
        );
    }
    println!("tsan: racy reported from C and from Rust; every fixed kernel clean");
    Ok(())
}

/// Compiles `c_src/driver_tsan.c` and `c_src/counter.c` with gcc's `-fsanitize=thread` into
/// `out_dir/driver_tsan`.
fn build_c_driver(root: &Path, out_dir: &Path, limit: Duration) -> anyhow::Result<PathBuf> {
    let driver = out_dir.join("driver_tsan");
    let c_src = root.join("c_src");
    let mut cc = Command::new(std::env::var("CC").unwrap_or_else(|_| "gcc".into()));
    cc.args([
        "-std=c11",
        "-fsanitize=thread",
        "-g",
        "-O1",
        "-pthread",
        "-I",
    ])
    .arg(&c_src)
    .arg(c_src.join("driver_tsan.c"))
    .arg(c_src.join("counter.c"))
    .arg("-o")
    .arg(&driver);
    println!("$ {}", describe(&cc));
    let built = proc::run(&mut cc, limit, Output::Capture)?;
    if !built.status.success() {
        bail!(
            "the C driver did not build with -fsanitize=thread (is gcc's libtsan installed? \
             `bash .ci/install-tools`):\n{}",
            built.combined()
        );
    }
    Ok(driver)
}

fn tsan_table() -> Table {
    Table::new([
        "from",
        "kernel",
        "expected",
        "TSan said",
        "output",
        "verdict",
    ])
}

/// Runs each case of `program` as its own process, adds a row per case to `table`, and returns
/// the cases whose verdict was not the expected one.
fn check_cases(
    program: &Path,
    cases: &[Case],
    counts: &[String],
    table: &mut Table,
) -> anyhow::Result<Vec<String>> {
    let mut wrong = Vec::new();
    for case in cases {
        let done = run_case(program, case.kernel, counts)?;
        let said = verdict(&done)?;
        let ok = said == case.expect;
        if !ok {
            eprintln!("{}", tail(&done.combined(), 40));
            wrong.push(format!("{} {}", case.from, case.kernel));
        }
        table.row([
            case.from.to_string(),
            case.kernel.to_string(),
            format!("{:?}", case.expect).to_lowercase(),
            format!("{said:?}").to_lowercase(),
            first_line_with(&done.stdout, "expected="),
            if ok { "ok" } else { "WRONG" }.to_string(),
        ]);
    }
    Ok(wrong)
}

/// Runs one case as its own process (a race report ends the process with 66). Retries once
/// with address-space randomization off if the TSan runtime cannot map its shadow memory.
fn run_case(program: &Path, kernel: &str, counts: &[String]) -> anyhow::Result<Finished> {
    let limit = Duration::from_secs(120);
    let mut cmd = Command::new(program);
    cmd.arg(kernel).args(counts);
    let done = proc::run(&mut cmd, limit, Output::Capture)?;
    if !done.combined().contains("unexpected memory mapping") {
        return Ok(done);
    }
    let mut cmd = Command::new("setarch");
    cmd.args([std::env::consts::ARCH, "-R"])
        .arg(program)
        .arg(kernel)
        .args(counts);
    Ok(proc::run(&mut cmd, limit, Output::Capture)?)
}

/// Reads what TSan said: a race (report and exit 66), clean (exit 0, no report), or an error.
fn verdict(done: &Finished) -> anyhow::Result<Expect> {
    let all = done.combined();
    let reported = all.contains(RACE_REPORT);
    match done.status.code() {
        Some(TSAN_EXIT) if reported => Ok(Expect::Race),
        Some(0) if !all.contains("ThreadSanitizer") => Ok(Expect::Clean),
        _ => bail!(
            "a TSan case ended unexpectedly ({}):\n{}",
            done.status,
            tail(&all, 40)
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

/// The cargo that runs us (`CARGO` is set by `cargo run`), or the one on `PATH`.
fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| "cargo".into(), PathBuf::from)
}

fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn first_line_with(text: &str, needle: &str) -> String {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or("")
        .trim()
        .to_string()
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
    /// ThreadSanitizer reports the racy kernel and finds the others clean. (`cargo xtask tsan`
    /// adds the same kernels from Rust threads through the FFI.)
    #[test]
    fn tsan_reports_the_racy_c_kernel_and_passes_the_fixed_ones_from_a_c_driver() {
        let dir = tempfile::tempdir().unwrap();
        let root = lab::workspace_root();
        let driver = build_c_driver(&root, dir.path(), Duration::from_secs(120)).unwrap();
        let mut table = tsan_table();
        let counts = ["2".to_string(), "20000".to_string()];
        let wrong = check_cases(&driver, C_DRIVER_CASES, &counts, &mut table).unwrap();
        assert!(
            wrong.is_empty(),
            "wrong verdicts: {wrong:?}\n{}",
            table.render()
        );
    }

    #[test]
    fn an_unknown_package_is_refused_by_name() {
        let err = loom_targets(&lab::workspace_root(), &["ffi".into()]).unwrap_err();
        assert!(
            err.to_string().contains("`ffi` has no loom models"),
            "{err}"
        );
    }
}
