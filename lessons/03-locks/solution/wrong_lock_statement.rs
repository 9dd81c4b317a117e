// WRONG ANSWER (fixture): `self.lock.lock()` as a statement of its own in
// `CSideLock::increment`: the guard is a temporary, dropped (and the lock released) at the end
// of that statement, before the load and the store. It compiles, with only a warning.

use super::Racy;
use super::sync::Mutex;
use super::sync::atomic::{AtomicU64, Ordering};

// ANCHOR: c_side
/// `counter.c`'s locked family, written in Rust: a plain global (`value`, loaded and stored
/// like C's `locked_counter`) and a separate lock (`lock`, like C's `locked_mutex`) that
/// protects it only if every access takes it. That is how a C library locks: by convention.
#[derive(Debug)]
pub struct CSideLock {
    value: AtomicU64,
    lock: Mutex<()>,
}

impl CSideLock {
    /// A counter at 0.
    pub fn new() -> Self {
        CSideLock {
            value: AtomicU64::new(0),
            lock: Mutex::new(()),
        }
    }

    /// Adds one, like `lab_locked_increment`.
    pub fn increment(&self) {
        self.lock
            .lock()
            .expect("a thread panicked while holding the lock");
        let seen = self.value.load(Ordering::Relaxed);
        self.value.store(seen + 1, Ordering::Relaxed);
    }

    /// Reads the counter under the lock, like `lab_locked_get`.
    pub fn get(&self) -> u64 {
        let _guard = self
            .lock
            .lock()
            .expect("a thread panicked while holding the lock");
        self.value.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: c_side

impl Default for CSideLock {
    fn default() -> Self {
        Self::new()
    }
}

// ANCHOR: library_lock
/// The self-made global lock: ONE Rust mutex around a whole C library that is not
/// thread-safe. Every call from every thread waits for it: an interpreter lock you built.
#[derive(Debug)]
pub struct LibraryLock {
    lib: Mutex<Racy>,
}

impl LibraryLock {
    /// Puts the library behind the lock. From now on the lock is the only way to reach it.
    pub fn new(lib: Racy) -> Self {
        LibraryLock {
            lib: Mutex::new(lib),
        }
    }

    /// One increment of the library's counter.
    pub fn increment(&self) {
        self.lib
            .lock()
            .expect("a thread panicked while holding the lock")
            .increment();
    }

    /// Reads the library's counter under the lock.
    pub fn get(&self) -> u64 {
        self.lib
            .lock()
            .expect("a thread panicked while holding the lock")
            .get()
    }
}
// ANCHOR_END: library_lock
