// Lesson 8, `python-extension`: a wrong answer (squares with Python's `*` instead of C).

use std::time::Duration;

use pyo3::prelude::*;

use crate::c;

#[pyfunction]
pub fn rendezvous(py: Python<'_>, parties: u32, timeout_ms: u64) -> bool {
    py.detach(|| c::rendezvous(parties, Duration::from_millis(timeout_ms)))
}

#[pyfunction]
pub fn square_array(
    py: Python<'_>,
    input: &Bound<'_, PyAny>,
    out: &Bound<'_, PyAny>,
) -> PyResult<()> {
    // WRONG: right values, but squared by Python's float `*`, one element at a time, holding
    // the lock; C is never called.
    let _ = py;
    for (i, x) in input.try_iter()?.enumerate() {
        let x = x?;
        out.set_item(i, x.mul(&x)?)?;
    }
    Ok(())
}
