//! The payloads: what a [`Task`] looks like on the wire, what a [`Reply`] is decoded from, and
//! the one little-endian array codec both sides use for them.
//!
//! [`protocol`](crate::protocol) is the frame (the 12-byte header and its checks); this module
//! is what goes after the header. Arrays of numbers are the payload of most tasks and replies
//! (`k × i32` out, `k × i64` back; `k × f64` both ways), so they have one generic
//! [`decode_into`] and one [`encode`] over the [`Element`]s they are made of.

use std::borrow::Cow;
use std::path::PathBuf;

use crate::error::PoolError;
use crate::protocol::{self, FrameError, HEADER_LEN, MAX_PAYLOAD, Op};

// ANCHOR: task
/// One unit of work for one worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Task<'a> {
    /// Increment the worker's own C counter this many times.
    Count(u64),
    /// Square these numbers with C's `square_wide` (per item: one number per task).
    Squares(Cow<'a, [i32]>),
    /// Square this chunk, copied through the pipes both ways.
    SquareChunk(Cow<'a, [f64]>),
    /// Square `len` elements from `offset` of the shared-memory array at `path`, in place.
    SquareShm {
        /// The shared file: [`TempSharedF64s::path`](crate::TempSharedF64s::path), the parent's
        /// descriptor of a file with no name.
        path: PathBuf,
        /// First element.
        offset: usize,
        /// Number of elements.
        len: usize,
    },
}

/// A worker's answer to a [`Task`].
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// How much this task moved the worker's counter, and the counter's value after it.
    Counted {
        /// The increments this task did (what the parent sums).
        delta: u64,
        /// The worker process's counter now (all its tasks so far).
        worker_total: u64,
    },
    /// The squares, in order.
    Squares(Vec<i64>),
    /// The squared chunk.
    Chunk(Vec<f64>),
    /// Elements squared in place.
    ShmDone(u64),
}
// ANCHOR_END: task

impl Task<'_> {
    /// The request opcode for this task.
    pub(crate) fn op(&self) -> Op {
        match self {
            Task::Count(_) => Op::Count,
            Task::Squares(_) => Op::Squares,
            Task::SquareChunk(_) => Op::SquareChunk,
            Task::SquareShm { .. } => Op::SquareShm,
        }
    }

    /// A short description for error messages.
    pub fn describe(&self) -> String {
        match self {
            Task::Count(n) => format!("count {n} increments"),
            Task::Squares(xs) => format!("square {} numbers", xs.len()),
            Task::SquareChunk(c) => format!("square a {}-element chunk by pipe", c.len()),
            Task::SquareShm { offset, len, .. } => {
                format!("square {len} shared elements from {offset}")
            }
        }
    }

    /// Encodes the request frame for this task into `out` (cleared first; its capacity is
    /// reused from task to task, so big chunks do not fault in fresh pages every time).
    pub(crate) fn encode_into(
        &self,
        out: &mut Vec<u8>,
        task: u32,
        fault: u8,
    ) -> Result<(), PoolError> {
        let mut payload_len = match self {
            Task::Count(_) => 8,
            Task::Squares(xs) => xs.len() * i32::SIZE,
            Task::SquareChunk(c) => c.len() * f64::SIZE,
            Task::SquareShm { path, .. } => 16 + path.as_os_str().len(),
        };
        if payload_len > MAX_PAYLOAD {
            return Err(PoolError::TaskTooLarge {
                bytes: payload_len,
                what: self.describe(),
            });
        }
        out.clear();
        out.reserve(HEADER_LEN + payload_len);
        protocol::write_header(out, protocol::VERSION, self.op(), fault, task, payload_len);
        match self {
            Task::Count(n) => out.extend_from_slice(&n.to_le_bytes()),
            Task::Squares(xs) => encode(xs, out),
            Task::SquareChunk(c) => encode(c, out),
            Task::SquareShm { path, offset, len } => {
                let p = path.to_str().ok_or_else(|| PoolError::TaskTooLarge {
                    bytes: 0,
                    what: format!("shared-memory path {} is not UTF-8", path.display()),
                })?;
                out.extend_from_slice(&(*offset as u64).to_le_bytes());
                out.extend_from_slice(&(*len as u64).to_le_bytes());
                out.extend_from_slice(p.as_bytes());
                payload_len = out.len() - HEADER_LEN;
            }
        }
        debug_assert_eq!(out.len(), HEADER_LEN + payload_len);
        Ok(())
    }
}

impl Reply {
    /// Decodes the payload of a task reply with opcode `op` (the header is already checked).
    pub(crate) fn decode(op: Op, payload: &[u8]) -> Result<Reply, FrameError> {
        Ok(match op {
            Op::Counted => {
                if payload.len() != 16 {
                    return Err(protocol::bad(
                        op,
                        format!("{} bytes, not 16", payload.len()),
                    ));
                }
                Reply::Counted {
                    delta: u64_at(op, payload, 0)?,
                    worker_total: u64_at(op, payload, 8)?,
                }
            }
            Op::SquaresOk => Reply::Squares(decode(op, payload)?),
            Op::ChunkOk => Reply::Chunk(decode(op, payload)?),
            Op::ShmOk => Reply::ShmDone(u64_at(op, payload, 0)?),
            other => return Err(protocol::bad(other, "not a task reply")),
        })
    }
}

/// A number that travels in array payloads: `SIZE` bytes, little-endian.
pub(crate) trait Element: Copy {
    /// Bytes per element.
    const SIZE: usize;
    /// Its name in error messages ("not whole f64s").
    const NAME: &'static str;
    /// The element in `bytes` (exactly `SIZE` of them).
    fn from_le(bytes: &[u8]) -> Self;
    /// Appends the element's little-endian bytes to `out`.
    fn put_le(self, out: &mut Vec<u8>);
}

/// Implements [`Element`] for each number type given.
macro_rules! element {
    ($($t:ty),*) => {$(
        impl Element for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            const NAME: &'static str = stringify!($t);
            fn from_le(bytes: &[u8]) -> Self {
                <$t>::from_le_bytes(bytes.try_into().expect("chunks of SIZE bytes"))
            }
            fn put_le(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
element!(i32, i64, f64);

/// Decodes `bytes`, the payload of an `op` frame, as whole little-endian `T`s into `out`
/// (cleared first, so a caller can reuse its capacity). A partial element is a bad payload.
pub(crate) fn decode_into<T: Element>(
    op: Op,
    bytes: &[u8],
    out: &mut Vec<T>,
) -> Result<(), FrameError> {
    if !bytes.len().is_multiple_of(T::SIZE) {
        return Err(protocol::bad(
            op,
            format!("{} bytes is not whole {}s", bytes.len(), T::NAME),
        ));
    }
    out.clear();
    out.extend(bytes.chunks_exact(T::SIZE).map(T::from_le));
    Ok(())
}

/// [`decode_into`] a fresh `Vec`.
pub(crate) fn decode<T: Element>(op: Op, bytes: &[u8]) -> Result<Vec<T>, FrameError> {
    let mut out = Vec::with_capacity(bytes.len() / T::SIZE);
    decode_into(op, bytes, &mut out)?;
    Ok(out)
}

/// Appends `values` to `out`, little-endian (the pipe path's serialization: one copy).
pub(crate) fn encode<T: Element>(values: &[T], out: &mut Vec<u8>) {
    out.reserve(values.len() * T::SIZE);
    for v in values {
        v.put_le(out);
    }
}

/// Reads the `u64` at byte `at` of a payload.
pub(crate) fn u64_at(op: Op, bytes: &[u8], at: usize) -> Result<u64, FrameError> {
    bytes
        .get(at..at + 8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
        .ok_or_else(|| protocol::bad(op, format!("{} bytes is too short", bytes.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_decoders_refuse_partial_elements() {
        assert!(decode::<f64>(Op::ChunkOk, &[0; 12]).is_err());
        assert!(decode::<i32>(Op::Squares, &[0; 6]).is_err());
        assert!(decode::<i64>(Op::SquaresOk, &[0; 4]).is_err());
        assert!(u64_at(Op::Count, &[0; 7], 0).is_err());
        let mut b = Vec::new();
        encode(&[1.5, -2.0], &mut b);
        assert_eq!(decode::<f64>(Op::ChunkOk, &b).unwrap(), vec![1.5, -2.0]);
    }

    #[test]
    fn every_element_type_round_trips_and_names_itself_when_cut() {
        let mut b = Vec::new();
        encode(&[i32::MIN, -1, 7], &mut b);
        assert_eq!(b.len(), 12);
        assert_eq!(
            decode::<i32>(Op::Squares, &b).unwrap(),
            vec![i32::MIN, -1, 7]
        );
        b.clear();
        encode(&[i64::MAX, 46_341 * 46_341], &mut b);
        assert_eq!(
            decode::<i64>(Op::SquaresOk, &b).unwrap(),
            vec![i64::MAX, 46_341 * 46_341]
        );
        let err = decode::<i32>(Op::Squares, &[1, 2, 3]).unwrap_err();
        assert!(
            err.to_string().contains("3 bytes is not whole i32s"),
            "{err}"
        );
    }

    #[test]
    fn decode_into_reuses_and_replaces_the_buffer() {
        let mut out = vec![9.0; 5];
        let mut b = Vec::new();
        encode(&[2.0f64], &mut b);
        decode_into(Op::ChunkOk, &b, &mut out).unwrap();
        assert_eq!(out, vec![2.0]);
    }
}
