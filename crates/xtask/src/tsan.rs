//! `cargo xtask tsan`: ThreadSanitizer watches the *real C* while it runs (gcc's
//! `-fsanitize=thread`, on the stable toolchain), from a C pthread driver and from Rust threads
//! through the FFI. The racy kernel must be reported; every fixed kernel must be clean. Each
//! case runs in its own process, so one report cannot hide another's verdict.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;

use lab::Table;
use supervisor::{Finished, Output, cargo, describe, tail};

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

/// What TSan says about a case: what it must say, and what it said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
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
    expect: Verdict,
}

// ANCHOR: tsan_cases
/// Kernels from the C pthread driver (`c_src/driver_tsan.c`).
const C_DRIVER_CASES: &[Case] = &[
    Case {
        from: "C pthreads",
        kernel: "racy",
        expect: Verdict::Race,
    },
    Case {
        from: "C pthreads",
        kernel: "locked",
        expect: Verdict::Clean,
    },
    Case {
        from: "C pthreads",
        kernel: "atomic",
        expect: Verdict::Clean,
    },
    Case {
        from: "C pthreads",
        kernel: "reentrant",
        expect: Verdict::Clean,
    },
];

/// Kernels from Rust threads through the FFI (`crates/kernels/examples/tsan_kernels.rs`): every
/// kernel of [`kernels::ALL`] that TSan can judge, which must be reported exactly when it is not
/// exact. `mutex-rust` is not among them: parking_lot parks threads with raw futex calls that
/// TSan cannot see, so it would report the correct program as racy. loom checks that kernel.
fn rust_cases() -> Vec<Case> {
    kernels::ALL
        .iter()
        .filter(|k| kernels::tsan_can_judge(k))
        .map(|k| Case {
            from: "Rust threads",
            kernel: k.name,
            expect: if k.exact {
                Verdict::Clean
            } else {
                Verdict::Race
            },
        })
        .collect()
}
// ANCHOR_END: tsan_cases

/// TSan's exit code when it reported something.
const TSAN_EXIT: i32 = 66;
const RACE_REPORT: &str = "WARNING: ThreadSanitizer: data race";

/// Builds the C driver and the Rust example with ThreadSanitizer and checks every case.
pub fn run(args: &TsanArgs) -> anyhow::Result<()> {
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
    let built = supervisor::run(&mut cargo_build, build_limit, Output::Capture)?;
    if !built.status.success() {
        bail!("the TSan build failed:\n{}", tail(&built.combined(), 60));
    }
    let example = out_dir.join("debug/examples/tsan_kernels");

    let counts = [args.threads.to_string(), args.increments.to_string()];
    let mut table = tsan_table();
    let mut wrong = check_cases(&driver, C_DRIVER_CASES, &counts, &mut table)?;
    wrong.extend(check_cases(&example, &rust_cases(), &counts, &mut table)?);
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
    let built = supervisor::run(&mut cc, limit, Output::Capture)?;
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
    let done = supervisor::run(&mut cmd, limit, Output::Capture)?;
    if !done.combined().contains("unexpected memory mapping") {
        return Ok(done);
    }
    let mut cmd = Command::new("setarch");
    cmd.args([std::env::consts::ARCH, "-R"])
        .arg(program)
        .arg(kernel)
        .args(counts);
    Ok(supervisor::run(&mut cmd, limit, Output::Capture)?)
}

/// Reads what TSan said: a race (report and exit 66), clean (exit 0, no report), or an error.
fn verdict(done: &Finished) -> anyhow::Result<Verdict> {
    let all = done.combined();
    let reported = all.contains(RACE_REPORT);
    match done.status.code() {
        Some(TSAN_EXIT) if reported => Ok(Verdict::Race),
        Some(0) if !all.contains("ThreadSanitizer") => Ok(Verdict::Clean),
        _ => bail!(
            "a TSan case ended unexpectedly ({}):\n{}",
            done.status,
            tail(&all, 40)
        ),
    }
}

/// The first line of `text` that contains `needle`, trimmed (empty when none does).
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

    /// ThreadSanitizer reports the racy kernel and finds the others clean. (`cargo xtask tsan`
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
}
