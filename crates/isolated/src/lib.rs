//! # `isolated`: the same C library, one process per worker
//!
//! The C library's racy counter is not thread-safe: two threads calling it at once lose
//! increments. Put each worker in its **own process** instead and the problem disappears: each
//! process has its own copy of the C globals, and each worker is single-threaded, so
//! `ffi::RacyCounter` is sound inside it. Nothing is shared, so nothing races. The price moves
//! elsewhere: starting processes, and moving every input and output through pipes (or setting
//! up shared memory). The lab's benchmark suite (`cargo xtask bench`) measures where that price
//! wins and where it loses.
//!
//! The parts, one idea each:
//!
//! - [`protocol`]: the frame between parent and worker (version byte, opcode, task, length),
//!   documented byte by byte in the crate's `README.md`; the task and reply payloads beside it
//!   ([`Task`], [`Reply`]).
//! - [`worker`]: the worker's loop; the `lab-worker` binary is just that loop.
//! - [`Pool`]: N persistent workers, a `poll(2)` event loop with a deadline per task, and fault
//!   handling: which worker failed which task and why ([`FaultReport`], [`PoolError`]), every
//!   child reaped, and with retry the lost task (only it) re-run on a fresh worker. Configured
//!   by [`PoolConfig`].
//! - [`jobs`]: what the lab does with a pool: the counter job, the article's E1 and E3; and
//!   the counter job on threads, to compare with.
//! - [`reduce`]: the collect-and-reduce bookkeeping, shared with the loom model.
//! - [`spin`]: waiting on a pipe by looking for a while before blocking, so a small task's
//!   round trip does not pay for waking a sleeping core twice.
//! - [`TempSharedF64s`]: an `f64` array in shared memory, in a file with no name that it owns
//!   (so nothing, not even SIGKILL, can leave it behind), that workers square in place.
//! - [`locate`]: finding the worker binary.
//! - [`fault_injection`]: test support: the faults a test can ask a worker to commit.
//!
//! This crate contains no `unsafe`: the one unsafe call shared memory needs (mapping a file)
//! lives in `ffi::shm`, with its safety argument.

#![forbid(unsafe_code)]

mod codec;
mod config;
mod error;
pub mod fault_injection;
pub mod jobs;
pub mod locate;
mod pool;
pub mod protocol;
pub mod reduce;
pub mod spin;
pub mod temp_shared;
pub mod worker;

pub use codec::{Reply, Task};
pub use config::PoolConfig;
pub use error::{FaultReason, FaultReport, PoolError};
pub use jobs::MAX_CHUNK_ELEMS;
pub use pool::{Pool, RunOutcome};
pub use temp_shared::TempSharedF64s;
