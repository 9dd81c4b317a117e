//! Where the runner keeps its own files: under `target/lab/` of the workspace, beside the build
//! (git-ignored, and `cargo clean` is the one way to remove both). `last-check/` holds each
//! check's untrimmed output, since the student's report is trimmed; `backups/` holds every file
//! `cargo lab reset` overwrote, so a reset never loses a student's work.

use std::path::{Path, PathBuf};

/// `target/lab/` of the workspace.
pub fn lab_dir() -> PathBuf {
    crate::workspace_root().join("target/lab")
}

/// The log of the last check of `lesson` (with `variant`, when one was checked).
pub fn log_file(lesson: &str, variant: Option<&str>) -> PathBuf {
    let name = match variant {
        Some(v) => format!("{lesson}-{v}.log"),
        None => format!("{lesson}.log"),
    };
    lab_dir().join("last-check").join(name)
}

/// The folder of reset's backups.
pub fn backups() -> PathBuf {
    lab_dir().join("backups")
}

/// A new backup file for `lesson` in `dir`, named after the time (UTC):
/// `<lesson>-20261202T071233Z.rs`, with `-2`, `-3`, ... when that name is taken (two resets
/// in one second).
pub fn new_backup(dir: &Path, lesson: &str, now: jiff::Timestamp) -> PathBuf {
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let mut path = dir.join(format!("{lesson}-{stamp}.rs"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{lesson}-{stamp}-{n}.rs"));
        n += 1;
    }
    path
}

/// `path` relative to the workspace root when it is inside it (shorter to read, and what a
/// student can paste from the root).
pub fn shown(path: &Path) -> String {
    let root = crate::workspace_root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_are_named_by_time_and_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let now: jiff::Timestamp = "2026-12-02T07:12:33Z".parse().unwrap();
        let first = new_backup(dir.path(), "locks", now);
        assert_eq!(first, dir.path().join("locks-20261202T071233Z.rs"));
        std::fs::write(&first, "").unwrap();
        let second = new_backup(dir.path(), "locks", now);
        assert_eq!(second, dir.path().join("locks-20261202T071233Z-2.rs"));
    }

    #[test]
    fn paths_are_shown_from_the_workspace_root() {
        assert_eq!(
            shown(&log_file("locks", None)),
            "target/lab/last-check/locks.log"
        );
        assert_eq!(
            shown(&log_file("locks", Some("wrong-deadlock"))),
            "target/lab/last-check/locks-wrong-deadlock.log"
        );
        assert_eq!(shown(Path::new("/elsewhere/x")), "/elsewhere/x");
    }
}
