//! `cargo lab mpi`: the lab's jobs on MPI ranks, with no mpirun flag to type.
//!
//! It builds `lab-mpi` (`crates/distributed`, which links OpenMPI) with cargo's progress
//! showing, prints the mpirun command and one sentence for each flag the launcher added
//! (`supervisor::mpi::Launch::command`: the root and oversubscribe flags this machine needs,
//! the time limit, the transport), runs it through `supervisor::mpi::launch`, and prints rank
//! 0's result. A rank that fails ends the command with status 1 and the launcher's message,
//! which names the rank and the cause.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use supervisor::Output;
use supervisor::mpi::{self, Launch, Transport};

use crate::runner::BUILD_LIMIT;

/// The program the ranks run, and its package.
const BINARY: &str = "lab-mpi";
const PACKAGE: &str = "distributed";

/// Options for `cargo lab mpi`.
#[derive(Debug, Args)]
pub struct MpiArgs {
    /// How many ranks (processes) run the job.
    #[arg(short = 'n', long, default_value_t = 2,
          value_parser = clap::value_parser!(u32).range(1..=64))]
    pub ranks: u32,
    /// Ranks talk over TCP on loopback (the stand-in for a network) instead of shared memory.
    #[arg(long)]
    pub tcp: bool,
    /// Seconds before a job that hangs is stopped; at least 1.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: u64,
    /// The job and its options: `counter [--per-rank N]`, `e1 [--n N]` or `e3 [--len N]`, and
    /// for a fault `--fault abort|segv|hang --fault-rank R` (see `lab-mpi --help`).
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "JOB"
    )]
    pub job: Vec<String>,
}

/// `cargo lab mpi`: builds `lab-mpi`, runs the job on the ranks, prints the result.
pub fn run(args: &MpiArgs) -> anyhow::Result<()> {
    if mpi::mpirun().is_none() {
        bail!(
            "mpirun is not installed, so MPI jobs cannot run: install OpenMPI with {}",
            mpi::INSTALL
        );
    }
    let program = build()?;
    if let Some(help) = check_args(&program, &args.job)? {
        print!("{help}");
        return Ok(());
    }
    let job = Launch {
        ranks: args.ranks,
        transport: if args.tcp {
            Transport::Tcp
        } else {
            Transport::SharedMemory
        },
        limit: Duration::from_secs(args.timeout),
    };
    let (cmd, why) = job.command(&program, &args.job);
    println!("$ {}", supervisor::describe(&cmd));
    for sentence in &why {
        println!("  - {sentence}");
    }
    println!();
    match mpi::launch(&job, &program, &args.job) {
        Ok(done) => {
            print!("{}", without_marks(&done.combined()));
            Ok(())
        }
        Err(err) => {
            print!("{}", without_marks(err.output()));
            Err(err.into())
        }
    }
}

/// `cargo build --release -p distributed --bin lab-mpi`, its progress on the terminal; the
/// binary's path.
fn build() -> anyhow::Result<PathBuf> {
    let mut cmd = Command::new(supervisor::cargo());
    cmd.args(["build", "--release", "-p", PACKAGE, "--bin", BINARY])
        .current_dir(crate::workspace_root());
    println!("$ cargo build --release -p {PACKAGE} --bin {BINARY}");
    let done = supervisor::run(&mut cmd, BUILD_LIMIT, Output::Inherit)
        .context("could not run cargo build")?;
    if !done.status.success() {
        bail!(
            "building {BINARY} failed ({}); see cargo's output above (it links OpenMPI: {})",
            done.status,
            mpi::INSTALL
        );
    }
    let program = crate::target_dir().join("release").join(BINARY);
    anyhow::ensure!(program.is_file(), "cargo built no {}", program.display());
    Ok(program)
}

/// Runs `lab-mpi --check-args JOB..` once, outside MPI: a mistyped job or option is told once,
/// by clap, instead of by every rank. Returns what it printed when that was help (`e3 --help`):
/// then there is nothing to run.
fn check_args(program: &std::path::Path, job: &[String]) -> anyhow::Result<Option<String>> {
    let mut cmd = Command::new(program);
    cmd.arg("--check-args").args(job);
    let done = supervisor::run(&mut cmd, Duration::from_secs(30), Output::Capture)?;
    if !done.status.success() {
        // clap starts its message with "error: ", as `cargo lab` does.
        let said = done.stderr.trim();
        bail!("{}", said.strip_prefix("error: ").unwrap_or(said));
    }
    Ok((!done.stdout.is_empty()).then_some(done.stdout))
}

/// `output` without the ranks' "reached" lines, which only the launcher reads.
fn without_marks(output: &str) -> String {
    output
        .lines()
        .filter(|l| !l.starts_with("mpi: rank "))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: MpiArgs,
    }

    #[test]
    fn the_job_and_its_options_pass_through_untouched() {
        let cli = Cli::try_parse_from([
            "mpi", "-n", "4", "--tcp", "e3", "--len", "10", "--fault", "hang",
        ])
        .unwrap();
        assert_eq!(cli.args.ranks, 4);
        assert!(cli.args.tcp);
        assert_eq!(cli.args.job, ["e3", "--len", "10", "--fault", "hang"]);
        assert!(Cli::try_parse_from(["mpi"]).is_err(), "a job is required");
        assert!(Cli::try_parse_from(["mpi", "-n", "0", "counter"]).is_err());
    }

    #[test]
    fn the_marks_are_left_out_of_what_is_shown() {
        let shown = without_marks("mpi: rank 1 reached the scatter\nresult: job=e3\n");
        assert_eq!(shown, "result: job=e3\n");
    }
}
