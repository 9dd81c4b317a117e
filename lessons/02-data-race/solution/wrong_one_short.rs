// WRONG ANSWER (fixture): an off-by-one: each thread increments `per_thread - 1` times
// (`1..per_thread`).

use super::sync::Arc;
use super::thread;
use crate::Counter;

// ANCHOR: count_on_threads
/// Starts `threads` threads that each call `counter.increment()` `per_thread` times, waits
/// for all of them, and returns `counter.get()`.
pub fn count_on_threads<C: Counter>(counter: Arc<C>, threads: usize, per_thread: u64) -> u64 {
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 1..per_thread {
                    counter.increment();
                }
            })
        })
        .collect();
    // Start them all first, then join: joining inside the loop above would run them one by one.
    for handle in handles {
        handle.join().expect("an incrementing thread panicked");
    }
    counter.get()
}
// ANCHOR_END: count_on_threads
