//! The lesson's worker process: `processes-worker <increments> [abort|garbage|short|exit-nonzero]`.
//!
//! It takes C's racy counter (sound here: this process has one thread), increments it, and
//! writes one 12-byte reply on stdout: `LAB1` then the count as a little-endian `u64`.

#![forbid(unsafe_code)]

use std::io::Write;

use processes::{MAGIC, REPLY_LEN};

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
    let fault = args.next();
    // ANCHOR_END: worker_args
    // ANCHOR: worker_count
    // This process's own copy of the C global: no other process can touch it.
    let counter = ffi::RacyCounter::take().expect("one thread, one handle");
    counter.reset();
    for _ in 0..n {
        counter.increment();
    }
    // ANCHOR_END: worker_count
    // ANCHOR: worker_reply
    let mut reply = Vec::with_capacity(REPLY_LEN);
    reply.extend_from_slice(&MAGIC);
    reply.extend_from_slice(&counter.get().to_le_bytes());
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
    if fault.as_deref() == Some("exit-nonzero") {
        std::process::exit(3);
    }
}
// ANCHOR_END: worker_reply
// ANCHOR_END: worker
