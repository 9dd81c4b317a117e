//! Criterion benchmark: increments per second of every counter kernel ([`kernels::ALL`]) at 1, 2
//! and 4 threads (4 oversubscribes a 2-core machine), threads pinned, as ratios to a
//! single-thread plain increment measured in the same run.
//!
//! ```sh
//! cargo bench -p kernels --bench counters            # about a minute
//! LAB_BENCH_QUICK=1 cargo bench -p kernels --bench counters   # a few seconds, for CI
//! ```
//!
//! One criterion iteration is one increment *per thread*: `iter_custom(iters)` runs the kernel
//! with `iters` increments on each thread and returns the kernel's own time (threads released
//! together, last join), so thread start-up is outside the measurement. After criterion is done,
//! the median of each benchmark's samples goes into a ratio table, printed and written to
//! `target/criterion/counters-ratios.md`, with a check of the lab's targets.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use harness::Config;

/// Threads per kernel: one, one per core, and more threads than cores.
const THREADS: [usize; 3] = [1, 2, 4];

/// The baseline's benchmark id: one thread, the reentrant C increment on a local, no harness.
const PLAIN: &str = "plain-1-thread";

/// Every sample each benchmark took: (increments in total, time). Criterion calls the routine
/// for warm-up first, then once per sample; the last `sample_size` entries are the samples.
static SAMPLES: Mutex<BTreeMap<String, Vec<(u64, Duration)>>> = Mutex::new(BTreeMap::new());

/// Keeps one sample of benchmark `id` and hands criterion its time back.
fn record(id: &str, increments: u64, elapsed: Duration) -> Duration {
    SAMPLES
        .lock()
        .unwrap()
        .entry(id.to_string())
        .or_default()
        .push((increments, elapsed));
    elapsed
}

/// `LAB_BENCH_QUICK` set (to anything but `0`): short warm-up and measurement, for CI.
fn quick() -> bool {
    std::env::var_os("LAB_BENCH_QUICK").is_some_and(|v| v != "0")
}

/// Samples per benchmark.
const SAMPLE_SIZE: usize = 10;

/// The criterion group `counters`: the plain baseline, then every kernel at every thread count.
fn counters(c: &mut Criterion) {
    let mut group = c.benchmark_group("counters");
    group.sample_size(SAMPLE_SIZE);
    if quick() {
        group
            .warm_up_time(Duration::from_millis(100))
            .measurement_time(Duration::from_millis(300));
    } else {
        group
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));
    }

    // ANCHOR: plain_baseline
    group.throughput(Throughput::Elements(1));
    group.bench_function(PLAIN, |b| {
        b.iter_custom(|iters| {
            let mut mine = 0u64;
            let started = Instant::now();
            for _ in 0..iters {
                ffi::increment_r(black_box(&mut mine));
            }
            let elapsed = started.elapsed();
            assert_eq!(mine, iters);
            record(PLAIN, iters, elapsed)
        })
    });
    // ANCHOR_END: plain_baseline

    for threads in THREADS {
        group.throughput(Throughput::Elements(threads as u64));
        for kernel in kernels::ALL {
            let id = format!("{}/{threads}", kernel.name);
            group.bench_with_input(
                BenchmarkId::new(kernel.name, threads),
                &threads,
                |b, &threads| {
                    b.iter_custom(|iters| {
                        let tally = (kernel.run)(&Config::new(threads, iters));
                        if kernel.exact {
                            assert_eq!(tally.lost, 0, "{id} lost increments");
                        }
                        record(&id, tally.expected, tally.elapsed)
                    })
                },
            );
        }
    }
    group.finish();
}

/// Median increments per second over a benchmark's measured samples.
fn median_rate(samples: &[(u64, Duration)]) -> f64 {
    let measured = &samples[samples.len().saturating_sub(SAMPLE_SIZE)..];
    let mut rates: Vec<f64> = measured
        .iter()
        .map(|(n, t)| *n as f64 / t.as_secs_f64().max(1e-12))
        .collect();
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
}

/// The ratio table (medians over the plain baseline) and the lab's targets, in Markdown.
fn ratio_report() -> String {
    let samples = SAMPLES.lock().unwrap();
    let rate = |id: &str| samples.get(id).map(|s| median_rate(s)).unwrap_or(f64::NAN);
    let plain = rate(PLAIN);

    let mut out = String::new();
    out.push_str(&format!(
        "Counter kernels, median increments/s (all threads together) and ratio to the plain \
         single-thread increment ({:.0} M/s) measured in the same run.\n\n",
        plain / 1e6
    ));
    out.push_str("| kernel | 1 thread | 2 threads | 4 threads (oversubscribed) |\n");
    out.push_str("| --- | --- | --- | --- |\n");
    for kernel in kernels::ALL {
        let cells: Vec<String> = THREADS
            .iter()
            .map(|t| {
                let r = rate(&format!("{}/{t}", kernel.name));
                format!("{:.0} M/s ({:.2}x)", r / 1e6, r / plain)
            })
            .collect();
        out.push_str(&format!("| {} | {} |\n", kernel.name, cells.join(" | ")));
    }

    // ANCHOR: targets
    let sharded2 = rate("sharded/2");
    let targets = [
        (
            "sharded at 2 threads vs plain single-thread",
            sharded2 / plain,
            1.8,
        ),
        (
            "sharded vs mutex-c, 2 threads",
            sharded2 / rate("mutex-c/2"),
            20.0,
        ),
        (
            "sharded vs mutex-rust, 2 threads",
            sharded2 / rate("mutex-rust/2"),
            20.0,
        ),
        (
            "padded vs false sharing, 2 threads",
            sharded2 / rate("sharded-unpadded/2"),
            2.0,
        ),
    ];
    // ANCHOR_END: targets
    out.push_str("\n| target | measured | wanted | verdict |\n| --- | --- | --- | --- |\n");
    for (what, measured, wanted) in targets {
        let verdict = if measured >= wanted {
            "met".to_string()
        } else {
            format!("missed by {:.0} %", 100.0 * (1.0 - measured / wanted))
        };
        out.push_str(&format!(
            "| {what} | {measured:.2}x | ≥ {wanted}x | {verdict} |\n"
        ));
    }
    out
}

/// Runs criterion, then prints the ratio table and writes it to `target/criterion/`.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    counters(&mut criterion);
    criterion.final_summary();

    if SAMPLES.lock().unwrap().get(PLAIN).is_none() {
        return; // a filter excluded the baseline: no ratios to compute
    }
    let report = ratio_report();
    println!("\n{report}");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        std::path::PathBuf::from,
    );
    let path = target.join("criterion/counters-ratios.md");
    let dated = format!(
        "{report}\nMeasured {} on a {}-core machine (shared and noisy: read the ratios).\n",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| format!("at unix time {}", d.as_secs()))
            .unwrap_or_default(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    if std::fs::create_dir_all(path.parent().unwrap())
        .and_then(|()| std::fs::write(&path, dated))
        .is_ok()
    {
        println!("(written to {})", path.display());
    }
}
