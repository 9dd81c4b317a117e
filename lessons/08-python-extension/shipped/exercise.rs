// Lesson 8, `python-extension`: edit this file, then run `cargo test -p python-extension`.
//
// Two functions Python threads call, both through `crate::c` (the C calls, counted, each noting
// whether the calling thread held Python's interpreter lock when C started). Both hold the lock
// for the whole C call, so no other Python thread can run meanwhile. Fix the lines marked TODO.

use std::time::Duration;

use lab_ext::buffers::{Doubles, DoublesMut};
use pyo3::prelude::*;

use crate::c;

// ANCHOR: rendezvous
/// Waits inside C until `parties` Python threads are in it at once (`True`), or `timeout_ms`
/// passes (`False`).
#[pyfunction]
pub fn rendezvous(py: Python<'_>, parties: u32, timeout_ms: u64) -> bool {
    // TODO: this waits inside C holding the interpreter lock, so the second Python thread can
    // never run to get there: both calls time out. Make the call inside `py.detach(|| ..)`.
    let _ = py;
    c::rendezvous(parties, Duration::from_millis(timeout_ms))
}
// ANCHOR_END: rendezvous

// ANCHOR: square_array
/// `out[i] = input[i]²` for two buffers of doubles (`array.array('d')`, ...), in one C call,
/// with no copy; `input` and `out` may be the same array.
#[pyfunction]
pub fn square_array(
    py: Python<'_>,
    input: &Bound<'_, PyAny>,
    out: &Bound<'_, PyAny>,
) -> PyResult<()> {
    // The arrays' own memory, lent to C: checked here, with the lock held (they are Python
    // objects). Keep these: a copy of a big array costs more than squaring it.
    let (input, out) = (Doubles::new(input)?, DoublesMut::new(out)?);
    // TODO: C squares the whole array holding the lock. `Doubles` and `DoublesMut` need no
    // Python, so run this one call inside `py.detach(|| ..)` and pass its error on with `?`.
    let _ = py;
    Ok(c::square_into(&input, &out)?)
}
// ANCHOR_END: square_array
