//! The source article's three examples, done through the safe API with threads.
//!
//! The article used a Python process pool for E1 and E3 and threads for E2. Here all three use
//! scoped threads, because the safe wrappers make that sound; `isolated` has the process-pool
//! versions for comparison. Each function returns its result so tests can check it.

use std::thread;

/// E1: a pool of `workers` maps `square` over `1..=n`. Returns the squares in input order,
/// `None` for an input whose square would overflow a C `int`.
// ANCHOR: e1
pub fn e1_square_map(n: i32, workers: usize) -> Vec<Option<i32>> {
    let inputs: Vec<i32> = (1..=n).collect();
    let chunk = inputs.len().div_ceil(workers.max(1)).max(1);
    thread::scope(|s| {
        let handles: Vec<_> = inputs
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|&x| crate::square(x)).collect::<Vec<_>>()))
            .collect();
        // Joining in spawn order keeps the results in input order, like Pool.map.
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("square never panics"))
            .collect()
    })
}
// ANCHOR_END: e1

/// E2: `threads` threads each call `add(i, i)` for their own `i`. Returns the results in thread
/// order. `add` keeps no state, so no lock is needed; each thread owns its `i` because the
/// closure is `move` (the article's late-binding bug cannot happen).
// ANCHOR: e2
pub fn e2_threads_add(threads: i32) -> Vec<Option<i32>> {
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| s.spawn(move || crate::add(i, i)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("add never panics"))
            .collect()
    })
}
// ANCHOR_END: e2

/// E3: square `input` in `chunks` pieces, one thread per piece, each writing its own disjoint
/// `&mut` part of one output buffer: nothing is copied and nothing is concatenated.
// ANCHOR: e3
pub fn e3_square_chunks(input: &[f64], chunks: usize) -> Vec<f64> {
    let mut out = vec![0.0; input.len()];
    let size = input.len().div_ceil(chunks.max(1)).max(1);
    thread::scope(|s| {
        for (inp, outp) in input.chunks(size).zip(out.chunks_mut(size)) {
            s.spawn(move || crate::square_array(inp, outp).expect("chunks have equal lengths"));
        }
    });
    out
}
// ANCHOR_END: e3
