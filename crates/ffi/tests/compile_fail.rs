//! The compiler as a witness: safe code that would race does not compile.
//! Snapshots (`tests/compile_fail/*.stderr`) depend on the pinned toolchain
//! (`rust-toolchain.toml`); refresh them with `TRYBUILD=overwrite cargo test -p ffi --test compile_fail`.

#[test]
fn unsound_sharing_is_rejected_by_the_compiler() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
}
