// WRONG ANSWER (fixture): hands C all but the last element (an off-by-one in the slice):
// the output has the right length, and its last value stays 0.0. The failing assertion prints
// two 1,000-element vectors, which the runner must trim to their first difference.

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
    // WRONG: `len - 1` leaves the last output unwritten.
    let n = input.len().saturating_sub(1);
    c::square_array(&input[..n], &mut out[..n])?;
    Ok(out)
}
// ANCHOR_END: squared

// ANCHOR: total
/// Adds all inputs with C's `add`, or `None` when the sum leaves `int`'s range.
pub fn total(xs: &[i32]) -> Option<i32> {
    xs.iter().try_fold(0, |sum, &x| c::add(sum, x))
}
// ANCHOR_END: total
