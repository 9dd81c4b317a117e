//! The C11 atomic counter, or under `cfg(loom)` its Rust model: the leaf call facade.

#[cfg(not(loom))]
pub use ffi::AtomicCounter;

#[cfg(loom)]
pub use model::AtomicCounter;

#[cfg(loom)]
mod model {
    use loom::sync::Arc;
    use loom::sync::atomic::{AtomicU64, Ordering};

    /// Model of `ffi::AtomicCounter`: loom's `AtomicU64` with the C code's relaxed orderings.
    /// `default()` creates a fresh model global: call it inside the `loom::model` closure.
    #[derive(Debug, Clone, Default)]
    pub struct AtomicCounter(Arc<AtomicU64>);

    impl AtomicCounter {
        /// `atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed)`.
        pub fn increment(&self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }

        /// `atomic_load_explicit(&counter, memory_order_relaxed)`.
        pub fn get(&self) -> u64 {
            self.0.load(Ordering::Relaxed)
        }

        /// `atomic_store_explicit(&counter, 0, memory_order_relaxed)`.
        pub fn reset(&self) {
            self.0.store(0, Ordering::Relaxed);
        }
    }
}
