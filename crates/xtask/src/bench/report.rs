//! Turning one run into files: `results.json`, one Markdown table per comparison, the targets
//! table, and `results.md` with all of them. Nothing in the book's figures is typed by hand.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::machine::Machine;
use super::sampling::{Measurement, Ratio};

/// Everything one `cargo xtask bench` run measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    /// What it ran on, and when.
    pub machine: Machine,
    /// "full" or "quick".
    pub mode: String,
    /// Python's version when the ctypes side ran.
    pub python: Option<String>,
    /// Every measurement.
    pub measurements: Vec<Measurement>,
    /// Every ratio of same-run medians, with the targets.
    pub ratios: Vec<Ratio>,
    /// Comparisons that could not run, and why.
    pub skipped: Vec<Skipped>,
    /// What a table's reader must know about this run beyond its rows (which interpreters were
    /// found, and how they were looked for). Older results lack it.
    #[serde(default)]
    pub notes: Vec<Note>,
}

/// A sentence under one group's table.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Note {
    /// Its group.
    pub group: String,
    /// The sentence.
    pub text: String,
}

/// A comparison that did not run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Skipped {
    /// Its group.
    pub group: String,
    /// Why.
    pub reason: String,
}

/// The comparisons, in the order the report shows them, with their headings.
pub const GROUPS: &[(&str, &str)] = &[
    ("calls", "Rust → C call cost"),
    ("counters", "Counter kernels at 1, 2 and 4 threads"),
    ("arrays", "square_array against the memcpy ceiling"),
    (
        "processes",
        "Threads against processes, pipes against shared memory",
    ),
    (
        "python",
        "Python with ctypes and a Rust extension against Rust, on the same C",
    ),
];

/// Between a range's ends: an en dash between no-break spaces, so that "596 – 653" in a table
/// cell never breaks onto three lines. A line may still break after a dash (Unicode's line
/// breaking rules), so a word joiner (U+2060, invisible) holds the dash to what follows.
pub const RANGE_DASH: &str = "\u{a0}–\u{2060}\u{a0}";

/// A number with 3 significant digits, without exponent for everyday magnitudes.
pub fn num(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 {
        "0".into()
    } else if !(1e-3..1e6).contains(&a) {
        format!("{v:.2e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        // below 1: three significant digits (0.123, 0.0412, 0.00412)
        let decimals = (2.0 - a.log10().floor()) as usize;
        format!("{v:.decimals$}")
    }
}

/// The caption under every table and figure.
pub fn caption(r: &Results) -> String {
    let pin = if r.machine.pinned {
        "threads pinned to cores"
    } else {
        "threads NOT pinned (no core ids)"
    };
    format!(
        "{} · {} mode · medians, [min – max], runs · {pin}",
        r.machine.caption(),
        r.mode
    )
}

/// The Markdown table for one group (measurements, then its ratios), with the caption.
pub fn group_table(r: &Results, group: &str) -> String {
    let mut s = String::new();
    if let Some(sk) = r.skipped.iter().find(|s| s.group == group) {
        let _ = writeln!(s, "_Skipped in this run: {}._\n", sk.reason);
        let _ = writeln!(s, "_{}_", caption(r));
        return s;
    }
    let min_max = format!("min{RANGE_DASH}max");
    let mut t = lab::Table::new(["measurement", "median", min_max.as_str(), "runs", "unit"]);
    for m in r.measurements.iter().filter(|m| m.group == group) {
        let mut label = m.label.clone();
        for (k, v) in &m.extra {
            let _ = write!(label, "; {} {}", k.replace('_', " "), num(*v));
        }
        t.row([
            label,
            num(m.summary.median),
            format!("{}{RANGE_DASH}{}", num(m.summary.min), num(m.summary.max)),
            m.summary.runs.to_string(),
            m.unit.clone(),
        ]);
    }
    s.push_str(&t.render());
    let ratios: Vec<&Ratio> = r.ratios.iter().filter(|x| x.group == group).collect();
    if !ratios.is_empty() {
        s.push('\n');
        s.push_str(&ratio_table(&ratios));
    }
    for n in r.notes.iter().filter(|n| n.group == group) {
        let _ = writeln!(s, "\n_Note: {}._", n.text);
    }
    let _ = writeln!(s, "\n_{}_", caption(r));
    s
}

fn ratio_table(ratios: &[&Ratio]) -> String {
    let mut t = lab::Table::new(["ratio (same run)", "median", "range", "target", "met"]);
    for x in ratios {
        let (target, met) = match (&x.target, x.met()) {
            (Some((words, _)), Some(m)) => (words.clone(), if m { "yes" } else { "**no**" }),
            _ => (String::new(), ""),
        };
        t.row([
            x.label.clone(),
            format!("{}x", num(x.value)),
            format!("{}x{RANGE_DASH}{}x", num(x.range.0), num(x.range.1)),
            target,
            met.to_string(),
        ]);
    }
    t.render()
}

/// Every ratio that has a target, met or not, with the physical limit it is measured against.
pub fn targets_table(r: &Results) -> String {
    let mut t = lab::Table::new([
        "target",
        "ratio (same run)",
        "median",
        "range",
        "met",
        "limit",
    ]);
    for x in r.ratios.iter().filter(|x| x.target.is_some()) {
        let (words, met) = match (&x.target, x.met()) {
            (Some((words, _)), Some(m)) => (words.clone(), if m { "yes" } else { "**no**" }),
            _ => (String::new(), ""),
        };
        t.row([
            words,
            x.label.clone(),
            format!("{}x", num(x.value)),
            format!("{}x{RANGE_DASH}{}x", num(x.range.0), num(x.range.1)),
            met.to_string(),
            x.limit.clone().unwrap_or_else(|| "—".into()),
        ]);
    }
    let mut s = t.render();
    for sk in &r.skipped {
        let _ = writeln!(s, "\n_Not measured ({}): {}._", sk.group, sk.reason);
    }
    let _ = writeln!(s, "\n_{}_", caption(r));
    s
}

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
];

/// The targets of [`TARGETS`] this run should have reported and did not (with a finite value
/// and its physical limit named): groups skipped by `--only` or for a missing `python3` do not
/// count. Deterministic: it asks whether a ratio was computed, never whether it was met.
pub fn missing_targets(r: &Results) -> Vec<String> {
    let skipped = |group: &str| r.skipped.iter().any(|s| s.group == group);
    TARGETS
        .iter()
        .filter(|(group, _)| !skipped(group))
        .filter(|(_, id)| {
            !r.ratios.iter().any(|x| {
                (x.id == *id || (id.ends_with('_') && x.id.starts_with(id)))
                    && x.target.is_some()
                    && x.limit.is_some()
                    && x.value.is_finite()
            })
        })
        .map(|(group, id)| format!("{group}: {id}"))
        .collect()
}

/// Measurements a full or quick run must produce, by group and id (an id ending in `_` stands
/// for one per size): the rows a ratio does not already guard, so no comparison of the Python
/// table silently stops being measured.
pub const MEASURED: &[(&str, &str)] = &[
    ("python", "py_ctypes_call"),
    ("python", "py_python_call"),
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
];

/// The measurements of [`MEASURED`] this run lacks (skipped groups do not count).
pub fn missing_measurements(r: &Results) -> Vec<String> {
    let skipped = |group: &str| r.skipped.iter().any(|s| s.group == group);
    MEASURED
        .iter()
        .filter(|(group, _)| !skipped(group))
        .filter(|(group, id)| {
            !r.measurements.iter().any(|m| {
                m.group == *group && (m.id == *id || (id.ends_with('_') && m.id.starts_with(id)))
            })
        })
        .map(|(group, id)| format!("{group}: {id}"))
        .collect()
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

/// The machine and the run, as a one-row table with the caption.
pub fn machine_table(r: &Results) -> String {
    let m = &r.machine;
    let mut t = lab::Table::new([
        "CPU",
        "cores",
        "kernel",
        "rustc",
        "C compiler",
        "Python",
        "date",
        "mode",
    ]);
    t.row([
        m.cpu.clone(),
        m.cores.to_string(),
        m.kernel.clone(),
        super::machine::short(&m.rustc),
        super::machine::short(&m.cc),
        r.python.clone().unwrap_or_else(|| "not run".into()),
        m.date.clone(),
        r.mode.clone(),
    ]);
    format!("{}\n_{}_\n", t.render(), caption(r))
}

/// All tables, for the terminal and `results.md`.
pub fn full_report(r: &Results) -> String {
    let mut s = String::new();
    for (group, heading) in GROUPS {
        let _ = writeln!(s, "### {heading}\n");
        s.push_str(&group_table(r, group));
        s.push('\n');
    }
    let _ = writeln!(s, "### Targets\n");
    s.push_str(&targets_table(r));
    s
}

/// Writes `results.json`, `<group>.md`, `targets.md` and `results.md` into `dir`; returns them.
pub fn write_tables(r: &Results, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let json = dir.join("results.json");
    std::fs::write(&json, serde_json::to_string_pretty(r)? + "\n")
        .with_context(|| format!("cannot write {}", json.display()))?;
    let mut files = vec![json];
    files.extend(write_markdown(r, dir)?);
    Ok(files)
}

/// Writes the Markdown tables only (`--replot`: `results.json` is left as it is, since reading
/// and writing it again would change the last digit of some numbers).
pub fn write_markdown(r: &Results, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut put = |name: &str, text: String| -> anyhow::Result<()> {
        let p = dir.join(name);
        std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?;
        files.push(p);
        Ok(())
    };
    put("machine.md", machine_table(r))?;
    for (group, _) in GROUPS {
        put(&format!("{group}.md"), group_table(r, group))?;
    }
    put("targets.md", targets_table(r))?;
    put("results.md", full_report(r))?;
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_in_a_table_has_no_space_a_line_may_break_at() {
        let range = format!("596{RANGE_DASH}653");
        assert!(!range.contains(' '), "{range:?}");
        assert_eq!(
            range.replace('\u{2060}', "").replace('\u{a0}', " "),
            "596 – 653"
        );
    }

    #[test]
    fn num_keeps_three_significant_digits() {
        assert_eq!(num(1234.4), "1234");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(1.2345), "1.23");
        assert_eq!(num(0.12345), "0.123");
        assert_eq!(num(0.0041234), "0.00412");
        assert_eq!(num(2.5e7), "2.50e7");
    }

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
