//! How to start and run a pool: which worker binary, how many workers, how long a task may
//! take, how often a lost task may be re-run, and the two test-only switches.
//!
//! The worker binary's name and the variable that overrides where it is live here too: the
//! error messages name them, and [`locate`](crate::locate) searches with them; so does the
//! variable that tells a worker who its parent is.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// The worker binary's name.
pub const WORKER_NAME: &str = "lab-worker";
/// The environment variable that overrides where the worker is.
pub const WORKER_ENV: &str = "LAB_WORKER";
/// The environment variable in which the pool tells each worker its parent's pid, so the worker
/// can tell whether that parent already died before it asked to die with it.
pub const PARENT_ENV: &str = "LAB_WORKER_PARENT";
/// The environment variable in which the pool tells each worker how long to spin for the next
/// request before it blocks, in microseconds ([`crate::spin`]).
pub const SPIN_ENV: &str = "LAB_WORKER_SPIN_US";

/// How to start and run a pool.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// The worker binary.
    pub(crate) worker: PathBuf,
    /// How many workers the pool keeps (at least 1).
    pub(crate) workers: usize,
    /// How long a task may take before its worker counts as hung.
    pub(crate) task_timeout: Duration,
    /// How long a fresh worker may take to answer the handshake.
    pub(crate) start_timeout: Duration,
    /// How many times a lost task may be re-run.
    pub(crate) retries: u32,
    /// Test-only: start the workers with fault injection on.
    pub(crate) test_faults: bool,
    /// Test-only: the version the workers stamp on their replies.
    pub(crate) test_version: Option<u8>,
    /// How long the parent and the workers look at a pipe before blocking on it.
    pub(crate) spin: Duration,
}

impl PoolConfig {
    /// `workers` processes of the worker binary at `worker`. Defaults: no retry, a 60 s task
    /// timeout, 10 s to start and answer the handshake, and [`spin::DEFAULT`](crate::spin::DEFAULT)
    /// of spinning on a pipe before blocking.
    pub fn new(worker: impl Into<PathBuf>, workers: usize) -> Self {
        PoolConfig {
            worker: worker.into(),
            workers: workers.max(1),
            task_timeout: Duration::from_secs(60),
            start_timeout: Duration::from_secs(10),
            retries: 0,
            test_faults: false,
            test_version: None,
            spin: crate::spin::DEFAULT,
        }
    }

    /// Parent and workers look at a pipe for up to `d` before they block on it
    /// ([`crate::spin`]); zero blocks at once, so every small task's round trip pays the
    /// wake-up of a sleeping core twice (the benchmark suite measures both).
    pub fn spin(mut self, d: Duration) -> Self {
        self.spin = d;
        self
    }

    /// A task that has not replied after `d` is a hung worker: it is killed and the task is lost.
    pub fn task_timeout(mut self, d: Duration) -> Self {
        self.task_timeout = d;
        self
    }

    /// How many times a lost task may be re-run on a fresh worker (0: none, the job fails).
    pub fn retries(mut self, n: u32) -> Self {
        self.retries = n;
        self
    }

    /// **Test-only.** Starts the workers with `LAB_WORKER_TEST_FAULTS=1`, so they honour the
    /// fault requests of [`Pool::run_injecting`](crate::Pool::run_injecting) (see
    /// [`fault_injection`](crate::fault_injection)). Off by default, and the pool removes the
    /// variable from the workers' environment when off.
    pub fn test_faults(mut self, on: bool) -> Self {
        self.test_faults = on;
        self
    }

    /// **Test-only** (implies [`test_faults`](Self::test_faults)): the workers stamp `version`
    /// on their replies, playing a stale worker binary.
    pub fn test_pretend_version(mut self, version: u8) -> Self {
        self.test_faults = true;
        self.test_version = Some(version);
        self
    }

    /// The worker binary.
    pub fn worker_path(&self) -> &Path {
        &self.worker
    }
}
