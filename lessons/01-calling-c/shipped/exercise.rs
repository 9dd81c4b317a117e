// Lesson 1, `calling-c`: calling C safely. Edit this file, then run `cargo test -p calling-c`.
//
// Three functions call the lab's C library through `crate::c`: the safe wrappers of the `ffi`
// crate, counted (the tests check that the work really is done in C). Each function has one
// mistake that C programmers make all the time. Fix the lines marked TODO.

use crate::{Overflow, c};

// ANCHOR: squares
/// Squares every input in C, or reports the first input whose square does not fit in an `int`.
pub fn squares(xs: &[i32]) -> Result<Vec<i32>, Overflow> {
    // TODO: `as i32` silently wraps 46341² around to a negative number. Use `c::square`,
    // which returns `None` where C's `int` would overflow, and return
    // `Err(Overflow { index, value })` for the first such input.
    Ok(xs.iter().map(|&x| c::square_wide(x) as i32).collect())
}
// ANCHOR_END: squares

// ANCHOR: squared
/// Squares a whole buffer in ONE call to C's `square_array` (pointer + length).
pub fn squared(input: &[f64]) -> Result<Vec<f64>, ffi::LengthMismatch> {
    // TODO: C writes `out.len()` elements, and a Vec's capacity is not its length: this
    // output slice is empty. Give `out` as many elements as `input` has.
    let mut out = Vec::with_capacity(input.len());
    c::square_array(input, &mut out)?;
    Ok(out)
}
// ANCHOR_END: squared

// ANCHOR: total
/// Adds all inputs with C's `add`, or `None` when the sum leaves `int`'s range.
pub fn total(xs: &[i32]) -> Option<i32> {
    // TODO: `c::add` returns `None` where C's `int` addition would overflow, and `unwrap`
    // turns that into a panic. Pass the `None` on instead: then the whole sum is `None`.
    Some(xs.iter().fold(0, |sum, &x| c::add(sum, x).unwrap()))
}
// ANCHOR_END: total
