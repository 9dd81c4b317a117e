//! The racy C global as the threads see it: the `cfg(loom)` facade for this kernel's leaf call.
//!
//! - Normal build: [`RacyCounter`] is `ffi::RacyCounter` and [`RacyGlobal::increment`] calls the
//!   real `lab_racy_increment`.
//! - `cfg(loom)`: both are a Rust model of what the C code does to memory, with state created
//!   fresh by each constructor (so each loom execution gets its own "global"). [`Model`] picks
//!   which effect loom should watch.
//!
//! The kernel in `lib.rs` is the same code in both builds.

#[cfg(not(loom))]
pub use ffi::RacyCounter;

/// The racy C global, reachable from every thread, as a C global is. It is `Copy`, `Send` and
/// `Sync` because it holds nothing: the safety contract moves to [`RacyGlobal::increment`].
#[cfg(not(loom))]
#[derive(Debug, Clone, Copy)]
pub struct RacyGlobal(());

#[cfg(not(loom))]
impl RacyGlobal {
    /// Names the global behind `handle`. Only the holder of the unique handle can name it.
    pub fn of(_handle: &RacyCounter) -> Self {
        RacyGlobal(())
    }

    /// One racy increment in C (load, add, store).
    ///
    /// # Safety
    /// No other thread may be inside a racy C function (`lab_racy_*`) during the call.
    pub unsafe fn increment(&self) {
        // SAFETY: the caller promises what `lab_racy_increment` needs (see `# Safety`).
        unsafe { ffi::raw::lab_racy_increment() }
    }
}

#[cfg(loom)]
pub use model::{Model, RacyCounter, RacyGlobal};

#[cfg(loom)]
mod model {
    use std::cell::Cell as NotSync;
    use std::marker::PhantomData;

    use loom::cell::UnsafeCell;
    use loom::sync::Arc;
    use loom::sync::atomic::{AtomicU64, Ordering};

    // ANCHOR: racy_model_kinds
    /// Which memory effect of `lab_racy_increment` the model exposes to loom.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Model {
        /// The global in a `loom::cell::UnsafeCell`: loom reports two unsynchronized accesses
        /// as a causality violation, the data race itself.
        DataRace,
        /// A relaxed atomic load, then a relaxed atomic store of `seen + 1`: no undefined
        /// behaviour in the model, so loom runs on and the *final value* shows the lost update.
        LostUpdate,
    }
    // ANCHOR_END: racy_model_kinds

    #[derive(Debug)]
    enum Global {
        DataRace(UnsafeCell<u64>),
        LostUpdate(AtomicU64),
    }

    /// The model global, shared between model threads without checks, as a C global is.
    #[derive(Debug)]
    struct Shared(Global);

    // SAFETY: a model of a C global, which every thread can reach. The `UnsafeCell` inside is
    // only touched through `RacyGlobal::increment` (whose caller takes on the contract) and the
    // `!Sync` handle; loom checks every access and reports the concurrent ones.
    unsafe impl Sync for Shared {}

    /// Model of `ffi::RacyCounter`: the unique, `Send` but `!Sync` handle to the global.
    #[derive(Debug)]
    pub struct RacyCounter {
        global: Arc<Shared>,
        _not_sync: PhantomData<NotSync<()>>,
    }

    impl RacyCounter {
        /// A fresh model global (data-race model), as `ffi::RacyCounter::take` hands out the real one.
        pub fn take() -> Option<Self> {
            Some(Self::model(Model::DataRace))
        }

        /// A fresh model global showing `model`'s effect. Call it inside the `loom::model`
        /// closure: each execution needs its own global.
        pub fn model(model: Model) -> Self {
            let global = match model {
                Model::DataRace => Global::DataRace(UnsafeCell::new(0)),
                Model::LostUpdate => Global::LostUpdate(AtomicU64::new(0)),
            };
            RacyCounter {
                global: Arc::new(Shared(global)),
                _not_sync: PhantomData,
            }
        }

        /// One increment through the handle.
        pub fn increment(&self) {
            // SAFETY: as in `ffi::RacyCounter::increment`: the handle is unique and `!Sync`,
            // so no other thread is inside a racy call now.
            unsafe { RacyGlobal::of(self).increment() }
        }

        /// Reads the global.
        pub fn get(&self) -> u64 {
            match &self.global.0 {
                // SAFETY: the handle is `!Sync`: no other thread writes now (loom checks it).
                Global::DataRace(cell) => cell.with(|p| unsafe { *p }),
                Global::LostUpdate(atomic) => atomic.load(Ordering::Relaxed),
            }
        }

        /// Sets the global to 0.
        pub fn reset(&self) {
            match &self.global.0 {
                // SAFETY: the handle is `!Sync`: no other thread accesses it now (loom checks it).
                Global::DataRace(cell) => cell.with_mut(|p| unsafe { *p = 0 }),
                Global::LostUpdate(atomic) => atomic.store(0, Ordering::Relaxed),
            }
        }
    }

    /// Model of the racy global as every thread sees it.
    #[derive(Debug, Clone)]
    pub struct RacyGlobal(Arc<Shared>);

    impl RacyGlobal {
        /// Names the global behind `handle`.
        pub fn of(handle: &RacyCounter) -> Self {
            RacyGlobal(handle.global.clone())
        }

        // ANCHOR: racy_model_increment
        /// The C code's memory effect: read the counter, then write `seen + 1`.
        ///
        /// # Safety
        /// As for the real one: no other thread may be in a racy call at the same time.
        pub unsafe fn increment(&self) {
            match &self.0.0 {
                Global::DataRace(cell) => cell.with_mut(|p| {
                    // SAFETY: the caller's promise; loom panics if it is broken.
                    unsafe { *p += 1 }
                }),
                Global::LostUpdate(atomic) => {
                    let seen = atomic.load(Ordering::Relaxed); // load
                    atomic.store(seen + 1, Ordering::Relaxed); // store
                }
            }
        }
        // ANCHOR_END: racy_model_increment
    }
}
