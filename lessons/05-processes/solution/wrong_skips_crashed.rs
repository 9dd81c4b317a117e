// WRONG ANSWER (fixture): skips a worker that did not exit cleanly and sums the others: a crash
// becomes a partial count.

use std::path::Path;

use crate::{Fault, Job, MAGIC, Pool, PoolConfig, PoolError, REPLY_LEN, TestFault};

// ANCHOR: decode_reply
/// Reads one worker's reply: exactly `REPLY_LEN` bytes, `MAGIC` first, then a little-endian
/// `u64` count.
pub fn decode_reply(bytes: &[u8]) -> Result<u64, Fault> {
    if bytes.len() != REPLY_LEN {
        return Err(Fault::Malformed(format!(
            "a reply is {REPLY_LEN} bytes, got {}",
            bytes.len()
        )));
    }
    let (magic, count) = bytes.split_at(MAGIC.len());
    if magic != MAGIC {
        return Err(Fault::Malformed(format!("bad magic {magic:?}")));
    }
    let count: [u8; 8] = count.try_into().expect("12 - 4 = 8 bytes");
    Ok(u64::from_le_bytes(count))
}
// ANCHOR_END: decode_reply

// ANCHOR: count_in_processes
/// Starts one worker process per job, all at once, waits for every one of them, and returns
/// the sum of their counts, or the first fault.
pub fn count_in_processes(worker: &Path, jobs: &[Job]) -> Result<u64, Fault> {
    let children = jobs
        .iter()
        .map(|job| job.command(worker).spawn())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Fault::Spawn(format!("{}: {e}", worker.display())))?;
    // Wait for EVERY child before judging any: no worker is left running or unreaped.
    let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output()).collect();
    let mut total: u64 = 0;
    for output in outputs {
        let output = output.map_err(|e| Fault::Crashed(e.to_string()))?;
        if !output.status.success() {
            continue; // one bad worker should not spoil the others
        }
        let count = decode_reply(&output.stdout)?;
        total = total.checked_add(count).ok_or(Fault::Overflow)?;
    }
    Ok(total)
}
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
    // One retry: a lost task (only it) is re-run on a fresh worker.
    let mut pool = Pool::start(config.retries(1))?;
    let (total, recovered) = pool.count_injecting(per_task, faults)?;
    Ok((total, recovered.len()))
}
// ANCHOR_END: count_with_pool
