// Lesson 8, `python-extension`: a wrong answer (the rendezvous holds the interpreter lock).

use std::time::Duration;

use lab_ext::buffers::{Doubles, DoublesMut};
use pyo3::prelude::*;

use crate::c;

// WRONG: C waits for the second thread holding the lock, so the second thread never runs.
#[pyfunction]
pub fn rendezvous(py: Python<'_>, parties: u32, timeout_ms: u64) -> bool {
    let _ = py;
    c::rendezvous(parties, Duration::from_millis(timeout_ms))
}

#[pyfunction]
pub fn square_array(
    py: Python<'_>,
    input: &Bound<'_, PyAny>,
    out: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let (input, out) = (Doubles::new(input)?, DoublesMut::new(out)?);
    py.detach(|| c::square_into(&input, &out))?;
    Ok(())
}
