// Lesson 5, `processes`: edit this file, then run `cargo test -p processes`.
//
// Each worker is a separate process with its own copy of C's racy global, so no lock is needed
// anywhere. What can go wrong is at the boundary: a reply that is not a valid frame, a worker
// that crashes. Neither may ever be counted as 0 without a word.

use std::path::Path;

use crate::{Fault, Job, MAGIC, Pool, PoolConfig, PoolError, TestFault};

// ANCHOR: decode_reply
/// Reads one worker's reply: exactly `REPLY_LEN` bytes, `MAGIC` first, then a little-endian
/// `u64` count.
pub fn decode_reply(bytes: &[u8]) -> Result<u64, Fault> {
    // TODO: this accepts anything: a short reply is padded with zeros and garbage is read as
    // a number. Return `Err(Fault::Malformed(..))` unless `bytes` is exactly `crate::REPLY_LEN` long
    // and starts with `MAGIC`; only then read the count with `u64::from_le_bytes`.
    let mut count = [0u8; 8];
    for (dst, src) in count.iter_mut().zip(bytes.iter().skip(MAGIC.len())) {
        *dst = *src;
    }
    Ok(u64::from_le_bytes(count))
}
// ANCHOR_END: decode_reply

// ANCHOR: count_in_processes
// ANCHOR: count_in_processes_spawn
/// Starts one worker process per job, all at once, waits for every one of them, and returns
/// the sum of their counts, or the first fault.
pub fn count_in_processes(worker: &Path, jobs: &[Job]) -> Result<u64, Fault> {
    let children = jobs
        .iter()
        .map(|job| job.command(worker).spawn())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Fault::Spawn(format!("{}: {e}", worker.display())))?;
    // ANCHOR_END: count_in_processes_spawn
    // ANCHOR: count_in_processes_collect
    // Wait for EVERY worker before judging any: none is left running or unreaped.
    let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output()).collect();
    let mut total: u64 = 0;
    for output in outputs {
        let output = output.map_err(|e| Fault::Crashed(e.to_string()))?;
        // TODO: a worker that crashed or exited non-zero must be reported as
        // `Fault::Crashed(..)` (check `output.status.success()`), and a malformed reply must be
        // passed on, not counted as 0. Add with `checked_add` (`Fault::Overflow` if it fails).
        total += decode_reply(&output.stdout).unwrap_or(0);
    }
    Ok(total)
}
// ANCHOR_END: count_in_processes_collect
// ANCHOR_END: count_in_processes

// ANCHOR: count_with_pool
/// The same job on the lab's real process pool (`crates/isolated`): persistent workers,
/// framed requests, a deadline per task. `faults` asks workers to crash on purpose (test-only:
/// the config must allow it). Returns the total and how many lost tasks were re-run.
pub fn count_with_pool(
    config: PoolConfig,
    per_task: &[u64],
    faults: &[(usize, TestFault)],
) -> Result<(u64, usize), PoolError> {
    // TODO: a worker that dies mid-task loses that task, and with no retry the whole job
    // fails. Let the pool re-run a lost task once, on a fresh worker (`config.retries(1)`):
    // only that task runs again, so nothing is lost and nothing is counted twice.
    let mut pool = Pool::start(config)?;
    let (total, recovered) = pool.count_injecting(per_task, faults)?;
    Ok((total, recovered.len()))
}
// ANCHOR_END: count_with_pool
