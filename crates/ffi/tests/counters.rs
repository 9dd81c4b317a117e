//! The counter family, single-threaded: each handle counts exactly, and the racy handle is
//! unique. (Multi-threaded claims live in the kernel crates: loom, TSan and stress tests.)

use std::sync::Mutex;

use ffi::{AtomicCounter, LockedCounter, RacyCounter};

/// The C counters are process-globals and the test harness runs tests on several threads:
/// tests that touch a global hold this lock.
static GLOBALS: Mutex<()> = Mutex::new(());

fn lock_globals() -> std::sync::MutexGuard<'static, ()> {
    GLOBALS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[test]
fn racy_counter_counts_exactly_on_one_thread() {
    let _g = lock_globals();
    let c = RacyCounter::take().expect("no other handle exists");
    counts_exactly_then_resets(|| c.increment(), || c.get(), || c.reset());
}

#[test]
fn only_one_racy_handle_exists_at_a_time() {
    let _g = lock_globals();
    let first = RacyCounter::take().expect("no other handle exists");
    assert!(
        RacyCounter::take().is_none(),
        "a second handle would let two threads race"
    );
    drop(first);
    let again = RacyCounter::take();
    assert!(again.is_some(), "dropping the handle gives it back");
}

#[test]
fn racy_handle_can_move_to_another_thread() {
    let _g = lock_globals();
    let c = RacyCounter::take().expect("no other handle exists");
    c.reset();
    // Send: the whole handle moves, so still only one thread can call the racy C code.
    let c = std::thread::spawn(move || {
        c.increment();
        c
    })
    .join()
    .unwrap();
    assert_eq!(c.get(), 1);
}

/// Resets, increments 10 000 times, reads, resets and reads again through one handle's methods.
fn counts_exactly_then_resets(increment: impl Fn(), get: impl Fn() -> u64, reset: impl Fn()) {
    reset();
    for _ in 0..10_000 {
        increment();
    }
    assert_eq!(get(), 10_000);
    reset();
    assert_eq!(get(), 0);
}

#[test]
fn locked_counter_counts_exactly_on_one_thread() {
    let _g = lock_globals();
    let c = LockedCounter;
    counts_exactly_then_resets(|| c.increment(), || c.get(), || c.reset());
}

#[test]
fn atomic_counter_counts_exactly_on_one_thread() {
    let _g = lock_globals();
    let c = AtomicCounter;
    counts_exactly_then_resets(|| c.increment(), || c.get(), || c.reset());
}

#[test]
fn the_counters_keep_separate_globals() {
    let _g = lock_globals();
    let racy = RacyCounter::take().expect("no other handle exists");
    racy.reset();
    LockedCounter.reset();
    AtomicCounter.reset();
    racy.increment();
    LockedCounter.increment();
    LockedCounter.increment();
    AtomicCounter.increment();
    AtomicCounter.increment();
    AtomicCounter.increment();
    assert_eq!(
        (racy.get(), LockedCounter.get(), AtomicCounter.get()),
        (1, 2, 3)
    );
}

#[test]
fn increment_r_counts_caller_owned_state() {
    let mut mine = 0u64;
    for _ in 0..1_000 {
        ffi::increment_r(&mut mine);
    }
    assert_eq!(mine, 1_000);
    let mut wraps = u64::MAX;
    ffi::increment_r(&mut wraps);
    assert_eq!(wraps, 0, "unsigned wrap-around is defined in C");
}

// ANCHOR: send_sync
/// The compiler's view of each handle, checked at compile time.
#[test]
fn handles_are_send_and_sync_exactly_as_documented() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    send::<RacyCounter>(); // may move to another thread...
    // ...but is not Sync: see tests/compile_fail/racy_counter_is_not_sync.rs
    send::<LockedCounter>();
    sync::<LockedCounter>();
    send::<AtomicCounter>();
    sync::<AtomicCounter>();
    // A lock you build yourself turns the Send-only handle into something shareable:
    sync::<std::sync::Mutex<RacyCounter>>();
}
// ANCHOR_END: send_sync
