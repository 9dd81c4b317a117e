//! One job, as a single-threaded event loop: hand a queued task to every idle worker, wait in
//! `poll(2)` until something happens on a busy worker's pipes or a deadline passes, handle what
//! happened, and repeat until every task has a result.
//!
//! The pipes are non-blocking and every task has a deadline, so a worker that hangs, dies or
//! sends garbage never blocks the loop: it becomes an event like any other.

use std::collections::VecDeque;
use std::io;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout};

use super::slot::{Busy, Failure, Job};
use super::{Pool, RunOutcome};
use crate::codec::{Reply, Task};
use crate::error::PoolError;
use crate::fault_injection::{self, TestFault};
use crate::protocol::Header;
use crate::reduce::TaskResults;

/// What happened on slot `.0`: a whole frame arrived (its header; the frame is in the slot's
/// input buffer), or the slot failed.
pub(super) type Event = (usize, Result<Header, Failure>);

/// Which of a worker's two pipes is ready.
#[derive(Debug, Clone, Copy)]
enum Pipe {
    /// Its stdin has room for more of the request.
    Request,
    /// Its stdout has reply bytes (or was closed).
    Reply,
}

impl Pool {
    /// Runs `tasks` and returns their replies in task order.
    pub fn run(&mut self, tasks: &[Task<'_>]) -> Result<RunOutcome, PoolError> {
        self.run_injecting(tasks, &[])
    }

    // ANCHOR: run_loop
    /// Runs `tasks`; `faults` lists `(task, fault)` pairs that the worker commits on that task's
    /// first attempt. **Faults are test-only**: a pool without
    /// [`PoolConfig::test_faults`](crate::PoolConfig::test_faults) gets its requests refused by
    /// the workers.
    pub fn run_injecting(
        &mut self,
        tasks: &[Task<'_>],
        faults: &[(usize, TestFault)],
    ) -> Result<RunOutcome, PoolError> {
        self.fill()?;
        let mut results: TaskResults<Reply> = TaskResults::new(tasks.len(), self.cfg.retries);
        let mut queue: VecDeque<usize> = (0..tasks.len()).collect();
        let mut recovered = Vec::new();
        let done = (|| {
            while !results.is_complete() {
                // Hand queued tasks to idle workers (a request that cannot be sent is an event).
                let mut events = self.hand_out(tasks, faults, &mut queue, &results)?;
                if !self.slots.iter().any(|s| s.busy.is_some()) {
                    // Cannot happen (a missing result means a busy worker): refuse to spin.
                    return Err(PoolError::Io(io::Error::other(format!(
                        "internal error: {} task(s) without a result and no worker busy",
                        results.missing()
                    ))));
                }
                // Wait for replies, failures or passed deadlines, and handle them.
                events.extend(self.step()?);
                for (task, report) in self.handle(events, tasks, &mut results)? {
                    // Only the lost task is re-run, first in line, on a fresh worker.
                    queue.push_front(task);
                    recovered.push(report);
                }
            }
            Ok(())
        })();
        if let Err(e) = done {
            // Workers still mid-task are in an unknown state: stop and reap them. Idle ones stay.
            self.stop_busy();
            return Err(e);
        }
        let replies = results
            .finish()
            .expect("the loop ends only when every task has a result");
        Ok(RunOutcome { replies, recovered })
    }
    // ANCHOR_END: run_loop

    /// Sends the next queued tasks to the idle workers, one each, and returns the sends that
    /// failed as events.
    fn hand_out(
        &mut self,
        tasks: &[Task<'_>],
        faults: &[(usize, TestFault)],
        queue: &mut VecDeque<usize>,
        results: &TaskResults<Reply>,
    ) -> Result<Vec<Event>, PoolError> {
        let mut failed = Vec::new();
        for i in 0..self.slots.len() {
            if self.slots[i].busy.is_some() {
                continue;
            }
            let Some(t) = queue.pop_front() else { break };
            let attempt = results.attempts(t);
            let fault = fault_injection::fault_byte(faults, t, attempt);
            let mut frame = std::mem::take(&mut self.slots[i].out);
            tasks[t].encode_into(&mut frame, task_id(t)?, fault)?;
            let busy = Busy {
                job: Job::Task(t),
                deadline: Instant::now() + self.cfg.task_timeout,
                expect: tasks[t].op().reply(),
                attempt,
            };
            if let Err(e) = self.slots[i].send(frame, busy) {
                failed.push((i, Err(e)));
            }
        }
        Ok(failed)
    }

    // ANCHOR: step
    /// Waits (at most until the nearest deadline) for something to happen on a busy worker's
    /// pipes, and returns what happened: whole frames, failures, passed deadlines.
    pub(super) fn step(&mut self) -> Result<Vec<Event>, PoolError> {
        // A worker whose deadline has passed is hung: report it without waiting.
        let now = Instant::now();
        let expired = self.expired(now);
        if !expired.is_empty() {
            return Ok(expired);
        }
        let Some(timeout) = self.until_nearest_deadline(now) else {
            return Ok(Vec::new()); // nobody is busy
        };
        // Do the I/O that is ready: finish writing requests, read replies.
        let mut events = Vec::new();
        let mut failed = vec![false; self.slots.len()];
        for (i, pipe) in self.ready_pipes(timeout)? {
            if failed[i] {
                continue; // a failed worker's other pipe no longer matters
            }
            let slot = &mut self.slots[i];
            let event = match pipe {
                Pipe::Request => slot.flush().err().map(Err),
                Pipe::Reply => slot.read_frame().transpose(),
            };
            if let Some(event) = event {
                failed[i] = event.is_err();
                events.push((i, event));
            }
        }
        Ok(events)
    }

    /// A timeout event for every busy worker whose deadline is at or before `now`.
    fn expired(&self, now: Instant) -> Vec<Event> {
        let mut events = Vec::new();
        for (i, s) in self.slots.iter().enumerate() {
            if let Some(b) = &s.busy
                && now >= b.deadline
            {
                let limit = match b.job {
                    Job::Hello => self.cfg.start_timeout,
                    Job::Task(_) => self.cfg.task_timeout,
                };
                events.push((i, Err(Failure::TimedOut(limit))));
            }
        }
        events
    }

    /// How long `poll(2)` may wait: until the nearest deadline (at most 30 s), or `None` when
    /// no worker is busy.
    fn until_nearest_deadline(&self, now: Instant) -> Option<PollTimeout> {
        let nearest = self
            .slots
            .iter()
            .filter_map(|s| s.busy.as_ref().map(|b| b.deadline))
            .min()?;
        // Round up to whole milliseconds so a deadline is never polled for 0 ms in a loop.
        let wait = nearest.saturating_duration_since(now) + Duration::from_micros(999);
        Some(PollTimeout::try_from(wait.min(Duration::from_secs(30))).unwrap_or(PollTimeout::MAX))
    }

    /// Waits up to `timeout` in `poll(2)` on every busy worker's reply pipe, and on its request
    /// pipe while the request is still being written, spinning first ([`crate::spin`]);
    /// returns the pipes that are ready (none when a signal interrupted the wait).
    fn ready_pipes(&self, timeout: PollTimeout) -> Result<Vec<(usize, Pipe)>, PoolError> {
        let mut fds = Vec::new();
        let mut watched = Vec::new();
        for (i, s) in self.slots.iter().enumerate() {
            if s.busy.is_none() {
                continue;
            }
            fds.push(PollFd::new(s.reply_pipe(), PollFlags::POLLIN));
            watched.push((i, Pipe::Reply));
            if s.writing() {
                fds.push(PollFd::new(s.request_pipe(), PollFlags::POLLOUT));
                watched.push((i, Pipe::Request));
            }
        }
        match crate::spin::poll_spinning(&mut fds, self.cfg.spin, timeout) {
            Ok(_) => {}
            Err(Errno::EINTR) => return Ok(Vec::new()),
            Err(e) => return Err(PoolError::Io(e.into())),
        }
        Ok(fds
            .iter()
            .zip(watched)
            .filter(|(fd, _)| fd.revents().is_some_and(|r| !r.is_empty()))
            .map(|(_, w)| w)
            .collect())
    }
    // ANCHOR_END: step
}

/// The task's index as the header's `u32`.
fn task_id(t: usize) -> Result<u32, PoolError> {
    u32::try_from(t).map_err(|_| PoolError::TaskTooLarge {
        bytes: 0,
        what: format!("task index {t} does not fit the header's u32"),
    })
}
