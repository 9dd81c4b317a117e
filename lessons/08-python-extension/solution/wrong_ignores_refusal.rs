// Lesson 8, `python-extension`: a wrong answer (drops the refusal).

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
    // WRONG: `let _ =` drops the `Refused`: arrays of different lengths pass silently.
    let _ = py.detach(|| c::square_into(&input, &out));
    Ok(())
}
