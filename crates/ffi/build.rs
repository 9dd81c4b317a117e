//! Builds `c_src/` into a static library with the `cc` crate.
//!
//! Warnings are errors (`-Wall -Wextra -Werror`, C11). Set `LAB_SANITIZE=thread` to build the C
//! with ThreadSanitizer and link gcc's `tsan` runtime as a dylib: that is how the lab runs TSan on
//! the real C code from Rust threads on the stable toolchain (use a separate `--target-dir`).
//!
//! It also links the same library sources into `$OUT_DIR/liblab.so`, the shared library Python's
//! `ctypes` loads (the article's own setting), with the same compiler: [`SHARED_LIB`] in the
//! crate names its path. That one is never sanitized.

use std::path::PathBuf;

// LIBRARY_SOURCES, FAULT_SOURCES, HEADERS: the same lists the crate exports.
include!("c_sources.rs");

fn main() {
    let c_src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../c_src");
    for file in LIBRARY_SOURCES.iter().chain(FAULT_SOURCES).chain(HEADERS) {
        println!("cargo:rerun-if-changed={}", c_src.join(file).display());
    }
    println!("cargo:rerun-if-changed=c_sources.rs");
    println!("cargo:rerun-if-env-changed=LAB_SANITIZE");

    let mut build = cc::Build::new();
    build
        .std("c11")
        .include(&c_src)
        .warnings(true)
        .extra_warnings(true)
        .warnings_into_errors(true);
    for file in LIBRARY_SOURCES.iter().chain(FAULT_SOURCES) {
        build.file(c_src.join(file));
    }

    // Python's copy is linked from the same sources and flags, before any sanitizer is added.
    shared_lib(&build, &c_src);

    match std::env::var("LAB_SANITIZE").as_deref() {
        Ok("thread") => {
            build.flag("-fsanitize=thread").flag("-g").opt_level(1);
            // The Rust side is not instrumented; gcc's runtime intercepts pthread_create/join,
            // mutexes and the C code's memory accesses, which is what we need to watch.
            println!("cargo:rustc-link-lib=dylib=tsan");
        }
        Ok("") | Err(_) => {}
        Ok(other) => panic!("LAB_SANITIZE={other:?} is not supported; use LAB_SANITIZE=thread"),
    }
    build.compile("labc");
    println!("cargo:rustc-link-lib=pthread");
    println!("cargo:c_src={}", c_src.display());
}

// ANCHOR: shared_lib
/// Links the library sources into `$OUT_DIR/liblab.so` for `ctypes`, the way a Python user
/// builds the article's library: `cc -O2 -std=c11 -shared -fPIC c_src/*.c -o liblab.so`.
fn shared_lib(build: &cc::Build, c_src: &std::path::Path) {
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let lib = out.join("liblab.so");
    let mut cc = build.get_compiler().to_command();
    cc.args([
        "-O2", "-std=c11", "-shared", "-fPIC", "-Wall", "-Wextra", "-Werror", "-I",
    ])
    .arg(c_src)
    .args(LIBRARY_SOURCES.iter().map(|f| c_src.join(f)))
    .arg("-o")
    .arg(&lib)
    .arg("-lpthread");
    let status = cc
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler for liblab.so: {e}"));
    assert!(
        status.success(),
        "the C compiler could not link {}",
        lib.display()
    );
    println!("cargo:rustc-env=LAB_SHARED_LIB={}", lib.display());
}
// ANCHOR_END: shared_lib
