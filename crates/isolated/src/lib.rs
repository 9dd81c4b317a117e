//! # `isolated`: the same C library, one process per worker
//!
//! The C library's racy counter is not thread-safe: two threads calling it at once lose
//! increments. Put each worker in its **own process** instead and the problem disappears: each
//! process has its own copy of the C globals, and each worker is single-threaded, so
//! `ffi::RacyCounter` is sound inside it. Nothing is shared, so nothing races. The price moves
//! elsewhere: starting processes, and moving every input and output through pipes (or setting
//! up shared memory). This crate measures where that price wins and where it loses.
//!
//! - [`protocol`]: the framed messages between parent and worker (version byte, opcode,
//!   length, payload); documented byte by byte in the crate's `README.md`.
//! - [`worker`]: the worker's loop; the `lab-worker` binary is just that loop.
//! - [`Pool`]: N persistent workers, a `poll(2)` event loop with a deadline per task, and fault
//!   handling: which worker failed which task and why, every child reaped, and with retry the
//!   lost task (only it) re-run on a fresh worker.
//! - [`reduce`]: the collect-and-reduce bookkeeping, shared with the loom model.
//! - [`TempSharedF64s`]: an `f64` array in shared memory, in a temporary file it owns, that
//!   workers square in place.
//! - [`locate`]: finding the worker binary; [`measure`]: the benchmark functions.
//! - [`fault_injection`]: test support: the faults a test can ask a worker to commit.
//!
//! This crate contains no `unsafe`: the one unsafe call shared memory needs (mapping a file)
//! lives in `ffi::shm`, with its safety argument.

#![forbid(unsafe_code)]

mod codec;
mod config;
mod error;
pub mod fault_injection;
pub mod locate;
pub mod measure;
pub mod pool;
pub mod protocol;
pub mod reduce;
pub mod temp_shared;
pub mod worker;

pub use codec::{Reply, Task};
pub use config::PoolConfig;
pub use error::{FaultReason, FaultReport, PoolError};
pub use pool::{Pool, RunOutcome};
pub use temp_shared::TempSharedF64s;

use std::ops::RangeInclusive;

use fault_injection::TestFault;

/// The largest chunk of `f64`s one pipe frame can carry.
pub const MAX_CHUNK_ELEMS: usize = protocol::MAX_PAYLOAD / 8;

impl Pool {
    // ANCHOR: count_job
    /// The counter job: `per_task.len()` tasks, task `i` does `per_task[i]` increments on its
    /// worker's own C counter. The total is the sum of the deltas the parent *received*.
    pub fn count(&mut self, per_task: &[u64]) -> Result<u64, PoolError> {
        self.count_injecting(per_task, &[]).map(|(total, _)| total)
    }

    /// [`count`](Self::count) with test faults (test-only, see [`PoolConfig::test_faults`]);
    /// also returns the failures that retry recovered from.
    pub fn count_injecting(
        &mut self,
        per_task: &[u64],
        faults: &[(usize, TestFault)],
    ) -> Result<(u64, Vec<FaultReport>), PoolError> {
        let tasks: Vec<Task> = per_task.iter().map(|&n| Task::Count(n)).collect();
        let out = self.run_injecting(&tasks, faults)?;
        let deltas: Vec<u64> = out
            .replies
            .iter()
            .map(|r| match r {
                Reply::Counted { delta, .. } => *delta,
                other => {
                    unreachable!("a Count task got {other:?}: Reply::decode checks the opcode")
                }
            })
            .collect();
        let total = reduce::sum_counts(&deltas).ok_or_else(|| {
            PoolError::Io(std::io::Error::other("the counter total overflows u64"))
        })?;
        Ok((total, out.recovered))
    }
    // ANCHOR_END: count_job

    // ANCHOR: squares_job
    /// E1 at scale: the sum of `square_wide(x)` over `xs`, sent `batch` numbers per message
    /// (`batch = 1` is one message per item).
    pub fn sum_squares(
        &mut self,
        xs: RangeInclusive<i32>,
        batch: usize,
    ) -> Result<i128, PoolError> {
        let all: Vec<i32> = xs.collect();
        let tasks: Vec<Task> = all
            .chunks(batch.clamp(1, protocol::MAX_PAYLOAD / 8))
            .map(|c| Task::Squares(c.into()))
            .collect();
        let out = self.run(&tasks)?;
        Ok(out
            .replies
            .iter()
            .flat_map(|r| match r {
                Reply::Squares(v) => v.iter().map(|&s| i128::from(s)),
                other => unreachable!("a Squares task got {other:?}"),
            })
            .sum())
    }
    // ANCHOR_END: squares_job

    // ANCHOR: pipe_job
    /// E3 by copying: `input` split into `chunks` pieces (more if one would exceed a frame), each
    /// copied to a worker through its stdin, squared, copied back through its stdout, and the
    /// pieces concatenated. The copies: encode into the request buffer, the pipe, decode in the
    /// worker, and the same three on the way back, then the concatenation.
    pub fn square_pipe(&mut self, input: &[f64], chunks: usize) -> Result<Vec<f64>, PoolError> {
        let size = input
            .len()
            .div_ceil(chunks.max(1))
            .clamp(1, MAX_CHUNK_ELEMS);
        let tasks: Vec<Task> = input
            .chunks(size)
            .map(|c| Task::SquareChunk(c.into()))
            .collect();
        let out = self.run(&tasks)?;
        let mut result = Vec::with_capacity(input.len());
        for r in out.replies {
            match r {
                Reply::Chunk(c) => result.extend_from_slice(&c),
                other => unreachable!("a SquareChunk task got {other:?}"),
            }
        }
        Ok(result)
    }
    // ANCHOR_END: pipe_job

    // ANCHOR: shm_job
    /// E3 through shared memory: each worker squares its own range of `array` in place; only
    /// 16 bytes of range and the file's path cross the pipe per chunk.
    pub fn square_shm(
        &mut self,
        array: &mut TempSharedF64s,
        chunks: usize,
    ) -> Result<(), PoolError> {
        let size = array.len().div_ceil(chunks.max(1)).max(1);
        let tasks: Vec<Task> = (0..array.len())
            .step_by(size)
            .map(|offset| Task::SquareShm {
                path: array.path().to_path_buf(),
                offset,
                len: size.min(array.len() - offset),
            })
            .collect();
        // `&mut array` is held for the whole job and no slice of it is alive: the workers are
        // the only writers until `run` returns (the `ffi::shm` contract).
        let out = self.run(&tasks)?;
        let squared: u64 = out
            .replies
            .iter()
            .map(|r| match r {
                Reply::ShmDone(n) => *n,
                other => unreachable!("a SquareShm task got {other:?}"),
            })
            .sum();
        debug_assert_eq!(squared, array.len() as u64);
        Ok(())
    }
    // ANCHOR_END: shm_job
}
