//! The process benchmarks, as library functions: `cargo bench -p isolated` prints them, and the
//! lab's `cargo xtask bench` suite calls [`run`] too. Every figure is a median of repeated runs,
//! and every comparison is a ratio of two figures measured in the same run.
//!
//! Process costs are micro- to milliseconds, so a plain harness (`Instant` around whole jobs,
//! medians over repetitions) is enough; criterion's statistics would add minutes for nothing.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::{Pool, PoolConfig, Task, TempSharedF64s};

/// What to measure.
#[derive(Debug, Clone)]
pub struct Options {
    /// The worker binary.
    pub worker: PathBuf,
    /// Worker processes (and threads, for the thread side). Default 2: the machine's cores.
    pub workers: usize,
    /// Small sizes and few repetitions: checks every figure is produced (CI).
    pub quick: bool,
    /// Also run the 800 MB array case (about 4 GB of memory and tens of seconds).
    pub big: bool,
}

impl Options {
    /// Defaults: 2 workers, full sizes, no 800 MB case.
    pub fn new(worker: impl Into<PathBuf>) -> Self {
        Options {
            worker: worker.into(),
            workers: 2,
            quick: false,
            big: false,
        }
    }
}

// ANCHOR: row
/// One line of the ratio table.
#[derive(Debug, Clone)]
pub struct Row {
    /// Stable id (the claims ledger cites it as `bench:<id>`).
    pub id: &'static str,
    /// What was measured, in words.
    pub what: String,
    /// The measured figure, formatted.
    pub figure: String,
    /// The ratio this row is about (`None` when it is a plain figure).
    pub ratio: Option<f64>,
    /// The target, if it has one.
    pub target: Option<String>,
    /// Whether the target was met in this run.
    pub met: Option<bool>,
}
// ANCHOR_END: row

/// The whole table.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Rows in measuring order.
    pub rows: Vec<Row>,
}

impl Report {
    /// A Markdown table (readable raw).
    pub fn render(&self) -> String {
        let mut out = String::from(
            "| id | what | figure | ratio | target | met |\n| --- | --- | --- | --- | --- | --- |\n",
        );
        for r in &self.rows {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                r.id,
                r.what,
                r.figure,
                r.ratio.map_or(String::new(), |x| format!("{x:.2}")),
                r.target.clone().unwrap_or_default(),
                match r.met {
                    Some(true) => "yes",
                    Some(false) => "NO",
                    None => "",
                }
            ));
        }
        out
    }

    fn push(&mut self, row: Row) {
        eprintln!("  measured {}: {}", row.id, row.figure);
        self.rows.push(row);
    }
}

/// The median of `reps` timings of `f`.
pub fn median(reps: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..reps.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// The median of `reps` timings of a fallible `f`.
pub fn median_try(
    reps: usize,
    mut f: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<Duration> {
    let mut err = None;
    let d = median(reps, || {
        if let Err(e) = f()
            && err.is_none()
        {
            err = Some(e);
        }
    });
    match err {
        Some(e) => Err(e),
        None => Ok(d),
    }
}

fn fmt(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-12)
}

// ANCHOR: startup
/// Median time to start one pool of `workers` and get every handshake, *excluding* shutdown.
pub fn startup(opts: &Options, workers: usize, reps: usize) -> anyhow::Result<Duration> {
    let mut times = Vec::new();
    for _ in 0..reps.max(1) {
        let t = Instant::now();
        let pool = Pool::start(PoolConfig::new(&opts.worker, workers))?;
        times.push(t.elapsed());
        drop(pool);
    }
    times.sort();
    Ok(times[times.len() / 2])
}
// ANCHOR_END: startup

// ANCHOR: round_trip
/// Median round trip of one small task (`Count(1)`: 8 bytes out, 16 back) on one worker.
pub fn round_trip(pool: &mut Pool, batches: usize, per_batch: usize) -> anyhow::Result<Duration> {
    let task = [Task::Count(1)];
    pool.run(&task)?; // warm up
    let d = median_try(batches, || {
        for _ in 0..per_batch {
            pool.run(&task)?;
        }
        Ok(())
    })?;
    Ok(d / per_batch as u32)
}
// ANCHOR_END: round_trip

/// The in-process single-thread reference for the squares job: sum of `square_wide` over `xs`.
pub fn squares_in_process(n: i32) -> i128 {
    (1..=n).map(|x| i128::from(ffi::square_wide(x))).sum()
}

/// The counter job on `threads` scoped threads, each with its own caller-owned C counter
/// (`ffi::increment_r`), summed at the end.
pub fn count_threads(threads: usize, per_thread: u64) -> u64 {
    let cores = core_affinity_ids();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let core = cores.get(i % cores.len().max(1)).copied();
                s.spawn(move || {
                    if let Some(c) = core {
                        core_affinity::set_for_current(c);
                    }
                    let mut mine = 0u64;
                    for _ in 0..per_thread {
                        ffi::increment_r(&mut mine);
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    })
}

/// `dst.copy_from_slice(src)` split over `threads` pinned threads (disjoint halves).
pub fn memcpy_threads(src: &[f64], dst: &mut [f64], threads: usize) {
    let size = src.len().div_ceil(threads.max(1)).max(1);
    let cores = core_affinity_ids();
    std::thread::scope(|s| {
        for (i, (from, to)) in src.chunks(size).zip(dst.chunks_mut(size)).enumerate() {
            let core = cores.get(i % cores.len().max(1)).copied();
            s.spawn(move || {
                if let Some(c) = core {
                    core_affinity::set_for_current(c);
                }
                to.copy_from_slice(from);
            });
        }
    });
}

fn core_affinity_ids() -> Vec<core_affinity::CoreId> {
    core_affinity::get_core_ids().unwrap_or_default()
}

/// Runs every measurement and returns the table. Each row says what it compares.
pub fn run(opts: &Options) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let w = opts.workers.max(1);
    let reps = if opts.quick { 3 } else { 11 };
    crate::pool::check_executable(&opts.worker)?;

    // ANCHOR: bench_startup
    // 1. Start-up: spawn + handshake, per worker.
    let one = startup(opts, 1, reps)?;
    let many = startup(opts, w, reps)?;
    report.push(Row {
        id: "proc_startup",
        what: format!("start 1 worker and get its first reply; {w} workers, per worker"),
        figure: format!("{} ; {}", fmt(one), fmt(many / w as u32)),
        ratio: None,
        target: None,
        met: None,
    });
    // ANCHOR_END: bench_startup

    let mut pool = Pool::start(PoolConfig::new(&opts.worker, w))?;
    let mut single = Pool::start(PoolConfig::new(&opts.worker, 1))?;

    // 2. Small-task round trip.
    let rt = round_trip(&mut single, reps, if opts.quick { 200 } else { 2000 })?;
    report.push(Row {
        id: "proc_round_trip",
        what: "round trip of one small task (8 bytes out, 16 back), via Pool::run".into(),
        figure: fmt(rt),
        ratio: None,
        target: Some("≤ 20 µs".into()),
        met: Some(rt <= Duration::from_micros(20)),
    });

    // 3. Per-item against batched, E1 at scale.
    let n: i32 = if opts.quick { 20_000 } else { 1_000_000 };
    let want = squares_in_process(n);
    let item_reps = if opts.quick { 1 } else { 3 };
    let per_item = median_try(item_reps, || {
        anyhow::ensure!(pool.sum_squares(1..=n, 1)? == want, "wrong per-item sum");
        Ok(())
    })?;
    let batch = (n as usize).div_ceil(w);
    let batched = median_try(reps, || {
        anyhow::ensure!(pool.sum_squares(1..=n, batch)? == want, "wrong batched sum");
        Ok(())
    })?;
    let inproc = median(reps, || {
        std::hint::black_box(squares_in_process(std::hint::black_box(n)));
    });
    let speedup = ratio(per_item, batched);
    report.push(Row {
        id: "proc_per_item_vs_batched",
        what: format!(
            "square 1..={n} on {w} processes: per item (one message each) / batched ({w} messages); \
             in-process 1 thread: {}",
            fmt(inproc)
        ),
        figure: format!("{} / {}", fmt(per_item), fmt(batched)),
        ratio: Some(speedup),
        target: Some("batched ≥ 20x faster".into()),
        met: Some(speedup >= 20.0),
    });

    // 4. Pipe copy against shared memory, against a same-run memcpy.
    let mut sizes = vec![(8usize << 20, "proc_pipe_vs_shm_8mb")];
    if opts.quick {
        sizes = vec![(1 << 20, "proc_pipe_vs_shm_8mb")];
    }
    if opts.big {
        sizes.push((800 << 20, "proc_pipe_vs_shm_800mb"));
    }
    for (bytes, id) in sizes {
        pipe_vs_shm(&mut report, &mut pool, id, bytes, w, opts.quick)?;
    }

    // 5. Threads against processes, the same counter job.
    let total: u64 = if opts.quick { 1 << 20 } else { 1 << 25 };
    let per = total / w as u64;
    let t_threads = median(reps, || {
        assert_eq!(count_threads(w, per), per * w as u64);
    });
    let t_procs = median_try(reps, || {
        anyhow::ensure!(pool.count(&vec![per; w])? == per * w as u64, "wrong count");
        Ok(())
    })?;
    let t_one = median(reps, || {
        assert_eq!(count_threads(1, total), total);
    });
    report.push(Row {
        id: "proc_threads_vs_processes",
        what: format!(
            "counter job, {total} increments: {w} threads (own counters) / {w} processes; \
             1 thread: {}",
            fmt(t_one)
        ),
        figure: format!("{} / {}", fmt(t_threads), fmt(t_procs)),
        ratio: Some(ratio(t_procs, t_threads)),
        target: None,
        met: None,
    });

    // 6. Where processes start to pay off: the counter job in tasks of b increments.
    let total: u64 = if opts.quick { 1 << 18 } else { 1 << 22 };
    let base = median(reps, || {
        assert_eq!(count_threads(1, total), total);
    });
    let mut payoff = None;
    let mut scan = Vec::new();
    for shift in (4..=20).step_by(2) {
        let b = 1u64 << shift;
        if b > total {
            break;
        }
        let tasks = vec![b; (total / b) as usize];
        let t = median_try(reps.min(5), || {
            anyhow::ensure!(pool.count(&tasks)? == total, "wrong count");
            Ok(())
        })?;
        scan.push(format!("{b}: {:.2}x", ratio(base, t)));
        if payoff.is_none() && t < base {
            payoff = Some(b);
        }
    }
    report.push(Row {
        id: "proc_payoff_batch",
        what: format!(
            "counter job, {total} increments in tasks of b, {w} processes against 1 thread \
             in-process (speed-up by b: {})",
            scan.join(", ")
        ),
        figure: payoff.map_or("never in this range".into(), |b| {
            format!("pays off from b = {b}")
        }),
        ratio: None,
        target: None,
        met: None,
    });
    drop(single);
    drop(pool);
    Ok(report)
}

// ANCHOR: pipe_vs_shm
fn pipe_vs_shm(
    report: &mut Report,
    pool: &mut Pool,
    id: &'static str,
    bytes: usize,
    w: usize,
    quick: bool,
) -> anyhow::Result<()> {
    let n = bytes / 8;
    let reps = if quick || bytes > 100 << 20 { 3 } else { 11 };
    // Values in [0, 1): squaring them again and again stays finite and denormal-free enough.
    let input: Vec<f64> = (0..n).map(|i| 0.5 + (i % 1000) as f64 * 1e-4).collect();
    let mut dst = vec![0.0f64; n]; // touched: no page faults inside the memcpy timing
    memcpy_threads(&input, &mut dst, w); // and faulted in
    // The baseline uses as many (pinned) threads as there are workers: the same two cores.
    let memcpy = median(reps, || {
        memcpy_threads(std::hint::black_box(&input), &mut dst, w);
        std::hint::black_box(&dst);
    });
    let mut out = vec![0.0f64; n];
    let in_process = median(reps, || {
        ffi::square_array(&input, &mut out).expect("equal lengths");
    });
    let pipe = median_try(reps, || {
        let r = pool.square_pipe(&input, w)?;
        anyhow::ensure!(r.len() == n, "wrong length");
        Ok(())
    })?;
    let mut shared = TempSharedF64s::from_slice(&input).context("creating the shared array")?;
    pool.square_shm(&mut shared, w)?; // warm up: each worker maps the file once
    let shm = median_try(reps, || Ok(pool.square_shm(&mut shared, w)?))?;
    let with_copy_in = median_try(reps, || {
        shared.as_mut_slice().copy_from_slice(&input);
        Ok(pool.square_shm(&mut shared, w)?)
    })?;
    let shm_share = ratio(memcpy, shm);
    report.push(Row {
        id,
        what: format!(
            "square {} MB of f64 on {w} processes: {w}-thread memcpy / pipe / shm (shm incl. \
             copy-in: {}; 1 thread in-process: {}); ratio = shm throughput as a share of memcpy",
            bytes >> 20,
            fmt(with_copy_in),
            fmt(in_process)
        ),
        figure: format!("{} / {} / {}", fmt(memcpy), fmt(pipe), fmt(shm)),
        ratio: Some(shm_share),
        target: Some("shm ≥ 0.5 of memcpy".into()),
        met: Some(shm_share >= 0.5),
    });
    Ok(())
}
// ANCHOR_END: pipe_vs_shm
