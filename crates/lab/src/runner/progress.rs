//! Which lessons a student has passed, and how many of each lesson's hints they have seen,
//! keyed by stable lesson name, in a small JSON file (`.lab-progress.json` at the workspace
//! root, git-ignored; `LAB_PROGRESS` overrides the path). A file written before hints had tiers
//! (`{"done": [..]}` alone) reads as no hint seen.
//! Runners that record at once are serialised by a lock file beside it
//! ([`Progress::update_at`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

/// The saved progress.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Progress {
    /// Names of the lessons whose exercise passed its tests.
    pub done: BTreeSet<String>,
    /// How many hint tiers `cargo lab hint` has shown, per lesson (absent: none).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hints_seen: BTreeMap<String, usize>,
}

/// The lock file beside the progress file: `<path>.lock`. It stays (removing a lock file while
/// another runner waits on it would let a third one take a new lock beside the old).
pub fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// Where progress is kept.
pub fn path() -> PathBuf {
    std::env::var_os("LAB_PROGRESS")
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace_root().join(".lab-progress.json"))
}

impl Progress {
    /// Loads progress; a missing file is no progress, a corrupt one is an error that says so.
    pub fn load() -> anyhow::Result<Self> {
        Self::load_from(&path())
    }

    /// [`Progress::load`] from `path`.
    pub fn load_from(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).with_context(|| {
                format!(
                    "{} is not valid progress: delete it to start over",
                    path.display()
                )
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Changes the progress at `path` and saves it, safe against other runners doing the same
    /// at once (`cargo lab check a & cargo lab check b`): under an exclusive lock on
    /// `<path>.lock` (`flock`, released when the file closes, even if we crash), it re-reads
    /// the file, applies `change`, writes a uniquely named temporary file beside it and renames
    /// that over it, so a reader never sees half a file. A corrupt file, or a `change` that
    /// fails, writes nothing. Returns the progress as saved.
    pub fn update_at<T>(
        path: &Path,
        change: impl FnOnce(&mut Progress) -> anyhow::Result<T>,
    ) -> anyhow::Result<(Progress, T)> {
        let lock_path = lock_path(path);
        let lock = std::fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("cannot open {}", lock_path.display()))?;
        lock.lock()
            .with_context(|| format!("cannot lock {}", lock_path.display()))?;
        let mut progress = Self::load_from(path)?;
        let made = change(&mut progress)?;
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".lab-progress-")
            .suffix(".tmp")
            // As `std::fs::write` would create it (tempfile's default is owner-only).
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644))
            .tempfile_in(dir)
            .with_context(|| format!("cannot write in {}", dir.display()))?;
        std::io::Write::write_all(
            &mut tmp,
            serde_json::to_string_pretty(&progress)?.as_bytes(),
        )
        .with_context(|| format!("cannot write {}", tmp.path().display()))?;
        tmp.persist(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        drop(lock);
        Ok((progress, made))
    }

    /// Records `lesson` as passed or not in the progress file ([`Progress::update_at`]).
    pub fn record(lesson: &str, done: bool) -> anyhow::Result<Progress> {
        Self::update_at(&path(), |p| {
            p.set(lesson, done);
            Ok(())
        })
        .map(|(progress, ())| progress)
    }

    /// Records a lesson as passed or not.
    pub fn set(&mut self, lesson: &str, done: bool) {
        if done {
            self.done.insert(lesson.to_string());
        } else {
            self.done.remove(lesson);
        }
    }

    /// How many of `lesson`'s hints have been shown.
    pub fn hints_seen(&self, lesson: &str) -> usize {
        self.hints_seen.get(lesson).copied().unwrap_or(0)
    }

    /// Records that `lesson`'s first `seen` hints have been shown (never fewer than before).
    pub fn saw_hints(&mut self, lesson: &str, seen: usize) {
        let entry = self.hints_seen.entry(lesson.to_string()).or_default();
        *entry = (*entry).max(seen);
    }

    /// True when the lesson has passed.
    pub fn is_done(&self, lesson: &str) -> bool {
        self.done.contains(lesson)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Eight runners record eight lessons at once (as `cargo lab check a & cargo lab check b`
    /// do): every one is kept.
    #[test]
    fn runners_recording_at_once_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.json");
        for round in 0..5 {
            std::fs::write(&path, r#"{"done": []}"#).unwrap();
            let lessons: Vec<String> = (0..8).map(|i| format!("lesson-{i}")).collect();
            let errors: Vec<String> = std::thread::scope(|s| {
                let runners: Vec<_> = lessons
                    .iter()
                    .map(|l| {
                        s.spawn(|| {
                            Progress::update_at(&path, |p| {
                                p.set(l, true);
                                Ok(())
                            })
                        })
                    })
                    .collect();
                runners
                    .into_iter()
                    .filter_map(|r| r.join().unwrap().err().map(|e| format!("{e:#}")))
                    .collect()
            });
            assert!(errors.is_empty(), "round {round}: {errors:?}");
            let saved = Progress::load_from(&path).unwrap();
            let missing: Vec<&String> = lessons.iter().filter(|l| !saved.is_done(l)).collect();
            assert!(missing.is_empty(), "round {round}: lost {missing:?}");
        }
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != "progress.json" && n != "progress.json.lock")
            .collect();
        assert!(left.is_empty(), "temporary files left behind: {left:?}");
    }

    #[test]
    fn hints_seen_are_kept_beside_the_lessons_done() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.json");
        // A file from before hints had tiers.
        std::fs::write(&path, r#"{"done": ["a"]}"#).unwrap();
        let old = Progress::load_from(&path).unwrap();
        assert!(old.is_done("a"));
        assert_eq!(old.hints_seen("a"), 0);
        Progress::update_at(&path, |p| {
            p.saw_hints("b", 2);
            p.saw_hints("b", 1);
            Ok(())
        })
        .unwrap();
        let saved = Progress::load_from(&path).unwrap();
        assert_eq!(saved.hints_seen("b"), 2, "a count never goes back");
        assert!(saved.is_done("a"));
    }

    #[test]
    fn a_failed_change_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.json");
        std::fs::write(&path, r#"{"done": ["a"]}"#).unwrap();
        let err = Progress::update_at(&path, |p| -> anyhow::Result<()> {
            p.set("a", false);
            anyhow::bail!("no")
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "no");
        assert!(Progress::load_from(&path).unwrap().is_done("a"));
        std::fs::write(&path, "{not json").unwrap();
        let mut ran = false;
        assert!(
            Progress::update_at(&path, |_| {
                ran = true;
                Ok(())
            })
            .is_err()
        );
        assert!(!ran, "a corrupt file is refused before anything is changed");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{not json");
    }
}
