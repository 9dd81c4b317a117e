//! # `distributed`: the isolated pool's jobs on MPI ranks
//!
//! `crates/isolated` runs the C library in worker processes on one machine, through pipes and
//! shared memory it manages itself. People who outgrow one machine with C kernels use **MPI**,
//! the message-passing standard of high-performance computing: `mpirun -np 4 prog` starts 4
//! copies of `prog` (the **ranks**, numbered 0 to 3), possibly on different hosts, and the MPI
//! library moves data between them. MPI is itself a C library (here Debian's OpenMPI); this
//! crate calls it through rsmpi's safe API (the `mpi` crate), one more binding over C.
//!
//! The same jobs as the pool, each checked against one process doing the same work:
//!
//! - [`counter`]: each rank counts on its own racy C global (a rank is a process: its own copy
//!   of every C global), the counts summed with `MPI_Allreduce`;
//! - [`e1`]: `square` over `1..=n`, the range split across ranks, the sums `MPI_Reduce`d;
//! - [`e3`]: `square_array` over rank 0's doubles, `MPI_Scatterv` out and `MPI_Gatherv` back,
//!   for lengths that do not divide by the rank count ([`split`]).
//!
//! And what happens when a rank fails ([`fault`]): it aborts, segfaults in C, or hangs. The
//! launcher, `supervisor::mpi` (which only runs `mpirun`, and links no MPI), turns each into a
//! message that names the rank and the cause, in bounded time, with no process left.
//!
//! `lab-mpi` (`src/bin/lab-mpi.rs`) is the program the ranks run; `cargo lab mpi` builds and
//! launches it. rank 0 prints what [`outcome`] formats.
//!
//! This crate is a workspace member but not a default member: building it needs OpenMPI and
//! libclang (`apt-get install openmpi-bin libopenmpi-dev libclang-dev`).

#![forbid(unsafe_code)]

pub mod bench;
pub mod counter;
pub mod e1;
pub mod e3;
pub mod fault;
pub mod outcome;
pub mod split;

pub use fault::{Fault, FaultAt};
pub use outcome::Outcome;
