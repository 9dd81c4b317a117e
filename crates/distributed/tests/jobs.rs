//! The jobs on 2 and 4 ranks through the lab's launcher (`supervisor::mpi::launch`), each
//! exact against the same work in one process (rank 0 checks, and prints `exact=true` only when
//! it matches).

mod common;

use common::exact;
use supervisor::mpi::Transport::{SharedMemory, Tcp};

#[test]
fn the_counter_is_exact_on_2_and_4_ranks() {
    for ranks in [2, 4] {
        let got = exact(ranks, SharedMemory, &["counter", "--per-rank", "200000"]);
        assert_eq!(got["got"], (200_000 * u64::from(ranks)).to_string());
    }
}

#[test]
fn e1_is_exact_on_2_and_4_ranks() {
    for ranks in [2, 4] {
        // 100003 integers split unevenly; the sum passes u32 and C's int by far.
        let got = exact(ranks, SharedMemory, &["e1", "--n", "100003"]);
        assert_eq!(got["got"], "333368334550014");
    }
}

#[test]
fn e3_is_exact_on_2_and_4_ranks_when_the_length_does_not_divide() {
    for ranks in [2, 4] {
        let got = exact(ranks, SharedMemory, &["e3", "--len", "1000003"]);
        assert_eq!(got["mismatches"], "0");
    }
}

#[test]
fn e3_is_exact_with_fewer_doubles_than_ranks() {
    for len in ["3", "1", "0"] {
        let got = exact(4, SharedMemory, &["e3", "--len", len]);
        assert_eq!(got["mismatches"], "0", "len {len}");
    }
}

#[test]
fn shared_memory_and_tcp_give_the_same_squares_and_sums() {
    for job in [&["e3", "--len", "1000003"][..], &["e1", "--n", "100003"]] {
        let shm = exact(4, SharedMemory, job);
        let tcp = exact(4, Tcp, job);
        assert_eq!(shm["got"], tcp["got"], "{job:?}");
    }
}
