//! What every run must report, checked before it is written off as done: each target the
//! issues state ([`TARGETS`]) computed with its physical limit named, each measurement of
//! [`MEASURED`] taken, and one plain line per target missed. Deterministic: these ask whether
//! a number was produced, never whether it was good; a miss is printed, never fatal (on a
//! shared machine a miss may be noise, and the range says how much).

use super::report::{Results, num};

/// Every target a full run states, by comparison group and ratio id (the id without its size
/// suffix): the guard that no target silently stops being measured.
pub const TARGETS: &[(&str, &str)] = &[
    ("calls", "call_c_target_2ns"),
    ("arrays", "array_rayon_vs_memcpy_"),
    ("arrays", "array_huge_vs_touched_"),
    ("processes", "proc_round_trip_target_10us"),
    ("processes", "proc_round_trip_vs_raw_pipe"),
    ("processes", "proc_per_item_vs_batched"),
    ("python", "py_vs_rust_call"),
    ("python", "py_e3_pool_vs_rayon_"),
    ("python", "py_ext_vs_ctypes_call"),
    ("python", "py_ext_detached_long_speedup"),
    ("python", "py_e3_pool_vs_ext_"),
    ("python", "py_e3_ext_vs_rust_"),
    ("mpi", "mpi_shm_bw_vs_lab_shm"),
    ("mpi", "mpi_counter_exact_2_shm"),
    ("mpi", "mpi_counter_exact_2_shm_copied"),
    ("mpi", "mpi_counter_exact_4_shm_copied"),
    ("mpi", "mpi_counter_exact_2_tcp"),
    ("mpi", "mpi_counter_exact_4_shm"),
    ("mpi", "mpi_counter_exact_4_tcp"),
];

/// The targets of [`TARGETS`] this run should have reported and did not (with a finite value
/// and its physical limit named): groups skipped by `--only` or for a missing `python3` do not
/// count. Deterministic: it asks whether a ratio was computed, never whether it was met.
pub fn missing_targets(r: &Results) -> Vec<String> {
    missing(r, TARGETS, |group, pattern| {
        r.ratios.iter().any(|x| {
            x.group == group
                && matches(pattern, &x.id)
                && x.target.is_some()
                && x.limit.is_some()
                && x.value.is_finite()
        })
    })
}

/// Measurements a full or quick run must produce, by group and id (an id ending in `_` stands
/// for one per size): the rows a ratio does not already guard, so no comparison of the Python
/// table silently stops being measured.
pub const MEASURED: &[(&str, &str)] = &[
    ("python", "py_ctypes_call"),
    ("python", "py_python_call"),
    ("python", "py_ctypes_call_rr"),
    ("python", "py_ext_call_held"),
    ("python", "py_ext_call_detached"),
    ("python", "py_gil_long_1t"),
    ("python", "py_gil_long_2t"),
    ("python", "py_ext_long_held_1t"),
    ("python", "py_ext_long_held_2t"),
    ("python", "py_ext_long_detached_1t"),
    ("python", "py_ext_long_detached_2t"),
    ("python", "py_e3_pool_"),
    ("python", "py_e3_ctypes_threads_"),
    ("python", "py_e3_ext_par_"),
    ("python", "rust_e3_rayon_"),
    ("python", "py_e1_one_process"),
    ("python", "py_e1_pool"),
    ("python", "py_e1_ext_held"),
    ("python", "py_e1_ext_detached"),
    ("python", "rust_e1_one_thread"),
    ("mpi", "mpi_latency_lab_pipe"),
    ("mpi", "mpi_latency_lab_shm"),
    ("mpi", "mpi_latency_shm"),
    ("mpi", "mpi_latency_shm_copied"),
    ("mpi", "mpi_bw_shm_copied_"),
    ("mpi", "mpi_latency_tcp"),
    ("mpi", "mpi_bw_lab_pipe_"),
    ("mpi", "mpi_bw_tcp_"),
    ("mpi", "mpi_e3_one_core_"),
    ("mpi", "mpi_e3_threads_"),
    ("mpi", "mpi_e3_pipes_"),
    ("mpi", "mpi_e3_shm_"),
    ("mpi", "mpi_e3_ranks2_shm_"),
    ("mpi", "mpi_e3_ranks2_tcp_"),
    ("mpi", "mpi_e3_ranks4_shm_"),
    ("mpi", "mpi_e3_ranks4_tcp_"),
    ("mpi", "mpi_count_threads"),
    ("mpi", "mpi_count_pool"),
    ("mpi", "mpi_count_ranks2_shm"),
    ("mpi", "mpi_count_ranks4_tcp"),
];

/// The measurements of [`MEASURED`] this run lacks (skipped groups do not count).
pub fn missing_measurements(r: &Results) -> Vec<String> {
    missing(r, MEASURED, |group, pattern| {
        r.measurements
            .iter()
            .any(|m| m.group == group && matches(pattern, &m.id))
    })
}

/// The entries of `listed` (group, id pattern) that `found` denies, as "group: id", leaving out
/// groups this run skipped.
fn missing(
    r: &Results,
    listed: &[(&str, &str)],
    found: impl Fn(&str, &str) -> bool,
) -> Vec<String> {
    let skipped = |group: &str| r.skipped.iter().any(|s| s.group == group);
    listed
        .iter()
        .filter(|(group, pattern)| !skipped(group) && !found(group, pattern))
        .map(|(group, pattern)| format!("{group}: {pattern}"))
        .collect()
}

/// Whether `id` is the one `pattern` names: the same, or one of its sizes when the pattern ends
/// in `_` (`py_e3_pool_` names `py_e3_pool_10000000`).
fn matches(pattern: &str, id: &str) -> bool {
    id == pattern || (pattern.ends_with('_') && id.starts_with(pattern))
}

/// One line per stated target this run missed: what, the ratio, what it needed, and the limit.
/// Printed, never fatal: on a shared machine a miss may be noise, and the range says how much.
pub fn missed_lines(r: &Results) -> Vec<String> {
    r.ratios
        .iter()
        .filter(|x| x.met() == Some(false))
        .filter_map(|x| {
            let (words, _) = x.target.as_ref()?;
            Some(format!(
                "missed: {words}: {} is {}x (needs {}; range {}x – {}x; limit {})",
                x.label,
                num(x.value),
                x.needs()?,
                num(x.range.0),
                num(x.range.1),
                x.limit.as_deref().unwrap_or("not named")
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::machine::Machine;
    use super::super::report::Skipped;
    use super::super::sampling::{Measurement, Ratio};
    use super::*;

    fn results_with(ratios: Vec<Ratio>, skipped: &[&str]) -> Results {
        Results {
            machine: Machine {
                cpu: "test CPU".into(),
                cores: 2,
                kernel: "6".into(),
                rustc: "rustc 1.95.0".into(),
                cc: "cc 12".into(),
                date: "2026-12-02 00:00 UTC".into(),
                pinned: true,
            },
            mode: "full".into(),
            python: None,
            measurements: Vec::new(),
            ratios,
            skipped: skipped
                .iter()
                .map(|g| Skipped {
                    group: g.to_string(),
                    reason: "not selected (--only)".into(),
                })
                .collect(),
            notes: Vec::new(),
        }
    }

    fn stated(group: &str, id: &str, value: f64) -> Ratio {
        let a = Measurement::new("a", group, "a", "ms", false, vec![value]).unwrap();
        let b = Measurement::new("b", group, "b", "ms", false, vec![1.0]).unwrap();
        super::super::sampling::ratio(id, "a ÷ b", &a, &b)
            .target("a ≥ b", 1.0)
            .limit("b", &b)
    }

    #[test]
    fn every_stated_target_must_be_computed_with_its_limit_unless_its_group_was_skipped() {
        let all: Vec<Ratio> = TARGETS
            .iter()
            .map(|(group, id)| {
                stated(
                    group,
                    &format!("{id}{}", if id.ends_with('_') { "100" } else { "" }),
                    2.0,
                )
            })
            .collect();
        assert!(missing_targets(&results_with(all.clone(), &[])).is_empty());

        // One target gone: named, with its group.
        let without_round_trip: Vec<Ratio> = all
            .iter()
            .filter(|r| r.id != "proc_round_trip_target_10us")
            .cloned()
            .collect();
        assert_eq!(
            missing_targets(&results_with(without_round_trip.clone(), &[])),
            ["processes: proc_round_trip_target_10us"]
        );
        // ...unless its whole group was not run.
        assert!(missing_targets(&results_with(without_round_trip, &["processes"])).is_empty());

        // A target computed without its physical limit counts as missing too.
        let mut no_limit = all.clone();
        no_limit[0].limit = None;
        assert_eq!(missing_targets(&results_with(no_limit, &[])).len(), 1);
    }

    #[test]
    fn every_listed_measurement_must_be_produced_unless_its_group_was_skipped() {
        let mut r = results_with(Vec::new(), &[]);
        r.measurements = MEASURED
            .iter()
            .map(|(group, id)| {
                let id = format!("{id}{}", if id.ends_with('_') { "100000" } else { "" });
                Measurement::new(id, group, "x", "ms", false, vec![1.0]).unwrap()
            })
            .collect();
        assert!(missing_measurements(&r).is_empty());
        r.measurements.retain(|m| m.id != "py_ext_call_detached");
        assert_eq!(missing_measurements(&r), ["python: py_ext_call_detached"]);
        r.measurements
            .retain(|m| !m.id.starts_with("py_e3_ext_par_"));
        assert_eq!(missing_measurements(&r).len(), 2);
        r.skipped.push(Skipped {
            group: "python".into(),
            reason: "python3 is not installed".into(),
        });
        assert!(missing_measurements(&r).is_empty());
    }

    #[test]
    fn a_missed_target_is_one_plain_line_and_a_met_one_is_silent() {
        let r = results_with(
            vec![stated("calls", "x", 0.5), stated("calls", "y", 3.0)],
            &[],
        );
        let lines = missed_lines(&r);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with("missed: a ≥ b: a ÷ b is 0.500x (needs ≥ 1.00x"),
            "{}",
            lines[0]
        );
        assert!(lines[0].contains("limit b: 1.00 ms"), "{}", lines[0]);
    }
}
