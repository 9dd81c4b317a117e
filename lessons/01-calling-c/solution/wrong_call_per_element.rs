// WRONG ANSWER (fixture): the right output, but one call into C per element instead of ONE
// call for the whole buffer.

use crate::{Overflow, c};

// ANCHOR: squares
/// Squares every input in C, or reports the first input whose square does not fit in an `int`.
pub fn squares(xs: &[i32]) -> Result<Vec<i32>, Overflow> {
    xs.iter()
        .enumerate()
        .map(|(index, &value)| c::square(value).ok_or(Overflow { index, value }))
        .collect()
}
// ANCHOR_END: squares

// ANCHOR: squared
/// Squares a whole buffer in ONE call to C's `square_array` (pointer + length).
pub fn squared(input: &[f64]) -> Result<Vec<f64>, ffi::LengthMismatch> {
    let mut out = vec![0.0; input.len()];
    for (x, y) in input.iter().zip(out.iter_mut()) {
        c::square_array(std::slice::from_ref(x), std::slice::from_mut(y))?;
    }
    Ok(out)
}
// ANCHOR_END: squared

// ANCHOR: total
/// Adds all inputs with C's `add`, or `None` when the sum leaves `int`'s range.
pub fn total(xs: &[i32]) -> Option<i32> {
    xs.iter().try_fold(0, |sum, &x| c::add(sum, x))
}
// ANCHOR_END: total
