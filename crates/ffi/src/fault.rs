//! A real crash inside C, for the `isolated` crate's fault tests: a worker process that calls
//! [`segfault_in_c`] dies by SIGSEGV the way a process dies when its C library has a bug.
//!
//! Nothing in the lab calls this outside fault injection, and the worker only honours a fault
//! request when it was started with its test-only environment variable (see `crates/isolated`).

/// Kills the calling process with SIGSEGV raised by a store inside C.
///
/// The C function maps one page with `PROT_NONE` and writes to it, so the kernel delivers
/// SIGSEGV for a pointer that is valid but not writable (not a null-pointer dereference, which
/// would be undefined behaviour the optimizer could rewrite). Rust's own SIGSEGV handler only
/// handles faults in a thread's stack guard page; for any other address it restores the default
/// action and the process is terminated by the signal. If the page cannot even be mapped the
/// process aborts instead, so this never returns.
pub fn segfault_in_c() -> ! {
    // SAFETY: the C function touches only the page it maps itself; the store into that page
    // ends the process with SIGSEGV before any Rust code can observe anything. It takes no
    // arguments and reads no Rust memory.
    unsafe { crate::raw::lab_fault_segv() };
    std::process::abort()
}
