//! The faults a rank can commit on purpose, for the fault tests and `cargo lab mpi --fault`:
//! what an MPI job does when one of its processes dies or hangs.
//!
//! Every job calls [`Step::before`] just before its first collective operation (the reduce,
//! the scatter). There the faulty rank commits its fault; every other rank prints the line
//! `supervisor::mpi::reached` formats (`mpi: rank 2 reached the reduce`) on stderr and goes on
//! into the collective, where it waits for the faulty rank, which never comes:
//!
//! - [`Fault::Abort`]: `std::process::abort()`, so the rank dies by SIGABRT. Not `MPI_Abort`:
//!   OpenMPI 4.1.4's report of an `MPI_Abort` sometimes loses the line that names the rank (and
//!   once crashed mpirun itself, see `crates/supervisor/testdata/mpirun/`), while a rank's death
//!   by a signal is always reported with its rank. mpirun sees the rank die and stops the others.
//! - [`Fault::Segv`]: `ffi::fault::segfault_in_c()`, a real SIGSEGV inside C, the way a rank
//!   dies when its C library has a bug. Handled by mpirun as the abort is.
//! - [`Fault::Hang`]: the rank sleeps, in a loop, and never reaches the collective. Nothing
//!   died, so mpirun sees nothing wrong: only the time limit ends the job, and the other ranks'
//!   "reached" lines name the one that is missing.

use std::io::Write;
use std::time::Duration;

/// A fault one rank commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Fault {
    /// `std::process::abort()`: SIGABRT.
    Abort,
    /// A real SIGSEGV from a store inside C.
    Segv,
    /// Sleeps forever instead of reaching the collective.
    Hang,
}

/// Which rank commits which fault, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FaultAt {
    /// The fault (none: a healthy run).
    pub fault: Option<Fault>,
    /// The rank that commits it.
    pub rank: u32,
}

/// A collective step a job is about to enter, by the name the "reached" line gives it.
#[derive(Debug, Clone, Copy)]
pub struct Step(pub &'static str);

impl Step {
    /// Called by every rank right before the collective: the faulty rank commits its fault
    /// (and never returns); any other rank says it reached the step.
    pub fn before(self, rank: u32, at: FaultAt) {
        if let Some(fault) = at.fault
            && rank == at.rank
        {
            commit(fault);
        }
        // One write of the whole line: stderr is unbuffered, so it reaches mpirun at once (even
        // if the job is killed next), and mpirun never splices another rank's line into it.
        let line = format!("{}\n", supervisor::mpi::reached(rank, self.0));
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
}

/// Commits `fault`. Never returns.
pub fn commit(fault: Fault) -> ! {
    match fault {
        Fault::Abort => std::process::abort(),
        Fault::Segv => ffi::fault::segfault_in_c(),
        Fault::Hang => loop {
            std::thread::sleep(Duration::from_secs(3600));
        },
    }
}
