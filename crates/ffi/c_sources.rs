// The C library's files in `c_src/`: the one list, shared by `build.rs` (through `include!`) and
// by the crate (`ffi::c_sources::LIBRARY_SOURCES`, for the sanitizer driver and the Python shared library).
// Drivers (`driver_*.c`) have their own `main` and are built by the tests that run them.

/// The library proper: the article's functions, the counters, the rendezvous.
pub const LIBRARY_SOURCES: &[&str] = &["arith.c", "array.c", "counter.c", "rendezvous.c"];

/// Linked into the Rust build only: a real SIGSEGV in C for the process pool's fault tests.
pub const FAULT_SOURCES: &[&str] = &["fault.c"];

/// Every header, for rebuilds when one changes.
pub const HEADERS: &[&str] = &["arith.h", "array.h", "counter.h", "fault.h", "rendezvous.h"];
