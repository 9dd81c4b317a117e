//! Kernels the chapter never shows: one type, so a model cannot tell them apart by name, and
//! each built by its own `fn() -> Kernel`. A model is graded on these too, so that it proves
//! the property ("no id twice") for any kernel, not only for the two in `src/lib.rs`.

use std::sync::atomic::Ordering::Relaxed;

use loom::sync::atomic::AtomicU64;
use proving_it::IdSource;

enum Kind {
    /// Correct: one fetch-add.
    FetchAdd,
    /// Correct: one fetch-sub, so the ids go down.
    FetchSub,
    /// Correct: a compare-exchange loop that hands out every third number.
    CompareExchangeBy3,
    /// Broken: a load, then a store (`return next++;`).
    LoadStore,
    /// Broken, but only after the first id: the call that sees the start value takes the safe
    /// fetch-add; every later call takes a racy "fast path" (a load, then a store).
    SafeFirstCall,
}

/// An id source whose kind the model cannot see.
pub struct Kernel {
    start: u64,
    next: AtomicU64,
    kind: Kind,
}

impl Kernel {
    fn new(kind: Kind, start: u64) -> Kernel {
        Kernel {
            start,
            next: AtomicU64::new(start),
            kind,
        }
    }
}

impl IdSource for Kernel {
    fn next_id(&self) -> u64 {
        match self.kind {
            Kind::FetchAdd => self.next.fetch_add(1, Relaxed),
            Kind::FetchSub => self.next.fetch_sub(1, Relaxed),
            Kind::CompareExchangeBy3 => {
                let mut seen = self.next.load(Relaxed);
                loop {
                    match self.next.compare_exchange(seen, seen + 3, Relaxed, Relaxed) {
                        Ok(id) => return id,
                        Err(now) => seen = now,
                    }
                }
            }
            Kind::LoadStore => {
                let id = self.next.load(Relaxed);
                self.next.store(id + 1, Relaxed);
                id
            }
            Kind::SafeFirstCall => {
                let id = self.next.load(Relaxed);
                if id == self.start {
                    return self.next.fetch_add(1, Relaxed);
                }
                self.next.store(id + 1, Relaxed);
                id
            }
        }
    }
}

/// Correct, ids 100, 101, ...
pub fn exact_from_100() -> Kernel {
    Kernel::new(Kind::FetchAdd, 100)
}

/// Correct, ids 1000, 999, ...
pub fn exact_counting_down() -> Kernel {
    Kernel::new(Kind::FetchSub, 1000)
}

/// Correct, ids 0, 3, 6, ...
pub fn exact_by_3() -> Kernel {
    Kernel::new(Kind::CompareExchangeBy3, 0)
}

/// Broken, ids 7, 8, ...: two threads can both load 7 (or 8).
pub fn racy_from_7() -> Kernel {
    Kernel::new(Kind::LoadStore, 7)
}

/// Broken only on a later call: with one id per thread it never hands one out twice.
pub fn racy_after_the_first_id() -> Kernel {
    Kernel::new(Kind::SafeFirstCall, 0)
}
