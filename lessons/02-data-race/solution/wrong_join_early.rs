// WRONG ANSWER (fixture): joins each thread right after spawning it, so the threads run
// one after another and loom can never see two increments overlap.

use super::sync::Arc;
use super::thread;
use crate::Counter;

// ANCHOR: count_on_threads
/// Starts `threads` threads that each call `counter.increment()` `per_thread` times, waits
/// for all of them, and returns `counter.get()`.
pub fn count_on_threads<C: Counter>(counter: Arc<C>, threads: usize, per_thread: u64) -> u64 {
    let handles: Vec<()> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..per_thread {
                    counter.increment();
                }
            })
            .join() // joins each thread before starting the next: they never overlap
            .expect("an incrementing thread panicked")
        })
        .collect();
    // Start them all first, then join: joining inside the loop above would run them one by one.
    let _ = handles;
    counter.get()
}
// ANCHOR_END: count_on_threads
