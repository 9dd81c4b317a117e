//! # `ffi`: the lab's C library, declared and wrapped
//!
//! This crate is where Rust meets C. It has three layers:
//!
//! 1. `build.rs` compiles `c_src/*.c` with the `cc` crate (C11, `-Wall -Wextra -Werror`).
//! 2. [`raw`] declares the C functions in a Rust 2024 `unsafe extern "C"` block. Calling most of
//!    them is `unsafe`: the compiler cannot check what C does.
//! 3. The safe API below makes the C code's dangers impossible from safe Rust:
//!    - [`square`] refuses inputs whose square overflows `int` (undefined behaviour in C);
//!      [`square_wide`] widens instead;
//!    - [`square_array`] takes slices, checks lengths, and passes a `size_t` length (no `int` cap);
//!    - the counter handles carry the `Send`/`Sync` that match what the C code really does:
//!      [`RacyCounter`] cannot be shared between threads, [`LockedCounter`] and
//!      [`AtomicCounter`] can, and [`increment_r`] needs `&mut` to the caller's own state.
//!
//! FFI only *calls* C: nothing here creates a thread or a process. Parallelism comes from how
//! the caller arranges the calls (see the kernel crates and `isolated`).
//!
//! This is the only crate in the lab where `unsafe` is allowed to do real work. Each `unsafe`
//! block states why it is sound in a `// SAFETY:` comment.

use std::cell::Cell;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};

/// Raw declarations of `c_src/`, one for one.
///
/// Functions marked `safe fn` are sound to call with any arguments at any time, from any
/// thread: the comment beside each says why. The rest are `unsafe`: read their C header.
pub mod raw {
    // ANCHOR: raw_decls
    unsafe extern "C" {
        /// `int square(int)`. Undefined behaviour when `|x| > 46340` (signed overflow).
        pub fn lab_square(x: i32) -> i32;
        // SAFETY (of `safe`): widened to 64 bits before multiplying, so it cannot overflow,
        // and it touches no memory.
        /// `int64_t square_wide(int32_t)`: never overflows.
        pub safe fn lab_square_wide(x: i32) -> i64;
        /// `int add(int, int)`. Undefined behaviour when the sum leaves `int`'s range.
        pub fn lab_add(a: i32, b: i32) -> i32;
        // SAFETY (of `safe`): unsigned arithmetic on its arguments only (wraps, never UB),
        // no memory touched.
        /// `uint64_t busy_work(uint64_t seed, uint64_t rounds)`: a long call that only computes.
        pub safe fn lab_busy_work(seed: u64, rounds: u64) -> u64;
        /// `void square_array(const double *in, double *out, size_t n)`.
        /// `in` must be valid for `n` reads and `out` for `n` writes; they may be equal but must
        /// not otherwise overlap.
        pub fn lab_square_array(input: *const f64, out: *mut f64, n: usize);
        // SAFETY (of `safe`): both only read the CPU-feature table gcc's runtime fills before
        // `main`; any `int` is a valid argument (an unknown path is "not supported").
        /// `int store_path_supported(int path)`: 1 if this CPU can run `path`.
        pub safe fn lab_store_path_supported(path: i32) -> i32;
        /// `int store_path_best(void)`: the widest supported streaming path.
        pub safe fn lab_store_path_best() -> i32;
        /// `int square_array_on(int path, const double *in, double *out, size_t n)`: as
        /// `lab_square_array` on `path`; -1 (touching nothing) when `path` is not supported.
        pub fn lab_square_array_on(path: i32, input: *const f64, out: *mut f64, n: usize) -> i32;

        /// Plain load + add + store on a process-global. A data race if two threads call it
        /// (or it and `lab_racy_get`/`lab_racy_reset`) at the same time.
        pub fn lab_racy_increment();
        /// Reads the racy global: must not run at the same time as a racy increment.
        pub fn lab_racy_get() -> u64;
        /// Writes the racy global: must not run at the same time as any other racy call.
        pub fn lab_racy_reset();

        // SAFETY (of `safe`): every access to the locked counter is inside one pthread mutex.
        /// Increment under a pthread mutex.
        pub safe fn lab_locked_increment();
        /// Read under the same mutex.
        pub safe fn lab_locked_get() -> u64;
        /// Reset under the same mutex.
        pub safe fn lab_locked_reset();

        // SAFETY (of `safe`): every access to the atomic counter is a C11 atomic operation.
        /// One C11 `atomic_fetch_add_explicit(.., 1, memory_order_relaxed)`.
        pub safe fn lab_atomic_increment();
        /// Relaxed atomic load.
        pub safe fn lab_atomic_get() -> u64;
        /// Relaxed atomic store of 0.
        pub safe fn lab_atomic_reset();

        /// `*state += 1` on caller-owned state. `state` must be valid, aligned, and not
        /// accessed by anyone else during the call.
        pub fn lab_increment_r(state: *mut u64);

        /// Crashes the calling process with a real SIGSEGV inside C (`c_src/fault.c`). For the
        /// process pool's fault tests only; see [`crate::fault`].
        pub fn lab_fault_segv();

        // SAFETY (of `safe`): all of its state is behind one pthread mutex, and it reads only
        // its arguments; waiting is bounded by `timeout_ms`.
        /// Returns 1 when `parties` callers were inside it at once, 0 after `timeout_ms`.
        pub safe fn lab_rendezvous(parties: u32, timeout_ms: u32) -> i32;
    }
    // ANCHOR_END: raw_decls
}

// ---------------------------------------------------------------------------------------------
// Scalars: the article's first and second examples.
// ---------------------------------------------------------------------------------------------

/// The largest `|x|` whose square fits in a C `int` (`46340² = 2_147_395_600 ≤ 2³¹ − 1`).
/// `46341² = 2_147_488_281` does not fit: in C that multiplication is undefined behaviour.
pub const SQUARE_MAX_INPUT: i32 = 46_340;

// ANCHOR: square
/// The article's `square`, made safe: `None` where the C `int` multiplication would overflow.
///
/// ```
/// assert_eq!(ffi::square(46_340), Some(2_147_395_600));
/// assert_eq!(ffi::square(46_341), None); // C would overflow: undefined behaviour
/// ```
#[inline]
pub fn square(x: i32) -> Option<i32> {
    if x.unsigned_abs() > SQUARE_MAX_INPUT.unsigned_abs() {
        return None;
    }
    // SAFETY: |x| <= 46340, so x * x <= 2_147_395_600 fits in a C int: no overflow, no UB.
    // lab_square reads only its argument.
    Some(unsafe { raw::lab_square(x) })
}
// ANCHOR_END: square

// ANCHOR: square_wide
/// `square` widened to 64 bits: defined for every `i32`, computed in C.
#[inline]
pub fn square_wide(x: i32) -> i64 {
    raw::lab_square_wide(x)
}
// ANCHOR_END: square_wide

// ANCHOR: add
/// The article's `add`, made safe: `None` where the C `int` addition would overflow.
///
/// `add` keeps no state, so it is thread-safe as it is: any number of threads may call it at
/// once with no lock at all (the article's hint that it needs one is wrong).
#[inline]
pub fn add(a: i32, b: i32) -> Option<i32> {
    a.checked_add(b)?;
    // SAFETY: checked_add just proved a + b fits in an i32 (= C int), so the C addition is
    // defined. lab_add reads only its arguments.
    Some(unsafe { raw::lab_add(a, b) })
}
// ANCHOR_END: add

/// A C call that takes as long as `rounds` says (about a nanosecond a round) and only computes:
/// `rounds` steps of xorshift64 from `seed`. For showing how long C calls from several threads,
/// or from several Python threads through `ctypes`, overlap.
#[inline]
pub fn busy_work(seed: u64, rounds: u64) -> u64 {
    raw::lab_busy_work(seed, rounds)
}

// ---------------------------------------------------------------------------------------------
// Arrays: the article's third example.
// ---------------------------------------------------------------------------------------------

/// `square_array` was given an output slice whose length differs from the input's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("square_array needs equal lengths, got input of {input} and output of {output} elements")]
pub struct LengthMismatch {
    /// Elements in the input slice.
    pub input: usize,
    /// Elements in the output slice.
    pub output: usize,
}

// ANCHOR: square_array
/// Squares every element of `input` into `out`, in one C call over the whole buffer.
///
/// The length crosses into C as a `size_t`, so there is no `int` cap of 2³¹ − 1 elements.
/// Disjoint `&mut` chunks of one output may be filled from several threads at once: the
/// borrow checker proves the chunks do not overlap (see the arrays lesson).
pub fn square_array(input: &[f64], out: &mut [f64]) -> Result<(), LengthMismatch> {
    if input.len() != out.len() {
        return Err(LengthMismatch {
            input: input.len(),
            output: out.len(),
        });
    }
    // SAFETY: `input` is valid for input.len() reads and `out` for the same number of writes;
    // `&[f64]` and `&mut [f64]` cannot overlap (the borrow checker forbids it). An empty slice
    // has a dangling but non-null pointer, which C never dereferences when n == 0.
    unsafe { raw::lab_square_array(input.as_ptr(), out.as_mut_ptr(), input.len()) };
    Ok(())
}
// ANCHOR_END: square_array

/// Squares every element of `data` in place, in one C call.
pub fn square_in_place(data: &mut [f64]) {
    let p = data.as_mut_ptr();
    // SAFETY: `p` is valid for data.len() reads and writes; the C header allows in == out.
    // Nothing else can touch `data` while we hold `&mut`.
    unsafe { raw::lab_square_array(p, p, data.len()) };
}

// ---------------------------------------------------------------------------------------------
// The shared-counter family.
// ---------------------------------------------------------------------------------------------

/// Set while a [`RacyCounter`] exists: there is only one racy global, so only one handle.
static RACY_TAKEN: AtomicBool = AtomicBool::new(false);

// ANCHOR: racy_counter
/// The one handle to the C library's racy global counter.
///
/// **`Send` but not `Sync`.** The C increment is a plain load, add and store with no lock, so
/// two threads calling it at once is a data race. Safe Rust must never let that happen:
/// - only one `RacyCounter` exists at a time ([`RacyCounter::take`] hands it out), so every
///   call to the racy C functions from safe code goes through this one value;
/// - `PhantomData<Cell<()>>` makes it `!Sync`, so `&RacyCounter` cannot reach a second
///   thread: `thread::scope(|s| { s.spawn(|| c.increment()); s.spawn(|| c.increment()); })`
///   does not compile (see `tests/compile_fail/`);
/// - it stays `Send`: moving the whole handle to another thread is fine, because then only
///   that thread can call C. That is also why `parking_lot::Mutex<RacyCounter>` *is* `Sync`:
///   a lock that you build yourself around a non-thread-safe library.
#[derive(Debug)]
pub struct RacyCounter {
    _not_sync: PhantomData<Cell<()>>,
}
// ANCHOR_END: racy_counter

impl RacyCounter {
    /// Takes the handle to the racy global, or `None` while another handle exists.
    pub fn take() -> Option<Self> {
        RACY_TAKEN
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| RacyCounter {
                _not_sync: PhantomData,
            })
    }

    /// One racy increment (load, add, store) in C.
    pub fn increment(&self) {
        // SAFETY: this is the only handle (take), and it is !Sync, so no other thread can be
        // inside a racy C function now: the load-add-store is not raced.
        unsafe { raw::lab_racy_increment() }
    }

    /// Reads the racy global.
    pub fn get(&self) -> u64 {
        // SAFETY: as in `increment`: no other thread can touch the racy global now.
        unsafe { raw::lab_racy_get() }
    }

    /// Sets the racy global to 0.
    pub fn reset(&self) {
        // SAFETY: as in `increment`: no other thread can touch the racy global now.
        unsafe { raw::lab_racy_reset() }
    }
}

impl Drop for RacyCounter {
    fn drop(&mut self) {
        // Release: our last racy call happens-before the next handle's first.
        RACY_TAKEN.store(false, Ordering::Release);
    }
}

// ANCHOR: locked_counter
/// A handle to the C library's mutex-protected global counter.
///
/// **`Send + Sync`** (automatically: it holds no data). Every C access to this counter happens
/// inside one `pthread_mutex_t`, so any number of threads may call it at once. Handles are free
/// to copy: they all name the same global.
#[derive(Debug, Clone, Copy, Default)]
pub struct LockedCounter;
// ANCHOR_END: locked_counter

impl LockedCounter {
    /// One increment under the C mutex.
    pub fn increment(&self) {
        raw::lab_locked_increment()
    }
    /// Reads the counter under the C mutex.
    pub fn get(&self) -> u64 {
        raw::lab_locked_get()
    }
    /// Sets the counter to 0 under the C mutex.
    pub fn reset(&self) {
        raw::lab_locked_reset()
    }
}

/// A handle to the C library's C11-atomic global counter.
///
/// **`Send + Sync`** (automatically: it holds no data). Every C access to this counter is a C11
/// atomic operation, so concurrent calls cannot lose an increment.
#[derive(Debug, Clone, Copy, Default)]
pub struct AtomicCounter;

impl AtomicCounter {
    /// One C11 atomic fetch-add.
    pub fn increment(&self) {
        raw::lab_atomic_increment()
    }
    /// Relaxed atomic load. Exact once the incrementing threads are joined.
    pub fn get(&self) -> u64 {
        raw::lab_atomic_get()
    }
    /// Relaxed atomic store of 0.
    pub fn reset(&self) {
        raw::lab_atomic_reset()
    }
}

// ANCHOR: increment_r
/// The reentrant increment: C adds one to state that the caller owns.
///
/// `&mut u64` is the whole thread-safety argument: the borrow checker guarantees that no one
/// else can read or write `state` during the call, so threads that each own a counter can call
/// this at the same time without any lock.
pub fn increment_r(state: &mut u64) {
    // SAFETY: `state` is a valid, aligned, exclusive reference for the whole call.
    unsafe { raw::lab_increment_r(state) }
}
// ANCHOR_END: increment_r

// ANCHOR: rendezvous
/// Waits inside C until `parties` callers are inside at the same moment (`true`), or until
/// `timeout` passes (`false`). Evidence without timing that calls into C run in parallel: two
/// Rust threads always meet here, because nothing in Rust serializes calls into C.
pub fn rendezvous(parties: u32, timeout: std::time::Duration) -> bool {
    let ms = u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX);
    raw::lab_rendezvous(parties, ms) == 1
}
// ANCHOR_END: rendezvous

/// The C library's files in `c_src/` (the same lists `build.rs` compiles).
pub mod c_sources {
    include!("../c_sources.rs");
}

/// `liblab.so`: the library sources (not the fault ones) linked as a shared library by this
/// crate's build script, for Python's `ctypes.CDLL` and `PyDLL`. Built with the same compiler,
/// never sanitized.
pub const SHARED_LIB: &str = env!("LAB_SHARED_LIB");

/// Where this crate's C sources live (for tests and tools that build the C drivers).
pub fn c_src_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../c_src")
}

pub mod article;
pub mod fault;
pub mod pages;
pub mod shm;
pub mod stores;
