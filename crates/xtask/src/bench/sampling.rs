//! The suite's sampling: warm-up, N timed samples, medians with min–max, ratios of medians,
//! and thread pools pinned to cores (through `harness::pin_to_core`, the lab's one pinning
//! helper).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// How many warm-up and timed runs one measurement gets.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Untimed runs first (caches, page faults of reused buffers, thread pool start).
    pub warmup: usize,
    /// Timed runs; the median of these is reported.
    pub samples: usize,
}

/// Runs `f` `plan.warmup` times untimed, then `plan.samples` times, and returns what each timed
/// run reported. `f` times itself (with [`time`]), so set-up it does outside the timer is not
/// counted.
pub fn sample(plan: Plan, mut f: impl FnMut() -> Duration) -> Vec<Duration> {
    for _ in 0..plan.warmup {
        f();
    }
    (0..plan.samples.max(1)).map(|_| f()).collect()
}

/// Like [`sample`] for `k` variants of one comparison, run round-robin: each round runs variant
/// 0, 1, ..., k − 1 once. A burst of noise from other programs then hits every variant alike,
/// instead of spoiling whichever happened to be running, which keeps same-run ratios honest on a
/// busy machine. Returns the timed runs of each variant.
pub fn sample_each(
    plan: Plan,
    k: usize,
    mut f: impl FnMut(usize) -> Duration,
) -> Vec<Vec<Duration>> {
    for _ in 0..plan.warmup {
        for v in 0..k {
            f(v);
        }
    }
    let mut out = vec![Vec::with_capacity(plan.samples); k];
    for _ in 0..plan.samples.max(1) {
        for (v, times) in out.iter_mut().enumerate() {
            times.push(f(v));
        }
    }
    out
}

/// Times one closure.
pub fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

/// Median, minimum and maximum of some values, and how many there were.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The median (the mean of the two middle values for an even count).
    pub median: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
    /// How many values.
    pub runs: usize,
}

impl Summary {
    /// Summarises `values`; `None` when there are none or one is not a number.
    pub fn of(values: &[f64]) -> Option<Summary> {
        if values.is_empty() || values.iter().any(|v| v.is_nan()) {
            return None;
        }
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Some(Summary {
            median,
            min: v[0],
            max: v[n - 1],
            runs: n,
        })
    }
}

/// One measured quantity, in the unit a reader wants (ns per call, GB/s, ms, ...).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measurement {
    /// Stable id (also a `bench:<id>` witness in the claims ledger).
    pub id: String,
    /// Which comparison it belongs to (one table and one figure per group).
    pub group: String,
    /// What was run, in words.
    pub label: String,
    /// The unit of `summary` and `values`.
    pub unit: String,
    /// True when a larger value is better (throughput, bandwidth).
    pub higher_is_better: bool,
    /// Median, min, max, runs of `values`.
    pub summary: Summary,
    /// Every timed run, converted to `unit`.
    pub values: Vec<f64>,
    /// Further per-measurement facts (e.g. lost updates), by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, f64>,
}

impl Measurement {
    /// Builds a measurement from per-run values already in `unit`.
    pub fn new(
        id: impl Into<String>,
        group: &str,
        label: impl Into<String>,
        unit: &str,
        higher_is_better: bool,
        values: Vec<f64>,
    ) -> anyhow::Result<Measurement> {
        let id = id.into();
        let summary = Summary::of(&values)
            .ok_or_else(|| anyhow::anyhow!("measurement {id} has no valid samples"))?;
        Ok(Measurement {
            id,
            group: group.to_string(),
            label: label.into(),
            unit: unit.to_string(),
            higher_is_better,
            summary,
            values,
            extra: BTreeMap::new(),
        })
    }

    /// Per-run durations converted with `per_run` (e.g. seconds → ns per call).
    pub fn from_times(
        id: impl Into<String>,
        group: &str,
        label: impl Into<String>,
        unit: &str,
        higher_is_better: bool,
        times: &[Duration],
        per_run: impl Fn(f64) -> f64,
    ) -> anyhow::Result<Measurement> {
        let values = times.iter().map(|t| per_run(t.as_secs_f64())).collect();
        Measurement::new(id, group, label, unit, higher_is_better, values)
    }

    /// Adds a named fact.
    pub fn with(mut self, key: &str, value: f64) -> Measurement {
        self.extra.insert(key.to_string(), value);
        self
    }
}

/// A target from the issue, checked against a ratio of two same-run medians.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ratio {
    /// Which comparison it belongs to.
    pub group: String,
    /// Stable id.
    pub id: String,
    /// What the ratio means, in words.
    pub label: String,
    /// The measured ratio (of medians).
    pub value: f64,
    /// The ratio from the slowest and fastest runs (the spread's bounds).
    pub range: (f64, f64),
    /// The target, in words, and the threshold it needs (value ≥ threshold, or ≤ it when
    /// [`at_most`](Self::at_most)).
    pub target: Option<(String, f64)>,
    /// True for a ceiling ("within 15%": value ≤ threshold) rather than a floor. Older results
    /// lack it (every target was a floor).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub at_most: bool,
    /// The physical limit the target is measured against, as the targets table shows it: what
    /// it is and its same-run median (`raw pipe round trip: 0.0031 ms`). Older results lack it.
    #[serde(default)]
    pub limit: Option<String>,
}

impl Ratio {
    /// Whether the target is met (`None` when there is no target).
    pub fn met(&self) -> Option<bool> {
        self.target.as_ref().map(|(_, t)| {
            if self.at_most {
                self.value <= *t
            } else {
                self.value >= *t
            }
        })
    }

    /// What the target needs, for a reader: `≥ 50x` or `≤ 1.15x`.
    pub fn needs(&self) -> Option<String> {
        let (_, t) = self.target.as_ref()?;
        let sign = if self.at_most { '≤' } else { '≥' };
        Some(format!("{sign} {}x", super::report::num(*t)))
    }
}

/// `a / b` for two measurements, where "better" means a larger result: for times, pass the slow
/// one as `a` (how many times faster `b` is); for rates, the fast one as `a`.
pub fn ratio(id: &str, label: &str, a: &Measurement, b: &Measurement) -> Ratio {
    let group = a.group.clone();
    let value = a.summary.median / b.summary.median;
    let lo = a.summary.min / b.summary.max;
    let hi = a.summary.max / b.summary.min;
    Ratio {
        group,
        id: id.to_string(),
        label: label.to_string(),
        value,
        range: (lo.min(hi), lo.max(hi)),
        target: None,
        at_most: false,
        limit: None,
    }
}

impl Ratio {
    /// Attaches a target: met when the ratio is at least `threshold`.
    pub fn target(mut self, words: &str, threshold: f64) -> Ratio {
        self.target = Some((words.to_string(), threshold));
        self.at_most = false;
        self
    }

    /// Attaches a ceiling: met when the ratio is at most `threshold` (e.g. 1.15 for "within
    /// 15% of" a baseline passed as `b`).
    pub fn target_at_most(mut self, words: &str, threshold: f64) -> Ratio {
        self.target = Some((words.to_string(), threshold));
        self.at_most = true;
        self
    }

    /// Names the physical limit beside the target: `what` it is, and the same-run measurement
    /// of it, so a reader sees how close the result came, not only whether it passed.
    pub fn limit(mut self, what: &str, m: &Measurement) -> Ratio {
        self.limit = Some(format!(
            "{what}: {} {}",
            super::report::num(m.summary.median),
            m.unit
        ));
        self
    }
}

/// A rayon pool of `threads` threads, thread `i` pinned to core `i % cores`.
pub fn pinned_pool(threads: usize) -> anyhow::Result<rayon::ThreadPool> {
    Ok(rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("bench-{i}"))
        .start_handler(|i| {
            harness::pin_to_core(i);
        })
        .build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_takes_the_middle_value_for_an_odd_count() {
        let s = Summary::of(&[5.0, 1.0, 3.0]).unwrap();
        assert_eq!((s.median, s.min, s.max, s.runs), (3.0, 1.0, 5.0, 3));
    }

    #[test]
    fn summary_averages_the_two_middle_values_for_an_even_count() {
        let s = Summary::of(&[4.0, 1.0, 2.0, 10.0]).unwrap();
        assert_eq!(s.median, 3.0);
    }

    #[test]
    fn summary_refuses_no_values_and_nan() {
        assert!(Summary::of(&[]).is_none());
        assert!(Summary::of(&[1.0, f64::NAN]).is_none());
    }

    #[test]
    fn ratio_is_of_medians_and_its_range_spans_the_extremes() {
        let slow =
            Measurement::new("s", "g", "slow", "ms", false, vec![90.0, 100.0, 120.0]).unwrap();
        let fast = Measurement::new("f", "g", "fast", "ms", false, vec![8.0, 10.0, 11.0]).unwrap();
        let r = ratio("r", "fast vs slow", &slow, &fast).target("≥ 12x", 12.0);
        assert_eq!(r.value, 10.0);
        assert_eq!(r.range, (90.0 / 11.0, 120.0 / 8.0));
        assert_eq!(r.met(), Some(false));
    }

    #[test]
    fn a_ceiling_target_is_met_at_or_below_its_threshold_and_missed_above() {
        let rust = Measurement::new("r", "g", "rust", "ms", false, vec![10.0]).unwrap();
        let near = Measurement::new("n", "g", "near", "ms", false, vec![11.5]).unwrap();
        let far = Measurement::new("f", "g", "far", "ms", false, vec![11.6]).unwrap();
        let within =
            |m: &Measurement| ratio("w", "m ÷ rust", m, &rust).target_at_most("≤ 15% slower", 1.15);
        assert_eq!(within(&near).met(), Some(true));
        assert_eq!(within(&far).met(), Some(false));
        assert_eq!(within(&rust).met(), Some(true));
        assert_eq!(within(&far).needs().as_deref(), Some("≤ 1.15x"));
        // The same numbers as a floor: the opposite verdicts.
        let floor = ratio("w", "far ÷ rust", &far, &rust).target("≥ 1.15x", 1.15);
        assert_eq!(
            (floor.met(), floor.needs().as_deref()),
            (Some(true), Some("≥ 1.15x"))
        );
        assert!(ratio("x", "no target", &far, &rust).needs().is_none());
    }

    #[test]
    fn sample_each_runs_the_variants_round_robin() {
        let mut order = Vec::new();
        let times = sample_each(
            Plan {
                warmup: 1,
                samples: 2,
            },
            3,
            |v| {
                order.push(v);
                Duration::from_millis(v as u64)
            },
        );
        assert_eq!(order, [0, 1, 2, 0, 1, 2, 0, 1, 2]);
        assert_eq!(times.len(), 3);
        assert_eq!(times[2], [Duration::from_millis(2); 2]);
    }

    #[test]
    fn sample_runs_warmups_untimed_then_the_samples() {
        let mut calls = 0;
        let times = sample(
            Plan {
                warmup: 2,
                samples: 3,
            },
            || {
                calls += 1;
                Duration::from_millis(calls)
            },
        );
        assert_eq!(calls, 5);
        assert_eq!(times, [3, 4, 5].map(Duration::from_millis));
    }
}
