//! One worker slot: a worker process, its two non-blocking pipes, the request being written,
//! the reply being read, and the one job it may have in flight. Starting the worker
//! ([`Slot::spawn`]), the pipe I/O ([`Slot::send`], [`Slot::flush`], [`Slot::read_frame`]) and
//! ending it ([`Slot::reap`], [`end`]) are here; deciding what an event means for the job is not.
//!
//! Each worker leads a process group of its own, and ending a worker kills that whole group: a
//! program that is not a real worker cannot leave children of its own behind.

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
use nix::unistd::Pid;

use crate::config::{PARENT_ENV, PoolConfig, SPIN_ENV};
use crate::error::PoolError;
use crate::fault_injection;
use crate::protocol::{self, FrameError, HEADER_LEN, Header, Op};

/// What a busy worker is doing.
#[derive(Debug, Clone, Copy)]
pub(super) enum Job {
    /// Answering the handshake (a fresh worker).
    Hello,
    /// Doing the task with this index in the job.
    Task(usize),
}

/// The job in flight on a slot: what, until when, and which reply answers it.
#[derive(Debug)]
pub(super) struct Busy {
    /// The handshake or the task.
    pub(super) job: Job,
    /// When the worker counts as hung.
    pub(super) deadline: Instant,
    /// The reply opcode that answers the request.
    pub(super) expect: Op,
    /// Which attempt of the task this is (1 = first).
    pub(super) attempt: u32,
}

/// A failure seen on a slot, before the worker is reaped.
#[derive(Debug)]
pub(super) enum Failure {
    /// The worker's stdout closed between frames: it exited or was killed.
    Eof,
    /// A frame the pool refuses (its worker is no longer trusted).
    Frame(FrameError),
    /// Reading or writing a pipe failed.
    Pipe(io::Error),
    /// The deadline passed: this much time, and no reply.
    TimedOut(Duration),
}

/// One worker process and its pipes (both non-blocking).
#[derive(Debug)]
pub(super) struct Slot {
    /// The worker's number in its pool (never reused).
    pub(super) id: usize,
    /// The worker's process id.
    pub(super) pid: u32,
    /// The process, to kill and reap.
    child: Child,
    /// Requests go in here (non-blocking).
    stdin: ChildStdin,
    /// Replies come out here (non-blocking).
    stdout: ChildStdout,
    /// The request being written; its capacity is reused for the next one.
    pub(super) out: Vec<u8>,
    /// How much of `out` the pipe has taken so far.
    out_pos: usize,
    /// The reply being read: a whole frame once [`read_frame`](Self::read_frame) returns one.
    pub(super) inbuf: Vec<u8>,
    /// How many bytes of `inbuf` have arrived.
    filled: usize,
    /// The reply's header, once its 12 bytes are in and checked.
    header: Option<Header>,
    /// The job in flight, if any.
    pub(super) busy: Option<Busy>,
}

impl Slot {
    /// Starts worker number `id` and sends its handshake (answered within `cfg`'s start
    /// timeout). Its pid goes into `started` as soon as the process exists; if anything after
    /// that fails, the process is killed and reaped before the error returns.
    pub(super) fn spawn(
        cfg: &PoolConfig,
        id: usize,
        started: &mut Vec<u32>,
    ) -> Result<Slot, PoolError> {
        let path = &cfg.worker;
        check_executable(path)?;
        // ANCHOR: spawn
        let mut cmd = Command::new(path);
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .process_group(0) // its own group: ending it ends whatever it started
            .env(PARENT_ENV, std::process::id().to_string()) // checked: worker::die_with_parent
            .env(SPIN_ENV, cfg.spin.as_micros().to_string());
        // The test-only variables reach the worker only from a pool configured for fault tests.
        fault_injection::set_worker_env(&mut cmd, cfg.test_faults, cfg.test_version);
        let mut child = cmd.spawn().map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => PoolError::WorkerMissing { path: path.clone() },
            io::ErrorKind::PermissionDenied => PoolError::NotExecutable { path: path.clone() },
            _ => PoolError::Spawn {
                path: path.clone(),
                source,
            },
        })?;
        let pid = child.id();
        started.push(pid);
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = end(&mut child, Duration::ZERO);
            return Err(PoolError::Io(io::Error::other("worker pipes missing")));
        };
        for fd in [stdin.as_fd(), stdout.as_fd()] {
            if let Err(e) = fcntl(fd, FcntlArg::F_SETFL(OFlag::O_NONBLOCK)) {
                let _ = end(&mut child, Duration::ZERO);
                return Err(PoolError::Io(e.into()));
            }
            // Bigger pipes mean fewer wake-ups for large chunks; refusal is harmless.
            let _ = fcntl(fd, FcntlArg::F_SETPIPE_SZ(1 << 20));
        }
        // ANCHOR_END: spawn
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
            deadline: Instant::now() + cfg.start_timeout,
            expect: Op::HelloOk,
            attempt: 1,
        };
        if let Err(e) = slot.send(hello, busy) {
            let status = slot.reap(true);
            return Err(PoolError::Handshake {
                path: path.clone(),
                reason: format!("could not send the handshake ({e:?}); worker {status}"),
            });
        }
        Ok(slot)
    }

    /// The worker's stdout, to poll for replies.
    pub(super) fn reply_pipe(&self) -> BorrowedFd<'_> {
        self.stdout.as_fd()
    }

    /// The worker's stdin, to poll while a request is still being written.
    pub(super) fn request_pipe(&self) -> BorrowedFd<'_> {
        self.stdin.as_fd()
    }

    /// True while part of the request is still waiting for room in the pipe.
    pub(super) fn writing(&self) -> bool {
        self.out_pos < self.out.len()
    }

    /// Queues a request frame and writes as much of it as the pipe takes now.
    pub(super) fn send(&mut self, frame: Vec<u8>, busy: Busy) -> Result<(), Failure> {
        self.out = frame;
        self.out_pos = 0;
        self.busy = Some(busy);
        self.flush()
    }

    /// Writes pending request bytes until done or the pipe is full.
    pub(super) fn flush(&mut self) -> Result<(), Failure> {
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
    pub(super) fn read_frame(&mut self) -> Result<Option<Header>, Failure> {
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

    /// Ends the worker and its process group, and reaps it. `exiting`: it is probably exiting
    /// by itself (its pipe closed), so give it a moment to report its real status first.
    pub(super) fn reap(&mut self, exiting: bool) -> String {
        let grace = if exiting {
            Duration::from_secs(2)
        } else {
            Duration::ZERO
        };
        match end(&mut self.child, grace) {
            Ok(status) => describe_status(status),
            Err(e) => format!("could not be reaped: {e}"),
        }
    }

    /// The bytes of the reply read so far (a whole header once one was refused): what a
    /// program that is not a worker printed, for its error message.
    pub(super) fn received(&self) -> &[u8] {
        &self.inbuf[..self.filled]
    }

    /// Closes the worker's stdin (an idle worker then exits with status 0) and hands back the
    /// process, to be [`end`]ed, and its stdout, kept open until then.
    pub(super) fn close(self) -> (Child, ChildStdout) {
        drop(self.stdin);
        (self.child, self.stdout)
    }
}

/// Ends a worker: waits up to `grace` for it to exit by itself, then kills its process group
/// (the worker and anything it started) and reaps it, returning how it ended.
///
/// The group is killed while the worker is not yet reaped (alive, or a zombie seen with
/// `WNOWAIT`), so its pid, which is the group's id, cannot have been reused by then.
pub(crate) fn end(child: &mut Child, grace: Duration) -> io::Result<ExitStatus> {
    let pid = Pid::from_raw(i32::try_from(child.id()).map_err(io::Error::other)?);
    let deadline = Instant::now() + grace;
    let mut pause = Duration::from_micros(100);
    loop {
        let exited = waitid(
            Id::Pid(pid),
            WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT,
        );
        // Anything but "still running" (exited, or an error such as already reaped) ends the wait.
        if !matches!(exited, Ok(WaitStatus::StillAlive)) || Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
        pause = (pause * 2).min(Duration::from_millis(10));
    }
    let _ = killpg(pid, Signal::SIGKILL); // ESRCH when the group is already empty: fine
    child.wait()
}

/// Checks that `path` is an executable file, with a clear error naming it.
pub(crate) fn check_executable(path: &Path) -> Result<(), PoolError> {
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
pub(crate) fn describe_status(status: ExitStatus) -> String {
    if let Some(sig) = status.signal() {
        let name = nix::sys::signal::Signal::try_from(sig)
            .map(|s| s.as_str())
            .unwrap_or("unknown");
        format!("killed by signal {sig} ({name})")
    } else {
        format!("exited with status {}", status.code().unwrap_or(-1))
    }
}
