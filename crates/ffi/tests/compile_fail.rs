//! The compiler as a witness: safe code that would race does not compile.
//! Snapshots (`tests/compile_fail/*.stderr`) depend on the pinned toolchain
//! (`rust-toolchain.toml`) and on its `rust-src` component, which puts the standard library's
//! lines into the notes; refresh them with
//! `TRYBUILD=overwrite cargo test -p ffi --test compile_fail`.

use std::path::PathBuf;
use std::process::Command;

/// The snapshots quote the standard library's source, which only `rust-src` provides: without
/// it every snapshot differs, so say what is missing instead of showing those diffs.
fn assert_rust_src_is_installed() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .expect("run rustc --print sysroot");
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let library = sysroot.join("lib/rustlib/src/rust/library/std/src/lib.rs");
    assert!(
        library.exists(),
        "the toolchain has no rust-src ({} is missing), so the compile-fail snapshots cannot \
         match: run `rustup component add rust-src` (rust-toolchain.toml lists it)",
        library.display()
    );
}

#[test]
fn unsound_sharing_is_rejected_by_the_compiler() {
    assert_rust_src_is_installed();
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
}
