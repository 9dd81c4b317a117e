//! The framed protocol between the pool (parent) and a worker, over the worker's stdin and
//! stdout. Every message, both ways, is one frame: a 12-byte header and a payload.
//!
//! The byte-by-byte layout is documented in the crate's `README.md`; the code below is the
//! authority, and the book includes it through the anchors. The header's fault byte is for the
//! fault tests only: see [`fault_injection`](crate::fault_injection).

// ANCHOR: constants
/// The protocol version this build speaks. Byte 0 of every frame. A worker binary built from an
/// older or newer source answers with its own version, and the pool refuses it by name.
pub const VERSION: u8 = 1;
/// Header length in bytes.
pub const HEADER_LEN: usize = 12;
/// The largest payload either side accepts (64 MiB). A header announcing more is rejected before
/// anything is allocated: a corrupt or hostile length can never make us reserve gigabytes.
pub const MAX_PAYLOAD: usize = 64 << 20;
// ANCHOR_END: constants

// ANCHOR: opcodes
/// What a frame asks for or answers. A reply's opcode is its request's with the top bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Op {
    /// Handshake. Payload: empty. Reply [`Op::HelloOk`].
    Hello = 0x01,
    /// Increment this process's C counter `n` times. Payload: `n: u64`.
    Count = 0x02,
    /// Square each `i32` with the C `square_wide`. Payload: `k × i32`.
    Squares = 0x03,
    /// Square an array chunk copied through the pipe. Payload: `k × f64`.
    SquareChunk = 0x04,
    /// Square a range of a shared-memory array in place. Payload: `offset: u64, len: u64, path`.
    SquareShm = 0x05,
    /// Reply to `Hello`. Payload: the worker's process id, `u32`.
    HelloOk = 0x81,
    /// Reply to `Count`. Payload: `delta: u64` (how much this task moved the counter),
    /// `total: u64` (the worker's counter now).
    Counted = 0x82,
    /// Reply to `Squares`. Payload: `k × i64`.
    SquaresOk = 0x83,
    /// Reply to `SquareChunk`. Payload: `k × f64`.
    ChunkOk = 0x84,
    /// Reply to `SquareShm`. Payload: `len: u64` (elements squared).
    ShmOk = 0x85,
    /// The worker refuses the request. Payload: a UTF-8 message.
    Error = 0xFF,
}
// ANCHOR_END: opcodes

impl Op {
    /// The opcode for a byte, if there is one.
    pub fn from_byte(b: u8) -> Option<Op> {
        Some(match b {
            0x01 => Op::Hello,
            0x02 => Op::Count,
            0x03 => Op::Squares,
            0x04 => Op::SquareChunk,
            0x05 => Op::SquareShm,
            0x81 => Op::HelloOk,
            0x82 => Op::Counted,
            0x83 => Op::SquaresOk,
            0x84 => Op::ChunkOk,
            0x85 => Op::ShmOk,
            0xFF => Op::Error,
            _ => return None,
        })
    }

    /// The reply opcode a request expects.
    pub fn reply(self) -> Op {
        match self {
            Op::Hello => Op::HelloOk,
            Op::Count => Op::Counted,
            Op::Squares => Op::SquaresOk,
            Op::SquareChunk => Op::ChunkOk,
            Op::SquareShm => Op::ShmOk,
            other => other,
        }
    }
}

// ANCHOR: header
/// A parsed, validated frame header.
///
/// | bytes | field | meaning |
/// | --- | --- | --- |
/// | 0 | version | [`VERSION`]; anything else is refused |
/// | 1 | opcode | an [`Op`] |
/// | 2 | fault | 0, or a [`TestFault`](crate::fault_injection::TestFault) (requests only, test-only) |
/// | 3 | reserved | must be 0 |
/// | 4..8 | task | task id, `u32` little-endian; a reply carries its request's |
/// | 8..12 | length | payload length in bytes, `u32` little-endian, at most [`MAX_PAYLOAD`] |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The opcode.
    pub op: Op,
    /// The test fault byte (0 = none).
    pub fault: u8,
    /// The task id.
    pub task: u32,
    /// The payload length in bytes (already checked against [`MAX_PAYLOAD`]).
    pub len: usize,
}
// ANCHOR_END: header

/// Why a frame was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Byte 0 is not our [`VERSION`]: the other side is a different build.
    #[error(
        "protocol version mismatch: the frame says version {got}, this side speaks version \
         {VERSION} (a stale worker binary? rebuild it)"
    )]
    Version {
        /// The version the frame carried.
        got: u8,
    },
    /// Byte 1 is no known opcode.
    #[error("malformed frame: unknown opcode 0x{0:02x}")]
    UnknownOp(u8),
    /// Byte 3 is not zero.
    #[error("malformed frame: reserved byte is 0x{0:02x}, not 0")]
    Reserved(u8),
    /// The announced payload is larger than [`MAX_PAYLOAD`]; nothing was allocated for it.
    #[error(
        "oversized frame: {len} bytes announced, the limit is {MAX_PAYLOAD} (refused before \
         allocating)"
    )]
    TooLarge {
        /// The announced length.
        len: u64,
    },
    /// The stream ended inside a frame.
    #[error("truncated frame: the stream ended after {got} of {want} bytes")]
    Truncated {
        /// Bytes of the frame received.
        got: usize,
        /// Bytes the frame needed.
        want: usize,
    },
    /// The payload does not fit the opcode (wrong length, bad UTF-8, ...).
    #[error("bad {op:?} payload: {why}")]
    BadPayload {
        /// The opcode.
        op: Op,
        /// What is wrong.
        why: String,
    },
}

// ANCHOR: parse_header
/// Parses and validates a header. Checks, in order: version, opcode, reserved byte, length.
/// The length is checked here, before anyone allocates a buffer for the payload.
pub fn parse_header(b: &[u8; HEADER_LEN]) -> Result<Header, FrameError> {
    if b[0] != VERSION {
        return Err(FrameError::Version { got: b[0] });
    }
    let op = Op::from_byte(b[1]).ok_or(FrameError::UnknownOp(b[1]))?;
    if b[3] != 0 {
        return Err(FrameError::Reserved(b[3]));
    }
    let task = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
    let len = u32::from_le_bytes([b[8], b[9], b[10], b[11]]);
    if len as usize > MAX_PAYLOAD {
        return Err(FrameError::TooLarge { len: len.into() });
    }
    Ok(Header {
        op,
        fault: b[2],
        task,
        len: len as usize,
    })
}
// ANCHOR_END: parse_header

/// True when `bytes`, the start of what the other side wrote, could be a frame header of *some*
/// protocol version: the opcode byte (if it arrived) is one we know and the reserved byte (if it
/// arrived) is 0. Every version keeps the version byte first, so a frame that fails only on
/// it is a stale build; bytes that fail this too (text, say) come from another program.
pub fn could_be_header(bytes: &[u8]) -> bool {
    bytes.get(1).is_none_or(|&b| Op::from_byte(b).is_some()) && bytes.get(3).is_none_or(|&b| b == 0)
}

/// Writes a header for `op` with a payload of `len` bytes into the first 12 bytes of `out`,
/// stamped with `version` (always [`VERSION`] except in the stale-worker test).
pub fn write_header(out: &mut Vec<u8>, version: u8, op: Op, fault: u8, task: u32, len: usize) {
    let len = u32::try_from(len).expect("payloads are at most MAX_PAYLOAD bytes");
    out.push(version);
    out.push(op as u8);
    out.push(fault);
    out.push(0);
    out.extend_from_slice(&task.to_le_bytes());
    out.extend_from_slice(&len.to_le_bytes());
}

/// A whole frame: header and payload in one buffer, ready to write.
pub fn frame(op: Op, fault: u8, task: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    write_header(&mut out, VERSION, op, fault, task, payload.len());
    out.extend_from_slice(payload);
    out
}

/// A [`FrameError::BadPayload`].
pub fn bad(op: Op, why: impl Into<String>) -> FrameError {
    FrameError::BadPayload {
        op,
        why: why.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_bytes(f: &[u8]) -> [u8; HEADER_LEN] {
        f[..HEADER_LEN].try_into().unwrap()
    }

    #[test]
    fn a_frame_round_trips_through_its_header() {
        let f = frame(Op::Count, 0, 7, &42u64.to_le_bytes());
        assert_eq!(f.len(), HEADER_LEN + 8);
        let h = parse_header(&header_bytes(&f)).unwrap();
        assert_eq!(
            h,
            Header {
                op: Op::Count,
                fault: 0,
                task: 7,
                len: 8
            }
        );
        assert_eq!(
            crate::codec::u64_at(Op::Count, &f[HEADER_LEN..], 0).unwrap(),
            42
        );
    }

    // ANCHOR: header_layout
    #[test]
    fn the_header_layout_is_byte_for_byte_as_documented() {
        let f = frame(Op::Squares, 0, 0x0102_0304, &[9; 5]);
        assert_eq!(
            &f[..HEADER_LEN],
            &[VERSION, 0x03, 0, 0, 0x04, 0x03, 0x02, 0x01, 5, 0, 0, 0]
        );
    }
    // ANCHOR_END: header_layout

    #[test]
    fn a_stale_version_is_refused_by_name() {
        let mut f = frame(Op::Hello, 0, 0, &[]);
        f[0] = VERSION + 1;
        let err = parse_header(&header_bytes(&f)).unwrap_err();
        assert_eq!(err, FrameError::Version { got: VERSION + 1 });
        assert!(err.to_string().contains("version mismatch"), "{err}");
    }

    #[test]
    fn an_oversized_length_is_refused_before_allocating() {
        let mut f = frame(Op::SquareChunk, 0, 0, &[]);
        f[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        let err = parse_header(&header_bytes(&f)).unwrap_err();
        assert_eq!(
            err,
            FrameError::TooLarge {
                len: u32::MAX.into()
            }
        );
        // exactly the limit is fine
        f[8..12].copy_from_slice(&(MAX_PAYLOAD as u32).to_le_bytes());
        assert!(parse_header(&header_bytes(&f)).is_ok());
    }

    #[test]
    fn unknown_opcodes_and_reserved_bits_are_malformed() {
        let mut f = frame(Op::Hello, 0, 0, &[]);
        f[1] = 0x7E;
        assert_eq!(
            parse_header(&header_bytes(&f)),
            Err(FrameError::UnknownOp(0x7E))
        );
        let mut f = frame(Op::Hello, 0, 0, &[]);
        f[3] = 1;
        assert_eq!(
            parse_header(&header_bytes(&f)),
            Err(FrameError::Reserved(1))
        );
    }

    #[test]
    fn every_request_has_a_distinct_reply_opcode() {
        for op in [
            Op::Hello,
            Op::Count,
            Op::Squares,
            Op::SquareChunk,
            Op::SquareShm,
        ] {
            let r = op.reply();
            assert_ne!(r, op);
            assert_eq!(r as u8, op as u8 | 0x80);
            assert_eq!(Op::from_byte(r as u8), Some(r));
        }
    }
}
