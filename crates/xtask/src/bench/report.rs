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
    (
        "mpi",
        "Threads, the lab's pool and MPI ranks: the same jobs, and what talking costs",
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
    put("mpi_model.md", super::mpi_report::model_table(r))?;
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
}
