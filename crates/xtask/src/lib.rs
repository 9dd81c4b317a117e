//! The maintainers' and CI's commands (`cargo xtask`): each subcommand is a module here, so tests
//! can drive them too. The student's runner is the `lab` crate; this crate uses its lesson table
//! and its time-limited process runner, and nothing points back.

#![forbid(unsafe_code)]

pub mod bench;
pub mod book;
pub mod leftovers;
pub mod loom;
pub mod testall;
pub mod tsan;
pub mod verify;
