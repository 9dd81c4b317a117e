//! Stress: both lock kernels give exact totals at 2, 4 and 8 threads (pinned), many rounds.
#![cfg(not(loom))]

use std::sync::Mutex;

/// The kernels use process-global C counters, and tests in one binary run in parallel threads:
/// each test holds this lock so no two jobs share a global.
static ONE_JOB_AT_A_TIME: Mutex<()> = Mutex::new(());

#[test]
fn c_mutex_counts_exactly_at_2_4_8_threads() {
    let _one = ONE_JOB_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    harness::assert_exact_over_rounds(&mutex::C_KERNEL, &[2, 4, 8], 25, 20_000);
}

#[test]
fn rust_mutex_around_racy_counts_exactly_at_2_4_8_threads() {
    let _one = ONE_JOB_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    harness::assert_exact_over_rounds(&mutex::RUST_KERNEL, &[2, 4, 8], 25, 20_000);
}
