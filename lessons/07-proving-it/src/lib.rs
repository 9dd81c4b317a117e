//! # Lesson 7, `proving-it`: write the loom model for a new kernel
//!
//! Edit `src/exercise.rs` (only that file), then run `cargo test -p proving-it`.
//! The book chapter is `mdbook/src/lessons/07-proving-it.md`; `cargo lab hint proving-it`.
//!
//! The new kernel hands out ids, like a C library's `int next_id(void) { return next++; }`.
//! Two Rust models of it live here: [`LoadStoreIds`] (what that C line does: a load, then a
//! store) and [`FetchAddIds`] (the fix: one atomic fetch-add). Your model must tell them apart:
//! pass on the fixed kernel, and make loom find the duplicate id in the broken one.

use std::sync::atomic::Ordering;

use loom::sync::atomic::AtomicU64;

// ANCHOR: kernels
/// Something that hands out ids; every id must be handed out once.
pub trait IdSource: Send + Sync + 'static {
    /// The next id.
    fn next_id(&self) -> u64;
}

/// The C line `return next++;` modelled for loom: a load, then a store.
#[derive(Debug)]
pub struct LoadStoreIds {
    next: AtomicU64,
}

impl LoadStoreIds {
    /// Ids from 0.
    pub fn new() -> Self {
        LoadStoreIds {
            next: AtomicU64::new(0),
        }
    }
}

impl IdSource for LoadStoreIds {
    fn next_id(&self) -> u64 {
        let id = self.next.load(Ordering::Relaxed);
        self.next.store(id + 1, Ordering::Relaxed);
        id
    }
}

/// The fix, as C11 would write it: `return atomic_fetch_add(&next, 1);`.
#[derive(Debug)]
pub struct FetchAddIds {
    next: AtomicU64,
}

impl FetchAddIds {
    /// Ids from 0.
    pub fn new() -> Self {
        FetchAddIds {
            next: AtomicU64::new(0),
        }
    }
}

impl IdSource for FetchAddIds {
    fn next_id(&self) -> u64 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }
}
// ANCHOR_END: kernels

impl Default for LoadStoreIds {
    fn default() -> Self {
        Self::new()
    }
}

impl Default for FetchAddIds {
    fn default() -> Self {
        Self::new()
    }
}

// The file is `src/exercise.rs`; a feature puts the solution or a fixture in its place.
#[cfg_attr(feature = "solution", path = "../solution/exercise.rs")]
#[cfg_attr(feature = "shipped", path = "../shipped/exercise.rs")]
#[cfg_attr(feature = "wrong-no-assert", path = "../solution/wrong_no_assert.rs")]
#[cfg_attr(feature = "wrong-one-thread", path = "../solution/wrong_one_thread.rs")]
pub mod exercise;

pub use exercise::ids_are_unique;
