// Lesson 6, `arrays`: edit this file, then run `cargo test -p arrays`.
//
// Square a big array with C's `square_array`, on every core, without copying anything: give
// each rayon task its own chunk of the input and its own disjoint `&mut` chunk of the output.
// The borrow checker proves the output chunks do not overlap, so no lock is needed.

use crate::c;

// ANCHOR: square_parallel
// ANCHOR: square_parallel_signature
/// `out[i] = input[i]²`, in chunks of `chunk` elements (the last one may be shorter), each
/// chunk squared by ONE call into C, the chunks spread over rayon's threads.
/// `chunk` must be at least 1.
pub fn square_parallel(
    input: &[f64],
    out: &mut [f64],
    chunk: usize,
) -> Result<(), ffi::LengthMismatch> {
    // ANCHOR_END: square_parallel_signature
    // ANCHOR: square_parallel_body
    // TODO 1: zip stops at the shorter slice, so different lengths would silently leave part
    // of `out` unwritten. Return `Err(ffi::LengthMismatch { input: .., output: .. })` first.
    //
    // TODO 2: this crosses into C once per ELEMENT, on the calling thread. Cross once per
    // CHUNK, in parallel: `use rayon::prelude::*;`, then zip `input.par_chunks(chunk)` with
    // `out.par_chunks_mut(chunk)` and call `c::square_array` on each pair.
    let _ = chunk;
    for (x, y) in input.iter().zip(out.iter_mut()) {
        c::square_array(std::slice::from_ref(x), std::slice::from_mut(y))?;
    }
    Ok(())
}
// ANCHOR_END: square_parallel_body
// ANCHOR_END: square_parallel
