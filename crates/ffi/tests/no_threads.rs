//! S1: the FFI layer only *calls* C. Calling every function in the library starts no thread
//! and no process: parallelism comes only from how the caller arranges the calls.
//! (Its own test binary, so no other test's threads come and go while it counts.)

use std::fs;

fn threads_in_this_process() -> usize {
    let status = fs::read_to_string("/proc/self/status").expect("Linux /proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a Threads: line")
}

fn children_of_this_process() -> usize {
    let me = std::process::id();
    let path = format!("/proc/{me}/task/{me}/children");
    fs::read_to_string(path)
        .map(|s| s.split_whitespace().count())
        .unwrap_or(0)
}

#[test]
fn calling_every_c_function_starts_no_thread_and_no_process() {
    let (threads, children) = (threads_in_this_process(), children_of_this_process());
    let input: Vec<f64> = (0..1_000_000).map(f64::from).collect();
    let mut out = vec![0.0; input.len()];
    for x in -1_000..1_000 {
        assert!(ffi::square(x).is_some());
        ffi::square_wide(x);
        ffi::add(x, x);
        ffi::busy_work(x as u64, 100);
    }
    ffi::square_array(&input, &mut out).unwrap();
    ffi::square_in_place(&mut out);
    let racy = ffi::RacyCounter::take().unwrap();
    let mut own = 0;
    for _ in 0..1_000 {
        racy.increment();
        ffi::LockedCounter.increment();
        ffi::AtomicCounter.increment();
        ffi::increment_r(&mut own);
    }
    assert_eq!(
        threads_in_this_process(),
        threads,
        "a C call started a thread"
    );
    assert_eq!(
        children_of_this_process(),
        children,
        "a C call started a process"
    );
}
