// WRONG ANSWER (fixture): calls the raw C function directly. It is `unsafe` to call, and
// lessons contain no `unsafe`: this does not compile (error E0133).

use crate::{Overflow, c};

// ANCHOR: squares
/// Squares every input in C, or reports the first input whose square does not fit in an `int`.
pub fn squares(xs: &[i32]) -> Result<Vec<i32>, Overflow> {
    xs.iter()
        .enumerate()
        .map(|(index, &value)| {
            if value.unsigned_abs() > 46_340 {
                Err(Overflow { index, value })
            } else {
                Ok(ffi::raw::lab_square(value))
            }
        })
        .collect()
}
// ANCHOR_END: squares

// ANCHOR: squared
/// Squares a whole buffer in ONE call to C's `square_array` (pointer + length).
pub fn squared(input: &[f64]) -> Result<Vec<f64>, ffi::LengthMismatch> {
    let mut out = vec![0.0; input.len()];
    c::square_array(input, &mut out)?;
    Ok(out)
}
// ANCHOR_END: squared

// ANCHOR: total
/// Adds all inputs with C's `add`, or `None` when the sum leaves `int`'s range.
pub fn total(xs: &[i32]) -> Option<i32> {
    xs.iter().try_fold(0, |sum, &x| c::add(sum, x))
}
// ANCHOR_END: total
