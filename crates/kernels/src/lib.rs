//! # `kernels`: the one list of counter kernels
//!
//! Each kernel crate (`racy`, `mutex`, `atomic`, `sharded`) exports its kernels as
//! [`harness::Kernel`] consts: a name, one line on how the threads reach the counter, whether the
//! total must be exact, and the entry point. Every tool that runs *all* of them takes them from
//! here, so the list is written once:
//!
//! - [`ALL`]: every kernel, in the order the book tells them (`cargo lab demo`, the suite's
//!   counters comparison, the agreement test, this crate's criterion benchmark);
//! - [`find`]: a kernel by its name (the ThreadSanitizer example's command line);
//! - [`tsan_can_judge`]: whether ThreadSanitizer sees every synchronization a kernel uses (the
//!   ThreadSanitizer example runs only those).
//!
//! Whether a kernel is sound is its own `exact` field: `false` for `racy` only.
//!
//! Dependencies point one way: `ffi` and `harness` ← the kernel crates ← `kernels` ← the demo
//! (`lab`), the suite (`xtask`) and the workspace tests. `harness` depends on no kernel.

#![forbid(unsafe_code)]

pub use harness::Kernel;

// ANCHOR: kernels
/// Every counter kernel, in the order the book tells them.
pub const ALL: [Kernel; 6] = [
    racy::KERNEL,
    mutex::C_KERNEL,
    mutex::RUST_KERNEL,
    atomic::KERNEL,
    sharded::KERNEL,
    sharded::UNPADDED_KERNEL,
];
// ANCHOR_END: kernels

/// The kernel called `name` (`racy`, `mutex-c`, ...), if there is one.
pub fn find(name: &str) -> Option<&'static Kernel> {
    ALL.iter().find(|k| k.name == name)
}

/// Whether ThreadSanitizer can judge `kernel` when it runs from Rust threads: TSan must see every
/// synchronization the kernel relies on, or it reports a correct program as racy.
///
/// All but `mutex-rust`: its lock is `parking_lot`'s, which parks threads with raw futex calls
/// that TSan (gcc's runtime, the Rust side uninstrumented) cannot see. loom checks that kernel.
pub fn tsan_can_judge(kernel: &Kernel) -> bool {
    kernel.name != mutex::RUST_KERNEL.name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kernel_has_its_own_name_and_is_found_by_it() {
        for (i, kernel) in ALL.iter().enumerate() {
            assert!(
                ALL[..i].iter().all(|k| k.name != kernel.name),
                "{} is listed twice",
                kernel.name
            );
            assert_eq!(find(kernel.name).map(|k| k.name), Some(kernel.name));
        }
        assert!(find("no-such-kernel").is_none());
    }

    #[test]
    fn only_the_racy_kernel_is_inexact() {
        let inexact: Vec<&str> = ALL.iter().filter(|k| !k.exact).map(|k| k.name).collect();
        assert_eq!(inexact, ["racy"]);
    }

    #[test]
    fn tsan_judges_every_kernel_but_the_rust_lock() {
        let blind: Vec<&str> = ALL
            .iter()
            .filter(|k| !tsan_can_judge(k))
            .map(|k| k.name)
            .collect();
        assert_eq!(blind, ["mutex-rust"]);
    }
}
