//! # `lab_ext`: the lab's C library as a Python extension module
//!
//! The same C as `ctypes` loads from `liblab.so`, reached through `ffi`'s safe API and offered
//! to Python by PyO3. Every call comes in two forms:
//! - **holding** the interpreter lock (`square`, `add`, ...): no other Python thread runs while
//!   C does, as with `ctypes.PyDLL`;
//! - **detached** from it (`square_detached`, ...): the call runs inside `py.detach(..)`, so
//!   other Python threads run Python, or C, at the same time, as with `ctypes.CDLL`.
//!
//! What ctypes cannot give, the signatures here do: arguments are converted and checked once
//! (a Python `int` outside a C `int` is an `OverflowError`, `square(46341)` is `None`, never C's
//! undefined overflow), arrays cross as buffers without a copy ([`buffers`]), and the racy
//! counter is a [`RacyCounter`] object that refuses use from any thread but the one that made
//! it.
//!
//! Build: `cargo build --release -p lab-ext`, then copy `target/release/liblab_ext.so` to
//! `lab_ext.so` anywhere on `sys.path` (the tests and benchmarks do this).
//!
//! `unsafe` in this crate lives only in [`buffers`] (lending a Python buffer to C) and in
//! [`holds_interpreter_lock`] (one question to the interpreter); the crate sits under
//! `crates/ffi` because it is the lab's other binding, C's functions as Python sees them.

#![deny(unsafe_code)]

use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

pub mod buffers;

use buffers::{Doubles, DoublesMut};

// ANCHOR: holds_interpreter_lock
/// True when the calling thread holds Python's interpreter lock right now: inside a
/// `#[pyfunction]`, true; inside its `py.detach(..)`, false; on a thread Python never saw, false.
/// Lesson 8 asks it at the moment its C call starts, to prove the call detached.
///
/// CPython's `PyGILState_Check`, declared here because PyO3's abi3 build leaves it out: it is
/// outside the limited API, but every CPython since 3.4 exports it (lab-ext runs only under
/// CPython). It always answers true once sub-interpreters were created; the lab makes none.
#[allow(unsafe_code, reason = "one call to CPython, explained below")]
pub fn holds_interpreter_lock() -> bool {
    unsafe extern "C" {
        // SAFETY: the signature of CPython's `int PyGILState_Check(void)` (Include/cpython/
        // pystate.h); it takes nothing and reads only the calling thread's state, so any
        // thread may call it at any time, attached or not.
        safe fn PyGILState_Check() -> std::ffi::c_int;
    }
    PyGILState_Check() == 1
}
// ANCHOR_END: holds_interpreter_lock

/// `(holding, detached)`: [`holds_interpreter_lock`] asked in a plain call, then inside
/// `py.detach(..)`. Python sees `(True, False)`.
#[pyfunction]
fn holds_lock(py: Python<'_>) -> (bool, bool) {
    (holds_interpreter_lock(), py.detach(holds_interpreter_lock))
}

// ANCHOR: scalars
/// `square(x)` in C, holding the interpreter lock. `None` where `x²` leaves a C `int`.
#[pyfunction]
fn square(x: i32) -> Option<i32> {
    ffi::square(x)
}

/// `square(x)` in C, detached: other Python threads run during the call.
#[pyfunction]
fn square_detached(py: Python<'_>, x: i32) -> Option<i32> {
    py.detach(|| ffi::square(x))
}
// ANCHOR_END: scalars

/// `add(a, b)` in C, holding the lock. `None` where the sum leaves a C `int`.
#[pyfunction]
fn add(a: i32, b: i32) -> Option<i32> {
    ffi::add(a, b)
}

/// `add(a, b)` in C, detached.
#[pyfunction]
fn add_detached(py: Python<'_>, a: i32, b: i32) -> Option<i32> {
    py.detach(|| ffi::add(a, b))
}

/// `busy_work(seed, rounds)`: a C call as long as `rounds` says, holding the lock.
#[pyfunction]
fn busy_work(seed: u64, rounds: u64) -> u64 {
    ffi::busy_work(seed, rounds)
}

/// `busy_work(seed, rounds)`, detached.
#[pyfunction]
fn busy_work_detached(py: Python<'_>, seed: u64, rounds: u64) -> u64 {
    py.detach(|| ffi::busy_work(seed, rounds))
}

// ANCHOR: rendezvous
/// Waits inside C for `parties` callers at once, holding the lock: from two Python threads it
/// always times out (`False`), because the second thread cannot run to reach it.
#[pyfunction]
fn rendezvous(parties: u32, timeout_ms: u64) -> bool {
    ffi::rendezvous(parties, Duration::from_millis(timeout_ms))
}

/// The same wait, detached: two Python threads meet inside C (`True`).
#[pyfunction]
fn rendezvous_detached(py: Python<'_>, parties: u32, timeout_ms: u64) -> bool {
    py.detach(|| ffi::rendezvous(parties, Duration::from_millis(timeout_ms)))
}
// ANCHOR_END: rendezvous

/// `out[i] = input[i]²` in one C call, holding the lock. `input` and `out` are buffers of
/// doubles (`array.array('d')`, a NumPy `float64` array, ...), used in place, never copied.
#[pyfunction]
fn square_array(input: &Bound<'_, PyAny>, out: &Bound<'_, PyAny>) -> PyResult<()> {
    let (input, out) = (Doubles::new(input)?, DoublesMut::new(out)?);
    Ok(buffers::square_into(&input, &out)?)
}

// ANCHOR: square_array_detached
/// `square_array`, detached: the buffers are checked with the lock held, then C runs without it.
#[pyfunction]
fn square_array_detached(
    py: Python<'_>,
    input: &Bound<'_, PyAny>,
    out: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let (input, out) = (Doubles::new(input)?, DoublesMut::new(out)?);
    py.detach(|| buffers::square_into(&input, &out))?;
    Ok(())
}
// ANCHOR_END: square_array_detached

/// `square_array` detached and on every core: rayon splits the array into chunks, one C call
/// each. One Python call does what the article needed a process pool for.
#[pyfunction]
fn square_array_par(
    py: Python<'_>,
    input: &Bound<'_, PyAny>,
    out: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let (input, out) = (Doubles::new(input)?, DoublesMut::new(out)?);
    py.detach(|| buffers::square_into_par(&input, &out))?;
    Ok(())
}

// ANCHOR: racy_counter
// ANCHOR: unsendable_class
/// The C library's racy global counter, as one Python object.
///
/// `unsendable`: PyO3 records the thread that made it and refuses every use from another
/// thread (a `PanicException`: "RacyCounter is unsendable, but sent to another thread"), so two
/// Python threads can never be inside the racy C increment at once. There is no detached form:
/// `py.detach(|| self.0.increment())` does not compile, because `&ffi::RacyCounter` is not
/// `Send` (the handle is `!Sync`). Only one exists at a time, as in `ffi`.
#[pyclass(unsendable)]
struct RacyCounter(ffi::RacyCounter);
// ANCHOR_END: unsendable_class

#[pymethods]
impl RacyCounter {
    #[new]
    fn new() -> PyResult<Self> {
        ffi::RacyCounter::take()
            .map(RacyCounter)
            .ok_or_else(|| PyRuntimeError::new_err("another RacyCounter exists: use that one"))
    }

    fn increment(&self) {
        self.0.increment()
    }

    fn get(&self) -> u64 {
        self.0.get()
    }

    fn reset(&self) {
        self.0.reset()
    }
}
// ANCHOR_END: racy_counter

/// Declares a counter class whose C side is thread-safe (`Send + Sync` in `ffi`), so any
/// Python thread may use it, detached or not.
macro_rules! shared_counter {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[pyclass(frozen)]
        #[derive(Default)]
        struct $name(ffi::$name);

        #[pymethods]
        impl $name {
            #[new]
            fn new() -> Self {
                Self::default()
            }

            /// One increment, holding the lock.
            fn increment(&self) {
                self.0.increment()
            }

            /// One increment, detached: other Python threads may increment at the same time.
            fn increment_detached(&self, py: Python<'_>) {
                let c = self.0;
                py.detach(move || c.increment())
            }

            fn get(&self) -> u64 {
                self.0.get()
            }

            fn reset(&self) {
                self.0.reset()
            }
        }
    };
}

shared_counter!(
    /// The C library's mutex-protected counter: every C access is inside one pthread mutex.
    LockedCounter
);
shared_counter!(
    /// The C library's C11-atomic counter: every C access is one atomic operation.
    AtomicCounter
);

/// The module Python imports as `lab_ext`.
#[pymodule]
fn lab_ext(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(square, m)?)?;
    m.add_function(wrap_pyfunction!(square_detached, m)?)?;
    m.add_function(wrap_pyfunction!(add, m)?)?;
    m.add_function(wrap_pyfunction!(add_detached, m)?)?;
    m.add_function(wrap_pyfunction!(busy_work, m)?)?;
    m.add_function(wrap_pyfunction!(busy_work_detached, m)?)?;
    m.add_function(wrap_pyfunction!(rendezvous, m)?)?;
    m.add_function(wrap_pyfunction!(rendezvous_detached, m)?)?;
    m.add_function(wrap_pyfunction!(square_array, m)?)?;
    m.add_function(wrap_pyfunction!(square_array_detached, m)?)?;
    m.add_function(wrap_pyfunction!(square_array_par, m)?)?;
    m.add_function(wrap_pyfunction!(holds_lock, m)?)?;
    m.add_class::<RacyCounter>()?;
    m.add_class::<LockedCounter>()?;
    m.add_class::<AtomicCounter>()?;
    Ok(())
}
