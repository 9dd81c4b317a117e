// Lesson 2, `data-race`: edit this file, then run `cargo test -p data-race`.
//
// This file is compiled twice: once with the standard library's threads (the tests run it on
// the real C counters) and once with loom's (loom tries every interleaving). That is why it
// says `super::thread` and `super::sync`: write the code as if they were `std::thread` and
// `std::sync`.

use super::sync::Arc;
use crate::Counter;

// ANCHOR: count_on_threads
/// Starts `threads` threads that each call `counter.increment()` `per_thread` times, waits
/// for all of them, and returns `counter.get()`.
pub fn count_on_threads<C: Counter>(counter: Arc<C>, threads: usize, per_thread: u64) -> u64 {
    // TODO: this runs every increment on the calling thread, so the increments never overlap
    // and loom cannot find the race. Start `threads` threads with `super::thread::spawn`, each with
    // its own clone of the `Arc`, let each one do `per_thread` increments, and only then
    // (after joining every one of them) read the counter.
    for _ in 0..threads {
        for _ in 0..per_thread {
            counter.increment();
        }
    }
    counter.get()
}
// ANCHOR_END: count_on_threads
