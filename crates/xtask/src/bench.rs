//! `cargo xtask bench [--quick]`: the lab's comparison suite, in one process, in one run.
//!
//! Each comparison is measured against a baseline taken in the same run, and reported as
//! medians with min–max and the number of runs, plus ratios of medians (ratios survive a noisy
//! machine better than absolute times). The run writes:
//!
//! - `results.json`: the machine (CPU, cores, kernel, rustc, date) and every measurement;
//! - one Markdown table per comparison (`calls.md`, `counters.md`, `arrays.md`,
//!   `processes.md`, `python.md`, `mpi.md`), the MPI model on paper (`mpi_model.md`),
//!   `targets.md`, and `results.md` with all of them;
//! - one SVG figure per comparison, captioned with the machine and the date.
//!
//! Full mode writes into `mdbook/src/figures/`, which the book includes (so no number in the
//! book is typed by hand). `--quick` writes into `target/bench-quick/` instead, with small sizes,
//! for CI; both modes then check that every file was produced, is not empty, and parses.
//! `--replot` measures nothing and rewrites the tables and figures from the `results.json`
//! already there.
//! Deeper digging: the crates' criterion benches (`cargo bench -p kernels`, `-p isolated`).

pub mod arrays;
pub mod calls;
pub mod chart;
pub mod counters;
pub mod expected;
pub mod extension;
pub mod figures;
pub mod freethreaded;
pub mod machine;
pub mod mpi;
pub mod mpi_report;
pub mod pipe;
pub mod processes;
pub mod python;
pub mod ranks;
pub mod report;
pub mod sampling;
pub mod verify;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use report::{Results, Skipped};
use sampling::Measurement;

/// Options for `cargo xtask bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Short runs at small sizes, written to target/bench-quick/ (CI): checks every figure and
    /// table is produced; the committed figures are not touched.
    #[arg(long)]
    pub quick: bool,
    /// Write the results here instead (default: mdbook/src/figures, or target/bench-quick with
    /// --quick).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run only these comparisons (repeatable: calls, counters, arrays, processes, python,
    /// mpi);
    /// results then go to target/bench-only/ unless --out says otherwise.
    #[arg(long)]
    pub only: Vec<String>,
    /// Measure nothing: rewrite the tables and redraw the figures from the `results.json`
    /// already in the output folder (default mdbook/src/figures), e.g. after changing how
    /// they are drawn.
    #[arg(long, conflicts_with_all = ["quick", "only"])]
    pub replot: bool,
}

/// How big and how many: one set for the full run, one for `--quick`.
#[derive(Debug, Clone)]
pub struct Sizes {
    /// "full" or "quick".
    pub mode: &'static str,
    /// Calls per timed run of the call-cost loops.
    pub calls: u32,
    /// Timed runs of the call loops (and of the Rust side of the Python comparison).
    pub call_samples: usize,
    /// `square_array` sizes (elements) and timed runs at each.
    pub arrays: Vec<(usize, usize)>,
    /// Increments per thread for the counter kernels.
    pub counter_increments: u64,
    /// Timed runs per counter kernel and thread count.
    pub counter_samples: usize,
    /// Items for the per-item against batched comparison.
    pub process_items: usize,
    /// Bytes of `f64` for pipes against shared memory.
    pub process_bytes: usize,
    /// Increments of the threads-against-processes counter job.
    pub process_increments: u64,
    /// Timed runs of the process comparisons.
    pub process_samples: usize,
    /// Doubles of E3 in the MPI comparison (threads, the lab's pool, MPI ranks side by side).
    pub mpi_len: usize,
    /// Doubles of its one large message each way (the bandwidth rows).
    pub mpi_message: usize,
    /// Small round trips per timed run of its latency rows.
    pub mpi_round_trips: usize,
    /// Timed runs of each of its measurements.
    pub mpi_samples: usize,
    /// The Python script's configuration (see `crates/xtask/python/ctypes_bench.py`).
    pub python: serde_json::Value,
    /// How long the Python side may take before it is stopped.
    pub python_limit: Duration,
}

impl Sizes {
    /// The full run: the sizes (1e7 and 1e8 doubles), a few minutes on 2 cores.
    pub fn full() -> Sizes {
        Sizes {
            mode: "full",
            calls: 2_000_000,
            call_samples: 51,
            arrays: vec![(10_000_000, 31), (100_000_000, 9)],
            counter_increments: 2_000_000,
            counter_samples: 7,
            process_items: 100_000,
            process_bytes: 8 << 20,
            process_increments: 1 << 25,
            process_samples: 7,
            mpi_len: 10_000_000,
            mpi_message: 10_000_000,
            mpi_round_trips: 2_000,
            mpi_samples: 7,
            python: serde_json::json!({
                "calls": 200_000, "call_samples": 15,
                "e1_scalars": 1_000_000, "pool_samples": 7,
                "array_sizes": [100_000, 10_000_000],
                // M1's long call: busy_work, about 2 ms that only computes (a memory-bound
                // call cannot show a second thread's gain: one thread fills the memory bus).
                "gil_rounds": 1_400_000, "gil_calls": 100, "gil_samples": 7,
                "gil_tiny_calls": 1_000_000,
            }),
            python_limit: Duration::from_secs(8 * 60),
        }
    }

    /// CI: every comparison at small sizes, well under 3 minutes on 2 cores.
    pub fn quick() -> Sizes {
        Sizes {
            mode: "quick",
            calls: 1_000_000,
            call_samples: 5,
            arrays: vec![(1_000_000, 5), (8_000_000, 3)],
            counter_increments: 100_000,
            counter_samples: 3,
            process_items: 10_000,
            process_bytes: 1 << 20,
            process_increments: 1 << 20,
            process_samples: 3,
            mpi_len: 1_000_000,
            mpi_message: 1_000_000,
            mpi_round_trips: 200,
            mpi_samples: 3,
            python: serde_json::json!({
                "calls": 100_000, "call_samples": 3,
                "e1_scalars": 100_000, "pool_samples": 2,
                "array_sizes": [100_000, 1_000_000],
                "gil_rounds": 1_400_000, "gil_calls": 20, "gil_samples": 3,
                "gil_tiny_calls": 100_000,
            }),
            python_limit: Duration::from_secs(3 * 60),
        }
    }
}

/// `10_000_000` → `1e7`, `8_000_000` → `8e6`, `1_048_576` → `1 048 576`, `2_500` → `2500`.
pub fn count_label(n: usize) -> String {
    let digits = n.to_string();
    let zeros = digits.len() - digits.trim_end_matches('0').len();
    let lead = digits.trim_end_matches('0');
    if n >= 10_000 && lead.len() == 1 {
        format!("{lead}e{zeros}")
    } else if n >= 10_000 {
        lab::group_digits(n as u64, ' ')
    } else {
        digits
    }
}

/// Rewrites the tables and redraws the figures from the `results.json` in `dir`, without
/// measuring.
pub fn replot(dir: &std::path::Path) -> anyhow::Result<Vec<PathBuf>> {
    let json = dir.join("results.json");
    let text = std::fs::read_to_string(&json).with_context(|| {
        format!(
            "cannot read {} (run `cargo xtask bench` first)",
            json.display()
        )
    })?;
    let results: Results = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a results file", json.display()))?;
    let mut files = report::write_markdown(&results, dir)?;
    files.extend(figures::write_figures(&results, dir)?);
    for f in &files {
        verify::check_file(f)?;
    }
    Ok(files)
}

/// Runs the suite, writes the files, checks them, prints the table.
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let root = lab::workspace_root();
    if args.replot {
        let dir = args
            .out
            .clone()
            .unwrap_or_else(|| root.join("mdbook/src/figures"));
        let files = replot(&dir)?;
        println!(
            "{} tables and figures rewritten from {} (nothing measured)",
            files.len(),
            dir.join("results.json").display()
        );
        return Ok(());
    }
    let sizes = if args.quick {
        Sizes::quick()
    } else {
        Sizes::full()
    };
    for o in &args.only {
        anyhow::ensure!(
            report::GROUPS.iter().any(|(g, _)| g == o),
            "--only {o}: no such comparison; choose from {}",
            report::GROUPS
                .iter()
                .map(|(g, _)| *g)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let selected = |group: &str| args.only.is_empty() || args.only.iter().any(|o| o == group);
    let out_dir = args.out.clone().unwrap_or_else(|| {
        if !args.only.is_empty() {
            root.join("target/bench-only")
        } else if args.quick {
            root.join("target/bench-quick")
        } else {
            root.join("mdbook/src/figures")
        }
    });
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    let scratch = root.join("target/bench-lib");

    let machine = machine::Machine::detect();
    println!(
        "cargo xtask bench ({} mode) on {}\nresults go to {}",
        sizes.mode,
        machine.caption(),
        out_dir.display()
    );
    if !machine.pinned {
        println!("note: this OS gave no core ids, so threads are not pinned");
    }

    let bar = ProgressBar::new(STEPS);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} {msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    let mut tick = |what: &str| {
        bar.inc(1);
        bar.set_message(what.to_string());
    };

    let mut results = Results {
        machine,
        mode: sizes.mode.to_string(),
        python: None,
        measurements: Vec::new(),
        ratios: Vec::new(),
        skipped: Vec::new(),
        notes: Vec::new(),
    };

    tick("call cost: Rust → C against inlined Rust");
    let calls = calls::run(&sizes)?;
    let find = |ms: &[Measurement], id: &str| ms.iter().find(|m| m.id == id).cloned();
    let inline = find(&calls, "call_rust_inline_square").context("no inline baseline")?;
    let wide = find(&calls, "call_rust_c_square_wide").context("no C call")?;
    let checked = find(&calls, "call_rust_c_square").context("no checked C call")?;
    results.ratios.push(sampling::ratio(
        "call_c_vs_inline",
        "Rust → C call ÷ inlined Rust (the price of not inlining)",
        &wide,
        &inline,
    ));
    results.ratios.push(
        sampling::ratio(
            "call_c_target_2ns",
            "2 ns ÷ Rust → C call (≥ 1: the call costs ≤ 2 ns)",
            &Measurement::new("two_ns", calls::GROUP, "2 ns", "ns/call", false, vec![2.0])?,
            &wide,
        )
        .target("≤ 2 ns per C call", 1.0)
        .limit("the same multiply inlined", &inline),
    );
    if !selected(calls::GROUP) {
        results.ratios.clear();
    } else {
        results.measurements.extend(calls);
    }

    let not_selected = |group: &str| Skipped {
        group: group.into(),
        reason: "not selected (--only)".into(),
    };

    if selected(counters::GROUP) {
        let (ms, ratios) = counters::run(&sizes, &mut tick)?;
        results.measurements.extend(ms);
        results.ratios.extend(ratios);
    } else {
        results.skipped.push(not_selected(counters::GROUP));
    }

    if selected(arrays::GROUP) {
        let (ms, ratios) = arrays::run(&sizes, &mut tick)?;
        results.measurements.extend(ms);
        results.ratios.extend(ratios);
    } else {
        results.skipped.push(not_selected(arrays::GROUP));
    }

    if !selected(processes::GROUP) {
        results.skipped.push(not_selected(processes::GROUP));
    } else {
        // A failure here (the worker cannot be built or started, a wrong answer) is an error,
        // not a skip: CI must notice.
        let (ms, ratios) =
            processes::run(&sizes, &mut tick).context("threads against processes")?;
        results.measurements.extend(ms);
        results.ratios.extend(ratios);
    }

    if !selected(python::GROUP) {
        results.skipped.push(not_selected(python::GROUP));
    } else if python::python3().is_none() {
        let reason = "python3 is not installed, so the Python-with-ctypes comparison was skipped";
        note(&bar, reason.to_string());
        results.skipped.push(Skipped {
            group: python::GROUP.into(),
            reason: reason.into(),
        });
    } else {
        // python3 is here: a failing script or library build is an error, not a skip.
        let run = python::run(&sizes, &scratch, &checked, &wide, &mut tick)
            .context("the Python comparison (ctypes and the Rust extension)")?;
        results.measurements.extend(run.measurements);
        results.ratios.extend(run.ratios);
        results.notes.extend(run.notes);
        results.python = Some(run.version);
    }

    if !selected(mpi::GROUP) {
        results.skipped.push(not_selected(mpi::GROUP));
    } else {
        // CI installs OpenMPI: a missing mpirun, a failed build or a failed launch is an error.
        let (ms, ratios) =
            mpi::run(&sizes, &mut tick).context("threads, the pool and MPI ranks")?;
        results.measurements.extend(ms);
        results.ratios.extend(ratios);
    }

    if !selected(calls::GROUP) {
        results.skipped.push(not_selected(calls::GROUP));
    }

    tick("writing tables and figures");
    let mut files = report::write_tables(&results, &out_dir)?;
    files.extend(figures::write_figures(&results, &out_dir)?);
    bar.finish_and_clear();
    for f in &files {
        verify::check_file(f)?;
    }
    println!("{}", report::full_report(&results));
    for line in expected::missed_lines(&results) {
        // On a shared machine a miss may be noise: said plainly, never fatal (see the range).
        println!(
            "{line}{}",
            if args.quick {
                " [quick mode: small sizes, not judged]"
            } else {
                ""
            }
        );
    }
    let mut missing = expected::missing_targets(&results);
    missing.extend(expected::missing_measurements(&results));
    anyhow::ensure!(
        missing.is_empty(),
        "targets that were not computed or lack their physical limit, or measurements that \
         were not taken: {}",
        missing.join(", ")
    );
    println!(
        "{} files written to {} and checked (non-empty, parseable) in {:.0} s",
        files.len(),
        out_dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A message above the progress bar, or on stderr when the bar is hidden (not a terminal, as
/// in CI), so that a skipped comparison is always announced.
fn note(bar: &ProgressBar, text: String) {
    if bar.is_hidden() {
        eprintln!("{text}");
    } else {
        bar.println(text);
    }
}

/// Progress steps (an estimate for the bar; it only sets the bar's length).
const STEPS: u64 = 23;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_labels_use_powers_of_ten_for_round_big_numbers() {
        assert_eq!(count_label(10_000_000), "1e7");
        assert_eq!(count_label(100_000_000), "1e8");
        assert_eq!(count_label(8_000_000), "8e6");
        assert_eq!(count_label(2_500), "2500");
        assert_eq!(count_label(1_048_576), "1 048 576");
        assert_eq!(count_label(123_456), "123 456");
    }

    #[test]
    fn quick_mode_is_smaller_than_full_mode_everywhere() {
        let (q, f) = (Sizes::quick(), Sizes::full());
        assert!(q.calls < f.calls);
        assert!(q.arrays.iter().map(|a| a.0).max() < f.arrays.iter().map(|a| a.0).max());
        assert!(q.counter_increments < f.counter_increments);
        assert!(q.python_limit < f.python_limit);
        assert!(q.mpi_len < f.mpi_len && q.mpi_message < f.mpi_message);
    }
}
