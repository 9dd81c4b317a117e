// WRONG ANSWER (fixture): `par_chunks_exact` drops a shorter last chunk: its outputs are never written.

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
    if input.len() != out.len() {
        return Err(ffi::LengthMismatch {
            input: input.len(),
            output: out.len(),
        });
    }
    input
        .par_chunks_exact(chunk)
        .zip(out.par_chunks_exact_mut(chunk))
        .try_for_each(|(inp, outp)| c::square_array(inp, outp))
}
// ANCHOR_END: square_parallel
