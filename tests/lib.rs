//! Shared helpers for the workspace-level tests.

#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

/// The problems of a book check, one per line, each under `mdbook/src/`, for an assertion
/// message.
pub fn report<T: std::fmt::Display>(problems: &[T]) -> String {
    problems
        .iter()
        .map(|p| format!("  - mdbook/src/{p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A throw-away book whose claims ledger is one fragment, `ledger/x.md`, holding `rows`: for
/// showing that the ledger check rejects what it must. Returns the directory (removed when
/// dropped) and its `src/`.
pub fn book_with_ledger_rows(rows: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("ledger")).expect("mkdir");
    write(
        &src.join("claims.md"),
        "| ID | claim | witnesses | rerun |\n| --- | --- | --- | --- |\n{{#include ledger/x.md}}\n",
    );
    write(&src.join("ledger/x.md"), rows);
    (dir, src)
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}
