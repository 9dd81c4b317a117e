//! `lab-mpi-bench`: the ranks' side of `cargo xtask bench --only mpi`, which builds it and
//! starts it through the lab's launcher on 2 and 4 ranks, over shared memory and over TCP. What
//! it times, and how, is [`distributed::bench`]. By hand, from the workspace root:
//!
//! ```text
//! cargo build --release -p distributed --bins
//! mpirun --oversubscribe -np 2 target/release/lab-mpi-bench --len 1000000 \
//!     --increments 1000000 --round-trips 1000 --message 1000000
//! ```
//!
//! It prints one JSON line per measurement (rank 0 only).

#![forbid(unsafe_code)]

use clap::Parser;

fn main() {
    let args = distributed::bench::BenchArgs::parse();
    let universe = mpi::initialize().expect("MPI is initialized once, here");
    for line in distributed::bench::run(&universe.world(), &args) {
        println!("{line}");
    }
}
