//! The source's own setting, side by side: the same `c_src` built as a shared library and
//! driven from Python's `ctypes` (`crates/xtask/python/ctypes_bench.py`), measured in the same run
//! as Rust calling the same C.

use std::ffi::OsStr;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;

use super::Sizes;
use super::arrays::{THREADS, rayon_into_fresh, rayon_square};
use super::report::Note;
use super::sampling::{Measurement, Plan, Ratio, pinned_pool, ratio, sample, sample_each, time};
use super::{extension, freethreaded};

/// The group name (table `python.md`, figure `python.svg`).
pub const GROUP: &str = "python";

/// The script, from the workspace root.
pub const SCRIPT: &str = "crates/xtask/python/ctypes_bench.py";

pub use supervisor::python::python3;

/// What a Python script prints: its interpreter's version and its timings.
#[derive(Debug, Deserialize)]
pub struct PyRun {
    python: String,
    /// The timings, one per id.
    pub measurements: Vec<PyMeasurement>,
}

/// One of a script's timings: seconds per timed run, and how many calls or elements a run did.
#[derive(Debug, Deserialize)]
pub struct PyMeasurement {
    id: String,
    samples_s: Vec<f64>,
    per: f64,
}

/// Everything the Python comparison measured, with its notes (which interpreters ran).
#[derive(Debug)]
pub struct PythonRun {
    /// Measurements of the group, Python's and Rust's.
    pub measurements: Vec<Measurement>,
    /// Same-run ratios, with the targets.
    pub ratios: Vec<Ratio>,
    /// "Python 3.11.9".
    pub version: String,
    /// Sentences for the table (the free-threaded search).
    pub notes: Vec<Note>,
}

/// Runs `program script args..` (with `pythonpath` on `PYTHONPATH` when given), stopped after
/// `limit`, and reads the JSON object it prints.
pub fn run_json(
    program: &str,
    script: &Path,
    args: &[&OsStr],
    pythonpath: Option<&Path>,
    limit: Duration,
) -> anyhow::Result<PyRun> {
    let done = supervisor::python::run_script(program, script, args, pythonpath, limit)?;
    if !done.status.success() {
        bail!(
            "{} failed ({}): {}",
            script.display(),
            done.status,
            done.stderr.trim()
        );
    }
    serde_json::from_str(done.stdout.trim()).with_context(|| {
        format!(
            "{} printed something that is not its JSON",
            script.display()
        )
    })
}

/// The measurement `id` of `ms`, or an error naming it.
pub fn find(ms: &[Measurement], id: &str) -> anyhow::Result<Measurement> {
    ms.iter()
        .find(|m| m.id == id)
        .cloned()
        .with_context(|| format!("the Python comparison did not report {id}"))
}

/// Runs the Python side and the matching Rust side. `rust_call` (the safe, checked
/// `ffi::square`) and `rust_plain` (`square_wide`, no check) are the Rust→C calls measured
/// earlier in this run (ns per call); the target is judged on the checked one. `scratch` is
/// where the extension module is staged.
pub fn run(
    sizes: &Sizes,
    scratch: &Path,
    rust_call: &Measurement,
    rust_plain: &Measurement,
    tick: &mut dyn FnMut(&str),
) -> anyhow::Result<PythonRun> {
    if python3().is_none() {
        bail!("python3 is not installed: the Python-with-ctypes comparison was skipped");
    }
    let lib = OsStr::new(ffi::SHARED_LIB);
    let script = lab::workspace_root().join(SCRIPT);
    let cfg = serde_json::to_string(&sizes.python)?;
    let bench = OsStr::new("bench");
    let args = [bench, lib, OsStr::new(&cfg)];

    tick("Python with ctypes (one process, then a pool of 4)");
    let py = run_json("python3", &script, &args, None, sizes.python_limit)?;
    let mut ms = Vec::new();
    for m in &py.measurements {
        ms.push(convert(m)?);
    }

    // Free-threaded Python: found or not, said in the table; its rows are ctypes' only.
    let probes = freethreaded::probe_all();
    let notes = vec![Note {
        group: GROUP.into(),
        text: freethreaded::note(&probes),
    }];
    let free = freethreaded::choose(&probes).map(|p| p.program.clone());
    if let Some(program) = &free {
        tick("Python with ctypes again, free-threaded");
        let ft = run_json(program, &script, &args, None, sizes.python_limit)?;
        for m in &ft.measurements {
            let mut m = convert(m)?;
            m.id = freethreaded::id(&m.id);
            m.label = freethreaded::label(program, &m.label);
            ms.push(m);
        }
    }
    // The extension is abi3: a python3 that is itself free-threaded cannot load it.
    if free.as_deref() != Some("python3") {
        ms.extend(extension::measure(&cfg, scratch, sizes.python_limit, tick)?);
    }

    // The Rust side of the same jobs, in the same run.
    tick("Rust: a million scalar calls, and square_array with rayon, same sizes");
    let n1 = sizes.python["e1_scalars"].as_u64().unwrap_or(1_000_000) as i32;
    let plan = Plan {
        warmup: 1,
        samples: sizes.call_samples,
    };
    let t = sample(plan, || {
        time(|| {
            // ANCHOR: rust_e1
            let squares: Vec<Option<i32>> = (0..n1).map(|i| ffi::square(i % 46_341)).collect();
            // ANCHOR_END: rust_e1
            black_box(squares);
        })
    });
    let rust_e1 = Measurement::from_times(
        "rust_e1_one_thread",
        GROUP,
        format!(
            "Rust: ffi::square over {} scalars, 1 thread",
            super::count_label(n1 as usize)
        ),
        "ms",
        false,
        &t,
        |s| s * 1e3,
    )?;

    let pool = pinned_pool(THREADS)?;
    let mut rust_e3 = Vec::new();
    for n in array_sizes(sizes) {
        let label = super::count_label(n);
        let input: Vec<f64> = vec![1.5; n];
        let plan = Plan {
            warmup: 1,
            samples: sizes.call_samples,
        };
        // Output reused (touched), as Python's one-call version above; and a new output every
        // time, as the pool builds new arrays (page faults included). Round-robin.
        let mut out = vec![0.0f64; n];
        let t = sample_each(plan, 2, |variant| match variant {
            0 => time(|| rayon_square(&pool, &input, &mut out)),
            _ => rayon_into_fresh(&pool, &input),
        });
        anyhow::ensure!(out[n - 1] == 2.25, "rayon square gave a wrong result");
        drop(out);
        let reused = Measurement::from_times(
            format!("rust_e3_rayon_{n}"),
            GROUP,
            format!("Rust: rayon over C, 2 pinned threads, {label} doubles, output reused"),
            "ms",
            false,
            &t[0],
            |s| s * 1e3,
        )?;
        let fresh = Measurement::from_times(
            format!("rust_e3_rayon_fresh_{n}"),
            GROUP,
            format!("Rust: rayon over C, 2 pinned threads, {label} doubles, new output"),
            "ms",
            false,
            &t[1],
            |s| s * 1e3,
        )?;
        rust_e3.push((n, reused, fresh));
    }

    let rust_call = relabel(rust_call);
    let e3_sizes: Vec<usize> = rust_e3.iter().map(|(n, ..)| *n).collect();
    let mut ratios = vec![
        ratio(
            "py_vs_rust_call",
            "ctypes call ÷ Rust→C call (ffi::square)",
            &find(&ms, "py_ctypes_call")?,
            &rust_call,
        )
        .target("Rust ≥ 100x cheaper", 100.0)
        .limit("one Rust → C call", &rust_call),
        ratio(
            "py_vs_rust_plain_call",
            "ctypes call ÷ Rust→C call without the overflow check (square_wide)",
            &find(&ms, "py_ctypes_call")?,
            &relabel(rust_plain),
        ),
        ratio(
            "py_e1_pool_vs_rust",
            "a million scalar calls: Python pool of 4 ÷ Rust one thread",
            &find(&ms, "py_e1_pool")?,
            &rust_e1,
        ),
        ratio(
            "py_e1_pool_vs_one_process",
            "a million scalar calls: Python one process ÷ Python pool of 4 (> 1: the pool helps)",
            &find(&ms, "py_e1_one_process")?,
            &find(&ms, "py_e1_pool")?,
        ),
        ratio(
            "py_gil_long_speedup",
            "long C calls, Python 1 thread ÷ 2 threads (> 1: ctypes released the lock)",
            &find(&ms, "py_gil_long_1t")?,
            &find(&ms, "py_gil_long_2t")?,
        ),
        ratio(
            "py_gil_tiny_speedup",
            "tiny C calls, Python 1 thread ÷ 2 threads (< 1: lock hand-offs cost more)",
            &find(&ms, "py_gil_tiny_1t")?,
            &find(&ms, "py_gil_tiny_2t")?,
        ),
    ];
    for (n, reused, fresh) in &rust_e3 {
        let label = super::count_label(*n);
        let pool_run = find(&ms, &format!("py_e3_pool_{n}"))?;
        ratios.push(
            ratio(
                &format!("py_e3_pool_vs_rayon_{n}"),
                &format!(
                    "square_array over {label} doubles: Python pool of 4 chunks ÷ Rust rayon (output reused)"
                ),
                &pool_run,
                reused,
            )
            .target("rayon ≥ 50x faster", 50.0)
            .limit("Rust rayon, output reused", reused),
        );
        ratios.push(ratio(
            &format!("py_e3_pool_vs_rayon_fresh_{n}"),
            &format!(
                "square_array over {label} doubles: Python pool ÷ Rust rayon into a new output"
            ),
            &pool_run,
            fresh,
        ));
        ratios.push(ratio(
            &format!("py_e3_pool_vs_one_call_{n}"),
            &format!("square_array over {label} doubles: Python pool ÷ one ctypes call"),
            &pool_run,
            &find(&ms, &format!("py_e3_one_call_{n}"))?,
        ));
    }
    ms.push(rust_call);
    ms.push(relabel(rust_plain));
    ms.push(rust_e1);
    ms.extend(rust_e3.into_iter().flat_map(|(_, r, f)| [r, f]));
    if free.as_deref() != Some("python3") {
        ratios.extend(extension::ratios(&ms, &e3_sizes)?);
    }
    if free.is_some() {
        ratios.extend(freethreaded::ratios(&ms)?);
    }
    Ok(PythonRun {
        measurements: ms,
        ratios,
        version: format!("Python {}", py.python),
        notes,
    })
}

/// The E3 sizes the Python side used.
fn array_sizes(sizes: &Sizes) -> Vec<usize> {
    sizes.python["array_sizes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_u64())
                .map(|v| v as usize)
                .collect()
        })
        .unwrap_or_default()
}

/// The Rust call measurement, copied into this group so the table shows both sides.
fn relabel(m: &Measurement) -> Measurement {
    let mut m = m.clone();
    m.group = GROUP.to_string();
    m.id = format!("{}_same_run", m.id);
    m
}

/// A measurement of the ctypes script in the reader's unit.
fn convert(m: &PyMeasurement) -> anyhow::Result<Measurement> {
    convert_with(m, describe_id)
}

/// What a script's id means for the reader: label, unit, and the factor from seconds per run
/// to that unit (`None`: an id this side does not know).
pub type Describe = fn(&str, f64) -> Option<(String, &'static str, f64)>;

/// A script's measurement in the reader's unit, `describe` giving label, unit and scale.
pub fn convert_with(m: &PyMeasurement, describe: Describe) -> anyhow::Result<Measurement> {
    let Some((label, unit, scale)) = describe(&m.id, m.per) else {
        bail!("a Python script reported an unknown measurement {:?}", m.id);
    };
    let values = m.samples_s.iter().map(|s| s * scale).collect();
    Measurement::new(m.id.clone(), GROUP, label, unit, false, values)
}

/// Label, unit and scale (seconds per run → unit) of one of the ctypes script's ids.
fn describe_id(id: &str, per: f64) -> Option<(String, &'static str, f64)> {
    Some(match id {
        "py_ctypes_call" => (
            "Python → C: ctypes square, argtypes set".into(),
            "ns/call",
            1e9 / per,
        ),
        "py_python_call" => (
            "Python: a pure-Python square function (for scale)".into(),
            "ns/call",
            1e9 / per,
        ),
        "py_e1_one_process" => (
            format!(
                "Python: ctypes square over {} scalars, one process",
                super::count_label(per as usize)
            ),
            "ms",
            1e3,
        ),
        "py_e1_pool" => (
            format!(
                "Python: Pool(4).map of square over {} scalars",
                super::count_label(per as usize)
            ),
            "ms",
            1e3,
        ),
        "py_pool_start" => (
            "Python: start and stop a Pool of 4 processes".into(),
            "ms",
            1e3,
        ),
        "py_gil_long_1t" => (
            "Python, 1 thread, long busy_work calls (about 2 ms each, per call)".into(),
            "ms",
            1e3 / per,
        ),
        "py_gil_long_2t" => (
            "Python, 2 threads, the same calls split (per call)".into(),
            "ms",
            1e3 / per,
        ),
        "py_gil_tiny_1t" => (
            "Python, 1 thread, tiny square calls".into(),
            "ns/call",
            1e9 / per,
        ),
        "py_gil_tiny_2t" => (
            "Python, 2 threads, the same calls split".into(),
            "ns/call",
            1e9 / per,
        ),
        id if id.starts_with("py_e3_pool_") => (
            format!(
                "Python: Pool(4) over 4 chunks of square_array, {} doubles",
                super::count_label(per as usize)
            ),
            "ms",
            1e3,
        ),
        id if id.starts_with("py_e3_one_call_") => (
            format!(
                "Python: one ctypes square_array call, {} doubles, output reused",
                super::count_label(per as usize)
            ),
            "ms",
            1e3,
        ),
        _ => return None,
    })
}
