//! `unsafe` lives in `crates/ffi`: the C binding (`ffi`) and, under it, the Python binding
//! (`lab-ext`, whose one `buffers` module lends Python's arrays to C). The racy kernel is the one
//! other place, where the unsoundness is the lesson. Every other crate forbids it at its root, so the compiler keeps it out: each
//! library and binary of every other workspace package starts with `#![forbid(unsafe_code)]`.

use cargo_metadata::MetadataCommand;

/// The packages allowed to contain `unsafe`.
const MAY_USE_UNSAFE: &[&str] = &["ffi", "lab-ext", "racy"];

/// Target kinds whose root file is the crate's code (tests and benches are not).
const CODE_KINDS: &[&str] = &["lib", "bin"];

#[test]
fn every_crate_but_ffi_and_racy_forbids_unsafe_code() {
    let meta = MetadataCommand::new()
        .manifest_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml"))
        .no_deps()
        .exec()
        .expect("cargo metadata runs on the workspace");
    let mut missing = Vec::new();
    let mut checked = 0;
    for pkg in meta.workspace_packages() {
        if MAY_USE_UNSAFE.contains(&pkg.name.as_str()) {
            continue;
        }
        for target in &pkg.targets {
            if !target
                .kind
                .iter()
                .any(|k| CODE_KINDS.contains(&k.to_string().as_str()))
            {
                continue;
            }
            let text = std::fs::read_to_string(&target.src_path)
                .unwrap_or_else(|e| panic!("{}: {e}", target.src_path));
            checked += 1;
            if !text.contains("#![forbid(unsafe_code)]") {
                missing.push(format!("{} ({})", pkg.name, target.src_path));
            }
        }
    }
    assert!(checked > 10, "only {checked} crate roots were found");
    assert!(
        missing.is_empty(),
        "these crate roots do not say #![forbid(unsafe_code)]: {missing:#?}"
    );
}
