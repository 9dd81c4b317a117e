//! The processes half of `cargo lab demo`: the same jobs on threads and on worker processes
//! (`crates/isolated`), side by side, and one worker crashing in C without losing a count.
//!
//! The worker binary is found by `isolated::locate::ensure_worker`: `$LAB_WORKER`, else beside
//! this executable; `cargo run -p lab` does not build another package's binaries, so when it
//! is missing (or stale) and we run under cargo, it is built once with
//! `cargo build -p isolated --bin lab-worker` in this executable's profile.

use std::time::{Duration, Instant};

use anyhow::Context;
use isolated::fault_injection::TestFault;
use isolated::jobs::count_on_threads;
use isolated::{Pool, PoolConfig, TempSharedF64s};

use crate::Table;

/// Workers and threads: the machine's two cores.
const WAYS: usize = 2;
/// Increments per thread or process in the counter job.
const INCREMENTS: u64 = 5_000_000;
/// Elements of the array job (E3 at scale: 32 MB of f64).
const ELEMENTS: usize = 4_000_000;

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn timed<T>(f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<(T, Duration)> {
    let t = Instant::now();
    let v = f()?;
    Ok((v, t.elapsed()))
}

/// Prints the threads-against-processes comparison.
pub fn run() -> anyhow::Result<()> {
    let worker = isolated::locate::ensure_worker()?;
    println!(
        "Threads against processes: {WAYS} threads, or {WAYS} worker processes ({}).\n\
         Each process has its own copy of the C library's globals, so even the racy counter is \
         safe in it.\n",
        worker.display()
    );
    let (mut pool, start) = timed(|| {
        Pool::start(PoolConfig::new(&worker, WAYS)).context("starting the worker processes")
    })?;

    let mut table = Table::new(["job", "way", "result", "exact", "time"]);

    // The counter job.
    let want = INCREMENTS * WAYS as u64;
    let (by_threads, t_threads) = timed(|| Ok(count_on_threads(WAYS, INCREMENTS)))?;
    let (by_procs, t_procs) = timed(|| Ok(pool.count(&[INCREMENTS; WAYS])?))?;
    let job = format!("counter, {WAYS} × {INCREMENTS}");
    table.row([
        job.clone(),
        "threads, each its own counter".into(),
        by_threads.to_string(),
        yes(by_threads == want),
        ms(t_threads),
    ]);
    table.row([
        job,
        "processes, each its own racy global".into(),
        by_procs.to_string(),
        yes(by_procs == want),
        ms(t_procs),
    ]);

    // The array job (E3): square ELEMENTS doubles in WAYS chunks.
    let input: Vec<f64> = (0..ELEMENTS).map(|i| (i % 1000) as f64 * 0.5).collect();
    let (by_threads, t_threads) = timed(|| Ok(ffi::article::e3_square_chunks(&input, WAYS)))?;
    let (by_pipe, t_pipe) = timed(|| Ok(pool.square_pipe(&input, WAYS)?))?;
    let mut shared =
        TempSharedF64s::from_slice(&input).context("creating the shared-memory array")?;
    let ((), t_shm) = timed(|| Ok(pool.square_shm(&mut shared, WAYS)?))?;
    let job = format!("square {} MB of f64", ELEMENTS * 8 / 1_000_000);
    table.row([
        job.clone(),
        "threads, disjoint &mut chunks".into(),
        "-".into(),
        "reference".into(),
        ms(t_threads),
    ]);
    table.row([
        job.clone(),
        "processes, copied through pipes".into(),
        "-".into(),
        yes(by_pipe == by_threads),
        ms(t_pipe),
    ]);
    table.row([
        job,
        "processes, shared memory in place".into(),
        "-".into(),
        yes(shared.as_slice() == &by_threads[..]),
        ms(t_shm),
    ]);
    drop(shared); // its memory goes with the workers' mappings (it never had a name)
    drop(pool);
    print!("{}", table.render());
    println!(
        "\n(Starting {WAYS} workers and their handshakes took {}: processes pay that once. The \
         threads write a fresh output buffer, so its page faults are in their time; shared \
         memory squares in place. The pipe path copies every byte several times.)",
        ms(start)
    );

    // A crash, on purpose: the fault is injected through the pool's test-only switch.
    let mut pool = Pool::start(PoolConfig::new(&worker, WAYS).test_faults(true).retries(1))?;
    let (total, recovered) = pool.count_injecting(&[1000; 6], &[(3, TestFault::SegfaultInC)])?;
    println!("\nOne worker made to crash in C mid-task, with retry on:");
    for r in &recovered {
        println!("  {r}");
    }
    println!(
        "  -> task re-run on a fresh worker; total {total} (expected 6000): {}",
        if total == 6000 {
            "exact, nothing lost or counted twice"
        } else {
            "WRONG"
        }
    );
    anyhow::ensure!(total == 6000, "the retried total is wrong");
    println!(
        "\nThreads share memory for free; processes pay for starting and for every byte they \
         copy, unless the data sits in shared memory. Figures: the book's Measurements \
         chapter (rerun them with `cargo xtask bench --only processes`)."
    );
    Ok(())
}

fn yes(ok: bool) -> String {
    if ok { "yes" } else { "NO" }.to_string()
}
