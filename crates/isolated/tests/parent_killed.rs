//! A parent killed mid-job leaves nothing behind: not its shared memory, not its workers, even
//! when the workers are hung and the signal is SIGKILL, which runs no destructor.
//!
//! Each test runs a probe, this test binary started again as a child process, that starts a
//! pool, creates a shared array and runs a job on which every worker hangs (after mapping the
//! array). Once every worker has the array mapped, the test kills the probe with SIGINT (what
//! Ctrl-C sends), SIGTERM or SIGKILL and checks, through `/proc`, that the workers die and that
//! no process, file or directory entry still holds the array. A guard kills whatever is left
//! and removes a leftover file, so a failing test leaves nothing behind either; this process
//! adopts the probe's orphaned workers (a child subreaper), so it reaps them instead of leaving
//! zombies to an init that may never reap them.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use isolated::fault_injection::TestFault;
use isolated::{Pool, Task, TempSharedF64s};
use nix::sys::signal::{self, Signal};
use nix::unistd::Pid;

/// Elements of the probe's shared array.
const SHARED_LEN: usize = 1 << 16;
/// How long the workers and the memory may take to go once the probe is dead.
const LIMIT: Duration = Duration::from_secs(5);
/// The signals a parent can be killed by without running a destructor.
const SIGNALS: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGKILL];

/// Run in a child process by the tests below, which kill it mid-job.
#[test]
#[ignore = "a probe: run by the tests of this file in a child process, which they then kill"]
fn probe_parent_mid_job() {
    let mut pool = Pool::start(common::config(2).test_faults(true)).unwrap();
    let shared = TempSharedF64s::new(SHARED_LEN).unwrap();
    let meta = std::fs::metadata(shared.path()).unwrap();
    let pids: Vec<String> = pool.worker_pids().iter().map(u32::to_string).collect();
    println!(
        "SHM {} {} {}",
        meta.dev(),
        meta.ino(),
        shared.path().display()
    );
    println!("WORKERS {}", pids.join(" "));
    std::io::stdout().flush().unwrap();
    let half = SHARED_LEN / 2;
    let tasks = [0, half].map(|offset| Task::SquareShm {
        path: shared.path().to_path_buf(),
        offset,
        len: half,
    });
    // Both workers square their half and then hang; the tests kill this process long before
    // the pool's 60 s task timeout.
    let _ = pool.run_injecting(&tasks, &[(0, TestFault::Hang), (1, TestFault::Hang)]);
}

/// The probe's shared array: where its file is (if it has a name) and which inode it is.
#[derive(Debug)]
struct Shared {
    /// `st_dev` of the file.
    dev: u64,
    /// `st_ino` of the file.
    ino: u64,
    /// The path the probe gave its workers.
    path: PathBuf,
}

/// The killed probe and what it started; dropping it kills all of them and removes a leftover
/// shared-memory file, so nothing outlives a failing test.
struct Probe {
    /// The probe process.
    child: Child,
    /// Its workers.
    workers: Vec<u32>,
    /// Its shared array.
    shared: Shared,
}

impl Drop for Probe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for &pid in &self.workers {
            common::kill_if_alive(pid);
            common::reap_if_child(pid); // an orphan of the probe, adopted by this process
        }
        let p = &self.shared.path;
        if !p.starts_with("/proc") && p.metadata().is_ok_and(|m| m.ino() == self.shared.ino) {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Starts the probe, waits until every worker has the array mapped (mid-job), kills the probe
/// with `sig` and reaps it.
fn kill_mid_job(sig: Signal) -> Probe {
    common::adopt_orphans();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "probe_parent_mid_job",
            "--include-ignored",
            "--nocapture",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = |tag: &str| -> String {
        loop {
            let line = lines
                .next()
                .unwrap_or_else(|| panic!("the probe ended before printing {tag}"))
                .unwrap();
            if let Some(rest) = line.strip_prefix(tag) {
                return rest.to_string();
            }
        }
    };
    let shm = next("SHM ");
    let mut f = shm.splitn(3, ' ');
    let shared = Shared {
        dev: f.next().unwrap().parse().unwrap(),
        ino: f.next().unwrap().parse().unwrap(),
        path: f.next().unwrap().into(),
    };
    let workers = next("WORKERS ")
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect();
    let mut probe = Probe {
        child,
        workers,
        shared,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while !probe
        .workers
        .iter()
        .all(|&w| common::maps(w, probe.shared.dev, probe.shared.ino).unwrap_or(false))
    {
        assert!(
            Instant::now() < deadline,
            "the workers never mapped the array"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = Pid::from_raw(i32::try_from(probe.child.id()).unwrap());
    signal::kill(pid, sig).unwrap();
    let status = probe.child.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(status.signal(), Some(sig as i32), "{sig}: {status:?}");
    probe
}

#[test]
fn a_parent_killed_mid_job_leaves_no_shared_memory() {
    for sig in SIGNALS {
        let probe = kill_mid_job(sig);
        let deadline = Instant::now() + LIMIT;
        loop {
            let s = &probe.shared;
            let left = common::holders(s.dev, s.ino, &s.path);
            if left.is_empty() {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{LIMIT:?} after the parent died of {sig}, its shared array is still held: \
                 {left:#?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

#[test]
fn a_hung_worker_dies_with_its_killed_parent() {
    for sig in SIGNALS {
        let probe = kill_mid_job(sig);
        assert_eq!(probe.workers.len(), 2);
        for &w in &probe.workers {
            common::assert_dies_within(
                w,
                LIMIT,
                &format!("a hung worker of a parent killed by {sig}"),
            );
        }
    }
}

#[test]
fn a_worker_whose_parent_is_already_gone_exits_at_once() {
    // A parent that died before its worker asked to die with it: the worker was handed to
    // another parent, so the pid the pool gave it is not its parent's. It must not serve.
    let mut worker = Command::new(common::WORKER)
        .env(isolated::locate::PARENT_ENV, "1")
        .stdin(Stdio::piped()) // kept open: only the check can end the worker
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = worker.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = worker.kill();
            let _ = worker.wait();
            panic!("the worker still serves {LIMIT:?} after starting with its parent gone");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(
        status.code(),
        Some(isolated::worker::PARENT_GONE),
        "{status:?}"
    );
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut worker.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("its parent (pid 1) is gone"), "{stderr}");
}
