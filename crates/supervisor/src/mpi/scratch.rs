//! A run's own scratch folder, and the ranks that carry its mark.
//!
//! OpenMPI writes two kinds of files while a job runs: its session folder (contact files, the
//! PMIx data store; `/tmp/ompi.<host>.<uid>/` by default) and vader's shared-memory segments
//! (`/dev/shm/vader_segment.*`). It removes them when mpirun ends normally, and leaves them
//! when mpirun is killed, which is exactly when the launcher has to. So every run gets a fresh
//! folder ([`Scratch`], `/dev/shm/lab-mpi-*`), both kinds of files go into it
//! (`OMPI_MCA_orte_tmpdir_base`, `OMPI_MCA_btl_vader_backing_directory`), and the folder is
//! removed when the run ends, however it ends: on drop, or by [`remove_scratch`] when a signal
//! ends the program.
//!
//! mpirun starts each rank in a process group of its own, so stopping mpirun's group does not
//! reach them: a rank can outlive a killed mpirun. The folder's path, in every rank's
//! environment as [`RUN_ENV`](super::RUN_ENV), is how [`kill_marked`] finds them.
//!
//! What no code in the launcher can catch is SIGKILL of the launcher itself: its mpirun then
//! runs on until its own `--timeout`, and the folder stays. So a folder's name says whose it is
//! (`lab-mpi-<pid>.<start ticks>-…`, the launcher's pid and when that process started, so a
//! reused pid is not mistaken for it), and every new run first ends the runs whose launcher is
//! gone: it kills the processes that carry their mark and removes their folders
//! ([`sweep_abandoned`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::RUN_ENV;
use crate::procfs;

/// The scratch folders of the runs under way, for [`remove_scratch`] to remove when a signal
/// ends this program (its exit skips the folders' own clean-up).
static SCRATCH: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// One run's scratch folder, in `/dev/shm` (memory, where vader puts its segments by default)
/// when there is one; removed on drop, or by [`remove_scratch`] on a signal.
#[derive(Debug)]
pub(crate) struct Scratch(tempfile::TempDir);

impl Scratch {
    pub(crate) fn new() -> std::io::Result<Scratch> {
        let shm = Path::new("/dev/shm");
        let base = if shm.is_dir() {
            shm.to_path_buf()
        } else {
            std::env::temp_dir()
        };
        sweep_abandoned(&base);
        let dir = tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", owner_of(std::process::id() as i32)))
            .tempdir_in(base)?;
        scratch().push(dir.path().to_path_buf());
        Ok(Scratch(dir))
    }

    pub(crate) fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        scratch().retain(|p| p != self.0.path());
    }
}

/// Every scratch folder's name starts with this.
const PREFIX: &str = "lab-mpi-";

/// How a folder names the launcher it belongs to: `<pid>.<start ticks>`, or just the pid when
/// `/proc` cannot say when it started.
fn owner_of(pid: i32) -> String {
    match procfs::stat(pid) {
        Some(s) => format!("{pid}.{}", s.start_ticks),
        None => pid.to_string(),
    }
}

/// Whether the launcher a folder named `name` belongs to is gone (its pid is not running, or
/// is running a process that started at another time). A name of another shape is not ours to
/// judge, and is kept.
fn abandoned(name: &str) -> bool {
    let Some(owner) = name.strip_prefix(PREFIX).and_then(|r| r.split('-').next()) else {
        return false;
    };
    let Some(pid) = owner.split('.').next().and_then(|p| p.parse::<i32>().ok()) else {
        return false;
    };
    !procfs::is_running(pid) || owner_of(pid) != owner
}

/// Ends the runs in `base` whose launcher was killed: their marked processes, then their
/// folders.
fn sweep_abandoned(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if abandoned(&name) {
            kill_marked(&entry.path().to_string_lossy());
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn scratch() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    SCRATCH.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes the scratch folders of the runs under way: for [`crate::supervise`]'s signal
/// handling, once every group is stopped, just before the program exits.
pub(crate) fn remove_scratch() {
    for dir in scratch().drain(..) {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Kills every process whose environment says it belongs to the run in `dir` ([`RUN_ENV`]),
/// and waits up to a few seconds for them to be gone.
pub(crate) fn kill_marked(dir: &str) {
    let mark = format!("{RUN_ENV}={dir}");
    let marked = || -> Vec<i32> {
        procfs::all()
            .into_iter()
            .filter(|p| p.is_running() && environ(p.pid).contains(&mark))
            .map(|p| p.pid)
            .collect()
    };
    let until = Instant::now() + crate::GRACE;
    loop {
        let left = marked();
        if left.is_empty() || Instant::now() >= until {
            return;
        }
        for pid in left {
            let pid = nix::unistd::Pid::from_raw(pid);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The environment of process `pid` (`/proc/<pid>/environ`), empty when we may not read it.
fn environ(pid: i32) -> Vec<String> {
    std::fs::read(format!("/proc/{pid}/environ"))
        .map(|bytes| {
            bytes
                .split(|b| *b == 0)
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_abandoned_only_when_its_launcher_is_gone() {
        let me = owner_of(std::process::id() as i32);
        assert!(!abandoned(&format!("{PREFIX}{me}-AbC123")), "our own run");
        // pid 1 is running, but no process started at the last tick there is.
        assert!(abandoned(&format!("{PREFIX}1.{}-AbC123", u64::MAX)));
        assert!(
            abandoned(&format!("{PREFIX}{}.5-x", i32::MAX)),
            "no such pid"
        );
        assert!(!abandoned("lab-mpi-notapid-x"), "not a name we wrote");
        assert!(!abandoned("vader_segment.1"), "not ours at all");
    }

    #[test]
    fn a_new_run_removes_the_folder_of_a_killed_launcher_and_keeps_live_ones() {
        let base = tempfile::tempdir().unwrap();
        let dead = base.path().join(format!("{PREFIX}{}.5-gone", i32::MAX));
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join("vader_segment.0"), b"left by a SIGKILL").unwrap();
        let live = base.path().join(format!(
            "{PREFIX}{}-live",
            owner_of(std::process::id() as i32)
        ));
        std::fs::create_dir(&live).unwrap();
        sweep_abandoned(base.path());
        assert!(!dead.exists(), "the killed launcher's folder is gone");
        assert!(live.exists(), "a running launcher's folder is kept");
    }
}
