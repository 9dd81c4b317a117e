//! Free-threaded Python (PEP 703, a build with `Py_GIL_DISABLED`: `python3.13t`, `python3.14t`):
//! looked for on this machine, never downloaded.
//!
//! Where one is found, the ctypes script runs a second time under it: its rows join the Python
//! table marked "free-threaded", with two speed-ups of 1 against 2 threads ([`ratios`]). Only
//! ctypes and pure Python: `lab_ext` is an `abi3` module, and a free-threaded interpreter loads
//! no `abi3` module (its objects are laid out differently), so the extension's rows stay the GIL
//! build's. Either way the table says what was found and how it was looked for, so "no
//! free-threaded column" is a stated fact of the run, not a silence.

use std::process::Command;
use std::time::Duration;

use supervisor::Output;

use super::python::find;
use super::sampling::{Measurement, Ratio, ratio};

/// The interpreters asked, in order: the free-threaded names Python's installers use, then the
/// `python3` the rest of the suite runs (free-threaded if it was built that way).
pub const CANDIDATES: &[&str] = &["python3.13t", "python3.14t", "python3"];

/// What each candidate is asked: `1` from a free-threaded build, `0` or `None` otherwise.
pub const PROBE: &str = "import sysconfig;print(sysconfig.get_config_var('Py_GIL_DISABLED'))";

/// One candidate's answer to [`PROBE`]: `None` when it did not run (not on `PATH`).
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// The program name.
    pub program: String,
    /// What it printed, trimmed.
    pub answer: Option<String>,
}

/// Asks every candidate (each run under a short limit).
pub fn probe_all() -> Vec<Probe> {
    CANDIDATES
        .iter()
        .map(|program| {
            let mut cmd = Command::new(program);
            cmd.args(["-c", PROBE]);
            let answer = supervisor::run(&mut cmd, Duration::from_secs(20), Output::Capture)
                .ok()
                .filter(|done| done.status.success())
                .map(|done| done.stdout.trim().to_string());
            Probe {
                program: program.to_string(),
                answer,
            }
        })
        .collect()
}

/// The first candidate that says it is free-threaded.
pub fn choose(probes: &[Probe]) -> Option<&Probe> {
    probes.iter().find(|p| p.answer.as_deref() == Some("1"))
}

/// The table's note: what was found, or that nothing was and how it was looked for.
pub fn note(probes: &[Probe]) -> String {
    match choose(probes) {
        Some(p) => format!(
            "free-threaded Python found: {} (Py_GIL_DISABLED = 1); its rows, marked \
             \"free-threaded\", are ctypes and pure Python only, because a free-threaded build \
             cannot load an abi3 extension such as lab_ext",
            p.program
        ),
        None => {
            let asked: Vec<String> = probes
                .iter()
                .map(|p| match &p.answer {
                    None => format!("{}: not found", p.program),
                    Some(a) => format!("{}: Py_GIL_DISABLED = {a}", p.program),
                })
                .collect();
            format!(
                "no free-threaded Python found (asked `{PROBE}` of each of {}; {}); none is \
                 downloaded",
                CANDIDATES.join(", "),
                asked.join(", ")
            )
        }
    }
}

/// A free-threaded run's measurement id: `py_gil_long_2t` → `py_gil_long_2t_ft`.
pub fn id(python_id: &str) -> String {
    format!("{python_id}_ft")
}

/// A free-threaded run's label: the GIL build's, marked, with the interpreter named.
pub fn label(program: &str, python_label: &str) -> String {
    format!("free-threaded {program}: {python_label}")
}

/// The free-threaded run's speed-ups, 1 ÷ 2 Python threads on the same total work: the long
/// C call (as with the GIL build's `CDLL`), and the tiny one, whose Python loop now runs in
/// parallel too (below 1 with the lock, above it without).
pub fn ratios(ms: &[Measurement]) -> anyhow::Result<Vec<Ratio>> {
    let m = |id: &str| find(ms, &self::id(id));
    Ok(vec![
        ratio(
            &id("py_gil_long_speedup"),
            "free-threaded: long C calls through ctypes, 1 thread ÷ 2 threads",
            &m("py_gil_long_1t")?,
            &m("py_gil_long_2t")?,
        ),
        ratio(
            &id("py_gil_tiny_speedup"),
            "free-threaded: tiny C calls through ctypes, 1 thread ÷ 2 threads (> 1: no lock)",
            &m("py_gil_tiny_1t")?,
            &m("py_gil_tiny_2t")?,
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(program: &str, answer: Option<&str>) -> Probe {
        Probe {
            program: program.into(),
            answer: answer.map(str::to_string),
        }
    }

    #[test]
    fn the_first_interpreter_that_answers_one_is_chosen() {
        let probes = [
            p("python3.13t", None),
            p("python3.14t", Some("1")),
            p("python3", Some("1")),
        ];
        assert_eq!(choose(&probes).unwrap().program, "python3.14t");
        assert!(note(&probes).starts_with("free-threaded Python found: python3.14t"));
        assert!(note(&probes).contains("abi3"));
    }

    #[test]
    fn a_gil_build_or_a_missing_program_is_not_free_threaded() {
        // A GIL build prints None (3.11, 3.12) or 0 (3.13 built without the option).
        let probes = [
            p("python3.13t", None),
            p("python3.14t", Some("0")),
            p("python3", Some("None")),
        ];
        assert!(choose(&probes).is_none());
        let text = note(&probes);
        assert!(text.starts_with("no free-threaded Python found"), "{text}");
        for said in [
            "python3.13t: not found",
            "python3.14t: Py_GIL_DISABLED = 0",
            "python3: Py_GIL_DISABLED = None",
            "none is downloaded",
        ] {
            assert!(text.contains(said), "{said:?} missing from {text}");
        }
    }

    #[test]
    fn a_python3_built_free_threaded_counts_too() {
        let probes = [p("python3.13t", None), p("python3", Some("1"))];
        assert_eq!(choose(&probes).unwrap().program, "python3");
    }

    #[test]
    fn free_threaded_rows_are_marked_in_id_and_label() {
        assert_eq!(id("py_ctypes_call"), "py_ctypes_call_ft");
        assert_eq!(
            label("python3.13t", "Python → C: ctypes square"),
            "free-threaded python3.13t: Python → C: ctypes square"
        );
    }
}
