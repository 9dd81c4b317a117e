//! Dependencies point one way, down the lesson path: `ffi` and the kernels' harness ← the
//! kernels and the processes ← the kernel registry ← the lessons ← the student's runner ← the
//! maintainers' tools ← these tests. No workspace crate depends on a crate later in that path, not even as a
//! dev- or build-dependency, and every crate has a declared place in it.
//!
//! The path is stated once, in [`LAYERS`]; `cargo metadata` says what each crate really uses.

use std::collections::BTreeMap;

use cargo_metadata::{Metadata, MetadataCommand, Package};

/// The lesson path, lowest layer first. A crate may use crates of lower layers only: not its
/// own layer, not a higher one. The lesson crates (everything under `lessons/`) are one layer,
/// [`LESSONS`], so no lesson leans on another.
const LAYERS: &[&[&str]] = &[
    &["ffi", "lesson-table", "supervisor"],
    &["harness", "isolated", "lab-ext", "distributed"],
    &["racy", "atomic", "sharded"],
    // The Rust-lock variant wraps the racy kernel's handle in a lock.
    &["mutex"],
    &["kernels"],
    &["lesson-support"],
    &[LESSONS],
    &["lab"],
    &["xtask"],
    &["workspace-tests"],
];

/// Stands for every package whose manifest is under `lessons/`.
const LESSONS: &str = "<lessons>";

fn metadata() -> Metadata {
    MetadataCommand::new()
        .manifest_path(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml"))
        .no_deps()
        .exec()
        .expect("cargo metadata runs on the workspace")
}

fn is_lesson(meta: &Metadata, pkg: &Package) -> bool {
    pkg.manifest_path
        .strip_prefix(&meta.workspace_root)
        .is_ok_and(|rel| rel.starts_with("lessons"))
}

/// Each workspace package's layer, or the names of packages with no declared place.
fn layer_of(meta: &Metadata, layers: &[&[&str]]) -> Result<BTreeMap<String, usize>, Vec<String>> {
    let mut found = BTreeMap::new();
    let mut unplaced = Vec::new();
    for pkg in meta.workspace_packages() {
        let key = if is_lesson(meta, pkg) {
            LESSONS
        } else {
            pkg.name.as_str()
        };
        match layers.iter().position(|layer| layer.contains(&key)) {
            Some(i) => {
                found.insert(pkg.name.to_string(), i);
            }
            None => unplaced.push(pkg.name.to_string()),
        }
    }
    if unplaced.is_empty() {
        Ok(found)
    } else {
        Err(unplaced)
    }
}

/// Every dependency (normal, dev or build) from a workspace crate to a workspace crate that is
/// not in a strictly lower layer, as "from -> to (kind)".
fn back_edges(meta: &Metadata, layers: &[&[&str]]) -> Vec<String> {
    let layer = layer_of(meta, layers).unwrap_or_else(|unplaced| {
        panic!("these crates have no place in LAYERS: {unplaced:?}; add each where it belongs")
    });
    let mut bad = Vec::new();
    for pkg in meta.workspace_packages() {
        for dep in &pkg.dependencies {
            let Some(&to) = layer.get(dep.name.as_str()) else {
                continue; // not a workspace crate
            };
            let from = layer[pkg.name.as_str()];
            if to >= from {
                bad.push(format!("{} -> {} ({:?})", pkg.name, dep.name, dep.kind));
            }
        }
    }
    bad
}

#[test]
fn no_crate_depends_on_a_crate_later_in_the_lesson_path() {
    let meta = metadata();
    let bad = back_edges(&meta, LAYERS);
    assert!(
        bad.is_empty(),
        "dependencies must point down the lesson path (see LAYERS); these point back or \
         sideways: {bad:#?}"
    );
}

#[test]
fn every_layer_names_crates_that_exist() {
    let meta = metadata();
    let names: Vec<&str> = meta
        .workspace_packages()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    for name in LAYERS.iter().flat_map(|l| l.iter()) {
        assert!(
            *name == LESSONS || names.contains(name),
            "LAYERS names `{name}`, which is not a workspace crate"
        );
    }
    assert!(
        meta.workspace_packages()
            .iter()
            .any(|p| is_lesson(&meta, p)),
        "the lessons are workspace members"
    );
}

#[test]
fn the_check_sees_a_back_edge() {
    // The same workspace, judged against a path in which the FFI crate's layer comes last:
    // every crate that uses `ffi` now points up, and the check must say so.
    let meta = metadata();
    let (ffi, rest): (Vec<&[&str]>, Vec<&[&str]>) =
        LAYERS.iter().copied().partition(|l| l.contains(&"ffi"));
    let reordered: Vec<&[&str]> = rest.into_iter().chain(ffi).collect();
    let bad = back_edges(&meta, &reordered);
    assert!(
        bad.iter().any(|e| e.starts_with("racy -> ffi")),
        "moving ffi to the top must make racy -> ffi a back edge: {bad:?}"
    );
}
