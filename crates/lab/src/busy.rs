//! How busy the machine was while the demo ran: the CPU time other programs took, from Linux's
//! `/proc/stat` (the whole machine) less `/proc/self/stat` (this process, all its threads).
//!
//! A live result that contradicts the book (the racy counter losing nothing, packed counters
//! as fast as padded ones) almost always means the demo's two threads did not run at the same
//! moment: another program had the other core, or this process may use only one. This module
//! measures which, so [`crate::surprises`] can say so instead of guessing.

/// CPU time counters at one moment, in clock ticks (the unit both files use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Ticks every core spent running anything (user, nice, system, irq, softirq, steal).
    pub machine_busy: u64,
    /// Ticks every core spent in all, busy or idle.
    pub machine_total: u64,
    /// Cores `/proc/stat` counts (its `cpuN` lines).
    pub machine_cores: usize,
    /// Ticks this process has run, all its threads.
    pub own: u64,
}

/// Reads the counters now; `None` off Linux or when `/proc` is not mounted.
pub fn sample() -> Option<Sample> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let (machine_busy, machine_total) = parse_cpu_line(stat.lines().next()?)?;
    let machine_cores = stat
        .lines()
        .filter(|l| l.starts_with("cpu") && l.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
        .count();
    let own = supervisor::procfs::stat(std::process::id() as i32)?.cpu_ticks;
    Some(Sample {
        machine_busy,
        machine_total,
        machine_cores,
        own,
    })
}

/// `cpu  user nice system idle iowait irq softirq steal guest guest_nice` → (busy, total).
/// Guest time is already inside user and nice, so it is not counted twice.
pub fn parse_cpu_line(line: &str) -> Option<(u64, u64)> {
    let mut fields = line.split_whitespace();
    if fields.next()? != "cpu" {
        return None;
    }
    let ticks: Vec<u64> = fields
        .take(8)
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    let [user, nice, system, idle, iowait, irq, softirq, steal] = ticks[..] else {
        return None;
    };
    let busy = user + nice + system + irq + softirq + steal;
    Some((busy, busy + idle + iowait))
}

/// Between two samples: how many cores' worth of CPU other programs used, on average.
/// `None` when too little time passed to tell (fewer ticks than one per core).
pub fn others_between(before: &Sample, after: &Sample) -> Option<f64> {
    let total = after.machine_total.checked_sub(before.machine_total)?;
    if total < after.machine_cores as u64 {
        return None;
    }
    let busy = after.machine_busy.saturating_sub(before.machine_busy);
    let own = after.own.saturating_sub(before.own);
    let others = busy.saturating_sub(own) as f64 / total as f64;
    Some(others * after.machine_cores as f64)
}

/// Cores this process may run on (its affinity mask, as the kernel and cgroups allow).
pub fn cores_for_us() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpu_line_splits_into_busy_and_total() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        let line = "cpu  100 2 30 500 8 1 4 5 60 0";
        assert_eq!(parse_cpu_line(line), Some((142, 650)));
        assert_eq!(
            parse_cpu_line("cpu0 1 2 3 4 5 6 7 8"),
            None,
            "a per-core line"
        );
        assert_eq!(parse_cpu_line("cpu 1 2 3"), None, "too few fields");
    }

    #[test]
    fn others_are_what_the_machine_ran_less_what_we_ran() {
        let before = Sample {
            machine_busy: 1_000,
            machine_total: 10_000,
            machine_cores: 2,
            own: 50,
        };
        // 200 ticks passed (100 per core): the machine was busy 180, of which we ran 100.
        let after = Sample {
            machine_busy: 1_180,
            machine_total: 10_200,
            machine_cores: 2,
            own: 150,
        };
        let others = others_between(&before, &after).unwrap();
        assert!((others - 0.8).abs() < 1e-9, "0.8 of a core, got {others}");
        // Nothing measurable passed: no guess.
        assert_eq!(others_between(&before, &before), None);
    }

    #[test]
    fn this_machine_can_be_sampled() {
        let before = sample().expect("/proc is mounted on Linux");
        let after = sample().unwrap();
        assert!(after.own >= before.own && after.machine_busy >= before.machine_busy);
        assert!(
            before.machine_cores >= cores_for_us(),
            "the machine has at least the cores we may use: {before:?}"
        );
    }
}
