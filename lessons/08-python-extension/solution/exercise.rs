// Lesson 8, `python-extension`: the reference solution.

use std::time::Duration;

use lab_ext::buffers::{Doubles, DoublesMut};
use pyo3::prelude::*;

use crate::c;

// ANCHOR: rendezvous
/// Waits inside C until `parties` Python threads are in it at once (`True`), or `timeout_ms`
/// passes (`False`), detached from the interpreter lock so the other threads can get there.
#[pyfunction]
pub fn rendezvous(py: Python<'_>, parties: u32, timeout_ms: u64) -> bool {
    py.detach(|| c::rendezvous(parties, Duration::from_millis(timeout_ms)))
}
// ANCHOR_END: rendezvous

// ANCHOR: square_array
/// `out[i] = input[i]²` for two buffers of doubles (`array.array('d')`, ...), in one C call,
/// detached, with no copy; `input` and `out` may be the same array.
///
/// (`PyResult<()>` written out as `Result<(), PyErr>`: the same type, in the spelling
/// cargo-mutants knows how to mutate into `Ok(())`.)
#[pyfunction]
pub fn square_array(
    py: Python<'_>,
    input: &Bound<'_, PyAny>,
    out: &Bound<'_, PyAny>,
) -> Result<(), PyErr> {
    let (input, out) = (Doubles::new(input)?, DoublesMut::new(out)?);
    py.detach(|| c::square_into(&input, &out))?;
    Ok(())
}
// ANCHOR_END: square_array
