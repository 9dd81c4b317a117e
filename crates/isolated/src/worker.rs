//! The worker's side: a loop that reads one request frame, does the work by calling C, and
//! writes one reply frame, until its stdin closes. The `lab-worker` binary is this loop.
//!
//! A worker is single-threaded and is the only code in its process that calls the C library,
//! so it may own the handle to the C library's *racy* global counter: with one thread there is
//! nobody to race with. Isolation is what makes the non-thread-safe library safe to use in
//! parallel: each worker process has its own copy of the global.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use ffi::shm::SharedF64s;

// The options are test switches: defined in fault_injection, beside the variables they read.
pub use crate::fault_injection::WorkerOptions;

use crate::codec;
use crate::config::PARENT_ENV;
use crate::fault_injection;
use crate::protocol::{self, FrameError, HEADER_LEN, Op};
use crate::spin::{self, SpinRead};

/// Why a worker stopped serving.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// A frame could not be read (the stream cannot be trusted after it).
    #[error("{0}")]
    Frame(FrameError),
    /// Reading or writing the pipes failed.
    #[error("pipe error: {0}")]
    Io(#[from] io::Error),
}

/// Everything a worker process keeps between tasks.
struct State {
    /// The handle to this process's racy C counter: sound, since this thread is the only one.
    counter: ffi::RacyCounter,
    /// The shared-memory array this worker has mapped, by file identity (`st_dev`, `st_ino`):
    /// the path a parent sends is its descriptor, whose number a later array may reuse.
    shm: Option<((u64, u64), SharedF64s)>,
    /// How the worker was started (the test switches).
    opts: WorkerOptions,
    // Buffers kept from task to task: a fresh 8 MB buffer costs thousands of page faults.
    /// The request payload being read.
    payload: Vec<u8>,
    /// The reply being written, header first.
    reply: Vec<u8>,
    /// A chunk of `f64`s being squared.
    f64s: Vec<f64>,
}

/// The exit code of a worker whose parent died before the worker could ask to die with it.
pub const PARENT_GONE: i32 = 4;

/// The `lab-worker` binary's whole `main`: asks to die with its parent, serves stdin/stdout,
/// and returns the exit code (0 when the parent closed stdin, 2 after a protocol error, 1 after
/// a pipe error, [`PARENT_GONE`] when its parent was already gone).
pub fn main_stdio() -> i32 {
    if let Err(why) = die_with_parent() {
        eprintln!("lab-worker {}: {why}; exiting", std::process::id());
        return PARENT_GONE;
    }
    // Our own buffer over stdin, so the wait for the next request can spin before it blocks
    // (`crate::spin`): std's locked stdin has a buffer too, but no way to wait on it. Stdout
    // unbuffered: `serve` writes each reply whole, in one `write(2)`, where std's line-buffered
    // stdout would cut a binary frame at every byte 0x0A.
    let pipes = io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .and_then(|i| Ok((i, io::stdout().as_fd().try_clone_to_owned()?)));
    let (stdin, stdout) = match pipes {
        Ok((i, o)) => (
            io::BufReader::new(SpinRead::new(File::from(i), spin::from_env())),
            File::from(o),
        ),
        Err(e) => {
            eprintln!(
                "lab-worker {}: cannot use stdin or stdout: {e}",
                std::process::id()
            );
            return 1;
        }
    };
    match serve(stdin, stdout, WorkerOptions::from_env()) {
        Ok(()) => 0,
        Err(WorkerError::Frame(e)) => {
            eprintln!("lab-worker {}: {e}", std::process::id());
            2
        }
        Err(WorkerError::Io(e)) => {
            eprintln!("lab-worker {}: pipe error: {e}", std::process::id());
            1
        }
    }
}

// ANCHOR: die_with_parent
/// Asks the kernel to SIGKILL this worker when its parent dies (`PR_SET_PDEATHSIG`, Linux), so a
/// worker hung in C cannot outlive a parent killed by any signal, SIGKILL included: an idle
/// worker would see its stdin close, a hung one reads nothing.
///
/// The parent may die *before* the request is made; then the worker has already been given to
/// another parent (init or a subreaper) and no signal will come. So, the request made, the
/// worker compares `getppid()` with the pid the pool put in [`PARENT_ENV`] and refuses to serve
/// when they differ. After that check, the parent's death is the signal's business. A worker
/// started by hand (no [`PARENT_ENV`]) skips the check.
///
/// (The signal comes when the parent *thread* that started the worker ends, which is why a
/// [`Pool`](crate::Pool) cannot be sent to another thread.)
fn die_with_parent() -> Result<(), String> {
    #[cfg(target_os = "linux")]
    nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)
        .map_err(|e| format!("cannot ask to die with its parent: {e}"))?;
    let Some(expected) = std::env::var_os(PARENT_ENV) else {
        return Ok(());
    };
    let now = nix::unistd::getppid().as_raw();
    match expected.to_str().and_then(|s| s.parse::<i32>().ok()) {
        Some(parent) if parent == now => Ok(()),
        _ => Err(format!(
            "its parent (pid {}) is gone: its parent is now pid {now}",
            expected.to_string_lossy()
        )),
    }
}
// ANCHOR_END: die_with_parent

// ANCHOR: serve
/// Serves requests from `input` until it ends cleanly (between frames). A frame that cannot be
/// read (stale version, unknown opcode, oversized or truncated) gets an `Error` reply naming the
/// problem and ends the loop with an error: after it the byte stream cannot be trusted.
/// A request that is well framed but cannot be done (a bad payload, a fault byte while faults
/// are disabled) gets an `Error` reply and the loop goes on.
pub fn serve(
    mut input: impl Read,
    mut output: impl Write,
    opts: WorkerOptions,
) -> Result<(), WorkerError> {
    // ANCHOR: worker_counter
    let counter = ffi::RacyCounter::take()
        .expect("a worker process is single-threaded and takes the racy counter once");
    // ANCHOR_END: worker_counter
    let mut state = State {
        counter,
        shm: None,
        opts,
        payload: Vec::new(),
        reply: Vec::new(),
        f64s: Vec::new(),
    };
    loop {
        let header = match read_header(&mut input)? {
            None => return Ok(()), // the parent closed our stdin: a clean shutdown
            Some(Ok(h)) => h,
            Some(Err(e)) => {
                send_error(&mut output, &state, 0, &e.to_string())?;
                return Err(WorkerError::Frame(e));
            }
        };
        // `len` was checked against MAX_PAYLOAD by parse_header: this buffer is bounded.
        let mut payload = std::mem::take(&mut state.payload);
        payload.clear();
        payload.reserve(header.len);
        let got = (&mut input)
            .take(header.len as u64)
            .read_to_end(&mut payload)?;
        if got < header.len {
            return Err(WorkerError::Frame(FrameError::Truncated {
                got: HEADER_LEN + got,
                want: HEADER_LEN + header.len,
            }));
        }
        let fault = match fault_injection::requested(header.fault, state.opts.faults_enabled) {
            Ok(fault) => fault,
            Err(msg) => {
                send_error(&mut output, &state, header.task, &msg)?;
                continue;
            }
        };
        let mut reply = std::mem::take(&mut state.reply);
        reply.clear();
        reply.extend_from_slice(&[0; HEADER_LEN]); // the header goes here once the length is known
        let done = handle(&mut state, header.op, &payload, &mut reply);
        state.payload = payload;
        match done {
            Ok(()) => {
                if let Some(f) = fault {
                    fault_injection::commit(f, &mut output, state.opts.reply_version)?;
                }
                let mut h = Vec::with_capacity(HEADER_LEN);
                protocol::write_header(
                    &mut h,
                    state.opts.reply_version,
                    header.op.reply(),
                    0,
                    header.task,
                    reply.len() - HEADER_LEN,
                );
                reply[..HEADER_LEN].copy_from_slice(&h);
                output.write_all(&reply)?;
                output.flush()?;
            }
            Err(msg) => send_error(&mut output, &state, header.task, &msg)?,
        }
        state.reply = reply;
    }
}
// ANCHOR_END: serve

/// Reads a header: `None` at a clean end of input, `Some(Err)` for a bad or cut-off header.
fn read_header(
    input: &mut impl Read,
) -> Result<Option<Result<protocol::Header, FrameError>>, WorkerError> {
    let mut buf = [0u8; HEADER_LEN];
    let mut got = 0;
    while got < HEADER_LEN {
        match input.read(&mut buf[got..]) {
            Ok(0) if got == 0 => return Ok(None),
            Ok(0) => {
                return Ok(Some(Err(FrameError::Truncated {
                    got,
                    want: HEADER_LEN,
                })));
            }
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Some(protocol::parse_header(&buf)))
}

/// Writes an `Error` reply for `task` carrying `msg`.
fn send_error(out: &mut impl Write, state: &State, task: u32, msg: &str) -> io::Result<()> {
    let mut frame = Vec::with_capacity(HEADER_LEN + msg.len());
    protocol::write_header(
        &mut frame,
        state.opts.reply_version,
        Op::Error,
        0,
        task,
        msg.len(),
    );
    frame.extend_from_slice(msg.as_bytes());
    out.write_all(&frame)?;
    out.flush()
}

// ANCHOR: handle
/// Does one task and appends the reply payload to `out`, or returns a message for an `Error`
/// reply.
fn handle(state: &mut State, op: Op, payload: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    let err = |e: FrameError| e.to_string();
    match op {
        Op::Hello => out.extend_from_slice(&std::process::id().to_le_bytes()),
        // ANCHOR: count_task
        Op::Count => {
            let n = codec::u64_at(op, payload, 0).map_err(err)?;
            let before = state.counter.get();
            for _ in 0..n {
                state.counter.increment(); // the racy C increment: one thread, so no race
            }
            let total = state.counter.get();
            out.extend_from_slice(&(total - before).to_le_bytes());
            out.extend_from_slice(&total.to_le_bytes());
        }
        // ANCHOR_END: count_task
        Op::Squares => {
            let xs: Vec<i32> = codec::decode(op, payload).map_err(err)?;
            out.reserve(xs.len() * 8);
            for x in xs {
                out.extend_from_slice(&ffi::square_wide(x).to_le_bytes());
            }
        }
        Op::SquareChunk => {
            let chunk = &mut state.f64s; // reused from task to task
            codec::decode_into(op, payload, chunk).map_err(err)?;
            ffi::square_in_place(chunk); // one C call over the whole chunk
            codec::encode(chunk, out);
        }
        Op::SquareShm => {
            let offset = codec::u64_at(op, payload, 0).map_err(err)?;
            let len = codec::u64_at(op, payload, 8).map_err(err)?;
            let path = std::str::from_utf8(&payload[16..])
                .map_err(|_| "the shared-memory path is not UTF-8".to_string())?;
            let array = state.mapped(Path::new(path))?;
            let all = array.as_mut_slice();
            let range = usize::try_from(offset)
                .ok()
                .zip(usize::try_from(len).ok())
                .and_then(|(o, l)| Some(o..o.checked_add(l)?))
                .filter(|r| r.end <= all.len())
                .ok_or_else(|| {
                    format!(
                        "range {offset}+{len} is outside the shared array of {}",
                        all.len()
                    )
                })?;
            ffi::square_in_place(&mut all[range]); // in place: no copy crosses the pipe
            out.extend_from_slice(&len.to_le_bytes());
        }
        other => return Err(format!("{other:?} is a reply, not a request")),
    }
    Ok(())
}
// ANCHOR_END: handle

impl State {
    /// The mapping of the file at `path`, mapped on first use and kept for the next tasks on the
    /// same file. The file is opened every time, to see *which* file the path leads to now; the
    /// kept mapping holds its file, so no other file can have that identity meanwhile.
    fn mapped(&mut self, path: &Path) -> Result<&mut SharedF64s, String> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path)
            .map_err(|e| format!("cannot open shared memory {}: {e}", path.display()))?;
        let meta = file
            .metadata()
            .map_err(|e| format!("cannot stat shared memory {}: {e}", path.display()))?;
        let id = (meta.dev(), meta.ino());
        if self.shm.as_ref().is_none_or(|(kept, _)| *kept != id) {
            self.shm = None; // unmap the last array before mapping the next
            let map = SharedF64s::map(&file)
                .map_err(|e| format!("cannot map shared memory {}: {e}", path.display()))?;
            self.shm = Some((id, map));
        }
        Ok(&mut self.shm.as_mut().expect("just mapped").1)
    }
}
