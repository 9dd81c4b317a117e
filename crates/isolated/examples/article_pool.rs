//! The source article's process-pool examples, done with worker processes: its first example
//! (E1: 4 workers map `square` over 1..=10) and its third (E3: 100 000 doubles squared in 4
//! chunks).
//!
//! `cargo build --release -p isolated --bin lab-worker --example article_pool` then
//! `target/release/examples/article_pool` (the worker is found one directory up, or set
//! `LAB_WORKER`).

use isolated::{Pool, PoolConfig, Reply, Task, locate};

fn main() -> anyhow::Result<()> {
    let worker = locate::locate_worker()?;
    let mut pool = Pool::start(PoolConfig::new(&worker, 4))?;

    // ANCHOR: map_squares
    // The article's E1: one task per number, like Pool.map over 1..=10; replies come back in
    // task order.
    let tasks: Vec<Task> = (1..=10).map(|x| Task::Squares(vec![x].into())).collect();
    let squares: Vec<i64> = pool
        .run(&tasks)?
        .replies
        .into_iter()
        .flat_map(|r| match r {
            Reply::Squares(v) => v,
            other => unreachable!("{other:?}"),
        })
        .collect();
    // ANCHOR_END: map_squares
    println!("squares of 1..=10: {squares:?}");
    assert_eq!(squares, (1..=10).map(|x| x * x).collect::<Vec<i64>>());

    // The article's E3: 100 000 doubles in 4 chunks, copied through the pipes and concatenated.
    let input: Vec<f64> = (0..100_000).map(f64::from).collect();
    let out = pool.square_pipe(&input, 4)?;
    println!(
        "{} doubles squared through the pipes, last {}",
        out.len(),
        out[out.len() - 1]
    );
    assert_eq!(out[99_999], 99_999.0 * 99_999.0);
    Ok(())
}
