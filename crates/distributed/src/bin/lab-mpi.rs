//! `lab-mpi`: the program every rank runs. `mpirun -np 4 lab-mpi e3 --len 1000003` (or, with
//! the flags this machine needs, `cargo lab mpi -n 4 e3 --len 1000003`) runs E3 on 4 ranks;
//! rank 0 prints the result beside the same job in one process (see `distributed::outcome`),
//! and exits with status 1 when they differ.

#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use distributed::{Fault, FaultAt, Outcome, counter, e1, e3};
use mpi::traits::*;

/// One of the lab's jobs on MPI ranks. Run it under mpirun (`cargo lab mpi` sets the flags).
#[derive(Debug, Parser)]
#[command(name = "lab-mpi")]
struct Cli {
    #[command(subcommand)]
    job: Job,
    #[command(flatten)]
    fault: FaultArgs,
    /// Check the arguments and exit, without starting MPI (`cargo lab mpi` does, once, so a
    /// mistyped argument is told once, not by every rank).
    #[arg(long, hide = true)]
    check_args: bool,
}

#[derive(Debug, Subcommand)]
enum Job {
    /// Each rank counts on its own racy C counter; the counts are all-reduced.
    Counter {
        /// Increments on each rank.
        #[arg(long, default_value_t = 1_000_000)]
        per_rank: u64,
    },
    /// The sum of square_wide(x) over 1..=n, the range split across the ranks, reduced on rank 0.
    E1 {
        /// The last integer squared (at most 3810777, where the sum still fits in 64 bits).
        #[arg(long, default_value_t = 1_000_000,
              value_parser = clap::value_parser!(u32).range(0..=i64::from(e1::MAX_N)))]
        n: u32,
    },
    /// square_array over rank 0's doubles: scattered with Scatterv, gathered with Gatherv.
    E3 {
        /// How many doubles.
        #[arg(long, default_value_t = 1_000_003)]
        len: usize,
    },
}

#[derive(Debug, Args)]
struct FaultArgs {
    /// A fault for one rank to commit before the job's first collective step (for the fault
    /// tests): abort (SIGABRT), segv (SIGSEGV in C) or hang (never arrives).
    #[arg(long, global = true)]
    fault: Option<Fault>,
    /// The rank that commits the fault.
    #[arg(long, global = true, default_value_t = 0)]
    fault_rank: u32,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if cli.check_args {
        return ExitCode::SUCCESS;
    }
    let Some(universe) = mpi::initialize() else {
        eprintln!("lab-mpi: MPI was initialized already");
        return ExitCode::FAILURE;
    };
    let world = universe.world();
    let ranks = u32::try_from(world.size()).expect("a positive rank count");
    if cli.fault.fault.is_some() && cli.fault.fault_rank >= ranks {
        if world.rank() == 0 {
            eprintln!(
                "lab-mpi: --fault-rank {} names no rank: the ranks are 0 to {}",
                cli.fault.fault_rank,
                ranks - 1
            );
        }
        return ExitCode::from(2);
    }
    let fault = FaultAt {
        fault: cli.fault.fault,
        rank: cli.fault.fault_rank,
    };
    let outcome = match cli.job {
        Job::Counter { per_rank } => {
            let total = counter::count(&world, per_rank, fault);
            (world.rank() == 0).then(|| Outcome {
                job: "counter",
                ranks,
                got: total,
                expected: counter::single_process(per_rank, ranks).unwrap_or(0),
                what: format!("{ranks} x {per_rank} increments, each rank on its own C counter"),
                extra: Vec::new(),
            })
        }
        Job::E1 { n } => e1::sum_on_ranks(&world, n, fault).map(|total| Outcome {
            job: "e1",
            ranks,
            got: total,
            expected: e1::single_process(n).expect("n <= MAX_N"),
            what: format!("the sum of the squares of 1..={n}, {total}"),
            extra: Vec::new(),
        }),
        Job::E3 { len } => {
            let input = (world.rank() == 0).then(|| e3::input(len));
            e3::square_on_ranks(&world, input.as_deref(), len, fault).map(|got| {
                let want = e3::single_process(input.as_deref().unwrap_or_default());
                Outcome {
                    job: "e3",
                    ranks,
                    got: e3::fingerprint(&got),
                    expected: e3::fingerprint(&want),
                    what: format!("{len} doubles scattered, squared in C and gathered"),
                    extra: vec![("mismatches", e3::mismatches(&got, &want).to_string())],
                }
            })
        }
    };
    match outcome {
        Some(outcome) => {
            println!("{}", outcome.sentence());
            println!("{}", outcome.line());
            if outcome.exact() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        None => ExitCode::SUCCESS,
    }
}
