// Lesson 1, `calling-c`: calling C safely. Edit this file, then run `cargo test -p calling-c`.
//
// Three functions call the lab's C library through the safe wrappers of the `ffi` crate. Each
// has one mistake that C programmers make all the time. Fix the lines marked TODO.

use crate::Overflow;

// ANCHOR: squares
/// Squares every input in C, or reports the first input whose square does not fit in an `int`.
pub fn squares(xs: &[i32]) -> Result<Vec<i32>, Overflow> {
    // TODO: `as i32` silently wraps 46341² around to a negative number. Use `ffi::square`,
    // which returns `None` where C's `int` would overflow, and return
    // `Err(Overflow { index, value })` for the first such input.
    Ok(xs.iter().map(|&x| ffi::square_wide(x) as i32).collect())
}
// ANCHOR_END: squares

// ANCHOR: squared
/// Squares a whole buffer in ONE call to C's `square_array` (pointer + length).
pub fn squared(input: &[f64]) -> Result<Vec<f64>, ffi::LengthMismatch> {
    // TODO: C writes `out.len()` elements, and a Vec's capacity is not its length: this
    // output slice is empty. Give `out` as many elements as `input` has.
    let mut out = Vec::with_capacity(input.len());
    ffi::square_array(input, &mut out)?;
    Ok(out)
}
// ANCHOR_END: squared

// ANCHOR: total
/// Adds all inputs with C's `add`, or `None` when the sum leaves `int`'s range.
pub fn total(xs: &[i32]) -> Option<i32> {
    // TODO: this sums in Rust and panics on overflow. Fold with `ffi::add`, which returns
    // `None` where C's `int` addition would overflow, and pass that `None` on.
    Some(xs.iter().sum())
}
// ANCHOR_END: total
