//! `cargo lab`: the student's and reader's command. See `cargo lab --help`.
//! The maintainers' and CI's commands are `cargo xtask` (crate `xtask`).

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The Parallel FFI Lab: call C from Rust on many threads and processes, and measure the cost.
///
/// Run with no arguments for the welcome and the live demo.
#[derive(Debug, Parser)]
#[command(name = "cargo lab", bin_name = "cargo lab", version, about, long_about = None)]
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
    /// Check a lesson (the current one when none is named, any one when named): runs its tests
    /// with a time limit.
    Check(lab::runner::CheckArgs),
    /// Show the next hint for a lesson ("hint 2 of 3"); `--all` shows every one.
    Hint(lab::runner::HintArgs),
    /// Re-check a lesson every time you save a file; on a pass, follow to the next lesson.
    Watch(lab::runner::WatchArgs),
    /// Put a lesson's exercise (or, with `--all`, every one) back as shipped, after a backup.
    Reset(lab::runner::ResetArgs),
    /// Build, serve or open the book.
    Book(lab::book::BookArgs),
    /// Run the counter, E1 or E3 on MPI ranks (OpenMPI), with the mpirun flags set for you.
    ///
    /// `cargo lab mpi -n 4 e3 --len 1000003`: builds `lab-mpi`, prints the mpirun command and
    /// why each flag is set (root, more ranks than cores, the time limit, the transport), runs
    /// it, and prints rank 0's result beside the same job in one process. A rank that fails is
    /// named with its cause; `--fault abort|segv|hang --fault-rank R` makes one fail.
    Mpi(lab::mpi::MpiArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The commands that run a student's code (or MPI ranks) stop it, and everything it started, on Ctrl-C,
    // SIGTERM and SIGHUP (its tests run in their own process group, out of Ctrl-C's reach):
    // see `supervisor::supervise`.
    if matches!(
        cli.command,
        Some(Cmd::Check(_) | Cmd::Watch(_) | Cmd::Mpi(_))
    ) && let Err(err) = supervisor::supervise("cargo lab")
    {
        eprintln!("error: cannot watch for Ctrl-C: {err:#}");
        return ExitCode::FAILURE;
    }
    let result = match cli.command {
        None => lab::welcome::run(),
        Some(Cmd::Examples) => lab::examples::run(),
        Some(Cmd::Demo(args)) => lab::demo::run(&args),
        Some(Cmd::List) => lab::runner::list(),
        Some(Cmd::Check(args)) => lab::runner::check(&args),
        Some(Cmd::Hint(args)) => lab::runner::hint(&args),
        Some(Cmd::Watch(args)) => lab::runner::watch(&args),
        Some(Cmd::Reset(args)) => lab::runner::reset(&args),
        Some(Cmd::Book(args)) => lab::book::run(&args),
        Some(Cmd::Mpi(args)) => lab::mpi::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The check's report says why, and its last line is the one to read.
        Err(err) if err.is::<lab::runner::NotPassed>() => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("\nerror: {err:#}");
            ExitCode::FAILURE
        }
    }
}
