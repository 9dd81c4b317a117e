// Lesson 3, `locks`: edit this file, then run `cargo test -p locks`.
//
// This file is compiled twice: with `std::sync` (the tests run it on real threads and C's
// racy counter) and with `loom::sync` (loom tries every interleaving). Write `super::sync` as
// if it were `std::sync`.

use super::Racy;
use super::sync::Mutex;
use super::sync::atomic::{AtomicU64, Ordering};

// ANCHOR: c_side
// ANCHOR: c_side_type
/// `counter.c`'s locked family, written in Rust: a plain global (`value`, loaded and stored
/// like C's `locked_counter`) and a separate lock (`lock`, like C's `locked_mutex`) that
/// protects it only if every access takes it. That is how a C library locks: by convention.
#[derive(Debug)]
pub struct CSideLock {
    value: AtomicU64,
    lock: Mutex<()>,
}
// ANCHOR_END: c_side_type

impl CSideLock {
    /// A counter at 0.
    pub fn new() -> Self {
        CSideLock {
            value: AtomicU64::new(0),
            lock: Mutex::new(()),
        }
    }

    // ANCHOR: c_side_increment
    /// Adds one, like `lab_locked_increment`.
    pub fn increment(&self) {
        // TODO: nothing stops another thread between this load and this store. Take
        // `self.lock` first and keep the guard alive until after the store, as
        // `lab_locked_increment` holds `locked_mutex` around its whole read-modify-write.
        let seen = self.value.load(Ordering::Relaxed);
        self.value.store(seen + 1, Ordering::Relaxed);
    }
    // ANCHOR_END: c_side_increment

    // ANCHOR: c_side_get
    /// Reads the counter under the lock, like `lab_locked_get`.
    pub fn get(&self) -> u64 {
        let _guard = self
            .lock
            .lock()
            .expect("a thread panicked while holding the lock");
        self.value.load(Ordering::Relaxed)
    }
    // ANCHOR_END: c_side_get
}
// ANCHOR_END: c_side

impl Default for CSideLock {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: library_lock
// ANCHOR: library_lock_type
/// The self-made global lock: ONE Rust mutex around a whole C library that is not
/// thread-safe. Every call from every thread waits for it: an interpreter lock you built.
#[derive(Debug)]
pub struct LibraryLock {
    lib: Mutex<Racy>,
}
// ANCHOR_END: library_lock_type

impl LibraryLock {
    /// Puts the library behind the lock. From now on the lock is the only way to reach it.
    pub fn new(lib: Racy) -> Self {
        LibraryLock {
            lib: Mutex::new(lib),
        }
    }

    // ANCHOR: library_lock_calls
    /// One increment of the library's counter.
    pub fn increment(&self) {
        // TODO: lock `self.lib` and call `increment()` on the library through the guard.
        // (`Racy` is not `Sync`: the compiler offers no way to call it without the lock.)
        let _ = &self.lib;
    }

    /// Reads the library's counter under the lock.
    pub fn get(&self) -> u64 {
        self.lib
            .lock()
            .expect("a thread panicked while holding the lock")
            .get()
    }
    // ANCHOR_END: library_lock_calls
}
// ANCHOR_END: library_lock
