//! `cargo xtask leftovers`, the last step of `cargo xtask test-all`: fails if the run left
//! anything behind. Looked for, in `/proc` and `/dev/shm`:
//!
//! - a process running an executable of this workspace's target directory (a test binary in
//!   `target/**/deps/`, a `lab-worker`, a `lab-mpi` rank, a `lab` or `xtask`), other than this
//!   one and its ancestors (test-all itself), or an `mpirun` started on one;
//! - a file or folder in `/dev/shm` named as in [`SHM_PREFIXES`]: the shared memory of
//!   `isolated`, the MPI launcher's scratch folders, OpenMPI's own shared-memory segments.
//!
//! Only what started after the run began counts, so a developer's own `cargo lab demo`, running
//! since before, is not a leftover: "the run" began when this step's parent (test-all) started.
//! Processes of other clones (other target directories) are not looked at; a `lab-shm-*` file
//! written by another clone's run at the same time would be counted.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};
use clap::Args;

use lab::Table;
use supervisor::procfs::{self, Stat};

/// Options for `cargo xtask leftovers`.
#[derive(Debug, Args)]
pub struct LeftoversArgs {
    /// Count only what started after this process did (default: this program's parent).
    #[arg(long)]
    pub since_pid: Option<i32>,
}

/// What the lab's runs put in `/dev/shm`: `isolated`'s shared arrays, `supervisor::mpi`'s
/// per-run scratch folders, and the segments OpenMPI's vader writes when a run bypasses the
/// launcher's folder.
pub const SHM_PREFIXES: &[&str] = &["lab-shm-", "lab-mpi-", "vader_segment."];

/// Clock ticks per second of `/proc/<pid>/stat`'s start time: Linux's `USER_HZ`, 100 on every
/// architecture the lab runs on.
const TICKS_PER_SECOND: u64 = 100;

/// How long leftovers may take to go away by themselves (a group being stopped right now).
const SETTLE: Duration = Duration::from_secs(10);

/// What a run left behind.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Leftovers {
    /// Processes: pid, executable.
    pub processes: Vec<(i32, PathBuf)>,
    /// Files and folders in `/dev/shm` named as in [`SHM_PREFIXES`].
    pub files: Vec<PathBuf>,
}

impl Leftovers {
    /// True when nothing was left.
    pub fn is_empty(&self) -> bool {
        self.processes.is_empty() && self.files.is_empty()
    }
}

/// Where to look, and since when.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Executables under this directory are the workspace's.
    pub target: PathBuf,
    /// Processes started before this (clock ticks since boot) are not the run's.
    pub since_ticks: u64,
    /// The shared-memory directory (`/dev/shm`).
    pub shm: PathBuf,
    /// Files last written before this are not the run's.
    pub since: SystemTime,
    /// Processes never counted: this one and its ancestors.
    pub spare: Vec<i32>,
}

/// Looks once.
pub fn find(scope: &Scope) -> Leftovers {
    let processes = procfs::all()
        .into_iter()
        .filter(|p| p.is_running() && p.start_ticks >= scope.since_ticks)
        .filter(|p| !scope.spare.contains(&p.pid))
        .filter_map(|p| {
            let exe = p.exe()?;
            let ours = exe.starts_with(&scope.target) || runs_ours(&p, &scope.target);
            ours.then_some((p.pid, exe))
        })
        .collect();
    let files = std::fs::read_dir(&scope.shm)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    SHM_PREFIXES.iter().any(|p| name.starts_with(p))
                })
                .filter(|e| {
                    e.metadata()
                        .and_then(|m| m.modified())
                        .is_ok_and(|t| t >= scope.since)
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    Leftovers { processes, files }
}

/// An `mpirun` whose command line runs a program of the target directory (`lab-mpi`).
fn runs_ours(p: &Stat, target: &std::path::Path) -> bool {
    matches!(p.comm.as_str(), "mpirun" | "orterun" | "mpiexec")
        && p.cmdline()
            .iter()
            .any(|a| std::path::Path::new(a).starts_with(target))
}

/// This process and its ancestors, up to init.
fn me_and_ancestors() -> Vec<i32> {
    let mut chain = vec![std::process::id() as i32];
    while let Some(parent) = chain.last().and_then(|p| procfs::stat(*p)).map(|s| s.ppid) {
        if parent <= 1 || chain.contains(&parent) {
            break;
        }
        chain.push(parent);
    }
    chain
}

/// When the machine booted (`btime` in `/proc/stat`).
fn boot_time() -> anyhow::Result<SystemTime> {
    let stat = std::fs::read_to_string("/proc/stat").context("cannot read /proc/stat")?;
    let secs: u64 = stat
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|s| s.trim().parse().ok())
        .context("/proc/stat has no btime")?;
    Ok(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

/// The scope of this run: since `since_pid` (default: our parent) started.
pub fn scope_of_this_run(since_pid: Option<i32>) -> anyhow::Result<Scope> {
    let start: Stat = match since_pid {
        Some(pid) => procfs::stat(pid),
        None => procfs::stat(std::os::unix::process::parent_id() as i32),
    }
    .context("the process the run started with is gone")?;
    // Rounded down to a whole second, as file times are compared with it.
    let since = boot_time()? + Duration::from_secs(start.start_ticks / TICKS_PER_SECOND);
    let target = lab::target_dir();
    Ok(Scope {
        target: target.canonicalize().unwrap_or(target),
        since_ticks: start.start_ticks,
        shm: PathBuf::from("/dev/shm"),
        since,
        spare: me_and_ancestors(),
    })
}

/// Looks until nothing is left or [`SETTLE`] passed.
pub fn settle(scope: &Scope) -> Leftovers {
    let until = Instant::now() + SETTLE;
    loop {
        let left = find(scope);
        if left.is_empty() || Instant::now() >= until {
            return left;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `cargo xtask leftovers`.
pub fn run(args: &LeftoversArgs) -> anyhow::Result<()> {
    let scope = scope_of_this_run(args.since_pid)?;
    let left = settle(&scope);
    if left.is_empty() {
        println!(
            "leftovers: none (no process from {}, nothing in /dev/shm named {})",
            scope.target.display(),
            SHM_PREFIXES
                .iter()
                .map(|p| format!("{p}*"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Ok(());
    }
    let mut table = Table::new(["left behind", "what"]);
    for (pid, exe) in &left.processes {
        table.row([format!("process {pid}"), exe.display().to_string()]);
    }
    for file in &left.files {
        table.row(["file".to_string(), file.display().to_string()]);
    }
    println!("{}", table.render());
    bail!(
        "the run left {} process(es) and {} file(s) behind",
        left.processes.len(),
        left.files.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A copy of `sleep` in a directory that stands for the target directory, started now.
    fn sleeper(target: &Path) -> std::process::Child {
        let exe = target.join("lab-worker");
        std::fs::copy("/bin/sleep", &exe).expect("/bin/sleep is there to copy");
        std::process::Command::new(&exe)
            .arg("30")
            .spawn()
            .expect("the copy runs")
    }

    fn scope(target: &Path, shm: &Path, since_ticks: u64) -> Scope {
        Scope {
            target: target.canonicalize().unwrap(),
            since_ticks,
            shm: shm.to_path_buf(),
            since: SystemTime::now() - Duration::from_secs(5),
            spare: me_and_ancestors(),
        }
    }

    #[test]
    fn a_process_of_the_target_and_a_shared_memory_file_are_found_until_they_go() {
        let target = tempfile::tempdir().unwrap();
        let shm = tempfile::tempdir().unwrap();
        let mut worker = sleeper(target.path());
        let file = shm.path().join("lab-shm-test");
        std::fs::write(&file, "").unwrap();
        let scratch = shm.path().join("lab-mpi-x1y2");
        std::fs::create_dir(&scratch).unwrap();
        std::fs::write(shm.path().join("someone-else"), "").unwrap();
        let me = procfs::stat(std::process::id() as i32).unwrap();
        let scope = scope(target.path(), shm.path(), me.start_ticks);
        let left = find(&scope);
        let pid = worker.id() as i32;
        let _ = worker.kill();
        let _ = worker.wait();
        assert_eq!(
            left.processes.iter().map(|p| p.0).collect::<Vec<_>>(),
            [pid],
            "{left:?}"
        );
        let mut files = left.files.clone();
        files.sort();
        assert_eq!(files, [scratch.clone(), file.clone()]);
        std::fs::remove_file(&file).unwrap();
        std::fs::remove_dir(&scratch).unwrap();
        assert!(settle(&scope).is_empty(), "gone once killed and removed");
    }

    #[test]
    fn what_started_before_the_run_is_not_a_leftover() {
        let target = tempfile::tempdir().unwrap();
        let shm = tempfile::tempdir().unwrap();
        let mut worker = sleeper(target.path());
        std::fs::write(shm.path().join("lab-shm-old"), "").unwrap();
        let started = procfs::stat(worker.id() as i32).unwrap().start_ticks;
        let mut later = scope(target.path(), shm.path(), started + 1);
        later.since = SystemTime::now() + Duration::from_secs(5);
        let left = find(&later);
        let _ = worker.kill();
        let _ = worker.wait();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn this_run_starts_with_our_parent() {
        let scope = scope_of_this_run(None).unwrap();
        assert!(scope.spare.contains(&(std::process::id() as i32)));
        assert!(scope.since <= SystemTime::now());
        assert!(
            scope.target.ends_with("target"),
            "{}",
            scope.target.display()
        );
    }
}
