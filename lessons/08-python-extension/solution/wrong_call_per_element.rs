// Lesson 8, `python-extension`: a wrong answer (calls C once per element).

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
    // WRONG: detached, but one C call per element, each on a one-element memoryview slice.
    use pyo3::types::{PyMemoryView, PySlice};
    let (input, out) = (PyMemoryView::from(input)?, PyMemoryView::from(out)?);
    for i in 0..input.len()? {
        let one = PySlice::new(py, i as isize, i as isize + 1, 1);
        let x = Doubles::new(&input.get_item(&one)?)?;
        let y = DoublesMut::new(&out.get_item(&one)?)?;
        py.detach(|| c::square_into(&x, &y))?;
    }
    Ok(())
}
