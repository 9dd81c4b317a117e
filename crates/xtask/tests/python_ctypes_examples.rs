//! The source's own setting: the article's three examples, run by Python's `ctypes` against the
//! same C library (built as a shared library), with their expected outputs checked here.
//! Also the deterministic proof that `ctypes` releases the interpreter lock (S4, M1).
//! Fails, saying how to install it, where `python3` is not installed (see `xtask::missing_tool`).

use std::process::Command;
use std::time::Duration;

use supervisor::Output;
use xtask::bench::python::{SCRIPT, build_shared_lib, python3};

/// Builds `c_src` as a shared library in a temporary directory and runs `script` (from the
/// workspace root) on it with `args` before the library's path; `None` (with the reason
/// printed) where python3 is not installed. Panics with the script's output if it fails.
fn run_python_on_lib(script: &str, args: &[&str]) -> Option<String> {
    let Some(version) = python3() else {
        xtask::missing_tool("python3", "bash .ci/install-tools");
        return None;
    };
    println!("using {version}");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let lib = build_shared_lib(dir.path()).expect("cc builds c_src into a shared library");
    let mut cmd = Command::new("python3");
    cmd.arg(lab::workspace_root().join(script))
        .args(args)
        .arg(&lib);
    let done = supervisor::run(&mut cmd, Duration::from_secs(120), Output::Capture)
        .expect("the script finishes within two minutes");
    assert!(
        done.status.success(),
        "the script reported a failure ({}):\n{}",
        done.status,
        done.combined()
    );
    Some(done.stdout)
}

#[test]
fn python_ctypes_runs_the_articles_three_examples_with_expected_outputs() {
    let Some(out) = run_python_on_lib(SCRIPT, &["examples"]) else {
        return;
    };
    // E1: a pool of 4 processes maps square over 1..10, results in input order.
    assert!(
        out.contains(
            "E1 pool of 4 processes, square over 1..10: [1, 4, 9, 16, 25, 36, 49, 64, 81, 100]"
        ),
        "E1 output:\n{out}"
    );
    // E2: five threads, thread i calls add(i, i).
    assert!(
        out.contains("E2 five threads, thread i calls add(i, i): [0, 2, 4, 6, 8]"),
        "E2 output:\n{out}"
    );
    // E3: 100 000 doubles squared in 4 chunks by 4 processes, every element checked.
    assert!(
        out.contains("E3 square_array over 100000 doubles in 4 chunks: 100000 results, 0 wrong"),
        "E3 output:\n{out}"
    );
}

/// S4 and M1 without a stopwatch: with `ctypes.CDLL`, two Python threads are inside the same C
/// function at the same moment (the interpreter lock is released during foreign calls); with
/// `ctypes.PyDLL`, which keeps the lock, they never can be. `lab_rendezvous` returns 1 only when
/// both callers are inside it at once (`c_src/rendezvous.c`).
#[test]
fn ctypes_cdll_threads_run_c_in_parallel_and_pydll_threads_cannot() {
    let Some(out) = run_python_on_lib("crates/xtask/python/gil_rendezvous.py", &[]) else {
        return;
    };
    let got: serde_json::Value =
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"));
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

#[test]
fn the_shared_library_build_reports_a_missing_compiler_by_name() {
    // A wrong $CC must end in a clear error naming it, not a panic or a hang. Run in a child
    // process so the environment change cannot leak into other tests.
    if std::env::var_os("LAB_TEST_CHILD").is_some() {
        return; // in the child, only the child test below runs
    }
    let me = std::env::current_exe().expect("the test binary");
    let out = Command::new(me)
        .args([
            "--exact",
            "child_builds_with_a_missing_compiler",
            "--nocapture",
            "--include-ignored",
        ])
        .env("LAB_TEST_CHILD", "1")
        .env("CC", "/nonexistent/cc-for-lab-test")
        .output()
        .expect("the test binary reruns itself");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("child saw: could not start `/nonexistent/cc-for-lab-test`"),
        "{text}"
    );
}

#[test]
#[ignore = "run by the_shared_library_build_reports_a_missing_compiler_by_name"]
fn child_builds_with_a_missing_compiler() {
    if std::env::var_os("LAB_TEST_CHILD").is_none() {
        return; // only meaningful with the CC that the parent test sets
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let err = build_shared_lib(dir.path()).expect_err("a missing compiler cannot build");
    println!("child saw: {err}");
}
