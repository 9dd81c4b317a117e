//! `cargo bench -p isolated --bench processes`: the process benchmarks as one ratio table (medians, one run).
//! `cargo bench -p isolated --bench processes -- --quick` for small sizes; `-- --big` adds the 800 MB array case
//! (about 4 GB of memory; never run by CI). The same functions back `cargo xtask bench`.
//!
//! Rows: proc_startup, proc_round_trip, proc_per_item_vs_batched, proc_pipe_vs_shm_8mb,
//! proc_pipe_vs_shm_800mb (with --big), proc_threads_vs_processes, proc_payoff_batch.

use isolated::measure::{Options, run};

/// Every row id this benchmark produces (the claims ledger cites them as `bench:<id>`).
const IDS: [&str; 7] = [
    "proc_startup",
    "proc_round_trip",
    "proc_per_item_vs_batched",
    "proc_pipe_vs_shm_8mb",
    "proc_pipe_vs_shm_800mb",
    "proc_threads_vs_processes",
    "proc_payoff_batch",
];

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --benches` runs bench targets with no `--bench` flag: keep that instant.
    if !args.iter().any(|a| a == "--bench") {
        println!("processes bench: run it with `cargo bench -p isolated`");
        return Ok(());
    }
    let mut opts = Options::new(env!("CARGO_BIN_EXE_lab-worker"));
    opts.quick = args.iter().any(|a| a == "--quick");
    opts.big = args.iter().any(|a| a == "--big");
    let date = std::process::Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!(
        "isolated: process costs, {} workers, {} ({}), medians\n",
        opts.workers,
        date,
        if opts.quick { "quick" } else { "full" }
    );
    let report = run(&opts)?;
    println!("{}", report.render());
    for id in IDS {
        let expected = id != "proc_pipe_vs_shm_800mb" || opts.big;
        let present = report.rows.iter().any(|r| r.id == id);
        anyhow::ensure!(
            present == expected,
            "row {id}: present {present}, expected {expected}"
        );
    }
    Ok(())
}
