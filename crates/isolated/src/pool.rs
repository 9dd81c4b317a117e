//! The parent's side: a pool of N persistent worker processes, a single-threaded event loop
//! that hands out tasks, collects replies and reduces them, and the fault handling that keeps
//! every total exact or refuses to give one.
//!
//! Workers are started with `std::process::Command` (no `fork` of this possibly multi-threaded
//! process). The loop `poll(2)`s the workers' pipes in non-blocking mode, so a worker that hangs,
//! dies or sends garbage never blocks it; each task has a deadline.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use wait_timeout::ChildExt;

use crate::codec::{Reply, Task};
use crate::config::PoolConfig;
use crate::error::{FaultReason, FaultReport, PoolError};
use crate::fault_injection::{self, TestFault};
use crate::protocol::{self, FrameError, HEADER_LEN, Header, Op};
use crate::reduce::{Lost, TaskResults};

/// A job's replies (in task order) and the faults that retry recovered from.
#[derive(Debug)]
pub struct RunOutcome {
    /// One reply per task, in task order.
    pub replies: Vec<Reply>,
    /// Failures that were retried successfully.
    pub recovered: Vec<FaultReport>,
}

/// What a worker is doing.
#[derive(Debug, Clone, Copy)]
enum Job {
    Hello,
    Task(usize),
}

#[derive(Debug)]
struct Busy {
    job: Job,
    deadline: Instant,
    expect: Op,
    attempt: u32,
}

/// One worker process and its pipes (both non-blocking).
#[derive(Debug)]
struct Slot {
    id: usize,
    pid: u32,
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
    out: Vec<u8>,
    out_pos: usize,
    inbuf: Vec<u8>,
    filled: usize,
    header: Option<Header>,
    busy: Option<Busy>,
}

/// A failure seen on a slot, before the worker is reaped.
#[derive(Debug)]
enum Failure {
    Eof,
    Frame(FrameError),
    Pipe(io::Error),
    TimedOut(Duration),
}

type Event = (usize, Result<Header, Failure>);

// ANCHOR: pool
/// A pool of persistent worker processes.
///
/// Dropping the pool closes every worker's stdin (a worker exits when its input ends), waits
/// briefly, kills any that remain, and reaps them all: no zombie is left behind.
#[derive(Debug)]
pub struct Pool {
    cfg: PoolConfig,
    slots: Vec<Slot>,
    next_id: usize,
    spawned: Vec<u32>,
}
// ANCHOR_END: pool

impl Pool {
    /// Starts `cfg.workers` workers and completes the handshake with each.
    pub fn start(cfg: PoolConfig) -> Result<Pool, PoolError> {
        let mut pool = Pool {
            cfg,
            slots: Vec::new(),
            next_id: 0,
            spawned: Vec::new(),
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

    /// Runs `tasks` and returns their replies in task order.
    pub fn run(&mut self, tasks: &[Task<'_>]) -> Result<RunOutcome, PoolError> {
        self.run_injecting(tasks, &[])
    }

    // ANCHOR: run_loop
    /// Runs `tasks`; `faults` lists `(task, fault)` pairs that the worker commits on that task's
    /// first attempt. **Faults are test-only**: a pool without
    /// [`PoolConfig::test_faults`] gets its requests refused by the workers.
    pub fn run_injecting(
        &mut self,
        tasks: &[Task<'_>],
        faults: &[(usize, TestFault)],
    ) -> Result<RunOutcome, PoolError> {
        self.fill()?;
        let mut results: TaskResults<Reply> = TaskResults::new(tasks.len(), self.cfg.retries);
        let mut queue: VecDeque<usize> = (0..tasks.len()).collect();
        let mut recovered = Vec::new();
        let result = (|| {
            while !results.is_complete() {
                // Hand queued tasks to idle workers.
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
                if !self.slots.iter().any(|s| s.busy.is_some()) {
                    // Cannot happen (a missing result means a busy worker): refuse to spin.
                    return Err(PoolError::Io(io::Error::other(format!(
                        "internal error: {} task(s) without a result and no worker busy",
                        results.missing()
                    ))));
                }
                // Wait for replies, failures or deadlines; handle from the highest slot index
                // down, so removing a failed slot does not shift the ones still to handle.
                let mut events = failed;
                events.extend(self.step()?);
                events.sort_by_key(|e| std::cmp::Reverse(e.0));
                for (i, ev) in events {
                    let failure = match ev {
                        Ok(h) => self.take_frame(i, h, &mut results)?,
                        Err(f) => Some(f),
                    };
                    if let Some(f) = failure {
                        let lost = self.on_failure(i, f, tasks, &mut results)?;
                        if let Some((task, report)) = lost {
                            // Only the lost task is re-run, first in line, on a fresh worker.
                            queue.push_front(task);
                            recovered.push(report);
                        }
                    }
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
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

    /// A whole frame is in slot `i`'s input buffer: handle it, keeping the buffer for the next.
    fn take_frame(
        &mut self,
        i: usize,
        h: Header,
        results: &mut TaskResults<Reply>,
    ) -> Result<Option<Failure>, PoolError> {
        let buf = std::mem::take(&mut self.slots[i].inbuf);
        let result = self.on_frame(i, h, &buf[HEADER_LEN..HEADER_LEN + h.len], results);
        self.slots[i].inbuf = buf;
        result
    }

    /// A frame arrived on slot `i`: record it, or return the failure it shows.
    fn on_frame(
        &mut self,
        i: usize,
        h: Header,
        payload: &[u8],
        results: &mut TaskResults<Reply>,
    ) -> Result<Option<Failure>, PoolError> {
        let slot = &mut self.slots[i];
        let busy = slot
            .busy
            .take()
            .expect("frames are read from busy slots only");
        let Job::Task(t) = busy.job else {
            // A replacement worker's handshake.
            return match check_hello(&h, payload) {
                Ok(()) => Ok(None),
                Err(reason) => Err(PoolError::Handshake {
                    path: self.cfg.worker.clone(),
                    reason,
                }),
            };
        };
        if h.op == Op::Error {
            return Err(PoolError::Rejected {
                worker: slot.id,
                task: t,
                message: String::from_utf8_lossy(payload).into_owned(),
            });
        }
        let error = if let Some(why) = reply_mismatch(&h, busy.expect, t) {
            protocol::bad(h.op, why)
        } else {
            match Reply::decode(h.op, payload) {
                // ANCHOR: count_only_received
                // The only place a result enters the job: a whole, valid reply to this very
                // task. `TaskResults` refuses a second one.
                Ok(reply) => {
                    return results
                        .record(t, reply)
                        .map(|()| None)
                        .map_err(PoolError::Duplicate);
                }
                // ANCHOR_END: count_only_received
                Err(e) => e,
            }
        };
        slot.busy = Some(busy);
        Ok(Some(Failure::Frame(error)))
    }

    /// Slot `i` failed: kill and reap its worker, report, and decide about its task. Returns
    /// the task to re-run (a replacement worker is already starting), or the job's error.
    fn on_failure(
        &mut self,
        i: usize,
        failure: Failure,
        tasks: &[Task<'_>],
        results: &mut TaskResults<Reply>,
    ) -> Result<Option<(usize, FaultReport)>, PoolError> {
        let mut slot = self.slots.remove(i);
        let busy = slot.busy.take();
        let status = slot.reap(matches!(failure, Failure::Eof | Failure::Pipe(_)));
        let reason = match failure {
            Failure::Eof => FaultReason::Died { status },
            Failure::TimedOut(after) => FaultReason::TimedOut { after },
            Failure::Frame(error) => FaultReason::BadFrame { error, status },
            Failure::Pipe(e) => FaultReason::Pipe {
                error: e.to_string(),
                status,
            },
        };
        let Some(busy) = busy else {
            return Ok(None);
        };
        let t = match busy.job {
            Job::Hello => {
                return Err(match reason {
                    FaultReason::BadFrame {
                        error: FrameError::Version { got },
                        ..
                    } => PoolError::StaleWorker {
                        path: self.cfg.worker.clone(),
                        got,
                    },
                    other => PoolError::Handshake {
                        path: self.cfg.worker.clone(),
                        reason: other.to_string(),
                    },
                });
            }
            Job::Task(t) => t,
        };
        let report = FaultReport {
            worker: slot.id,
            pid: slot.pid,
            task: t,
            task_desc: tasks[t].describe(),
            attempt: busy.attempt,
            reason,
        };
        match results.lost(t) {
            Lost::AlreadyDone => Ok(None),
            Lost::GiveUp { .. } => Err(PoolError::TaskFailed {
                report,
                retries: self.cfg.retries,
            }),
            Lost::Retry { .. } => {
                let fresh = self.spawn()?;
                self.slots.push(fresh);
                Ok(Some((t, report)))
            }
        }
    }

    /// Starts workers until there are `cfg.workers`, and waits for every handshake.
    fn fill(&mut self) -> Result<(), PoolError> {
        while self.slots.len() < self.cfg.workers {
            match self.spawn() {
                Ok(s) => self.slots.push(s),
                Err(e) => {
                    self.stop_busy();
                    return Err(e);
                }
            }
        }
        let result = (|| {
            while self.slots.iter().any(|s| s.busy.is_some()) {
                let mut events = self.step()?;
                events.sort_by_key(|e| std::cmp::Reverse(e.0));
                for (i, ev) in events {
                    let failure = match ev {
                        Ok(h) => self.take_frame(i, h, &mut TaskResults::new(0, 0))?,
                        Err(f) => Some(f),
                    };
                    if let Some(f) = failure {
                        self.on_failure(i, f, &[], &mut TaskResults::new(0, 0))?;
                    }
                }
            }
            Ok(())
        })();
        if result.is_err() {
            self.stop_busy();
        }
        result
    }

    /// Starts one worker and sends its handshake.
    fn spawn(&mut self) -> Result<Slot, PoolError> {
        let path = self.cfg.worker.clone();
        check_executable(&path)?;
        // ANCHOR: spawn
        let mut cmd = Command::new(&path);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // The test-only variables reach the worker only from a pool configured for fault tests.
        fault_injection::set_worker_env(&mut cmd, self.cfg.test_faults, self.cfg.test_version);
        let mut child = cmd.spawn().map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => PoolError::WorkerMissing { path: path.clone() },
            io::ErrorKind::PermissionDenied => PoolError::NotExecutable { path: path.clone() },
            _ => PoolError::Spawn {
                path: path.clone(),
                source,
            },
        })?;
        let pid = child.id();
        self.spawned.push(pid);
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(PoolError::Io(io::Error::other("worker pipes missing")));
        };
        for fd in [stdin.as_fd(), stdout.as_fd()] {
            if let Err(e) = fcntl(fd, FcntlArg::F_SETFL(OFlag::O_NONBLOCK)) {
                let _ = child.kill();
                let _ = child.wait();
                return Err(PoolError::Io(e.into()));
            }
            // Bigger pipes mean fewer wake-ups for large chunks; refusal is harmless.
            let _ = fcntl(fd, FcntlArg::F_SETPIPE_SZ(1 << 20));
        }
        // ANCHOR_END: spawn
        let id = self.next_id;
        self.next_id += 1;
        let mut slot = Slot {
            id,
            pid,
            child,
            stdin,
            stdout,
            out: Vec::new(),
            out_pos: 0,
            inbuf: Vec::new(),
            filled: 0,
            header: None,
            busy: None,
        };
        let hello = protocol::frame(Op::Hello, 0, 0, &[]);
        let busy = Busy {
            job: Job::Hello,
            deadline: Instant::now() + self.cfg.start_timeout,
            expect: Op::HelloOk,
            attempt: 1,
        };
        if let Err(e) = slot.send(hello, busy) {
            let status = slot.reap(true);
            return Err(PoolError::Handshake {
                path,
                reason: format!("could not send the handshake ({e:?}); worker {status}"),
            });
        }
        Ok(slot)
    }

    // ANCHOR: step
    /// Waits (at most until the nearest deadline) for something to happen on a busy worker's
    /// pipes, and returns what happened: whole frames, failures, passed deadlines.
    fn step(&mut self) -> Result<Vec<Event>, PoolError> {
        let now = Instant::now();
        let mut events: Vec<Event> = Vec::new();
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
        if !events.is_empty() {
            return Ok(events);
        }
        let Some(nearest) = self
            .slots
            .iter()
            .filter_map(|s| s.busy.as_ref().map(|b| b.deadline))
            .min()
        else {
            return Ok(events); // nobody is busy
        };
        // Round up to whole milliseconds so a deadline is never polled for 0 ms in a loop.
        let wait = nearest.saturating_duration_since(now) + Duration::from_micros(999);
        let timeout =
            PollTimeout::try_from(wait.min(Duration::from_secs(30))).unwrap_or(PollTimeout::MAX);
        // (slot, is the stdin side)
        let mut who = Vec::new();
        let ready: Vec<(usize, bool, PollFlags)> = {
            let mut fds = Vec::new();
            for (i, s) in self.slots.iter().enumerate() {
                if s.busy.is_none() {
                    continue;
                }
                fds.push(PollFd::new(s.stdout.as_fd(), PollFlags::POLLIN));
                who.push((i, false));
                if s.out_pos < s.out.len() {
                    fds.push(PollFd::new(s.stdin.as_fd(), PollFlags::POLLOUT));
                    who.push((i, true));
                }
            }
            match poll(&mut fds, timeout) {
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => return Ok(events),
                Err(e) => return Err(PoolError::Io(e.into())),
            }
            fds.iter()
                .zip(&who)
                .filter_map(|(fd, &(i, side))| {
                    let r = fd.revents().unwrap_or(PollFlags::empty());
                    (!r.is_empty()).then_some((i, side, r))
                })
                .collect()
        };
        let mut failed = vec![false; self.slots.len()];
        for (i, is_stdin, _) in ready {
            if failed[i] {
                continue;
            }
            let s = &mut self.slots[i];
            let ev = if is_stdin {
                s.flush().err().map(Err)
            } else {
                match s.read_frame() {
                    Ok(Some(frame)) => Some(Ok(frame)),
                    Ok(None) => None,
                    Err(f) => Some(Err(f)),
                }
            };
            if let Some(ev) = ev {
                failed[i] = ev.is_err();
                events.push((i, ev));
            }
        }
        Ok(events)
    }
    // ANCHOR_END: step

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

fn task_id(t: usize) -> Result<u32, PoolError> {
    u32::try_from(t).map_err(|_| PoolError::TaskTooLarge {
        bytes: 0,
        what: format!("task index {t} does not fit the header's u32"),
    })
}

fn check_hello(h: &Header, payload: &[u8]) -> Result<(), String> {
    match h.op {
        Op::HelloOk if payload.len() == 4 => Ok(()),
        Op::HelloOk => Err(format!("a {}-byte HelloOk payload", payload.len())),
        Op::Error => Err(format!(
            "the worker refused: {}",
            String::from_utf8_lossy(payload)
        )),
        other => Err(format!("expected HelloOk, got {other:?}")),
    }
}

/// Checks that `path` is an executable file, with a clear error naming it.
pub fn check_executable(path: &Path) -> Result<(), PoolError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(PoolError::WorkerMissing {
            path: path.to_path_buf(),
        }),
        Err(source) => Err(PoolError::Spawn {
            path: path.to_path_buf(),
            source,
        }),
        Ok(m) if !m.is_file() || m.permissions().mode() & 0o111 == 0 => {
            Err(PoolError::NotExecutable {
                path: path.to_path_buf(),
            })
        }
        Ok(_) => Ok(()),
    }
}

/// "killed by signal 11 (SIGSEGV)" or "exited with status 3".
pub fn describe_status(status: ExitStatus) -> String {
    if let Some(sig) = status.signal() {
        let name = nix::sys::signal::Signal::try_from(sig)
            .map(|s| s.as_str())
            .unwrap_or("unknown");
        format!("killed by signal {sig} ({name})")
    } else {
        format!("exited with status {}", status.code().unwrap_or(-1))
    }
}

impl Slot {
    /// Queues a request frame and writes as much of it as the pipe takes now.
    fn send(&mut self, frame: Vec<u8>, busy: Busy) -> Result<(), Failure> {
        self.out = frame;
        self.out_pos = 0;
        self.busy = Some(busy);
        self.flush()
    }

    /// Writes pending request bytes until done or the pipe is full.
    fn flush(&mut self) -> Result<(), Failure> {
        while self.out_pos < self.out.len() {
            match self.stdin.write(&self.out[self.out_pos..]) {
                Ok(n) => self.out_pos += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Failure::Pipe(e)),
            }
        }
        self.out.clear(); // keep the capacity for the next request
        self.out_pos = 0;
        Ok(())
    }

    // ANCHOR: read_frame
    /// Reads what the pipe has. Returns a whole frame once one has arrived. The header is
    /// validated as soon as its 12 bytes are in, so an oversized length is refused before any
    /// buffer is sized for it.
    fn read_frame(&mut self) -> Result<Option<Header>, Failure> {
        loop {
            if self.header.is_none() && self.filled == HEADER_LEN {
                let bytes: &[u8; HEADER_LEN] =
                    self.inbuf[..HEADER_LEN].try_into().expect("12 bytes");
                self.header = Some(protocol::parse_header(bytes).map_err(Failure::Frame)?);
            }
            let need = HEADER_LEN + self.header.map_or(0, |h| h.len);
            if let Some(h) = self.header
                && self.filled == need
            {
                // The frame is inbuf[..need]; the buffer is kept (and reused) by the slot.
                self.filled = 0;
                self.header = None;
                return Ok(Some(h));
            }
            if self.inbuf.len() < need {
                self.inbuf.resize(need, 0); // need <= HEADER_LEN + MAX_PAYLOAD: checked above
            }
            match self.stdout.read(&mut self.inbuf[self.filled..need]) {
                Ok(0) if self.filled == 0 => return Err(Failure::Eof),
                Ok(0) => {
                    return Err(Failure::Frame(FrameError::Truncated {
                        got: self.filled,
                        want: need,
                    }));
                }
                Ok(n) => self.filled += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(None),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Failure::Pipe(e)),
            }
        }
    }
    // ANCHOR_END: read_frame

    /// Ends the worker and reaps it. `exiting`: it is probably exiting by itself (its pipe
    /// closed), so give it a moment to report its real status before killing it.
    fn reap(&mut self, exiting: bool) -> String {
        if exiting && let Ok(Some(status)) = self.child.wait_timeout(Duration::from_secs(2)) {
            return describe_status(status);
        }
        let _ = self.child.kill();
        match self.child.wait() {
            Ok(status) => describe_status(status),
            Err(e) => format!("could not be reaped: {e}"),
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Busy workers are mid-task (a panic unwinding through a job): stop them now.
        self.stop_busy();
        // Idle workers exit when their stdin closes; give them a moment, then insist.
        let children: Vec<(Child, ChildStdout)> = std::mem::take(&mut self.slots)
            .into_iter()
            .map(|s| {
                drop(s.stdin); // closes the worker's input: it exits with status 0
                (s.child, s.stdout)
            })
            .collect();
        for (mut child, _stdout) in children {
            if !matches!(child.wait_timeout(Duration::from_secs(2)), Ok(Some(_))) {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

// ANCHOR: reply_mismatch
/// Why a reply's header does not answer the request in flight (`expect`ed reply opcode, task
/// `task`), or `None` when it does. A reply that fails this is never counted.
fn reply_mismatch(h: &Header, expect: Op, task: usize) -> Option<String> {
    if h.op != expect {
        Some(format!("expected a {expect:?} reply"))
    } else if h.task as usize != task {
        Some(format!("the reply names task {}, not {task}", h.task))
    } else {
        None
    }
}
// ANCHOR_END: reply_mismatch

#[cfg(test)]
mod tests {
    use super::*;

    fn header(op: Op, task: u32) -> Header {
        Header {
            op,
            fault: 0,
            task,
            len: 8,
        }
    }

    #[test]
    fn a_reply_to_the_task_in_flight_with_the_expected_opcode_is_accepted() {
        assert_eq!(
            reply_mismatch(&header(Op::Counted, 7), Op::Counted, 7),
            None
        );
    }

    #[test]
    fn a_reply_naming_another_task_is_refused() {
        let why = reply_mismatch(&header(Op::Counted, 8), Op::Counted, 7);
        assert_eq!(why.as_deref(), Some("the reply names task 8, not 7"));
    }

    #[test]
    fn a_reply_with_another_opcode_is_refused() {
        let why = reply_mismatch(&header(Op::SquaresOk, 7), Op::Counted, 7);
        assert_eq!(why.as_deref(), Some("expected a Counted reply"));
    }
}
