//! The worker binary spoken to directly, byte by byte: what a stale parent, an oversized
//! request or a cut-off request gets back.

mod common;

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use common::WORKER;
use isolated::protocol::{self, HEADER_LEN, MAX_PAYLOAD, Op, VERSION};

/// Starts the worker, writes `input`, closes its stdin, and returns (exit code, reply frames).
fn converse(input: &[u8]) -> (Option<i32>, Vec<(protocol::Header, Vec<u8>)>) {
    let mut child = Command::new(WORKER)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove(isolated::fault_injection::TEST_FAULTS_ENV)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // A worker that stops reading early may close the pipe: ignore the write error then.
    let _ = stdin.write_all(input);
    drop(stdin);
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    let status = child.wait().unwrap();
    let mut frames = Vec::new();
    let mut rest = &out[..];
    while rest.len() >= HEADER_LEN {
        let h = protocol::parse_header(rest[..HEADER_LEN].try_into().unwrap()).unwrap();
        frames.push((h, rest[HEADER_LEN..HEADER_LEN + h.len].to_vec()));
        rest = &rest[HEADER_LEN + h.len..];
    }
    assert!(rest.is_empty(), "a partial frame came back: {rest:?}");
    (status.code(), frames)
}

fn text(payload: &[u8]) -> String {
    String::from_utf8_lossy(payload).into_owned()
}

#[test]
fn hello_then_count_then_a_clean_exit_when_stdin_closes() {
    let mut input = protocol::frame(Op::Hello, 0, 0, &[]);
    input.extend(protocol::frame(Op::Count, 0, 9, &500u64.to_le_bytes()));
    input.extend(protocol::frame(Op::Count, 0, 10, &7u64.to_le_bytes()));
    let (code, frames) = converse(&input);
    assert_eq!(code, Some(0));
    assert_eq!(frames.len(), 3);
    assert_eq!(frames[0].0.op, Op::HelloOk);
    assert_eq!(frames[0].1.len(), 4, "HelloOk carries the pid");
    assert_eq!((frames[1].0.op, frames[1].0.task), (Op::Counted, 9));
    let delta_total = |p: &[u8]| {
        (
            u64::from_le_bytes(p[..8].try_into().unwrap()),
            u64::from_le_bytes(p[8..].try_into().unwrap()),
        )
    };
    assert_eq!(delta_total(&frames[1].1), (500, 500));
    assert_eq!(delta_total(&frames[2].1), (7, 507));
}

#[test]
fn a_request_with_another_version_is_refused_by_name() {
    let mut input = protocol::frame(Op::Hello, 0, 0, &[]);
    input[0] = VERSION + 1;
    let (code, frames) = converse(&input);
    assert_eq!(
        code,
        Some(2),
        "a protocol error ends the worker with status 2"
    );
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].0.op, Op::Error);
    let msg = text(&frames[0].1);
    assert!(msg.contains("protocol version mismatch"), "{msg}");
    assert!(msg.contains(&format!("version {}", VERSION + 1)), "{msg}");
}

#[test]
fn an_oversized_request_is_refused_before_any_allocation() {
    let mut input = protocol::frame(Op::SquareChunk, 0, 0, &[]);
    input[8..12].copy_from_slice(&(MAX_PAYLOAD as u32 + 8).to_le_bytes());
    let (code, frames) = converse(&input);
    assert_eq!(code, Some(2));
    assert_eq!(frames[0].0.op, Op::Error);
    assert!(
        text(&frames[0].1).contains("oversized frame"),
        "{:?}",
        frames
    );
}

#[test]
fn a_truncated_request_ends_the_worker_with_an_error() {
    let mut input = protocol::frame(Op::Count, 0, 0, &5u64.to_le_bytes());
    input.truncate(HEADER_LEN + 3);
    let (code, frames) = converse(&input);
    assert_eq!(code, Some(2));
    assert!(frames.is_empty(), "no reply to half a request: {frames:?}");
    // a header cut in the middle too
    let (code, frames) = converse(&[VERSION, Op::Count as u8, 0]);
    assert_eq!(code, Some(2));
    assert_eq!(frames[0].0.op, Op::Error);
    assert!(text(&frames[0].1).contains("truncated"), "{frames:?}");
}

#[test]
fn a_bad_payload_is_refused_but_the_worker_keeps_serving() {
    let mut input = protocol::frame(Op::Squares, 0, 1, &[1, 2, 3]); // not whole i32s
    input.extend(protocol::frame(Op::Squares, 0, 2, &(-4i32).to_le_bytes()));
    let (code, frames) = converse(&input);
    assert_eq!(code, Some(0));
    assert_eq!(frames[0].0.op, Op::Error);
    assert!(text(&frames[0].1).contains("not whole i32s"));
    assert_eq!(frames[1].0.op, Op::SquaresOk);
    assert_eq!(frames[1].1, 16i64.to_le_bytes());
}

#[test]
fn fault_bytes_are_refused_without_the_test_only_variable() {
    let input = protocol::frame(Op::Count, 3, 0, &1u64.to_le_bytes());
    let (code, frames) = converse(&input);
    assert_eq!(code, Some(0), "the worker did not crash");
    assert!(text(&frames[0].1).contains("fault injection is disabled"));
}
