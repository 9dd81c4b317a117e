//! The C pthread-mutex counter, or under `cfg(loom)` its Rust model: the leaf call facade.

// ANCHOR: locked_leaf
#[cfg(not(loom))]
pub use ffi::LockedCounter;

#[cfg(loom)]
pub use model::LockedCounter;

#[cfg(loom)]
mod model {
    use loom::sync::{Arc, Mutex};

    /// Model of `ffi::LockedCounter`: a `u64` behind loom's mutex (the `pthread_mutex_t`).
    /// `default()` creates a fresh model global: call it inside the `loom::model` closure.
    #[derive(Debug, Clone, Default)]
    pub struct LockedCounter(Arc<Mutex<u64>>);

    impl LockedCounter {
        /// The C code's effect: lock, load, add, store, unlock.
        pub fn increment(&self) {
            let mut counter = self.0.lock().expect("model lock poisoned");
            let seen = *counter;
            *counter = seen + 1;
        }

        /// Reads under the lock.
        pub fn get(&self) -> u64 {
            *self.0.lock().expect("model lock poisoned")
        }

        /// Sets 0 under the lock.
        pub fn reset(&self) {
            *self.0.lock().expect("model lock poisoned") = 0;
        }
    }
}
// ANCHOR_END: locked_leaf
