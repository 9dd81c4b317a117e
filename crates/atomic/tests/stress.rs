//! Stress: the atomic kernel gives exact totals at 2, 4 and 8 threads (pinned), many rounds.
#![cfg(not(loom))]

#[test]
fn atomic_counts_exactly_at_2_4_8_threads() {
    // The only test in this binary: nothing else touches the C atomic global meanwhile.
    harness::assert_exact_over_rounds(&atomic::KERNEL, &[2, 4, 8], 25, 50_000);
}
