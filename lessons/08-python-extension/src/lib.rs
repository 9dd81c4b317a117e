//! # Lesson 8, `python-extension`: a Python extension that lets go of the lock
//!
//! Edit `src/exercise.rs` (only that file), then run `cargo test -p python-extension`.
//! The book chapter is `mdbook/src/lessons/08-python-extension.md`;
//! `cargo lab hint python-extension` helps.
//!
//! This crate is a Python extension module, `python_extension`: the grading tests stage the
//! library cargo built and import it from real Python threads. Everything they rely on is here,
//! so the exercise cannot change it: the module itself (`fn python_extension`, which registers
//! the exercise's two functions) and [`c`], the two C calls the exercise makes, each call
//! counted together with one fact that decides the lesson: did the calling thread hold
//! Python's interpreter lock when C started?

#![forbid(unsafe_code)]

use pyo3::prelude::*;

// ANCHOR: c_facade
/// The C calls the exercise makes: `ffi::rendezvous` and `lab_ext::buffers::square_into`,
/// each call counted, and counted again when the calling thread held the interpreter lock.
pub mod c {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use lab_ext::buffers::{Doubles, DoublesMut, Refused};

    /// One C function's calls: all of them, and those made holding the interpreter lock.
    #[derive(Debug)]
    struct Counted {
        calls: AtomicUsize,
        holding_lock: AtomicUsize,
    }

    static RENDEZVOUS: Counted = Counted::new();
    static SQUARE_INTO: Counted = Counted::new();

    // ANCHOR: c_facade_record
    impl Counted {
        const fn new() -> Self {
            Counted {
                calls: AtomicUsize::new(0),
                holding_lock: AtomicUsize::new(0),
            }
        }

        /// Counts a call that is about to enter C, asking who holds the lock at that moment.
        fn record(&self) {
            self.calls.fetch_add(1, Ordering::Relaxed);
            if lab_ext::holds_interpreter_lock() {
                self.holding_lock.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    // ANCHOR_END: c_facade_record

    // ANCHOR: c_facade_calls
    /// Waits inside C until `parties` callers are in it at once (`true`), or `timeout` passes
    /// (`false`): `ffi::rendezvous`, counted.
    pub fn rendezvous(parties: u32, timeout: Duration) -> bool {
        RENDEZVOUS.record();
        ffi::rendezvous(parties, timeout)
    }

    /// `out[i] = input[i]²` in one C call over the arrays Python lent (no copy), or why not:
    /// `lab_ext::buffers::square_into`, counted.
    pub fn square_into(input: &Doubles, out: &DoublesMut) -> Result<(), Refused> {
        SQUARE_INTO.record();
        lab_ext::buffers::square_into(input, out)
    }
    // ANCHOR_END: c_facade_calls

    /// The counts since the module was imported: `(calls, calls holding the lock)` for
    /// [`rendezvous`], then for [`square_into`].
    pub fn counts() -> [(usize, usize); 2] {
        [&RENDEZVOUS, &SQUARE_INTO].map(|c| {
            (
                c.calls.load(Ordering::Relaxed),
                c.holding_lock.load(Ordering::Relaxed),
            )
        })
    }
}
// ANCHOR_END: c_facade

// The exercise: src/exercise.rs or, with `LAB_VARIANT=<variant>` set, the file lessons/build.rs
// chose from lessons/lessons.toml (the solution, the shipped copy or a wrong answer).
#[cfg(not(lab_variant))]
pub mod exercise;
#[cfg(lab_variant)]
include!(concat!(env!("OUT_DIR"), "/exercise.rs"));

/// What [`c`] counted, for the grading scripts: `{"rendezvous": [calls, holding_lock],
/// "square_into": [calls, holding_lock]}`.
#[pyfunction]
fn c_calls() -> std::collections::HashMap<&'static str, (usize, usize)> {
    let [rendezvous, square_into] = c::counts();
    [("rendezvous", rendezvous), ("square_into", square_into)].into()
}

// ANCHOR: module
/// The module Python imports as `python_extension`: the exercise's two functions, and the
/// counts the grading reads.
#[pymodule]
fn python_extension(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(exercise::rendezvous, m)?)?;
    m.add_function(wrap_pyfunction!(exercise::square_array, m)?)?;
    m.add_function(wrap_pyfunction!(c_calls, m)?)?;
    Ok(())
}
// ANCHOR_END: module
