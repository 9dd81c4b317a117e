// WRONG ANSWER (fixture): refuses an output that is too short, but not one that is too long.

use rayon::prelude::*;

use crate::c;

// ANCHOR: square_parallel
/// `out[i] = input[i]²`, in chunks of `chunk` elements (the last one may be shorter), each
/// chunk squared by ONE call into C, the chunks spread over rayon's threads.
/// `chunk` must be at least 1.
pub fn square_parallel(
    input: &[f64],
    out: &mut [f64],
    chunk: usize,
) -> Result<(), ffi::LengthMismatch> {
    if out.len() < input.len() {
        return Err(ffi::LengthMismatch {
            input: input.len(),
            output: out.len(),
        });
    }
    input
        .par_chunks(chunk)
        .zip(out.par_chunks_mut(chunk))
        .try_for_each(|(inp, outp)| c::square_array(inp, outp))
}
// ANCHOR_END: square_parallel
