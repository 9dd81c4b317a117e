// Lesson 8, `python-extension`: a wrong answer (returns a list instead of writing out).

use std::time::Duration;

use lab_ext::buffers::{Doubles, DoublesMut};
use pyo3::prelude::*;

use crate::c;

#[pyfunction]
pub fn rendezvous(py: Python<'_>, parties: u32, timeout_ms: u64) -> bool {
    py.detach(|| c::rendezvous(parties, Duration::from_millis(timeout_ms)))
}

// WRONG: squares a copy and returns it as a new list; `out` is never written.
#[pyfunction]
pub fn square_array(
    py: Python<'_>,
    input: &Bound<'_, PyAny>,
    out: &Bound<'_, PyAny>,
) -> PyResult<Vec<f64>> {
    let _ = out;
    let copy = py.import("array")?.call_method1("array", ("d", input))?;
    let (lent, back) = (Doubles::new(&copy)?, DoublesMut::new(&copy)?);
    py.detach(|| c::square_into(&lent, &back))?;
    copy.extract()
}
