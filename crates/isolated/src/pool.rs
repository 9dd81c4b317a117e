//! The parent's side: a pool of N persistent worker processes, started once and reused for
//! every job, and never left behind.
//!
//! The pool is in four parts, one idea each:
//!
//! - this file: the [`Pool`], its workers coming and going (start, refill, stop, drop);
//! - [`slot`]: one worker process and its non-blocking pipes (spawn, pipe I/O, reap);
//! - [`event_loop`]: one job, as a single-threaded `poll(2)` loop with a deadline per task;
//! - [`events`]: what each event does to the job: a reply recorded, or a failure reported and
//!   its task re-run on a fresh worker or the job failed.
//!
//! Workers are started with `std::process::Command` (no `fork` of this possibly multi-threaded
//! process). The jobs built on the pool (count, squares, pipe and shared-memory arrays) are in
//! [`jobs`](crate::jobs).

mod event_loop;
mod events;
mod slot;

pub(crate) use slot::check_executable;

use std::marker::PhantomData;
use std::time::Duration;

use crate::codec::Reply;
use crate::config::PoolConfig;
use crate::error::{FaultReport, PoolError};
use crate::reduce::TaskResults;
use slot::Slot;

// ANCHOR: pool
/// A pool of persistent worker processes.
///
/// Dropping the pool closes every worker's stdin (a worker exits when its input ends), waits
/// briefly, kills any that remain (each with its process group), and reaps them all: no zombie
/// is left behind. If the pool's process dies without dropping it (a signal, SIGKILL included),
/// the kernel kills the workers: each asked to die with the thread that started it.
///
/// That is also why a pool is not `Send`: a worker dies when the *thread* that started it ends
/// (`PR_SET_PDEATHSIG`), so a pool moved away from that thread could lose its workers.
#[derive(Debug)]
pub struct Pool {
    /// How it was started.
    cfg: PoolConfig,
    /// The live workers.
    slots: Vec<Slot>,
    /// The number the next worker gets.
    next_id: usize,
    /// The pid of every worker ever started.
    spawned: Vec<u32>,
    /// Not `Send`, not `Sync`: the workers die with the thread that started them.
    on_this_thread: PhantomData<*const ()>,
}
// ANCHOR_END: pool

/// A job's replies (in task order) and the faults that retry recovered from.
#[derive(Debug)]
pub struct RunOutcome {
    /// One reply per task, in task order.
    pub replies: Vec<Reply>,
    /// Failures that were retried successfully.
    pub recovered: Vec<FaultReport>,
}

impl Pool {
    /// Starts `cfg.workers` workers and completes the handshake with each.
    pub fn start(cfg: PoolConfig) -> Result<Pool, PoolError> {
        let mut pool = Pool {
            cfg,
            slots: Vec::new(),
            next_id: 0,
            spawned: Vec::new(),
            on_this_thread: PhantomData,
        };
        pool.fill()?;
        Ok(pool)
    }

    /// The configuration.
    pub fn config(&self) -> &PoolConfig {
        &self.cfg
    }

    /// Process ids of the live workers.
    pub fn worker_pids(&self) -> Vec<u32> {
        self.slots.iter().map(|s| s.pid).collect()
    }

    /// Process ids of every worker this pool ever started (replacements included).
    pub fn spawned_pids(&self) -> &[u32] {
        &self.spawned
    }

    /// Starts workers until there are `cfg.workers`, and waits for every handshake.
    fn fill(&mut self) -> Result<(), PoolError> {
        while self.slots.len() < self.cfg.workers {
            if let Err(e) = self.add_worker() {
                self.stop_busy();
                return Err(e);
            }
        }
        // The handshakes are events like a job's replies, in a job with no tasks.
        let result = (|| {
            while self.slots.iter().any(|s| s.busy.is_some()) {
                let events = self.step()?;
                self.handle(events, &[], &mut TaskResults::new(0, 0))?;
            }
            Ok(())
        })();
        if result.is_err() {
            self.stop_busy();
        }
        result
    }

    /// Starts one more worker (its handshake is then in flight).
    fn add_worker(&mut self) -> Result<(), PoolError> {
        let slot = Slot::spawn(&self.cfg, self.next_id, &mut self.spawned)?;
        self.next_id += 1;
        self.slots.push(slot);
        Ok(())
    }

    /// Kills and reaps every worker that is mid-task or mid-handshake.
    fn stop_busy(&mut self) {
        let mut i = 0;
        while i < self.slots.len() {
            if self.slots[i].busy.is_some() {
                let mut s = self.slots.remove(i);
                s.reap(false);
            } else {
                i += 1;
            }
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Busy workers are mid-task (a panic unwinding through a job): stop them now.
        self.stop_busy();
        // Idle workers exit when their stdin closes; give them a moment, then insist.
        let children: Vec<_> = std::mem::take(&mut self.slots)
            .into_iter()
            .map(Slot::close)
            .collect();
        for (mut child, _stdout) in children {
            let _ = slot::end(&mut child, Duration::from_secs(2));
        }
    }
}
