// Lesson 8, `python-extension`: a wrong answer (squares into a temporary array, then copies it into out).

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
    // WRONG: a temporary as big as the input (a copy of it), squared in place by C, then
    // copied into `out` with `out[:] = tmp`: two copies of the whole array.
    let tmp = py.import("array")?.call_method1("array", ("d", input))?;
    let (lent, back) = (Doubles::new(&tmp)?, DoublesMut::new(&tmp)?);
    py.detach(|| c::square_into(&lent, &back))?;
    out.set_item(pyo3::types::PySlice::full(py), &tmp)?;
    Ok(())
}
