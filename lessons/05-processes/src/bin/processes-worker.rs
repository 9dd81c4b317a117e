//! The lesson's worker process:
//! `processes-worker <increments> [abort|garbage|short|exit-nonzero|panic|killed]`, and for the
//! tests `--claim <count>` (reply that count without counting) and `--meet <dir> <workers>`
//! (wait for the sibling workers first: see `processes::Meeting`).
//!
//! It takes C's racy counter (sound here: this process has one thread), increments it, and
//! writes one 12-byte reply on stdout: `LAB1` then the count as a little-endian `u64`.

#![forbid(unsafe_code)]

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use processes::{MAGIC, MEETING_TIMEOUT_SECS, MET_ALONE_STATUS, REPLY_LEN};

// ANCHOR: worker
// ANCHOR: worker_args
fn main() {
    let mut args = std::env::args().skip(1);
    let n: u64 = match args.next().and_then(|a| a.parse().ok()) {
        Some(n) => n,
        None => {
            eprintln!("usage: processes-worker <increments> [fault]");
            std::process::exit(2);
        }
    };
    let rest: Vec<String> = args.collect();
    let fault = rest.first().filter(|a| !a.starts_with("--")).cloned();
    // ANCHOR_END: worker_args
    let test = TestOptions::parse(&rest);
    if let Some((dir, workers)) = &test.meet {
        meet(Path::new(dir), *workers);
    }
    // ANCHOR: worker_count
    // This process's own copy of the C global: no other process can touch it.
    let counter = ffi::RacyCounter::take().expect("one thread, one handle");
    counter.reset();
    for _ in 0..n {
        counter.increment();
    }
    // ANCHOR_END: worker_count
    // ANCHOR: worker_reply
    let count = test.claim.unwrap_or_else(|| counter.get());
    let mut reply = Vec::with_capacity(REPLY_LEN);
    reply.extend_from_slice(&MAGIC);
    reply.extend_from_slice(&count.to_le_bytes());
    let mut out = std::io::stdout().lock();
    let sent = match fault.as_deref() {
        Some("abort") => std::process::abort(),
        Some("garbage") => out.write_all(b"oops"),
        Some("short") => out.write_all(&reply[..7]),
        _ => out.write_all(&reply),
    };
    if sent.and_then(|()| out.flush()).is_err() {
        std::process::exit(1);
    }
    misbehave_after_replying(fault.as_deref());
}
// ANCHOR_END: worker_reply
// ANCHOR_END: worker

/// A valid reply is out; now fail anyway, if asked: only the exit status tells.
fn misbehave_after_replying(fault: Option<&str>) {
    match fault {
        Some("exit-nonzero") => std::process::exit(3),
        Some("panic") => {
            // One line on stderr instead of a backtrace in the test output.
            std::panic::set_hook(Box::new(|_| {
                eprintln!("processes-worker: panicked, as asked")
            }));
            panic!("asked to panic after replying");
        }
        Some("killed") => {
            // SIGKILL from outside (no `unsafe` here): `$PPID` of the shell is this worker.
            let sent = std::process::Command::new("sh")
                .args(["-c", "kill -KILL $PPID"])
                .status();
            if sent.is_ok_and(|s| s.success()) {
                std::thread::sleep(Duration::from_secs(10)); // the signal is on its way
            }
            std::process::exit(1); // not killed after all: still a failure
        }
        _ => {}
    }
}

/// The test-only options after the fault word.
#[derive(Default)]
struct TestOptions {
    claim: Option<u64>,
    meet: Option<(String, usize)>,
}

impl TestOptions {
    fn parse(args: &[String]) -> Self {
        let mut opts = TestOptions::default();
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = || args.next().cloned().unwrap_or_else(|| usage(arg));
            match arg.as_str() {
                "--claim" => opts.claim = Some(value().parse().unwrap_or_else(|_| usage(arg))),
                "--meet" => {
                    let dir = value();
                    let workers = value().parse().unwrap_or_else(|_| usage(arg));
                    opts.meet = Some((dir, workers));
                }
                _ => {}
            }
        }
        opts
    }
}

fn usage(arg: &str) -> ! {
    eprintln!("processes-worker: bad value after {arg}");
    std::process::exit(2)
}

/// Leaves this worker's marker in `dir` (its pid and start time, so a test can tell whether
/// this very process was reaped), then waits until `workers` markers are there.
fn meet(dir: &Path, workers: usize) {
    let pid = std::process::id();
    let start = i32::try_from(pid)
        .ok()
        .and_then(supervisor::procfs::stat)
        .map_or(0, |s| s.start_ticks);
    let marker = format!("{pid} {start}\n");
    let tmp = dir.join(format!(".{pid}.tmp"));
    let written = std::fs::write(&tmp, marker)
        .and_then(|()| std::fs::rename(&tmp, dir.join(pid.to_string())));
    if let Err(e) = written {
        eprintln!(
            "processes-worker: cannot leave a marker in {}: {e}",
            dir.display()
        );
        std::process::exit(5);
    }
    let deadline = Instant::now() + Duration::from_secs(MEETING_TIMEOUT_SECS);
    loop {
        let here = markers_in(dir);
        if here >= workers {
            return;
        }
        if Instant::now() >= deadline {
            eprintln!(
                "processes-worker: only {here} of {workers} workers were running after \
                 {MEETING_TIMEOUT_SECS} s: they were not started all at once"
            );
            std::process::exit(MET_ALONE_STATUS);
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn markers_in(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .count()
    })
}
