// Lesson 8, `python-extension`: a wrong answer (touches Python objects inside the detached closure).

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
    // WRONG: `Doubles::new` reads a Python object, which needs the lock, and the closure runs
    // without it. The compiler refuses: `&Bound<PyAny>` cannot cross into it.
    py.detach(|| {
        let (input, out) = (Doubles::new(input)?, DoublesMut::new(out)?);
        c::square_into(&input, &out)?;
        Ok(())
    })
}
