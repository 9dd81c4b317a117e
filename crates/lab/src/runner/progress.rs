//! Which lessons a student has passed, keyed by stable lesson name, in a small JSON file
//! (`.lab-progress.json` at the workspace root, git-ignored; `LAB_PROGRESS` overrides the path).

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Context;
use serde::{Deserialize, Serialize};

/// The saved progress.
#[derive(Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Progress {
    /// Names of the lessons whose exercise passed its tests.
    pub done: BTreeSet<String>,
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
        let path = path();
        match std::fs::read_to_string(&path) {
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

    /// Saves progress (write to a temporary file, then rename: never half-written).
    pub fn save(&self) -> anyhow::Result<()> {
        let path = path();
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_string_pretty(self)?)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Records a lesson as passed or not.
    pub fn set(&mut self, lesson: &str, done: bool) {
        if done {
            self.done.insert(lesson.to_string());
        } else {
            self.done.remove(lesson);
        }
    }

    /// True when the lesson has passed.
    pub fn is_done(&self, lesson: &str) -> bool {
        self.done.contains(lesson)
    }
}
