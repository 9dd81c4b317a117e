//! The source's own setting: the article's three examples, run by Python's `ctypes` against the
//! same C library (built as a shared library), with their expected outputs checked here.
//! (The proof that `ctypes.CDLL` releases the interpreter lock, S4 and M1, is in
//! `crates/ffi/lab-ext/tests/python.rs`, beside the extension's two forms.)
//! Fails, saying how to install it, where `python3` is not installed (see `xtask::missing_tool`).

use std::process::Command;
use std::time::Duration;

use supervisor::Output;
use xtask::bench::python::{SCRIPT, python3};

/// Runs `script` (from the workspace root) with `args` before the path of `liblab.so` (the
/// shared library `ffi`'s build script links); `None` (with the reason
/// printed) where python3 is not installed. Panics with the script's output if it fails.
fn run_python_on_lib(script: &str, args: &[&str]) -> Option<String> {
    let Some(version) = python3() else {
        xtask::missing_tool("python3", "bash .ci/install-tools");
        return None;
    };
    println!("using {version}");
    let lib = ffi::SHARED_LIB;
    let mut cmd = Command::new("python3");
    cmd.arg(lab::workspace_root().join(script))
        .args(args)
        .arg(lib);
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
