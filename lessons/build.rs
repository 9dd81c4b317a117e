//! The one build script of every lesson (each lesson's Cargo.toml: `build = "../build.rs"`):
//! chooses which file is compiled as the lesson's exercise.
//!
//! - `LAB_VARIANT` unset (or empty): nothing to do. The lesson's `real.rs`/`model.rs` (or
//!   `lib.rs`) declare `pub mod exercise;` on the student's own `src/exercise.rs`.
//! - `LAB_VARIANT=<variant>` (`solution`, `shipped` or a fixture `wrong-*` of this lesson in
//!   `lessons/lessons.toml`): this script writes `$OUT_DIR/exercise.rs`, a module declaration
//!   with `#[path = "<that file>"]`, and sets `cfg(lab_variant)`, under which the lesson
//!   `include!`s that declaration instead. Nothing is copied, compile errors point at the real
//!   file, and a lesson that compiles its exercise twice (real threads and loom) still does.
//!
//! An unknown variant is refused with the list of this lesson's variants. The table is read by
//! the same code as `cargo lab`'s: the `lesson-table` crate, a build-dependency of every lesson.

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-env-changed={}", lesson_table::VARIANT_ENV);
    println!("cargo::rustc-check-cfg=cfg(lab_variant)");
    let Some(variant) = std::env::var(lesson_table::VARIANT_ENV)
        .ok()
        .filter(|v| !v.is_empty())
    else {
        // The student's src/exercise.rs: the table is not read, so editing it rebuilds nothing.
        return;
    };
    let root = lesson_table::workspace_root();
    println!(
        "cargo::rerun-if-changed={}",
        root.join(lesson_table::TABLE).display()
    );
    if let Err(why) = choose(&root, &variant) {
        // `cargo::error` fails the build with this message, without a panic's noise; it takes
        // one line, and a TOML error has several (the line, a caret, the reason).
        for line in why.lines() {
            println!("cargo::error={line}");
        }
    }
}

/// Writes the module declaration for `variant` and turns on `cfg(lab_variant)`.
fn choose(root: &Path, variant: &str) -> Result<(), String> {
    let package = std::env::var("CARGO_PKG_NAME").expect("cargo sets it");
    let env = lesson_table::VARIANT_ENV;
    let table = lesson_table::load(&root.join(lesson_table::TABLE))
        .map_err(|e| format!("{env}={variant}: cannot read {}: {e}", lesson_table::TABLE))?;
    let lesson = table.iter().find(|l| l.name == package).ok_or_else(|| {
        format!(
            "{env}={variant}: `{package}` is not a lesson in {}",
            lesson_table::TABLE
        )
    })?;
    let chosen = lesson.variant(variant).ok_or_else(|| {
        format!(
            "{env}={variant}: lesson `{package}` has no variant `{variant}`; its variants: {} \
             (unset {env} to test src/exercise.rs)",
            lesson.variant_names()
        )
    })?;
    let file = root.join(&lesson.dir).join(&chosen.file);
    if !file.is_file() {
        return Err(format!(
            "{env}={variant}: {}/{} is missing",
            lesson.dir, chosen.file
        ));
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    let declaration = format!(
        "// Written by lessons/build.rs for {env}={variant}: this file, not src/exercise.rs,\n\
         // is the exercise.\n\
         #[path = {path:?}]\n\
         #[allow(\n    \
             clippy::duplicate_mod,\n    \
             reason = \"the same exercise, compiled once with std and once with loom\"\n\
         )]\n\
         pub mod exercise;\n",
        path = file.to_string_lossy(),
    );
    std::fs::write(out.join("exercise.rs"), declaration)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("cargo::rustc-cfg=lab_variant");
    println!(
        "cargo::warning={env}={variant}: testing {} in place of src/exercise.rs",
        chosen.file
    );
    Ok(())
}
