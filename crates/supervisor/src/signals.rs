//! Ending cleanly on a signal: SIGINT (Ctrl-C), SIGTERM and SIGHUP stop every process group
//! this program started, then the program itself, with one line saying so. A program opts in
//! with [`supervise`]; the crate's documentation says what it guarantees.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::thread;

use nix::sys::signal::Signal;

use crate::{ADOPTS, kill_orphans, live, stop_group};

/// The signals [`supervise`] turns into "stop everything, then exit".
pub const STOP_SIGNALS: [Signal; 3] = [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];

/// Makes this program end cleanly on SIGINT, SIGTERM and SIGHUP, and the subreaper of
/// everything it starts (see the module's documentation). `name` starts the one-line message
/// (`cargo lab`). A thread of ours waits for the signals (`signal-hook`'s iterator: the handler
/// only wakes it); children start with the default handling, as every handler is reset by
/// `exec`, and no signal is blocked. A signal this program was started with ignored stays
/// ignored (`nohup cargo lab check` survives a hang-up; so does a background job of a script).
pub fn supervise(name: &'static str) -> anyhow::Result<()> {
    let ignored = ignored_signals();
    let wanted: Vec<i32> = STOP_SIGNALS
        .iter()
        .filter(|s| !ignored.contains(s))
        .map(|s| *s as i32)
        .collect();
    let mut signals = signal_hook::iterator::Signals::new(&wanted)?;
    if nix::sys::prctl::set_child_subreaper(true).is_ok() {
        ADOPTS.store(true, Ordering::SeqCst);
    }
    thread::Builder::new()
        .name("stop-on-signal".into())
        .spawn(move || {
            for signal in signals.forever() {
                if let Ok(signal) = Signal::try_from(signal) {
                    stop_all_and_exit(name, signal);
                }
            }
        })?;
    Ok(())
}

/// The signals this process ignores (the `SigIgn` mask of `/proc/self/status`: bit n-1 is
/// signal n).
fn ignored_signals() -> Vec<Signal> {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let mask = status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .unwrap_or(0);
    STOP_SIGNALS
        .into_iter()
        .filter(|s| mask & (1 << (*s as i32 - 1)) != 0)
        .collect()
}

/// Stops every live group, kills every other child of ours, says so in one line and exits with
/// 128 + the signal's number. The lock stays held: no new child starts, and none is reaped
/// (so no group id is reused) until the process is gone.
fn stop_all_and_exit(name: &str, signal: Signal) -> ! {
    let live = live();
    for &group in live.iter() {
        stop_group(group);
    }
    if ADOPTS.load(Ordering::SeqCst) {
        kill_orphans(&BTreeSet::new(), true);
    }
    crate::mpi::remove_scratch();
    eprintln!("\n{name}: stopped by {signal}, after ending every process it had started");
    std::process::exit(128 + signal as i32);
}
