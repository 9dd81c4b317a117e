// WRONG ANSWER (fixture): forgets to join, so it reads the counter while threads still run.

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
                for _ in 0..per_thread {
                    counter.increment();
                }
            })
        })
        .collect();
    // Start them all first, then join: joining inside the loop above would run them one by one.
    let total = counter.get(); // read while the threads may still be running
    drop(handles); // dropping a JoinHandle detaches the thread: it does not wait for it
    total
}
// ANCHOR_END: count_on_threads
