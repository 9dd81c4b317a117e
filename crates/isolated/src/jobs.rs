//! The jobs: what the lab does with a [`Pool`]. Each one turns its input into tasks, runs them
//! on the pool, and reduces the replies, in task order, to one answer:
//!
//! - [`Pool::count`]: the counter job, each task on its worker's own C counter;
//! - [`Pool::sum_squares`]: the source article's E1 at scale, per item or batched;
//! - [`Pool::square_pipe`] and [`Pool::square_shm`]: the article's E3, an array squared by
//!   copying it through the pipes or in shared memory;
//!
//! and, to compare the counter job with, [`count_on_threads`]: the same job on threads.

use std::ops::RangeInclusive;

use crate::fault_injection::TestFault;
use crate::{FaultReport, Pool, PoolError, Reply, Task, TempSharedF64s, protocol, reduce};

/// The largest chunk of `f64`s one pipe frame can carry.
pub const MAX_CHUNK_ELEMS: usize = protocol::MAX_PAYLOAD / 8;

impl Pool {
    // ANCHOR: count_job
    /// The counter job: `per_task.len()` tasks, task `i` does `per_task[i]` increments on its
    /// worker's own C counter. The total is the sum of the deltas the parent *received*.
    pub fn count(&mut self, per_task: &[u64]) -> Result<u64, PoolError> {
        self.count_injecting(per_task, &[]).map(|(total, _)| total)
    }

    /// [`count`](Self::count) with test faults (test-only, see
    /// [`PoolConfig::test_faults`](crate::PoolConfig::test_faults));
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
    /// The source article's first example (E1) at scale: the sum of `square_wide(x)` over
    /// `xs`, sent `batch` numbers per message (`batch = 1` is one message per item).
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
    /// The article's third example (E3), squaring an array, by copying: `input` split into
    /// `chunks` pieces (more if one would exceed a frame), each
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
    /// The article's E3 through shared memory: each worker squares its own range of `array` in
    /// place; only 16 bytes of range and the file's path cross the pipe per chunk.
    pub fn square_shm(
        &mut self,
        array: &mut TempSharedF64s,
        chunks: usize,
    ) -> Result<(), PoolError> {
        let size = array.len().div_ceil(chunks.max(1)).max(1);
        let path = array.path();
        let tasks: Vec<Task> = (0..array.len())
            .step_by(size)
            .map(|offset| Task::SquareShm {
                path: path.clone(),
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

/// The counter job on `threads` scoped threads instead of processes, each thread pinned to a
/// core in turn and doing `per_thread` increments on its own caller-owned C counter
/// (`ffi::increment_r`); the sum at the end. What [`Pool::count`] is compared with, in the demo
/// and in the benchmark suite.
pub fn count_on_threads(threads: usize, per_thread: u64) -> u64 {
    let cores = core_affinity::get_core_ids().unwrap_or_default();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let core = cores.get(i % cores.len().max(1)).copied();
                s.spawn(move || {
                    if let Some(c) = core {
                        core_affinity::set_for_current(c);
                    }
                    let mut mine = 0u64;
                    for _ in 0..per_thread {
                        ffi::increment_r(&mut mine);
                    }
                    mine
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    })
}
