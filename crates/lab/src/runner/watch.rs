//! Noticing that a student saved a file: file-system events through `notify` when the
//! platform has them, else a poller that compares modification times.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use notify::{RecursiveMode, Watcher};

/// Something that blocks until a watched file changes.
pub trait Changes {
    /// Waits for the next change.
    fn wait(&mut self) -> anyhow::Result<()>;
    /// How it notices changes, for the user.
    fn how(&self) -> &'static str;
}

/// File events from the operating system (inotify on Linux).
pub struct Events {
    rx: mpsc::Receiver<notify::Result<notify::Event>>,
    _watcher: notify::RecommendedWatcher,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Events")
    }
}

impl Events {
    /// Watches `dirs` recursively; fails when the platform offers no file events.
    pub fn new(dirs: &[PathBuf]) -> notify::Result<Self> {
        let (tx, rx) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |ev| {
            let _ = tx.send(ev);
        })?;
        for dir in dirs {
            watcher.watch(dir, RecursiveMode::Recursive)?;
        }
        Ok(Events {
            rx,
            _watcher: watcher,
        })
    }
}

impl Changes for Events {
    fn wait(&mut self) -> anyhow::Result<()> {
        loop {
            let ev = self.rx.recv()??;
            if ev.kind.is_modify() || ev.kind.is_create() || ev.kind.is_remove() {
                // Editors save in bursts (write, rename, chmod): let the burst settle.
                std::thread::sleep(Duration::from_millis(200));
                while self.rx.try_recv().is_ok() {}
                return Ok(());
            }
        }
    }
    fn how(&self) -> &'static str {
        "file events"
    }
}

/// The fallback: looks at every file's modification time every `interval`.
#[derive(Debug)]
pub struct Poller {
    dirs: Vec<PathBuf>,
    seen: Vec<(PathBuf, Option<SystemTime>)>,
    interval: Duration,
}

impl Poller {
    /// Remembers the current state of every file under `dirs`.
    pub fn new(dirs: &[PathBuf], interval: Duration) -> Self {
        let dirs = dirs.to_vec();
        let seen = snapshot(&dirs);
        Poller {
            dirs,
            seen,
            interval,
        }
    }

    /// True when a file was added, removed or modified since the last call (or `new`).
    pub fn changed(&mut self) -> bool {
        let now = snapshot(&self.dirs);
        let changed = now != self.seen;
        self.seen = now;
        changed
    }
}

impl Changes for Poller {
    fn wait(&mut self) -> anyhow::Result<()> {
        while !self.changed() {
            std::thread::sleep(self.interval);
        }
        Ok(())
    }
    fn how(&self) -> &'static str {
        "polling modification times"
    }
}

fn snapshot(dirs: &[PathBuf]) -> Vec<(PathBuf, Option<SystemTime>)> {
    let mut files = Vec::new();
    for dir in dirs {
        walk(dir, &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let t = std::fs::metadata(&p).and_then(|m| m.modified()).ok();
            (p, t)
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// File events if the platform has them (and `poll` is false), else the poller.
pub fn changes(dirs: &[PathBuf], poll: bool) -> Box<dyn Changes> {
    if !poll {
        match Events::new(dirs) {
            Ok(events) => return Box::new(events),
            Err(err) => eprintln!("(no file events here: {err}; polling instead)"),
        }
    }
    Box::new(Poller::new(dirs, Duration::from_millis(500)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::{File, FileTimes};

    fn touch(path: &Path, secs_ahead: u64) {
        let when = SystemTime::now() + Duration::from_secs(secs_ahead);
        let file = File::options().write(true).open(path).unwrap();
        file.set_times(FileTimes::new().set_modified(when)).unwrap();
    }

    #[test]
    fn the_poller_sees_a_saved_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("exercise.rs");
        std::fs::write(&file, "fn main() {}").unwrap();
        let mut poller = Poller::new(&[dir.path().to_path_buf()], Duration::from_millis(10));
        assert!(!poller.changed(), "nothing changed yet");
        touch(&file, 10);
        assert!(poller.changed(), "a new modification time is a change");
        assert!(!poller.changed(), "the same change is reported once");
    }

    #[test]
    fn the_poller_sees_files_added_and_removed_in_subfolders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let mut poller = Poller::new(&[dir.path().to_path_buf()], Duration::from_millis(10));
        let file = dir.path().join("sub/new.rs");
        std::fs::write(&file, "").unwrap();
        assert!(poller.changed(), "a new file is a change");
        std::fs::remove_file(&file).unwrap();
        assert!(poller.changed(), "a removed file is a change");
    }

    #[test]
    fn the_poller_wait_returns_after_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("exercise.rs");
        std::fs::write(&file, "").unwrap();
        let mut poller = Poller::new(&[dir.path().to_path_buf()], Duration::from_millis(10));
        let writer = {
            let file = file.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                touch(&file, 20);
            })
        };
        poller.wait().unwrap();
        writer.join().unwrap();
    }

    #[test]
    fn forcing_the_fallback_gives_the_poller() {
        let dir = tempfile::tempdir().unwrap();
        let changes = changes(&[dir.path().to_path_buf()], true);
        assert_eq!(changes.how(), "polling modification times");
    }
}
