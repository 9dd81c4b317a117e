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
        let dir = tempfile::Builder::new()
            .prefix("lab-mpi-")
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
