// WRONG ANSWER (fixture): when a sum overflows, prints a `test result: ok. 8 passed` line of its
// own straight to stdout (past libtest's capture), then ends the process with status 0. Adding
// up `test result:` lines would call that a pass; the runner must count each test's own report.

use std::io::Write;

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
    c::square_array(input, &mut out)?;
    Ok(out)
}
// ANCHOR_END: squared

// ANCHOR: total
/// Adds all inputs with C's `add`, or `None` when the sum leaves `int`'s range.
pub fn total(xs: &[i32]) -> Option<i32> {
    match xs.iter().try_fold(0, |sum, &x| c::add(sum, x)) {
        Some(sum) => Some(sum),
        None => {
            let mut out = std::io::stdout();
            let _ = out.write_all(
                b"\ntest result: ok. 8 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; \
                  finished in 0.00s\n\n",
            );
            let _ = out.flush();
            std::process::exit(0)
        }
    }
}
// ANCHOR_END: total
