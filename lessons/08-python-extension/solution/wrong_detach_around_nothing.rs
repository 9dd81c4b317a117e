// Lesson 8, `python-extension`: a wrong answer (detaches after C ran).

use std::time::Duration;

use lab_ext::buffers::{Doubles, DoublesMut};
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
    let (input, out) = (Doubles::new(input)?, DoublesMut::new(out)?);
    // WRONG: C runs here, holding the lock; the detach below lets go around nothing.
    let squared = c::square_into(&input, &out);
    py.detach(|| squared)?;
    Ok(())
}
