// WRONG ANSWER (fixture): keeps only the last thread's handle and joins that one: it reads the
// counter while the other threads may still be running.

use super::sync::Arc;
use super::thread;
use crate::Counter;

// ANCHOR: count_on_threads
/// Starts `threads` threads that each call `counter.increment()` `per_thread` times, waits
/// for all of them, and returns `counter.get()`.
pub fn count_on_threads<C: Counter>(counter: Arc<C>, threads: usize, per_thread: u64) -> u64 {
    let mut last = None;
    for _ in 0..threads {
        let counter = Arc::clone(&counter);
        last = Some(thread::spawn(move || {
            for _ in 0..per_thread {
                counter.increment();
            }
        }));
    }
    if let Some(handle) = last {
        handle.join().expect("an incrementing thread panicked");
    }
    counter.get()
}
// ANCHOR_END: count_on_threads
