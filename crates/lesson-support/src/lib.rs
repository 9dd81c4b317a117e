//! What the lessons share, written once, below them in the dependency direction
//! (`ffi` ← kernel crates ← lessons ← `lab`): loom models of C's racy counter.
//!
//! loom cannot look inside C, so a lesson's loom build runs its exercise on these Rust twins of
//! `lab_racy_increment`, which have the same memory effects: a load, then a store, with no lock
//! between them. Each step is atomic on its own, but the pair is not, which is exactly the C
//! kernel's bug. Create a model inside the `loom::model` closure: each execution needs its own.
//!
//! - [`RacyModel`] is the C global as every thread sees it: `Sync`, shared through an `Arc`
//!   (lesson `data-race`, where loom must find the lost update).
//! - [`RacyCounterModel`] is the handle, with the API and the `Send`-but-not-`Sync` promise of
//!   `ffi::RacyCounter` (lesson `locks`, where it goes behind a lock).
//!
//! And the grading check that every fixed counter of the lessons must pass under loom,
//! [`two_threads_add_one_each`].

#![forbid(unsafe_code)]

use std::cell::Cell;
use std::marker::PhantomData;

use loom::sync::Arc;
use loom::sync::atomic::{AtomicU64, Ordering};
use loom::thread;

// ANCHOR: racy_model
// ANCHOR: racy_model_type
/// A loom model of C's racy global counter and its `lab_racy_increment`: a load, then a store,
/// with no lock between them, so another thread may come between the two.
#[derive(Debug, Default)]
pub struct RacyModel {
    value: AtomicU64,
}
// ANCHOR_END: racy_model_type

// ANCHOR: racy_model_impl
impl RacyModel {
    /// A fresh model counter at 0.
    pub fn new() -> Self {
        RacyModel {
            value: AtomicU64::new(0),
        }
    }

    /// Load, add one, store: what `lab_racy_increment` does in C.
    pub fn increment(&self) {
        let seen = self.value.load(Ordering::Relaxed); // load
        self.value.store(seen + 1, Ordering::Relaxed); // store: another thread may have come between
    }

    /// Reads the counter.
    pub fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: racy_model_impl
// ANCHOR_END: racy_model

// ANCHOR: racy_counter_model
/// A loom model of `ffi::RacyCounter`, the one handle to C's racy counter: the same API and the
/// same `Send`-but-not-`Sync` promise, so only a lock (or one thread) can share it.
#[derive(Debug, Default)]
pub struct RacyCounterModel {
    global: RacyModel,
    _not_sync: PhantomData<Cell<()>>,
}

impl RacyCounterModel {
    /// A fresh model counter at 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Load, add one, store: what `lab_racy_increment` does in C.
    pub fn increment(&self) {
        self.global.increment();
    }

    /// Reads the counter.
    pub fn get(&self) -> u64 {
        self.global.get()
    }
}
// ANCHOR_END: racy_counter_model

// ANCHOR: two_threads_add_one_each
/// Under loom, in every interleaving: a fresh counter from `new`, two threads that each `add`
/// one to it (thread `i` passes its index, for counters with a slot per thread), both joined,
/// and then its `total` must be 2. Panics with `lost` on the first interleaving where it is not.
pub fn two_threads_add_one_each<C: Send + Sync + 'static>(
    new: fn() -> C,
    add: fn(&C, usize),
    total: fn(&C) -> u64,
    lost: &'static str,
) {
    loom::model(move || {
        let counter = Arc::new(new());
        let other = Arc::clone(&counter);
        let t = thread::spawn(move || add(&other, 1));
        add(&counter, 0);
        t.join().unwrap();
        assert_eq!(total(&counter), 2, "{lost}");
    });
}
// ANCHOR_END: two_threads_add_one_each

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_models_count_exactly_on_one_thread() {
        loom::model(|| {
            let global = RacyModel::new();
            let handle = RacyCounterModel::new();
            for _ in 0..3 {
                global.increment();
                handle.increment();
            }
            assert_eq!((global.get(), handle.get()), (3, 3));
        });
    }

    /// The lost update the lessons make loom find comes from the interleaving, not the model.
    #[test]
    #[should_panic(expected = "lost an update")]
    fn loom_finds_the_racy_model_losing_an_update_on_two_threads() {
        two_threads_add_one_each(
            RacyModel::new,
            |c, _| c.increment(),
            RacyModel::get,
            "the racy model lost an update",
        );
    }

    #[test]
    fn the_handle_model_is_send_but_not_sync_like_ffi_racy_counter() {
        fn is_send<T: Send>() {}
        is_send::<RacyCounterModel>();
        // Compiles only if `RacyCounterModel` is not `Sync`: were it `Sync`, both impls would
        // apply and `_` could not be inferred (the `static_assertions` crate's trick).
        trait AmbiguousIfSync<A> {
            fn check() {}
        }
        impl<T: ?Sized> AmbiguousIfSync<()> for T {}
        impl<T: ?Sized + Sync> AmbiguousIfSync<u8> for T {}
        <RacyCounterModel as AmbiguousIfSync<_>>::check();
    }
}
