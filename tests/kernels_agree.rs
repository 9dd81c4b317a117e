//! Every fixed counter kernel gives the same, exact total for the same job; the racy kernel is
//! listed too, and only checked for a consistent tally (its losses depend on timing). The
//! kernels are the lab's one list, `kernels::ALL`.
#![cfg(not(loom))]

use std::sync::Mutex;

use harness::Config;

/// The kernels use process-global C counters (and `racy` and `mutex-rust` share one), while the
/// tests of one binary run in parallel threads: each test holds this lock for its jobs.
static ONE_JOB_AT_A_TIME: Mutex<()> = Mutex::new(());

#[test]
fn every_fixed_kernel_gives_the_same_exact_total() {
    let _one = ONE_JOB_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    for (threads, increments) in [(2, 30_000), (3, 10_001), (4, 25_000)] {
        let cfg = Config::new(threads, increments);
        let totals: Vec<(&str, u64)> = kernels::ALL
            .iter()
            .filter(|k| k.exact)
            .map(|k| (k.name, (k.run)(&cfg).observed))
            .collect();
        assert_eq!(totals.len(), 5, "five fixed kernels");
        for (name, total) in &totals {
            assert_eq!(
                *total,
                cfg.expected(),
                "{name} disagrees at {threads} x {increments}: {totals:?}"
            );
        }
    }
}

#[test]
fn the_racy_kernel_reports_a_consistent_tally() {
    let _one = ONE_JOB_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let racy = kernels::find("racy").expect("the racy kernel is listed");
    assert!(!racy.exact, "the racy kernel is not documented exact");
    let tally = (racy.run)(&Config::new(2, 50_000));
    assert_eq!(tally.expected, 100_000);
    assert_eq!(tally.lost, tally.expected - tally.observed);
    assert!(tally.observed <= tally.expected);
}
