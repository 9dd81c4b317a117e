//! Grading tests for lesson 8 (`python-extension`). Do not edit: edit `src/exercise.rs`.
//!
//! Each test stages the module cargo just built from your exercise as `python_extension.so`
//! and runs `python/grade.py` on it: real Python threads, real arrays. Nothing is timed. The
//! proofs are a meeting inside C (two threads can meet there only if the first let go of the
//! interpreter lock), what the module's C facade saw (how many calls reached C, and whether the
//! calling thread held the lock at that moment), and the process's peak memory (a copy of an
//! 80 MB array cannot hide from it). A missing `python3` fails these tests; it never skips them.

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use supervisor::python;

/// How long each rendezvous waits for the other thread: a Python thread starts in well under
/// a millisecond, so only a thread that cannot run (the lock is held) misses it.
const MEET_MS: &str = "10000";

/// Runs `python/grade.py <mode> <arg>` against this lesson's freshly built module and returns
/// the one JSON object it prints.
fn grade(mode: &str, arg: &str) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/grade.py");
    let args = [OsStr::new(mode), OsStr::new(arg)];
    let done = python::test_script(
        "python_extension",
        "python_extension",
        &script,
        &args,
        Duration::from_secs(120),
    );
    let got = serde_json::from_str(done.stdout.trim())
        .unwrap_or_else(|e| panic!("not one JSON object ({e}):\n{}", done.combined()));
    println!("grade.py {mode} {arg}");
    got
}

// ANCHOR: meet
#[test]
fn two_python_threads_meet_inside_c_through_rendezvous() {
    let got = grade("meet", MEET_MS);
    assert_eq!(
        got["met"],
        json!([true, true]),
        "the two threads never met inside C: call `c::rendezvous` inside `py.detach(|| ..)`, \
         so the second can run while the first waits"
    );
    assert_eq!(
        got["calls"][0],
        json!(2),
        "both threads must wait in C through `c::rendezvous`, once each"
    );
}
// ANCHOR_END: meet

#[test]
fn square_array_squares_into_out_and_in_place_in_one_c_call_each() {
    let got = grade("square", "1000");
    assert_eq!(
        got["returned"],
        json!("None"),
        "square_array must write the squares into `out` and return None, not a new list"
    );
    assert_eq!(got["wrong"], json!(0), "every out[i] must be input[i]²");
    assert_eq!(got["input_unchanged"], json!(true), "input is only read");
    assert_eq!(
        got["wrong_in_place"],
        json!(0),
        "square_array(a, a) must square a in place"
    );
    for call in ["into_out", "in_place"] {
        assert_eq!(
            got[call]["calls"],
            json!(1),
            "{call}: square the whole array in ONE `c::square_into` call (not per element, \
             not in Python)"
        );
    }
}

#[test]
fn square_array_refuses_arrays_of_different_lengths() {
    let got = grade("square", "1000");
    let refused = got["lengths"].as_str().unwrap_or("no error");
    assert!(
        refused.starts_with(
            "ValueError: square_array needs equal lengths, got input of 1000 and output of \
             1001 elements"
        ),
        "arrays of different lengths must raise square_array needs equal lengths, not \
         {refused:?}: pass the `Refused` on with `?`"
    );
    assert_eq!(
        got["refused_out_untouched"],
        json!(true),
        "a refused out is left as it was"
    );
}

// ANCHOR: lock
#[test]
fn square_array_lets_go_of_the_interpreter_lock_while_c_runs() {
    let got = grade("square", "1000");
    for call in ["into_out", "in_place"] {
        let seen = &got[call];
        assert!(
            seen["calls"].as_u64().is_some_and(|n| n > 0),
            "{call}: square_array never reached `c::square_into`"
        );
        assert_eq!(
            seen["holding_lock"],
            json!(0),
            "{call}: C ran while this thread held the interpreter lock: call `c::square_into` \
             inside `py.detach(|| ..)`"
        );
    }
}
// ANCHOR_END: lock

// ANCHOR: memory
#[test]
fn square_array_does_not_copy_the_arrays() {
    let got = grade("memory", "10000000");
    assert_eq!(
        got["probe"]["calls"],
        json!(1),
        "one square_array call must reach C in ONE `c::square_into` call"
    );
    assert_eq!(got["wrong"], json!(0), "out must hold the squares");
    let kib = |key: &str| got[key].as_i64().unwrap_or_else(|| panic!("no {key}"));
    let (grew, array) = (kib("grew_kib"), kib("array_kib"));
    println!("peak memory grew by {grew} KiB; each array is {array} KiB");
    assert!(
        grew < array / 2,
        "peak memory grew {grew} KiB in one call on {array} KiB arrays: something copied the \
         array; lend it to C with `Doubles`/`DoublesMut`"
    );
}
// ANCHOR_END: memory
