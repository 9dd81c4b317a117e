//! `cargo lab`: the Parallel FFI Lab's one command. See `cargo lab --help`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The Parallel FFI Lab: call C from Rust on many threads and processes, and measure the cost.
///
/// Run with no arguments for the welcome and the live demo.
#[derive(Debug, Parser)]
#[command(name = "cargo lab", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Cmd>,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// The source article's three examples, run through the safe Rust API.
    Examples,
    /// Live demo: the racy counter losing updates beside the fixed kernels, threads and processes.
    Demo(lab::demo::DemoArgs),
    /// List the lessons and your progress.
    List,
    /// Check a lesson (the current one when none is named): runs its tests with a time limit.
    Check(lab::runner::CheckArgs),
    /// Show the hint for a lesson.
    Hint(lab::runner::LessonArg),
    /// Re-check a lesson every time you save a file.
    Watch(lab::runner::WatchArgs),
    /// Put a lesson's exercise back to its shipped state.
    Reset(lab::runner::ResetArgs),
    /// Maintainers: prove every exercise fails as shipped, passes with its solution, and catches
    /// every wrong-answer fixture.
    Verify(lab::runner::VerifyArgs),
    /// Run every loom model (fails if none ran).
    Loom(lab::proofs::LoomArgs),
    /// Run ThreadSanitizer over the real C kernels, from C threads and from Rust threads.
    Tsan(lab::proofs::TsanArgs),
    /// Benchmark suite: a ratio table, results in JSON, SVG figures for the book.
    Bench(lab::bench::BenchArgs),
    /// Build, check or serve the book.
    Book(lab::book::BookArgs),
    /// Every test the project has, in order: the README's test command.
    TestAll(lab::testall::TestAllArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => lab::welcome::run(),
        Some(Cmd::Examples) => lab::examples::run(),
        Some(Cmd::Demo(args)) => lab::demo::run(&args),
        Some(Cmd::List) => lab::runner::list(),
        Some(Cmd::Check(args)) => lab::runner::check(&args),
        Some(Cmd::Hint(args)) => lab::runner::hint(&args),
        Some(Cmd::Watch(args)) => lab::runner::watch(&args),
        Some(Cmd::Reset(args)) => lab::runner::reset(&args),
        Some(Cmd::Verify(args)) => lab::runner::verify(&args),
        Some(Cmd::Loom(args)) => lab::proofs::loom(&args),
        Some(Cmd::Tsan(args)) => lab::proofs::tsan(&args),
        Some(Cmd::Bench(args)) => lab::bench::run(&args),
        Some(Cmd::Book(args)) => lab::book::run(&args),
        Some(Cmd::TestAll(args)) => lab::testall::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("\nerror: {err:#}");
            ExitCode::FAILURE
        }
    }
}
