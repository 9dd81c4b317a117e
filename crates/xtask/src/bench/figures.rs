//! The book's SVG figures, drawn from one run's [`Results`]: which measurements go into which
//! figure, in which groups, as which series. The drawing itself is [`chart`](super::chart).
//!
//! Each figure groups its bars the way the comparison is read (the counters by thread count,
//! the arrays by size, the process jobs by job), colours a kernel the same in every figure, and
//! draws the limit a bar is measured against as a line (the same-run memcpy). The lost-update
//! figure shows only the kernels that lost something and names the exact ones in one line, so
//! it is not a wall of zero-length bars. `cargo xtask bench --replot` redraws them from the
//! committed `results.json` without measuring again.

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use super::chart::{self, Chart, Group, Row, WIDTH};
use super::report::{Results, caption};
use super::sampling::{Measurement, Ratio};

/// Every figure the suite draws: file name, group, title.
pub const FIGURES: &[(&str, &str, &str)] = &[
    (
        "calls.svg",
        "calls",
        "One call: Rust → C against inlined Rust",
    ),
    (
        "counters.svg",
        "counters",
        "Counter kernels: increments per second",
    ),
    (
        "counters_lost.svg",
        "counters",
        "Lost updates: % of increments missing",
    ),
    (
        "arrays.svg",
        "arrays",
        "square_array bandwidth, read + write",
    ),
    (
        "processes.svg",
        "processes",
        "Threads against processes: ms per job",
    ),
    (
        "python.svg",
        "python",
        "Python: ctypes and the Rust extension, ratios",
    ),
    (
        "mpi.svg",
        "mpi",
        "Threads, the lab's pool and MPI ranks: ms",
    ),
];

/// Draws every figure into `dir`; returns the files.
pub fn write_figures(r: &Results, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let footer = caption(r);
    for &(file, group, title) in FIGURES {
        let path = dir.join(file);
        if let Some(sk) = r.skipped.iter().find(|s| s.group == group) {
            notice(
                &path,
                title,
                &format!("Skipped in this run: {}", sk.reason),
                &footer,
            )?;
            files.push(path);
            continue;
        }
        let ms: Vec<&Measurement> = r.measurements.iter().filter(|m| m.group == group).collect();
        let chart = match file {
            "calls.svg" => calls(&ms),
            "counters.svg" => counters(&ms),
            "counters_lost.svg" => lost(&ms),
            "arrays.svg" => arrays(&ms),
            "processes.svg" => processes(&ms),
            "mpi.svg" => super::mpi_report::chart(&ms),
            _ => python(
                &r.ratios
                    .iter()
                    .filter(|x| x.group == group)
                    .collect::<Vec<_>>(),
            ),
        };
        let chart = Chart {
            title: title.to_string(),
            footer: footer.clone(),
            ..chart
        };
        if chart.groups.iter().all(|g| g.rows.is_empty()) {
            let text = chart
                .note
                .clone()
                .unwrap_or_else(|| "Nothing was measured for this figure in this run".into());
            notice(&path, title, &text, &footer)?;
        } else {
            chart::draw(&path, &chart)?;
        }
        files.push(path);
    }
    Ok(files)
}

/// A chart with no groups yet, on `unit`.
pub(super) fn empty(unit: &str) -> Chart {
    Chart {
        title: String::new(),
        unit: unit.into(),
        groups: Vec::new(),
        reference: None,
        note: None,
        footer: String::new(),
    }
}

fn row(series: &str, label: &str, m: &Measurement) -> Row {
    Row {
        series: series.into(),
        label: label.into(),
        median: m.summary.median,
        min: m.summary.min,
        max: m.summary.max,
    }
}

/// Adds `r` to the group titled `title`, opening it when it is new.
pub(super) fn push(groups: &mut Vec<Group>, title: &str, r: Row) {
    match groups.iter_mut().find(|g| g.title == title) {
        Some(g) => g.rows.push(r),
        None => groups.push(Group {
            title: title.into(),
            rows: vec![r],
            limit: None,
        }),
    }
}

/// The kernel's name in a counter label: "mutex-c (C global …), 2 threads" → "mutex-c".
fn kernel(label: &str) -> &str {
    label.split([' ', ',']).next().unwrap_or(label)
}

/// "…_2t" → "2 threads".
fn threads(id: &str) -> String {
    let n = id
        .rsplit('_')
        .next()
        .and_then(|t| t.strip_suffix('t'))
        .unwrap_or("?");
    format!("{n} thread{}", if n == "1" { "" } else { "s" })
}

fn calls(ms: &[&Measurement]) -> Chart {
    let mut c = empty("ns per call (lower is better)");
    for m in ms {
        let (series, label) = match m.id.as_str() {
            "call_rust_inline_square" => ("Rust inline", "square, inlined in Rust"),
            "call_rust_c_square_wide" => ("Rust → C", "C square_wide (safe fn)"),
            "call_rust_c_square" => ("Rust → C", "ffi::square (checked)"),
            _ => ("Rust → C", m.label.as_str()),
        };
        push(&mut c.groups, "one call, same run", row(series, label, m));
    }
    c
}

fn counters(ms: &[&Measurement]) -> Chart {
    let mut c = empty("M increments/s, all threads (higher is better)");
    for m in ms.iter().filter(|m| m.unit == "M increments/s") {
        let k = kernel(&m.label);
        push(&mut c.groups, &threads(&m.id), row(k, k, m));
    }
    c
}

fn lost(ms: &[&Measurement]) -> Chart {
    let mut c = empty("% of increments lost (per run)");
    let lost: Vec<&&Measurement> = ms.iter().filter(|m| m.unit == "% lost").collect();
    let mut exact: Vec<&str> = Vec::new();
    for m in &lost {
        let k = kernel(&m.label);
        if lost
            .iter()
            .any(|x| kernel(&x.label) == k && x.summary.max > 0.0)
        {
            push(&mut c.groups, &threads(&m.id), row(k, k, m));
        } else if !exact.contains(&k) {
            exact.push(k);
        }
    }
    if !exact.is_empty() {
        let mut at: Vec<String> = lost.iter().map(|m| threads(&m.id)).collect();
        at.dedup();
        c.note = Some(format!(
            "0 lost (exact) at {}: {}",
            at.join(" and "),
            exact.join(", ")
        ));
    }
    c
}

fn arrays(ms: &[&Measurement]) -> Chart {
    let mut c = empty("GB/s, read + write (higher is better)");
    let mut ceilings = Vec::new();
    for m in ms {
        let (kind, size) = m.id.rsplit_once('_').unwrap_or((m.id.as_str(), ""));
        let title = match size.parse::<usize>() {
            Ok(n) => format!("{} doubles", super::count_label(n)),
            Err(_) => "array".into(),
        };
        let series = match kind {
            "array_memcpy_2t" => {
                ceilings.push((title, m.summary.median));
                continue;
            }
            "array_memcpy_pieces" => "memcpy, 1 MiB pieces",
            "array_one_call" => "one C call",
            "array_rayon_2t" => "rayon over C",
            "array_rayon_in_place" => "rayon in place",
            "array_rayon_narrow_stores" => "rayon, SSE2 stores",
            "array_rayon_fresh" => "fresh output",
            "array_rayon_huge" => "fresh, huge pages",
            "array_rayon_huge_paused" => "fresh, huge pages, after a pause",
            _ => m.label.as_str(),
        };
        push(&mut c.groups, &title, row(series, series, m));
    }
    set_limits(&mut c.groups, ceilings, "memcpy");
    c
}

/// Draws each group's physical limit (`what`: memcpy, a raw pipe) as its limit line.
pub(super) fn set_limits(groups: &mut [Group], limits: Vec<(String, f64)>, what: &str) {
    for (title, v) in limits {
        if let Some(g) = groups.iter_mut().find(|g| g.title == title) {
            g.limit = Some((v, what.into()));
        }
    }
}

fn processes(ms: &[&Measurement]) -> Chart {
    let mut c = empty("ms (lower is better)");
    let mut ceilings = Vec::new();
    let mut raw = Vec::new();
    let (start, trip, e1, big, job) = (
        "starting a worker",
        "one small round trip",
        "square 1..=1e5",
        "8 MB array",
        "counter job",
    );
    for m in ms {
        let (group, series, label) = match m.id.as_str() {
            "proc_startup" => (start, "processes", "start a worker"),
            "proc_round_trip" => (trip, "processes", "other core, spinning"),
            "proc_round_trip_blocking" => (trip, "processes", "other core, blocking"),
            "proc_round_trip_same_core" => (trip, "processes", "same core, blocking"),
            "proc_raw_pipe" => {
                raw.push((trip.to_string(), m.summary.median));
                continue;
            }
            "proc_raw_pipe_blocking" => (trip, "raw pipe", "raw pipe, other core, blocking"),
            "proc_per_item" => (e1, "processes", "1 message per item"),
            "proc_batched" => (e1, "processes", "batched: 2 messages"),
            "proc_squares_in_process" => (e1, "threads", "in-process, 1 thread"),
            "proc_threads_square" => (big, "threads", "2 threads"),
            "proc_pipe_square" => (big, "processes", "2 processes, pipes"),
            "proc_shm_square" => (big, "processes", "2 processes, shared mem."),
            "proc_count_threads" => (job, "threads", "2 threads"),
            "proc_count_processes" => (job, "processes", "2 processes"),
            "proc_memcpy" => {
                ceilings.push((big.to_string(), m.summary.median));
                continue;
            }
            _ => ("other", "processes", m.label.as_str()),
        };
        push(&mut c.groups, group, row(series, label, m));
    }
    set_limits(&mut c.groups, ceilings, "memcpy");
    set_limits(&mut c.groups, raw, "raw pipe, spinning");
    c
}

fn python(ratios: &[&Ratio]) -> Chart {
    let mut c = empty("ratio of same-run medians");
    c.reference = Some((1.0, "1x".into()));
    for x in ratios {
        let id = x.id.as_str();
        let size = if id.ends_with("_100000") {
            "1e5"
        } else {
            "1e7"
        };
        let (ext, py) = ("Rust extension", "Python");
        let (series, group, label) = match id
            .trim_end_matches(|ch: char| ch.is_ascii_digit() || ch == '_')
        {
            "py_vs_rust_call" => (py, "one call: ctypes ÷ …", "Rust ffi::square".to_string()),
            "py_vs_rust_plain_call" => (py, "one call: ctypes ÷ …", "Rust square_wide".into()),
            "py_ext_vs_ctypes_call" => (ext, "one call: ctypes ÷ …", "lab_ext.square".into()),
            "py_e1_pool_vs_rust" => (py, "E1: 1e6 scalar calls", "pool of 4 ÷ Rust".into()),
            "py_e1_pool_vs_one_process" => (py, "E1: 1e6 scalar calls", "1 process ÷ pool".into()),
            "py_e1_one_process_vs_ext" => (ext, "E1: 1e6 scalar calls", "ctypes ÷ lab_ext".into()),
            "py_gil_long_speedup" => (py, "M1: 1 ÷ 2 Python threads", "ctypes, long".into()),
            "py_gil_tiny_speedup" => (py, "M1: 1 ÷ 2 Python threads", "ctypes, tiny".into()),
            "py_ext_held_long_speedup" => {
                (ext, "M1: 1 ÷ 2 Python threads", "lab_ext held, long".into())
            }
            "py_ext_detached_long_speedup" => (
                ext,
                "M1: 1 ÷ 2 Python threads",
                "lab_ext detached, long".into(),
            ),
            "py_e3_pool_vs_rayon" => (py, "E3: pool of 4 ÷ …", format!("rayon, {size}")),
            "py_e3_pool_vs_rayon_fresh" => {
                (py, "E3: pool of 4 ÷ …", format!("rayon new out, {size}"))
            }
            "py_e3_pool_vs_one_call" => (py, "E3: pool of 4 ÷ …", format!("1 ctypes call, {size}")),
            "py_e3_pool_vs_ext" => (ext, "E3: pool of 4 ÷ …", format!("lab_ext par, {size}")),
            "py_e3_ext_vs_rust" => (
                ext,
                "E3: lab_ext par ÷ Rust rayon",
                format!("{size} doubles"),
            ),
            _ => (py, "other", x.label.clone()),
        };
        let r = Row {
            series: series.into(),
            label,
            median: x.value,
            min: x.range.0,
            max: x.range.1,
        };
        push(&mut c.groups, group, r);
    }
    c
}

/// A figure that only says why there is no chart (a skipped comparison).
fn notice(path: &Path, title: &str, text: &str, footer: &str) -> anyhow::Result<()> {
    let err = |e: plotters::drawing::DrawingAreaErrorKind<_>| {
        anyhow::anyhow!("drawing a figure failed: {e}")
    };
    let root = SVGBackend::new(path, (WIDTH, 170)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let font = |s: f64| ("sans-serif", s).into_font().color(&BLACK);
    root.draw_text(title, &font(22.0), (10, 10)).map_err(err)?;
    root.draw_text(text, &font(chart::SMALL), (10, 60))
        .map_err(err)?;
    let (machine, run) = footer.split_once(" · ").unwrap_or((footer, ""));
    root.draw_text(machine, &font(chart::SMALL), (10, 105))
        .map_err(err)?;
    root.draw_text(run, &font(chart::SMALL), (10, 130))
        .map_err(err)?;
    root.present().map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(id: &str, label: &str, unit: &str, v: f64) -> Measurement {
        Measurement::new(id, "counters", label.to_string(), unit, true, vec![v]).unwrap()
    }

    #[test]
    fn counters_are_grouped_by_thread_count_and_the_exact_kernels_named_once() {
        let ms = [
            m(
                "counter_racy_1t",
                "racy (no lock), 1 thread",
                "M increments/s",
                600.0,
            ),
            m(
                "counter_racy_2t",
                "racy (no lock), 2 threads",
                "M increments/s",
                590.0,
            ),
            m(
                "counter_atomic_2t",
                "atomic (C11), 2 threads",
                "M increments/s",
                50.0,
            ),
            m("counter_lost_racy_2t", "racy, 2 threads", "% lost", 47.0),
            m("counter_lost_atomic_2t", "atomic, 2 threads", "% lost", 0.0),
            m("counter_lost_atomic_4t", "atomic, 4 threads", "% lost", 0.0),
        ];
        let refs: Vec<&Measurement> = ms.iter().collect();
        let c = counters(&refs);
        let titles: Vec<&str> = c.groups.iter().map(|g| g.title.as_str()).collect();
        assert_eq!(titles, ["1 thread", "2 threads"]);
        let kernels: Vec<&str> = c.groups[1].rows.iter().map(|r| r.series.as_str()).collect();
        assert_eq!(kernels, ["racy", "atomic"]);
        let l = lost(&refs);
        assert_eq!(l.groups.len(), 1);
        assert_eq!(l.groups[0].rows.len(), 1, "only the racy kernel has a bar");
        assert_eq!(
            l.note.as_deref(),
            Some("0 lost (exact) at 2 threads and 4 threads: atomic")
        );
    }

    #[test]
    fn the_memcpy_ceiling_is_a_line_in_its_size_group_not_a_bar() {
        let a =
            |id: &str, v: f64| Measurement::new(id, "arrays", id, "GB/s", true, vec![v]).unwrap();
        let ms = [
            a("array_memcpy_2t_10000000", 31.0),
            a("array_rayon_2t_10000000", 43.0),
            a("array_rayon_2t_100000000", 34.0),
        ];
        let refs: Vec<&Measurement> = ms.iter().collect();
        let c = arrays(&refs);
        assert_eq!(c.groups.len(), 2);
        assert_eq!(c.groups[0].title, "1e7 doubles");
        assert_eq!(c.groups[0].limit, Some((31.0, "memcpy".to_string())));
        assert_eq!(c.groups[0].rows.len(), 1);
        assert_eq!(c.groups[1].limit, None);
    }
}
