// WRONG ANSWER (fixture): squares what fits first and checks the lengths afterwards: the error
// comes, but the output is already half-filled.

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
    let n = input.len().min(out.len());
    input[..n]
        .par_chunks(chunk)
        .zip(out[..n].par_chunks_mut(chunk))
        .try_for_each(|(inp, outp)| c::square_array(inp, outp))?;
    if input.len() != out.len() {
        return Err(ffi::LengthMismatch {
            input: input.len(),
            output: out.len(),
        });
    }
    Ok(())
}
// ANCHOR_END: square_parallel
