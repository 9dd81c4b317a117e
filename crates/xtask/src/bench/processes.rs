//! Threads against processes, pipes against shared memory, per-item against batched: the
//! `isolated` crate's pool and jobs, timed by the suite's sampling (so every figure has its
//! min–max and run count, like the rest of the suite). It is the only harness that measures them.

use std::hint::black_box;

use anyhow::Context;
use isolated::jobs::count_on_threads;
use isolated::{Pool, PoolConfig, Task, TempSharedF64s};

use std::time::Duration;

use super::Sizes;
use super::arrays::{THREADS, memcpy_halves, rayon_square};
use super::pipe::Partner;
use super::sampling::{Measurement, Plan, Ratio, pinned_pool, ratio, sample, sample_each, time};

/// The group name (table `processes.md`, figure `processes.svg`).
pub const GROUP: &str = "processes";

/// The in-process, single-thread reference for the squares job: the sum of `square_wide` over
/// `1..=n`.
fn squares_in_process(n: i32) -> i128 {
    (1..=n).map(|x| i128::from(ffi::square_wide(x))).sum()
}

fn ms(id: &str, label: String, t: &[std::time::Duration], per: f64) -> anyhow::Result<Measurement> {
    Measurement::from_times(id, GROUP, label, "ms", false, t, |s| s * 1e3 / per)
}

/// Small-task round trips per timed run.
const ROUND_TRIPS: usize = 200;

/// Times one small task's round trip five ways, round-robin, from a thread pinned to one core:
/// the pool with its worker pinned to the other core, spinning before it blocks (the default)
/// and blocking at once; the pool with its worker on the parent's own core; and the raw pipe
/// limit on the other core, spinning and blocking. Returns the runs of each, and whether the
/// processes could be placed (two cores known); if not, everything ran unpinned.
fn round_trips(worker: &std::path::Path, plan: Plan) -> anyhow::Result<(Vec<Vec<Duration>>, bool)> {
    let (here, there) = (harness::core_for(0), harness::core_for(1));
    let placed = matches!((here, there), (Some(a), Some(b)) if a.id != b.id);
    std::thread::scope(|s| {
        // A pool lives on the thread that starts it (its workers die with that thread).
        s.spawn(|| -> anyhow::Result<(Vec<Vec<Duration>>, bool)> {
            if placed {
                harness::pin_to_core(0); // children inherit this thread's core
            }
            // ANCHOR: round_trip_placement
            let to_other_core = |pid: u32| {
                if let (true, Some(core)) = (placed, there) {
                    harness::pin_process(pid, core);
                }
            };
            let spin = isolated::spin::DEFAULT;
            let start = |spin| Pool::start(PoolConfig::new(worker, 1).spin(spin));
            let mut spinning = start(spin)?;
            let mut blocking = start(Duration::ZERO)?;
            let mut same_core = start(Duration::ZERO)?;
            spinning.worker_pids().into_iter().for_each(to_other_core);
            blocking.worker_pids().into_iter().for_each(to_other_core);
            let mut raw_spinning = Partner::start(spin)?;
            let mut raw_blocking = Partner::start(Duration::ZERO)?;
            to_other_core(raw_spinning.pid());
            to_other_core(raw_blocking.pid());
            // ANCHOR_END: round_trip_placement

            let task = [Task::Count(1)];
            let mut failed = None;
            let mut tasks = |pool: &mut Pool| {
                time(|| {
                    for _ in 0..ROUND_TRIPS {
                        if let Err(e) = pool.run(&task) {
                            failed.get_or_insert(e);
                        }
                    }
                })
            };
            let mut raw_failed = None;
            let mut raw = |p: &mut Partner| {
                p.round_trips(ROUND_TRIPS).unwrap_or_else(|e| {
                    raw_failed.get_or_insert(e);
                    Duration::ZERO
                })
            };
            // ANCHOR: round_trip_sample
            let t = sample_each(plan, 5, |variant| match variant {
                0 => tasks(&mut spinning),
                1 => tasks(&mut blocking),
                2 => tasks(&mut same_core),
                3 => raw(&mut raw_spinning),
                _ => raw(&mut raw_blocking),
            });
            // ANCHOR_END: round_trip_sample
            if let Some(e) = failed {
                return Err(e).context("a round trip failed");
            }
            if let Some(e) = raw_failed {
                return Err(e).context("a raw pipe round trip failed");
            }
            Ok((t, placed))
        })
        .join()
        .map_err(|_| anyhow::anyhow!("the round-trip thread panicked"))?
    })
}

/// E3 on `input` four ways, round-robin, with as many chunks as `pool` has workers: the
/// 2-thread memcpy ceiling and rayon over C on `threads` (pinned), the pool copying through
/// pipes, and the pool squaring in shared memory. Returns the runs of each, in that order. The
/// `mpi` group times the same four at its own size.
pub fn square_paths(
    pool: &mut Pool,
    threads: &rayon::ThreadPool,
    input: &[f64],
    plan: Plan,
) -> anyhow::Result<[Vec<Duration>; 4]> {
    let (w, elems) = (pool.worker_pids().len(), input.len());
    // ANCHOR: pipe_vs_shm
    let mut dst = vec![0.0f64; elems]; // touched before timing
    let mut shared = TempSharedF64s::from_slice(input).context("creating the shared array")?;
    let t = sample_each(plan, 4, |variant| match variant {
        0 => time(|| memcpy_halves(threads, input, &mut dst)),
        1 => time(|| rayon_square(threads, input, &mut dst)),
        2 => time(|| {
            let r = pool.square_pipe(input, w).expect("the pool answers");
            assert_eq!(r.len(), elems, "the pipe version returned a wrong length");
        }),
        _ => {
            // Refill (untimed), so every run squares the same values.
            shared.as_mut_slice().copy_from_slice(input);
            time(|| pool.square_shm(&mut shared, w).expect("the pool answers"))
        }
    });
    // ANCHOR_END: pipe_vs_shm
    anyhow::ensure!(
        shared.as_slice()[elems - 1] == input[elems - 1] * input[elems - 1],
        "the shared-memory version squared wrongly"
    );
    t.try_into()
        .map_err(|_| anyhow::anyhow!("expected four variants"))
}

/// The counter job, `total` increments, on as many threads as `pool` has workers (each its own
/// counter, spawned per run) and on the pool's processes, round-robin; each run checked exact.
/// Returns the runs of each.
pub fn count_paths(pool: &mut Pool, total: u64, plan: Plan) -> [Vec<Duration>; 2] {
    let w = pool.worker_pids().len();
    let per = total / w as u64;
    // ANCHOR: threads_vs_processes
    let t = sample_each(plan, 2, |variant| match variant {
        0 => time(|| {
            assert_eq!(
                count_on_threads(w, per),
                per * w as u64,
                "threads miscounted"
            )
        }),
        _ => time(|| {
            let got = pool.count(&vec![per; w]).expect("the pool answers");
            assert_eq!(got, per * w as u64, "processes miscounted");
        }),
    });
    // ANCHOR_END: threads_vs_processes
    let [on_threads, on_processes]: [Vec<Duration>; 2] = t
        .try_into()
        .expect("sample_each returns one list per variant");
    [on_threads, on_processes]
}

/// Runs every process comparison with `THREADS` workers (one per core).
pub fn run(
    sizes: &Sizes,
    tick: &mut dyn FnMut(&str),
) -> anyhow::Result<(Vec<Measurement>, Vec<Ratio>)> {
    let worker = isolated::locate::ensure_worker().context("the isolated worker binary")?;
    let w = THREADS;
    let plan = Plan {
        warmup: 1,
        samples: sizes.process_samples,
    };
    let mut out = Vec::new();
    let mut ratios = Vec::new();

    // ANCHOR: startup
    tick("processes: start-up and round trip");
    let t = sample(plan, || {
        let started = std::time::Instant::now();
        let pool = Pool::start(PoolConfig::new(&worker, 1)).expect("a worker starts");
        let t = started.elapsed();
        drop(pool); // shutdown is not part of start-up
        t
    });
    // ANCHOR_END: startup
    let startup = ms(
        "proc_startup",
        "start 1 worker process and get its handshake".into(),
        &t,
        1.0,
    )?;

    let (t, placed) = round_trips(&worker, plan)?;
    let [t_spin, t_block, t_same, t_raw_spin, t_raw_block]: [Vec<Duration>; 5] = t
        .try_into()
        .map_err(|_| anyhow::anyhow!("expected five variants"))?;
    let k = ROUND_TRIPS;
    let spin = isolated::spin::DEFAULT;
    let us = spin.as_micros();
    let (other, same) = if placed {
        ("other core", "parent's core")
    } else {
        ("unpinned", "unpinned")
    };
    let round_trip = ms(
        "proc_round_trip",
        format!("small task round trip (8 B out, 16 back), {other}, {us} µs spin"),
        &t_spin,
        k as f64,
    )?;
    let round_trip_blocking = ms(
        "proc_round_trip_blocking",
        format!("small task round trip, {other}, blocking"),
        &t_block,
        k as f64,
    )?;
    let round_trip_same_core = ms(
        "proc_round_trip_same_core",
        format!("small task round trip, {same}, blocking"),
        &t_same,
        k as f64,
    )?;
    let raw_spin = ms(
        "proc_raw_pipe",
        format!("raw pipe round trip (8 B), {other}, {us} µs spin (limit)"),
        &t_raw_spin,
        k as f64,
    )?;
    let raw_block = ms(
        "proc_raw_pipe_blocking",
        format!("raw pipe round trip (8 B), {other}, blocking"),
        &t_raw_block,
        k as f64,
    )?;
    ratios.push(
        ratio(
            "proc_round_trip_target_10us",
            "10 µs ÷ a small task's round trip (≥ 1: it takes ≤ 10 µs)",
            &Measurement::new("ten_us", GROUP, "10 µs", "ms", false, vec![0.010])?,
            &round_trip,
        )
        .target("≤ 10 µs per small task", 1.0)
        .limit("raw pipe round trip", &raw_spin),
    );
    ratios.push(
        ratio(
            "proc_round_trip_vs_raw_pipe",
            "raw pipe round trip ÷ the pool's (≥ 0.5: within 2x of the limit)",
            &raw_spin,
            &round_trip,
        )
        .target("within 2x of a raw pipe round trip", 0.5)
        .limit("raw pipe round trip", &raw_spin),
    );
    ratios.push(ratio(
        "proc_round_trip_spin_gain",
        "blocking round trip ÷ spinning round trip (the wake-ups a spin saves)",
        &round_trip_blocking,
        &round_trip,
    ));
    ratios.push(ratio(
        "proc_round_trip_other_vs_same_core",
        "blocking round trip, worker on the other core ÷ on the parent's core",
        &round_trip_blocking,
        &round_trip_same_core,
    ));
    out.extend([
        startup,
        round_trip,
        round_trip_blocking,
        round_trip_same_core,
        raw_spin,
        raw_block,
    ]);

    let mut pool = Pool::start(PoolConfig::new(&worker, w))?;

    // ANCHOR: per_item_vs_batched
    tick("processes: per item against batched");
    let n = i32::try_from(sizes.process_items).unwrap_or(i32::MAX);
    let want = squares_in_process(n);
    let batch = (n as usize).div_ceil(w);
    let check = |pool: &mut Pool, per_message: usize| -> std::time::Duration {
        time(|| {
            let got = pool
                .sum_squares(1..=n, per_message)
                .expect("the pool answers");
            assert_eq!(got, want, "the pool's sum of squares is wrong");
        })
    };
    // Round-robin over the three variants: noise hits them alike.
    let t = sample_each(plan, 3, |variant| match variant {
        0 => check(&mut pool, 1),
        1 => check(&mut pool, batch),
        _ => time(|| {
            black_box(squares_in_process(black_box(n)));
        }),
    });
    // ANCHOR_END: per_item_vs_batched
    let [per_item, batched, in_process]: [Vec<std::time::Duration>; 3] = t
        .try_into()
        .map_err(|_| anyhow::anyhow!("expected three variants"))?;
    let label_n = super::count_label(n as usize);
    let per_item = ms(
        "proc_per_item",
        format!("square 1..={label_n} on {w} processes, one message per item"),
        &per_item,
        1.0,
    )?;
    let batched = ms(
        "proc_batched",
        format!("the same, batched: {w} messages"),
        &batched,
        1.0,
    )?;
    let in_process = ms(
        "proc_squares_in_process",
        "the same in-process, 1 thread".into(),
        &in_process,
        1.0,
    )?;
    ratios.push(
        ratio(
            "proc_per_item_vs_batched",
            "per item ÷ batched, on processes (S5)",
            &per_item,
            &batched,
        )
        .target("batched ≥ 20x faster", 20.0)
        .limit("in-process, 1 thread", &in_process),
    );
    ratios.push(ratio(
        "proc_batched_vs_in_process",
        "batched on processes ÷ in-process, 1 thread",
        &batched,
        &in_process,
    ));
    out.extend([per_item, batched, in_process]);

    tick("processes: pipes against shared memory");
    let elems = sizes.process_bytes / 8;
    let input: Vec<f64> = (0..elems).map(|i| 0.5 + (i % 1000) as f64 * 1e-4).collect();
    let threads = pinned_pool(w)?;
    let [memcpy, rayon, pipe, shm] = square_paths(&mut pool, &threads, &input, plan)?;
    let mb = sizes.process_bytes >> 20;
    let memcpy = ms(
        "proc_memcpy",
        format!("{mb} MB: memcpy, {w} pinned threads (ceiling)"),
        &memcpy,
        1.0,
    )?;
    let rayon = ms(
        "proc_threads_square",
        format!("{mb} MB: square on {w} pinned threads (rayon over C)"),
        &rayon,
        1.0,
    )?;
    let pipe = ms(
        "proc_pipe_square",
        format!("{mb} MB: square on {w} processes, copied through pipes"),
        &pipe,
        1.0,
    )?;
    let shm = ms(
        "proc_shm_square",
        format!("{mb} MB: square on {w} processes, in shared memory"),
        &shm,
        1.0,
    )?;
    ratios.push(ratio(
        "proc_pipe_vs_shm",
        &format!("{mb} MB: pipes ÷ shared memory"),
        &pipe,
        &shm,
    ));
    ratios.push(ratio(
        "proc_shm_vs_threads",
        &format!("{mb} MB: shared-memory processes ÷ threads"),
        &shm,
        &rayon,
    ));
    ratios.push(ratio(
        "proc_threads_vs_memcpy",
        &format!("{mb} MB: threads ÷ memcpy (1 = at the ceiling)"),
        &rayon,
        &memcpy,
    ));
    out.extend([memcpy, rayon, pipe, shm]);

    tick("processes: threads against processes");
    let total = sizes.process_increments;
    let [on_threads, on_processes] = count_paths(&mut pool, total, plan);
    drop(pool);
    let label_t = super::count_label(total as usize);
    let on_threads = ms(
        "proc_count_threads",
        format!("counter job, {label_t} increments, {w} threads with their own counters"),
        &on_threads,
        1.0,
    )?;
    let on_processes = ms(
        "proc_count_processes",
        format!("the same on {w} processes"),
        &on_processes,
        1.0,
    )?;
    ratios.push(ratio(
        "proc_threads_vs_processes",
        "counter job: processes (already running) ÷ threads (spawned per run) (S3)",
        &on_processes,
        &on_threads,
    ));
    out.extend([on_threads, on_processes]);
    Ok((out, ratios))
}
