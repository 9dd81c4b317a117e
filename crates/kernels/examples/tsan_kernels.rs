//! Runs one counter kernel from Rust threads through the FFI, for ThreadSanitizer.
//!
//! `cargo xtask tsan` builds this with `LAB_SANITIZE=thread` (the C library compiled with
//! `-fsanitize=thread`, gcc's `libtsan` linked) and runs each kernel as its own process: TSan
//! watches every memory access the C code makes and exits with 66 when it reports a race.
//!
//! ```sh
//! tsan_kernels racy|mutex-c|atomic|sharded|sharded-unpadded [threads] [increments]
//! ```
//!
//! The kernels are [`kernels::ALL`] that [`kernels::tsan_can_judge`]. `mutex-rust` is refused:
//! its lock is `parking_lot`'s, which parks threads with raw futex calls that TSan cannot see,
//! so TSan would report the correct program as racy. loom checks it.

use std::process::ExitCode;

use harness::Config;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let names: Vec<&str> = kernels::ALL
        .iter()
        .filter(|k| kernels::tsan_can_judge(k))
        .map(|k| k.name)
        .collect();
    let Some(kernel) = args.first().and_then(|name| kernels::find(name)) else {
        eprintln!(
            "usage: tsan_kernels {} [threads] [increments]",
            names.join("|")
        );
        return ExitCode::from(2);
    };
    if !kernels::tsan_can_judge(kernel) {
        eprintln!(
            "tsan_kernels: ThreadSanitizer cannot judge {}: it cannot see the synchronization \
             that kernel uses (loom checks it). Kernels it can judge: {}",
            kernel.name,
            names.join(", ")
        );
        return ExitCode::from(2);
    }
    let number = |i: usize, default: u64| -> Option<u64> {
        args.get(i).map_or(Some(default), |a| a.parse().ok())
    };
    let (Some(threads), Some(increments)) = (number(1, 2), number(2, 20_000)) else {
        eprintln!("tsan_kernels: threads and increments must be whole numbers");
        return ExitCode::from(2);
    };
    let tally = (kernel.run)(&Config::new(threads as usize, increments));
    println!(
        "{}: expected={} observed={} lost={}",
        kernel.name, tally.expected, tally.observed, tally.lost
    );
    ExitCode::SUCCESS
}
