//! The racy kernel runs and reports a consistent tally. Its *losses* are never asserted (they
//! depend on timing): `cargo lab demo` shows them, loom and ThreadSanitizer prove the race.
#![cfg(not(loom))]

use harness::Config;

#[test]
fn racy_kernel_is_exact_on_one_thread() {
    // One thread: no interleaving, so nothing can be lost.
    let tally = racy::run(&Config::new(1, 100_000));
    assert_eq!(tally.observed, 100_000);
    assert_eq!(tally.lost, 0);
}
