// Lesson 8, `python-extension`: a wrong answer (copies the input, twice).

use std::time::Duration;

use lab_ext::buffers::{Doubles, DoublesMut};
use pyo3::prelude::*;

use crate::c;

#[pyfunction]
pub fn rendezvous(py: Python<'_>, parties: u32, timeout_ms: u64) -> bool {
    py.detach(|| c::rendezvous(parties, Duration::from_millis(timeout_ms)))
}

// WRONG: `input: Vec<f64>` makes PyO3 copy every element out of the array, and the new
// `array('d', ..)` copies them again (through a list) before C sees them.
#[pyfunction]
pub fn square_array(py: Python<'_>, input: Vec<f64>, out: &Bound<'_, PyAny>) -> PyResult<()> {
    let copy = py.import("array")?.call_method1("array", ("d", input))?;
    let (input, out) = (Doubles::new(&copy)?, DoublesMut::new(out)?);
    py.detach(|| c::square_into(&input, &out))?;
    Ok(())
}
