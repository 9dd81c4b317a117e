//! S1 and M1, proven without a stopwatch: Rust threads that call C are inside C at the same
//! moment. `lab_rendezvous` returns 1 only when all parties are inside it at once, so two threads
//! that both get `true` were running C code in parallel. No interpreter lock serializes them.
//! (`crates/ffi/lab-ext/python/rendezvous.py` runs the same C from Python: with `ctypes.CDLL`, which
//! releases the GIL, two threads meet; with `ctypes.PyDLL`, which holds it, they never can.)

use std::thread;
use std::time::Duration;

// ANCHOR: two_threads_meet
#[test]
fn two_rust_threads_are_inside_c_at_the_same_time() {
    // One test function, so no other test's threads can join the meeting by accident.
    let lone = ffi::rendezvous(2, Duration::from_millis(50));
    assert!(
        !lone,
        "a single caller cannot meet a second party: the check can fail"
    );

    let met = thread::scope(|s| {
        let a = s.spawn(|| ffi::rendezvous(2, Duration::from_secs(20)));
        let b = s.spawn(|| ffi::rendezvous(2, Duration::from_secs(20)));
        [a.join().unwrap(), b.join().unwrap()]
    });
    assert_eq!(met, [true, true], "both threads must be inside C at once");

    // Rounds reset cleanly: it works again, and with more parties.
    let met = thread::scope(|s| {
        let hs: Vec<_> = (0..4)
            .map(|_| s.spawn(|| ffi::rendezvous(4, Duration::from_secs(20))))
            .collect();
        hs.into_iter()
            .map(|h| h.join().unwrap())
            .collect::<Vec<_>>()
    });
    assert_eq!(met, [true; 4]);
}
// ANCHOR_END: two_threads_meet
