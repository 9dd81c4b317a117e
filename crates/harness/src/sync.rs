//! The `cfg(loom)` sync facade (loom's documented convention, as in tokio's `src/loom/`): the
//! kernels import `Arc` and `Mutex` from here, so the same kernel code runs on `std` and
//! `parking_lot` normally and on loom's models under `RUSTFLAGS="--cfg loom"`.

// ANCHOR: sync_facade
#[cfg(not(loom))]
pub use std::sync::Arc;

#[cfg(loom)]
pub use loom::sync::Arc;

/// A lock whose `lock()` returns the guard directly: `parking_lot::Mutex`, or loom's model of a
/// mutex under `cfg(loom)`.
#[cfg(not(loom))]
pub use parking_lot::Mutex;

#[cfg(loom)]
pub use self::loom_mutex::Mutex;
// ANCHOR_END: sync_facade

/// Atomics: `std`'s, or loom's under `cfg(loom)`.
pub mod atomic {
    #[cfg(not(loom))]
    pub use std::sync::atomic::{AtomicU64, Ordering};

    #[cfg(loom)]
    pub use loom::sync::atomic::{AtomicU64, Ordering};
}

#[cfg(loom)]
mod loom_mutex {
    /// loom's mutex with `parking_lot`'s shape: `lock()` returns the guard (no poisoning).
    #[derive(Debug)]
    pub struct Mutex<T>(loom::sync::Mutex<T>);

    impl<T> Mutex<T> {
        /// A new unlocked mutex holding `value`.
        pub fn new(value: T) -> Self {
            Mutex(loom::sync::Mutex::new(value))
        }

        /// Blocks until the lock is ours.
        pub fn lock(&self) -> loom::sync::MutexGuard<'_, T> {
            self.0
                .lock()
                .expect("a model thread panicked while holding the lock")
        }
    }
}
