//! Noticing that a student saved a file, through `notify`: the platform's file events (inotify
//! on Linux) when it has them, else `notify`'s own poller, which compares modification times.
//! Both deliver the same events into the same channel, so the runner waits on them one way.
//!
//! A watched folder may be replaced (`mv src ../moved && cp -r ../moved src`, as some tools
//! do): inotify then follows the old folder, wherever it went. So each folder's parent is
//! watched too, not recursively, and when the folder appears there again it is watched anew.
//! Only events inside the watched folders count. The poller needs none of that (it looks at
//! the paths again each time), but while a folder is being replaced it finds it missing, or a
//! file gone between listing the folder and looking at it: it reports "No such file or
//! directory" then, which is part of a change (the removals it also reports), not a failure.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};

/// How often the fallback poller looks at the files.
const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Editors save in bursts (write, rename, chmod): how long a burst may take to settle.
const SETTLE: Duration = Duration::from_millis(200);

/// Blocks until a watched file is created, modified or removed.
pub struct Changes {
    rx: mpsc::Receiver<notify::Result<notify::Event>>,
    /// Kept alive for as long as we wait: dropping a watcher stops its events.
    watcher: Box<dyn Watcher>,
    /// Whether a replaced folder must be watched anew (file events follow the old folder; the
    /// poller follows the path).
    rearms: bool,
    /// The watched folders (as events name them).
    dirs: Vec<PathBuf>,
    how: &'static str,
}

impl std::fmt::Debug for Changes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Changes").field("how", &self.how).finish()
    }
}

impl Changes {
    /// File events if the platform has them (and `poll` is false), else polling.
    pub fn new(dirs: &[PathBuf], poll: bool) -> anyhow::Result<Self> {
        if !poll {
            match Self::with::<RecommendedWatcher>(dirs, notify::Config::default(), "file events") {
                Ok(events) => return Ok(events),
                Err(err) => eprintln!("(no file events here: {err}; polling instead)"),
            }
        }
        Self::polling(dirs, POLL_INTERVAL)
    }

    /// Whether an error from the watcher says only that a path is not there (any more): while
    /// a folder is replaced, or a file saved by renaming, the poller finds it gone between
    /// listing and looking.
    fn is_vanished(err: &notify::Error) -> bool {
        match &err.kind {
            notify::ErrorKind::PathNotFound => true,
            notify::ErrorKind::Io(io) => io.kind() == std::io::ErrorKind::NotFound,
            _ => false,
        }
    }

    /// `notify`'s poller, looking every `interval`.
    pub fn polling(dirs: &[PathBuf], interval: Duration) -> anyhow::Result<Self> {
        let config = notify::Config::default().with_poll_interval(interval);
        let mut changes = Self::with::<PollWatcher>(dirs, config, "polling modification times")?;
        // It looks at the same paths each time: a replaced folder is looked at as it is.
        changes.rearms = false;
        Ok(changes)
    }

    fn with<W: Watcher + 'static>(
        dirs: &[PathBuf],
        config: notify::Config,
        how: &'static str,
    ) -> notify::Result<Self> {
        let (tx, rx) = mpsc::channel();
        let mut watcher = W::new(
            move |ev| {
                let _ = tx.send(ev);
            },
            config,
        )?;
        let dirs: Vec<PathBuf> = dirs
            .iter()
            .map(|d| d.canonicalize().unwrap_or_else(|_| d.clone()))
            .collect();
        for dir in &dirs {
            watcher.watch(dir, RecursiveMode::Recursive)?;
            if let Some(parent) = dir.parent() {
                watcher.watch(parent, RecursiveMode::NonRecursive)?;
            }
        }
        Ok(Changes {
            rx,
            watcher: Box::new(watcher),
            rearms: true,
            dirs,
            how,
        })
    }

    /// True when the event touches a watched folder or something in it. When the event is the
    /// folder itself appearing (again) in its parent, it is watched anew first.
    fn counts(&mut self, ev: &notify::Event) -> bool {
        let mut counts = false;
        for path in &ev.paths {
            let Some(dir) = self.dirs.iter().find(|d| path.starts_with(d)) else {
                continue;
            };
            counts = true;
            if self.rearms
                && path == dir
                && (ev.kind.is_create() || ev.kind.is_modify())
                && dir.is_dir()
            {
                rearm(self.watcher.as_mut(), dir);
            }
        }
        counts
    }

    /// Waits for the next change, then lets the burst it belongs to settle.
    pub fn wait(&mut self) -> anyhow::Result<()> {
        self.next(None).map(|_| ())
    }

    /// Waits up to `limit` (forever when `None`); true when a change came.
    pub fn next(&mut self, limit: Option<Duration>) -> anyhow::Result<bool> {
        // One limit for the whole wait: events that do not count (the poller's "not found"
        // every poll while a folder is gone) must not start it again.
        let deadline = limit.map(|limit| Instant::now() + limit);
        loop {
            let ev = match deadline {
                None => self.rx.recv()?,
                Some(deadline) => match self
                    .rx
                    .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                {
                    Ok(ev) => ev,
                    Err(mpsc::RecvTimeoutError::Timeout) => return Ok(false),
                    Err(e) => return Err(e.into()),
                },
            };
            let ev = match ev {
                Ok(ev) => ev,
                // A folder being replaced: its removal and re-creation come as events.
                Err(err) if Self::is_vanished(&err) => continue,
                Err(err) => return Err(err.into()),
            };
            if (ev.kind.is_modify() || ev.kind.is_create() || ev.kind.is_remove())
                && self.counts(&ev)
            {
                std::thread::sleep(SETTLE);
                while let Ok(ev) = self.rx.try_recv() {
                    // A folder replaced during the burst is re-armed all the same.
                    if let Ok(ev) = ev {
                        self.counts(&ev);
                    }
                }
                return Ok(true);
            }
        }
    }

    /// How it notices changes, for the user.
    pub fn how(&self) -> &'static str {
        self.how
    }
}

/// Watches `dir` anew (recursively): the folder of that name is a new one.
fn rearm(watcher: &mut dyn Watcher, dir: &Path) {
    // The old watch follows the old folder; it may already be gone.
    let _ = watcher.unwatch(dir);
    if let Err(err) = watcher.watch(dir, RecursiveMode::Recursive) {
        eprintln!("(cannot watch {} again: {err})", dir.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::{File, FileTimes};
    use std::path::{Path, PathBuf};
    use std::time::SystemTime;

    /// Far longer than a poll takes: the tests wait for an event, they do not time it.
    const PATIENCE: Option<Duration> = Some(Duration::from_secs(20));
    /// Long enough for several polls: the tests check that no event comes.
    const QUIET: Option<Duration> = Some(Duration::from_millis(300));

    fn touch(path: &Path, secs_ahead: u64) {
        let when = SystemTime::now() + Duration::from_secs(secs_ahead);
        let file = File::options().write(true).open(path).unwrap();
        file.set_times(FileTimes::new().set_modified(when)).unwrap();
    }

    fn poller(dir: &Path) -> Changes {
        Changes::polling(&[dir.to_path_buf()], Duration::from_millis(10)).unwrap()
    }

    #[test]
    fn the_poller_sees_a_saved_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("exercise.rs");
        std::fs::write(&file, "fn main() {}").unwrap();
        let mut changes = poller(dir.path());
        assert!(!changes.next(QUIET).unwrap(), "nothing changed yet");
        touch(&file, 10);
        assert!(
            changes.next(PATIENCE).unwrap(),
            "a new modification time is a change"
        );
        assert!(
            !changes.next(QUIET).unwrap(),
            "the same change is reported once"
        );
    }

    #[test]
    fn the_poller_sees_files_added_and_removed_in_subfolders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let mut changes = poller(dir.path());
        let file = dir.path().join("sub/new.rs");
        std::fs::write(&file, "").unwrap();
        assert!(changes.next(PATIENCE).unwrap(), "a new file is a change");
        std::fs::remove_file(&file).unwrap();
        assert!(
            changes.next(PATIENCE).unwrap(),
            "a removed file is a change"
        );
    }

    #[test]
    fn file_events_see_a_saved_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("exercise.rs");
        std::fs::write(&file, "").unwrap();
        let mut changes = Changes::new(&[dir.path().to_path_buf()], false).unwrap();
        std::fs::write(&file, "fn main() {}").unwrap();
        assert!(changes.next(PATIENCE).unwrap(), "a write is a change");
    }

    #[test]
    fn forcing_the_fallback_gives_the_poller() {
        let dir = tempfile::tempdir().unwrap();
        let changes = Changes::new(&[dir.path().to_path_buf()], true).unwrap();
        assert_eq!(changes.how(), "polling modification times");
    }

    /// `mv src ../moved && cp -r ../moved src`, as some editors and tools do: saves in the
    /// new `src` must still be seen.
    fn replace_then_save(mut changes: Changes, src: &Path, moved: &Path) {
        std::fs::rename(src, moved).unwrap();
        std::fs::create_dir(src).unwrap();
        std::fs::copy(moved.join("exercise.rs"), src.join("exercise.rs")).unwrap();
        // The replacement may itself count as a change: let it pass.
        while changes.next(Some(Duration::from_millis(700))).unwrap() {}
        std::fs::write(src.join("exercise.rs"), "fn main() { /* saved */ }").unwrap();
        // The poller compares modification times in whole seconds: make this one differ.
        touch(&src.join("exercise.rs"), 10);
        assert!(
            changes.next(PATIENCE).unwrap(),
            "a save in the replaced folder was not seen ({})",
            changes.how()
        );
        // And again, to show it stays armed.
        while changes.next(QUIET).unwrap() {}
        std::fs::write(src.join("new.rs"), "").unwrap();
        assert!(
            changes.next(PATIENCE).unwrap(),
            "a second save was not seen"
        );
    }

    fn lesson_folder() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let root = tempfile::tempdir().unwrap();
        let src = root.path().join("lesson/src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("exercise.rs"), "fn main() {}").unwrap();
        let moved = root.path().join("moved");
        (root, src, moved)
    }

    #[test]
    fn file_events_follow_a_replaced_folder() {
        let (_root, src, moved) = lesson_folder();
        let changes = Changes::new(std::slice::from_ref(&src), false).unwrap();
        assert_eq!(changes.how(), "file events");
        replace_then_save(changes, &src, &moved);
    }

    /// The race behind a once-flaky `the_poller_follows_a_replaced_folder`: a poll that came
    /// between `mv src ../moved` and `mkdir src` found no `src`, and its "No such file or
    /// directory" ended the wait with an error. Here the folder stays gone, so every poll
    /// finds it so: a removal is one change, and the errors are neither failures nor changes.
    #[test]
    fn the_poller_waits_on_through_a_folder_that_is_gone() {
        let (_root, src, moved) = lesson_folder();
        let mut changes = poller(&src);
        std::fs::rename(&src, &moved).unwrap();
        assert!(
            changes.next(PATIENCE).unwrap(),
            "the folder's removal is a change"
        );
        assert!(
            !changes.next(QUIET).unwrap(),
            "a folder still gone is no new change, however often a poll finds it missing"
        );
        std::fs::rename(&moved, &src).unwrap();
        assert!(changes.next(PATIENCE).unwrap(), "its return is a change");
    }

    #[test]
    fn the_poller_follows_a_replaced_folder() {
        let (_root, src, moved) = lesson_folder();
        replace_then_save(poller(&src), &src, &moved);
    }
}
