//! # Lesson 7, `proving-it`: write the loom model for a new kernel
//!
//! Edit `src/exercise.rs` (only that file), then run `cargo test -p proving-it`.
//! The book chapter is `mdbook/src/lessons/07-proving-it.md`; `cargo lab hint proving-it`.
//!
//! The new kernel hands out ids, like a C library's `int next_id(void) { return next++; }`.
//! Two Rust models of it live here: [`LoadStoreIds`] (what that C line does: a load, then a
//! store) and [`FetchAddIds`] (the fix: one atomic fetch-add). Your model must tell them apart:
//! pass on the fixed kernel, and make loom find the duplicate id in the broken one.

#![forbid(unsafe_code)]

use std::sync::atomic::Ordering;

use loom::sync::atomic::AtomicU64;

// ANCHOR: kernels
// ANCHOR: ids_trait
/// Something that hands out ids; every id must be handed out once.
pub trait IdSource: Send + Sync + 'static {
    /// The next id.
    fn next_id(&self) -> u64;
}
// ANCHOR_END: ids_trait

// ANCHOR: load_store_type
/// The C line `return next++;` modelled for loom: a load, then a store.
#[derive(Debug)]
pub struct LoadStoreIds {
    next: AtomicU64,
}
// ANCHOR_END: load_store_type

impl LoadStoreIds {
    /// Ids from 0.
    pub fn new() -> Self {
        LoadStoreIds {
            next: AtomicU64::new(0),
        }
    }
}

// ANCHOR: load_store_next
impl IdSource for LoadStoreIds {
    fn next_id(&self) -> u64 {
        let id = self.next.load(Ordering::Relaxed);
        self.next.store(id + 1, Ordering::Relaxed);
        id
    }
}
// ANCHOR_END: load_store_next

// ANCHOR: fetch_add_type
/// The fix, as C11 would write it: `return atomic_fetch_add(&next, 1);`.
#[derive(Debug)]
pub struct FetchAddIds {
    next: AtomicU64,
}
// ANCHOR_END: fetch_add_type

impl FetchAddIds {
    /// Ids from 0.
    pub fn new() -> Self {
        FetchAddIds {
            next: AtomicU64::new(0),
        }
    }
}

// ANCHOR: fetch_add_next
impl IdSource for FetchAddIds {
    fn next_id(&self) -> u64 {
        self.next.fetch_add(1, Ordering::Relaxed)
    }
}
// ANCHOR_END: fetch_add_next
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

// The exercise: src/exercise.rs or, with `LAB_VARIANT=<variant>` set, the file lessons/build.rs
// chose from lessons/lessons.toml (the solution, the shipped copy or a wrong answer).
#[cfg(not(lab_variant))]
pub mod exercise;
#[cfg(lab_variant)]
include!(concat!(env!("OUT_DIR"), "/exercise.rs"));

pub use exercise::ids_are_unique;
