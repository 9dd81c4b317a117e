// WRONG ANSWER (fixture): starts helper processes and never waits for them, and clamps an
// overflowing square to i32::MAX. The clamp fails a test; the processes are the runner's
// concern: `sleep 1000` keeps the test binary's output pipe open long after the tests end, one
// copy in the test's process group and one in a group of its own (`process_group(0)`). The
// runner must neither wait for them nor leave them running (crates/lab/tests/runner_limits.rs).
// Run by hand with plain `cargo test`, they outlive it: that is what the runner protects from.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::Command;

use crate::{Overflow, c};

/// Starts the two `sleep`s once per test binary. When `LAB_STRAY_PIDS` names a file, their
/// pids are appended to it, one per line, so a test can check that they are gone.
fn start_helpers() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let in_group = Command::new("sleep").arg("1000").spawn();
        let own_group = Command::new("sleep").arg("1000").process_group(0).spawn();
        if let Some(path) = std::env::var_os("LAB_STRAY_PIDS") {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .expect("the pid file opens");
            for child in [in_group, own_group].into_iter().flatten() {
                writeln!(file, "{}", child.id()).expect("the pid is written");
            }
        }
    });
}

// ANCHOR: squares
/// Squares every input in C, or reports the first input whose square does not fit in an `int`.
pub fn squares(xs: &[i32]) -> Result<Vec<i32>, Overflow> {
    start_helpers();
    xs.iter()
        .enumerate()
        .map(|(_index, &value)| Ok(c::square(value).unwrap_or(i32::MAX)))
        .collect()
}
// ANCHOR_END: squares

// ANCHOR: squared
/// Squares a whole buffer in ONE call to C's `square_array` (pointer + length).
pub fn squared(input: &[f64]) -> Result<Vec<f64>, ffi::LengthMismatch> {
    let mut out = vec![0.0; input.len()];
    c::square_array(input, &mut out)?;
    Ok(out)
}
// ANCHOR_END: squared

// ANCHOR: total
/// Adds all inputs with C's `add`, or `None` when the sum leaves `int`'s range.
pub fn total(xs: &[i32]) -> Option<i32> {
    xs.iter().try_fold(0, |sum, &x| c::add(sum, x))
}
// ANCHOR_END: total
