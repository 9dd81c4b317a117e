//! AddressSanitizer + UndefinedBehaviorSanitizer on the real C library.
//!
//! Builds `c_src/driver_sanitize.c` with the library sources and
//! `-fsanitize=address,undefined -fno-sanitize-recover=all`, then runs it:
//! every function must run clean, and UBSan must catch the article's `square(46341)`.
//! Run: `cargo test -p ffi --test sanitizers`. (ThreadSanitizer: `cargo xtask tsan`.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn compiler() -> String {
    std::env::var("CC").unwrap_or_else(|_| "cc".into())
}

/// Compiles the driver with ASan + UBSan into `dir`; panics with the compiler's output on error.
fn build_driver(dir: &Path) -> PathBuf {
    let c_src = ffi::c_src_dir();
    let exe = dir.join("driver_sanitize");
    let out = Command::new(compiler())
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-O1", "-g"])
        .args(["-fsanitize=address,undefined", "-fno-sanitize-recover=all"])
        .args(["-fno-omit-frame-pointer"])
        .arg("-I")
        .arg(&c_src)
        .arg(c_src.join("driver_sanitize.c"))
        .args(
            ffi::c_sources::LIBRARY_SOURCES
                .iter()
                .map(|f| c_src.join(f)),
        )
        .arg("-pthread")
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("a C compiler (`cc` or $CC) is needed: the cc crate needs it too");
    assert!(
        out.status.success(),
        "building the sanitizer driver failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

fn run(exe: &Path, args: &[&str]) -> Output {
    Command::new(exe)
        .args(args)
        // Leak checking needs ptrace-free execution; keep it on, and make reports fatal.
        .env(
            "ASAN_OPTIONS",
            "abort_on_error=0:halt_on_error=1:detect_leaks=1",
        )
        .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        .output()
        .expect("the driver was just built")
}

#[test]
fn every_c_function_runs_clean_under_asan_and_ubsan() {
    let dir = tempfile::tempdir().unwrap();
    let exe = build_driver(dir.path());
    let out = run(&exe, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "driver failed: {}\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains("driver: all C functions checked"),
        "{stdout}"
    );
    assert!(
        !stderr.contains("runtime error"),
        "UBSan reported:\n{stderr}"
    );
    assert!(
        !stderr.contains("Sanitizer"),
        "a sanitizer reported:\n{stderr}"
    );
}

// ANCHOR: ubsan_overflow
#[test]
fn ubsan_reports_the_c_square_overflowing_at_46341() {
    let dir = tempfile::tempdir().unwrap();
    let exe = build_driver(dir.path());
    let out = run(&exe, &["overflow"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "UBSan must stop the driver");
    assert!(
        stderr
            .contains("signed integer overflow: 46341 * 46341 cannot be represented in type 'int'"),
        "expected UBSan's overflow report, got:\n{stderr}"
    );
}
// ANCHOR_END: ubsan_overflow
