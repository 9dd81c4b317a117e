//! Stress: both sharded kernels give exact totals at 2, 4 and 8 threads (pinned), many rounds.
//! (No C global here: each job owns its slots, so these tests may run in parallel.)
#![cfg(not(loom))]

#[test]
fn sharded_counts_exactly_at_2_4_8_threads() {
    harness::assert_exact_over_rounds(&sharded::KERNEL, &[2, 4, 8], 25, 100_000);
}

#[test]
fn sharded_unpadded_counts_exactly_at_2_4_8_threads() {
    harness::assert_exact_over_rounds(&sharded::UNPADDED_KERNEL, &[2, 4, 8], 25, 100_000);
}

/// Thread counts that are not a multiple of 8 leave part of the last cache line unused: the
/// reduce must only count real slots (and they are all zero), so the total stays exact.
#[test]
fn sharded_unpadded_is_exact_for_odd_thread_counts() {
    harness::assert_exact_over_rounds(&sharded::UNPADDED_KERNEL, &[1, 3, 9], 3, 10_000);
}
