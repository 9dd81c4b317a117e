//! The counter kernels at 1, 2 and 4 threads: throughput and lost updates, through the
//! kernel crates' own entry points (`harness::Kernel`), every kernel of the one list
//! (`kernels::ALL`, shared with the demo), threads pinned to cores.

use harness::Config;

use super::Sizes;
use super::sampling::{Measurement, Ratio, ratio};

/// The group name (table `counters.md`, figure `counters.svg`).
pub const GROUP: &str = "counters";

/// Thread counts, as in the issue: 1, 2, and more threads than the reference machine's cores.
pub const THREADS: [usize; 3] = [1, 2, 4];

/// Runs every kernel at every thread count: M increments/s, and % of increments lost.
pub fn run(
    sizes: &Sizes,
    tick: &mut dyn FnMut(&str),
) -> anyhow::Result<(Vec<Measurement>, Vec<Ratio>)> {
    let mut ms = Vec::new();
    let mut lost_ms = Vec::new();
    for threads in THREADS {
        tick(&format!(
            "counters: every kernel on {threads} thread(s), round-robin"
        ));
        let cfg = Config::new(threads, sizes.counter_increments);
        for s in kernels::ALL {
            (s.run)(&cfg); // warm-up: threads, caches, the lock's first contention
        }
        // rates[i], lost[i]: per run of kernels::ALL[i]. Round-robin, so that noise from other
        // programs hits every kernel alike.
        let mut rates = vec![Vec::new(); kernels::ALL.len()];
        let mut lost = vec![Vec::new(); kernels::ALL.len()];
        for _ in 0..sizes.counter_samples {
            for (i, s) in kernels::ALL.iter().enumerate() {
                // Timed here, around the whole job (spawn, pin, work, join), not with the
                // tally's own clock: that one starts on the main thread after the start
                // barrier, and on a busy machine the main thread can be scheduled only after
                // the workers are done, so it can under-report. Spawning and joining a few
                // threads costs tens of µs, small against millions of increments.
                let started = std::time::Instant::now();
                let tally = (s.run)(&cfg);
                let elapsed = started.elapsed().as_secs_f64();
                anyhow::ensure!(
                    !s.exact || tally.lost == 0,
                    "the {} kernel is documented exact but lost {} of {} increments at {threads} threads",
                    s.name,
                    tally.lost,
                    tally.expected
                );
                rates[i].push(tally.expected as f64 / elapsed / 1e6);
                lost[i].push(tally.lost_fraction() * 100.0);
            }
        }
        for ((s, rates), lost) in kernels::ALL.iter().zip(rates).zip(lost) {
            let name = s.name.replace('-', "_");
            let plural = if threads == 1 { "" } else { "s" };
            ms.push(Measurement::new(
                format!("counter_{name}_{threads}t"),
                GROUP,
                format!("{} ({}), {threads} thread{plural}", s.name, s.how),
                "M increments/s",
                true,
                rates,
            )?);
            if threads > 1 {
                lost_ms.push(Measurement::new(
                    format!("counter_lost_{name}_{threads}t"),
                    GROUP,
                    format!("{}, {threads} threads", s.name),
                    "% lost",
                    false,
                    lost,
                )?);
            }
        }
    }
    // Each kernel on 2 threads against the single-thread baseline: the plain (racy) increment
    // on one thread, where nothing can race.
    let find = |id: &str| ms.iter().find(|m| m.id == id).cloned();
    let base = find("counter_racy_1t").ok_or_else(|| anyhow::anyhow!("no 1-thread baseline"))?;
    let mut ratios = Vec::new();
    for s in kernels::ALL {
        let id = format!("counter_{}_2t", s.name.replace('-', "_"));
        if let Some(m) = find(&id) {
            ratios.push(ratio(
                &format!("counter_vs_baseline_{}", s.name.replace('-', "_")),
                &format!("{} on 2 threads ÷ one plain thread (throughput)", s.name),
                &m,
                &base,
            ));
        }
    }
    if let (Some(padded), Some(packed)) = (
        find("counter_sharded_2t"),
        find("counter_sharded_unpadded_2t"),
    ) {
        ratios.push(ratio(
            "counter_padded_vs_false_sharing",
            "sharded on 2 threads: padded ÷ packed in one cache line (false sharing)",
            &padded,
            &packed,
        ));
    }
    ms.extend(lost_ms);
    Ok((ms, ratios))
}
