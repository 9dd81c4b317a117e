//! Grading tests for lesson 6 (`arrays`). Do not edit: edit `src/exercise.rs`.

use std::sync::{Mutex, MutexGuard};

use arrays::{c, square_parallel};

/// The call counters are global: tests that read them take turns.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    c::reset();
    guard
}

fn input(n: usize) -> Vec<f64> {
    (0..n).map(|i| i as f64 * 0.25 - 100.0).collect()
}

#[test]
fn every_element_is_squared() {
    let _turn = serial();
    for (n, chunk) in [
        (10_000, 1_000),
        (10_001, 1_000),
        (7, 3),
        (5, 1),
        (10, 64),
        (1, 64),
        (0, 8),
    ] {
        let input = input(n);
        let mut out = vec![f64::NAN; n];
        square_parallel(&input, &mut out, chunk).expect("equal lengths");
        let want: Vec<f64> = input.iter().map(|x| x * x).collect();
        assert_eq!(
            out, want,
            "n = {n}, chunk = {chunk}: every element must be squared, the last chunk too when \
             it is shorter than `chunk`"
        );
    }
}

#[test]
fn one_call_into_c_per_chunk() {
    let _turn = serial();
    let input = input(10_001);
    let mut out = vec![0.0; input.len()];
    square_parallel(&input, &mut out, 1_000).expect("equal lengths");
    assert_eq!(
        c::calls(),
        11,
        "10 001 elements in chunks of 1 000 take 11 calls into C, one per chunk; saw {} \
         calls into C: cross the boundary once per chunk, not once per element",
        c::calls()
    );
    // Exact fits, a partial last chunk, a chunk larger than the input, nothing at all.
    for (n, chunk, calls) in [(8_000, 1_000, 8), (7, 3, 3), (10, 64, 1), (0, 8, 0)] {
        let input = self::input(n);
        let mut out = vec![0.0; n];
        c::reset();
        square_parallel(&input, &mut out, chunk).expect("equal lengths");
        assert_eq!(
            c::calls(),
            calls,
            "{n} elements in chunks of {chunk} take {calls} calls into C (the last chunk may be \
             shorter; `chunk` is the size of a chunk, not how many there are); saw {}",
            c::calls()
        );
    }
}

#[test]
fn every_call_runs_in_rayons_pool() {
    let _turn = serial();
    // 4 100 = 8 × 512 + 4: the short last chunk must run in the pool too.
    let input = input(4_100);
    let mut out = vec![0.0; input.len()];
    square_parallel(&input, &mut out, 512).expect("equal lengths");
    assert!(c::calls() > 0, "square_array was never called");
    assert_eq!(
        c::calls_outside_pool(),
        0,
        "square_array was called outside rayon's pool ({} of {} calls): spread the chunks \
         with par_chunks / par_chunks_mut",
        c::calls_outside_pool(),
        c::calls()
    );
}

#[test]
fn different_lengths_are_an_error() {
    let _turn = serial();
    let input = input(10);
    let mut out = vec![0.0; 9];
    assert_eq!(
        square_parallel(&input, &mut out, 4),
        Err(ffi::LengthMismatch {
            input: 10,
            output: 9
        }),
        "an output shorter than the input must be refused with a LengthMismatch, not half-filled"
    );
    let mut out = vec![f64::NAN; 11];
    assert_eq!(
        square_parallel(&input, &mut out, 4),
        Err(ffi::LengthMismatch {
            input: 10,
            output: 11
        }),
        "an output LONGER than the input must be refused with a LengthMismatch too: check that \
         the lengths are equal, not only that the output is long enough"
    );
    let mut out = vec![f64::NAN; 3];
    assert_eq!(
        square_parallel(&[], &mut out, 4),
        Err(ffi::LengthMismatch {
            input: 0,
            output: 3
        }),
        "an empty input with a 3-element output must be refused with a LengthMismatch"
    );
}

#[test]
fn refused_lengths_leave_the_output_untouched() {
    let _turn = serial();
    let input = input(10);
    for n in [9, 11] {
        let mut out = vec![f64::NAN; n];
        let _ = square_parallel(&input, &mut out, 4);
        assert!(
            c::calls() == 0 && out.iter().all(|y| y.is_nan()),
            "10 inputs and {n} outputs: check the lengths BEFORE any call into C, so a refused \
             output is left as it was (saw {} calls into C)",
            c::calls()
        );
    }
}
