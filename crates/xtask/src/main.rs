//! `cargo xtask`: the maintainers' and CI's commands, apart from the student's `cargo lab`
//! (the `cargo xtask` convention). See `cargo xtask --help`.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The Parallel FFI Lab's maintainer commands: prove the lessons honest, run the loom models and
/// ThreadSanitizer, benchmark, check the book, and run every test.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Prove every exercise fails as shipped, passes with its solution, and catches every
    /// wrong-answer fixture.
    Verify(xtask::verify::VerifyArgs),
    /// Mutation-test the graders: every mutant of each lesson's solution must fail a test or be
    /// listed as equivalent (`--check`: the committed result is fresh, as CI checks).
    Mutants(xtask::mutants::MutantsArgs),
    /// Run every loom model (fails if none ran).
    Loom(xtask::loom::LoomArgs),
    /// Run ThreadSanitizer over the real C kernels, from C threads and from Rust threads.
    Tsan(xtask::tsan::TsanArgs),
    /// Benchmark suite: a ratio table, results in JSON, SVG figures for the book.
    Bench(xtask::bench::BenchArgs),
    /// Build the book and check it: includes, ledger, links, images, headless Chromium.
    BookCheck(xtask::book::BookCheckArgs),
    /// Every test the project has, in order: the README's test command.
    TestAll(xtask::testall::TestAllArgs),
    /// test-all's last step: fails if a process or a shared-memory file of the run is left.
    #[command(hide = true)]
    Leftovers(xtask::leftovers::LeftoversArgs),
    /// The benchmark's raw-pipe partner: echoes 8-byte messages until stdin closes.
    #[command(hide = true)]
    PipeEcho(xtask::bench::pipe::EchoArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Every command runs children through `supervisor::run`, in their own process groups: on
    // Ctrl-C, SIGTERM and SIGHUP they are stopped first, then this program: see
    // `supervisor::supervise`.
    if let Err(err) = supervisor::supervise("cargo xtask") {
        eprintln!("error: cannot watch for Ctrl-C: {err:#}");
        return ExitCode::FAILURE;
    }
    let result = match cli.command {
        Cmd::Verify(args) => xtask::verify::verify(&args),
        Cmd::Mutants(args) => xtask::mutants::run(&args),
        Cmd::Loom(args) => xtask::loom::run(&args),
        Cmd::Tsan(args) => xtask::tsan::run(&args),
        Cmd::Bench(args) => xtask::bench::run(&args),
        Cmd::BookCheck(args) => xtask::book::run(&args),
        Cmd::TestAll(args) => xtask::testall::run(&args),
        Cmd::Leftovers(args) => xtask::leftovers::run(&args),
        Cmd::PipeEcho(args) => xtask::bench::pipe::echo(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nerror: {err:#}");
            ExitCode::FAILURE
        }
    }
}
