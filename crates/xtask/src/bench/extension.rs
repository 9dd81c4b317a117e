//! The Rust extension's side of the Python comparison: `lab_ext` (`crates/ffi/lab-ext`), built
//! in release by the bench itself, staged as `lab_ext.so`, and driven by
//! `crates/xtask/python/ext_bench.py` right after the ctypes script, on the same C.
//!
//! The questions a Python programmer asks, each as a same-run ratio:
//! - is an extension call cheaper than a ctypes call (`py_ext_vs_ctypes_call`, target ≥ 3x;
//!   the ctypes loop is timed again round-robin with the extension's, `py_ctypes_call_rr`)?
//! - do two Python threads run a long C call at once when the extension detaches
//!   (`py_ext_detached_long_speedup`, ≥ 1.7x), and not when it holds the lock
//!   (`py_ext_held_long_speedup`, about 1x: the lock, shown)?
//! - does one detached call with rayon inside replace the article's process pool
//!   (`py_e3_pool_vs_ext_{n}`, ≥ 50x at the largest size), as fast as Rust calling the C itself
//!   (`py_e3_ext_vs_rust_{n}`, at most 1.15x)?

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::ensure;
use supervisor::{Output, describe, tail};

use super::python::{convert_with, find, run_json};
use super::sampling::{Measurement, Ratio, ratio};

/// The script, from the workspace root.
pub const SCRIPT: &str = "crates/xtask/python/ext_bench.py";

/// How long a release build the bench starts may take (cold, on 2 shared cores: a few minutes).
const BUILD_LIMIT: Duration = Duration::from_secs(15 * 60);

/// `cargo build --release --quiet <what>` in the workspace, under [`BUILD_LIMIT`], its output's
/// tail in the error when it fails (the bench builds `lab-ext`, and `distributed` for the `mpi`
/// group, this way); returns `target/release`.
pub fn build_release(what: &[&str]) -> anyhow::Result<PathBuf> {
    let root = lab::workspace_root();
    let mut cmd = Command::new(supervisor::cargo());
    cmd.current_dir(&root)
        .args(["build", "--release", "--quiet"])
        .args(what);
    let done = supervisor::run(&mut cmd, BUILD_LIMIT, Output::Capture)?;
    ensure!(
        done.status.success(),
        "`{}` failed:\n{}",
        describe(&cmd),
        tail(&done.combined(), 40)
    );
    Ok(root.join("target/release"))
}

/// Builds `lab-ext` in release and stages it as `scratch/lab_ext.so`.
pub fn build_and_stage(scratch: &Path) -> anyhow::Result<()> {
    let release = build_release(&["-p", "lab-ext"])?;
    std::fs::create_dir_all(scratch)?;
    supervisor::python::stage_extension(&release, "lab_ext", "lab_ext", scratch)?;
    Ok(())
}

/// Runs the extension's script (the module staged in `scratch`) with the ctypes script's
/// configuration; returns its measurements.
pub fn measure(
    cfg: &str,
    scratch: &Path,
    limit: Duration,
    tick: &mut dyn FnMut(&str),
) -> anyhow::Result<Vec<Measurement>> {
    tick("Python: building lab_ext (cargo build --release -p lab-ext)");
    build_and_stage(scratch)?;
    tick("Python with the Rust extension: calls, threads, square_array_par, E1");
    let script = lab::workspace_root().join(SCRIPT);
    let lib = OsStr::new(ffi::SHARED_LIB);
    let py = run_json(
        "python3",
        &script,
        &[lib, OsStr::new(cfg)],
        Some(scratch),
        limit,
    )?;
    py.measurements
        .iter()
        .map(|m| convert_with(m, describe_id))
        .collect()
}

/// Label, unit and scale (seconds per run → unit) of one of the script's ids.
fn describe_id(id: &str, per: f64) -> Option<(String, &'static str, f64)> {
    let count = super::count_label(per as usize);
    let per_call = |what: &str| (what.to_string(), "ns/call", 1e9 / per);
    let per_long = |how: &str, threads: &str| {
        (
            format!("Python, {threads}, long busy_work calls through lab_ext {how} (per call)"),
            "ms",
            1e3 / per,
        )
    };
    Some(match id {
        "py_ctypes_call_rr" => {
            per_call("Python → C: ctypes square again, in the same rounds as lab_ext's two calls")
        }
        "py_ext_call_held" => per_call("Python → C: lab_ext.square, holding the lock"),
        "py_ext_call_detached" => per_call("Python → C: lab_ext.square_detached"),
        "py_ext_long_held_1t" => per_long("holding the lock", "1 pinned thread"),
        "py_ext_long_held_2t" => per_long("holding the lock", "2 pinned threads"),
        "py_ext_long_detached_1t" => per_long("detached", "1 pinned thread"),
        "py_ext_long_detached_2t" => per_long("detached", "2 pinned threads"),
        "py_e1_ext_held" => (
            format!("Python: lab_ext.square over {count} scalars"),
            "ms",
            1e3,
        ),
        "py_e1_ext_detached" => (
            format!("Python: lab_ext.square_detached over {count} scalars"),
            "ms",
            1e3,
        ),
        id if id.starts_with("py_e3_ctypes_threads_") => (
            format!(
                "Python: ctypes square_array from 2 pinned threads, one chunk each, {count} \
                 doubles, output reused"
            ),
            "ms",
            1e3,
        ),
        id if id.starts_with("py_e3_ext_par_") => (
            format!(
                "Python: one lab_ext.square_array_par call (rayon inside), {count} doubles, \
                 output reused"
            ),
            "ms",
            1e3,
        ),
        _ => return None,
    })
}

/// The extension's ratios, from every measurement of the group (ctypes, extension, Rust) and the
/// E3 sizes; the E3 targets are judged at the largest size (1e7 doubles in a full run).
pub fn ratios(ms: &[Measurement], array_sizes: &[usize]) -> anyhow::Result<Vec<Ratio>> {
    let m = |id: &str| find(ms, id);
    let mut out = vec![
        ratio(
            "py_ext_vs_ctypes_call",
            "one call: ctypes ÷ lab_ext.square holding the lock (timed in the same rounds)",
            &m("py_ctypes_call_rr")?,
            &m("py_ext_call_held")?,
        )
        .target("extension ≥ 3x cheaper", 3.0)
        .limit("a pure-Python call", &m("py_python_call")?),
        ratio(
            "py_ext_detached_long_speedup",
            "long C calls through lab_ext detached, 1 thread ÷ 2 threads",
            &m("py_ext_long_detached_1t")?,
            &m("py_ext_long_detached_2t")?,
        )
        .target("2 detached threads ≥ 1.7x one", 1.7)
        .limit("ctypes CDLL, 2 threads", &m("py_gil_long_2t")?),
        ratio(
            "py_ext_held_long_speedup",
            "long C calls through lab_ext holding the lock, 1 thread ÷ 2 threads (about 1: the lock)",
            &m("py_ext_long_held_1t")?,
            &m("py_ext_long_held_2t")?,
        ),
        ratio(
            "py_e1_one_process_vs_ext",
            "a million scalar calls: ctypes loop ÷ lab_ext.square loop",
            &m("py_e1_one_process")?,
            &m("py_e1_ext_held")?,
        ),
    ];
    let largest = array_sizes.iter().copied().max().unwrap_or(0);
    for &n in array_sizes {
        let label = super::count_label(n);
        let ext = m(&format!("py_e3_ext_par_{n}"))?;
        let rust = m(&format!("rust_e3_rayon_{n}"))?;
        let pool = ratio(
            &format!("py_e3_pool_vs_ext_{n}"),
            &format!(
                "square_array over {label} doubles: Python pool of 4 ÷ lab_ext square_array_par"
            ),
            &m(&format!("py_e3_pool_{n}"))?,
            &ext,
        );
        let close = ratio(
            &format!("py_e3_ext_vs_rust_{n}"),
            &format!("square_array over {label} doubles: lab_ext square_array_par ÷ Rust rayon"),
            &ext,
            &rust,
        );
        if n == largest {
            let limit = "Rust rayon, output reused";
            out.push(
                pool.target("extension ≥ 50x faster than the pool", 50.0)
                    .limit(limit, &rust),
            );
            out.push(
                close
                    .target_at_most("extension within 15% of Rust", 1.15)
                    .limit(limit, &rust),
            );
        } else {
            out.extend([pool, close]);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_the_script_reports_has_a_label_and_a_unit() {
        let script = std::fs::read_to_string(lab::workspace_root().join(SCRIPT)).unwrap();
        for id in [
            "py_ctypes_call_rr",
            "py_ext_call_held",
            "py_ext_call_detached",
            "py_ext_long_held_1t",
            "py_ext_long_held_2t",
            "py_ext_long_detached_1t",
            "py_ext_long_detached_2t",
            "py_e1_ext_held",
            "py_e1_ext_detached",
        ] {
            assert!(script.contains(&format!("\"{id}\"")), "{SCRIPT} lacks {id}");
            assert!(describe_id(id, 1000.0).is_some(), "{id}");
        }
        for prefix in ["py_e3_ctypes_threads_", "py_e3_ext_par_"] {
            assert!(script.contains(&format!("f\"{prefix}{{n}}\"")), "{prefix}");
            let (label, unit, _) = describe_id(&format!("{prefix}100000"), 1e5).unwrap();
            assert!(label.contains("1e5 doubles") && unit == "ms", "{label}");
        }
        assert!(describe_id("py_ctypes_call", 1.0).is_none());
    }
}
