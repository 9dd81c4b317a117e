//! S4 and M1 without a stopwatch: with `ctypes.CDLL`, two Python threads are inside the same C
//! function at the same moment (the interpreter lock is released during foreign calls); with
//! `ctypes.PyDLL`, which keeps the lock, they never can be. `lab_rendezvous` returns 1 only when
//! both callers are inside it at once (`c_src/rendezvous.c`). Skipped, with the reason printed,
//! where `python3` is not installed.

use std::process::Command;
use std::time::Duration;

use lab::bench::python::{build_shared_lib, python3};
use lab::proc::{self, Output};

const SCRIPT: &str = "crates/lab/python/gil_rendezvous.py";

#[test]
fn ctypes_cdll_threads_run_c_in_parallel_and_pydll_threads_cannot() {
    let Some(version) = python3() else {
        println!("skipped: python3 is not installed, so the ctypes side cannot run");
        return;
    };
    println!("using {version}");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let lib = build_shared_lib(dir.path()).expect("cc builds c_src into a shared library");
    let mut cmd = Command::new("python3");
    cmd.arg(lab::workspace_root().join(SCRIPT)).arg(&lib);
    let done = proc::run(&mut cmd, Duration::from_secs(120), Output::Capture)
        .expect("the script finishes within two minutes");
    assert!(
        done.status.success(),
        "the script failed ({}):\n{}",
        done.status,
        done.combined()
    );
    let got: serde_json::Value = serde_json::from_str(done.stdout.trim())
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", done.stdout));
    assert_eq!(
        got["cdll"],
        serde_json::json!([1, 1]),
        "CDLL threads must meet inside C"
    );
    assert_eq!(
        got["pydll"],
        serde_json::json!([0, 0]),
        "PyDLL holds the GIL: no meeting"
    );
}
