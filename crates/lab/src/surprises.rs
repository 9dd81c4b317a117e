//! When the live counter table contradicts what the lab teaches, say so in plain words and why.
//!
//! Two results can come out "wrong" on a busy machine: the racy kernel loses nothing (lesson 2
//! says it loses updates), and packed counters are not slower than padded ones (lesson 4 says
//! false sharing costs). Both need two threads running at the same moment on two cores. When
//! they were not, the table is still true, but it teaches the opposite of the book unless the
//! demo explains it: which is what [`notes`] does, with the reason [`crate::busy`] measured.

use harness::{Kernel, Tally};

/// What the machine was like while the table ran.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conditions {
    /// Threads each kernel ran on.
    pub threads: usize,
    /// Cores this process may use.
    pub cores: usize,
    /// Cores' worth of CPU other programs used meanwhile (`None`: not measurable).
    pub others: Option<f64>,
}

/// Other programs using at least this many cores' worth make "they had the other core" the
/// reason: on a 2-core machine, a third of a core is already a third of our threads' time.
const BUSY: f64 = 0.3;

/// The plain-word notes for every result in `rows` that contradicts the book, with the reason.
/// Empty when the table teaches what the book does (or with one thread, where nothing races).
pub fn notes(rows: &[(&Kernel, Tally)], when: Conditions) -> Vec<String> {
    if when.threads < 2 {
        return Vec::new();
    }
    let find = |name: &str| rows.iter().find(|(k, _)| k.name == name).map(|(_, t)| t);
    let mut notes = Vec::new();
    if let Some(racy) = find(racy::KERNEL.name)
        && racy.lost == 0
    {
        notes.push(format!(
            "The racy kernel lost nothing this time, though lesson 2 shows it losing updates. \
             Its threads did not increment at the same moment: {} It CAN lose them: loom finds \
             the interleaving every time (`cargo xtask loom`).",
            reason(when)
        ));
    }
    if let (Some(padded), Some(packed)) = (
        find(sharded::KERNEL.name),
        find(sharded::UNPADDED_KERNEL.name),
    ) && packed.elapsed <= padded.elapsed
    {
        notes.push(format!(
            "The packed counters ({}) were not slower than the padded ones ({}), though \
             lesson 4 shows false sharing costing: it costs only while two cores write the same \
             cache line at the same moment. {}",
            sharded::UNPADDED_KERNEL.name,
            sharded::KERNEL.name,
            reason(when)
        ));
    }
    notes
}

/// Why the threads did not run at the same moment, from what was measured.
fn reason(when: Conditions) -> String {
    if when.cores < 2 {
        return format!(
            "this process may use only {} core, so its {} threads took turns on it.",
            when.cores, when.threads
        );
    }
    match when.others {
        Some(others) if others >= BUSY => format!(
            "other programs used {others:.1} of this machine's cores while the table ran, so \
             the two threads were often not running together. Rerun `cargo lab demo` when the \
             machine is quieter."
        ),
        _ => "nothing else was measurably busy, so the threads simply rarely overlapped this \
              time. Rerun `cargo lab demo`, or give it more work: `cargo lab demo --increments \
              20000000`."
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use harness::Config;
    use std::time::Duration;

    fn tally(lost: u64, ms: u64) -> Tally {
        let cfg = Config::new(2, 1000);
        Tally::new(&cfg, cfg.expected() - lost, Duration::from_millis(ms))
    }

    fn rows(racy_lost: u64, padded_ms: u64, packed_ms: u64) -> Vec<(&'static Kernel, Tally)> {
        vec![
            (&racy::KERNEL, tally(racy_lost, 5)),
            (&sharded::KERNEL, tally(0, padded_ms)),
            (&sharded::UNPADDED_KERNEL, tally(0, packed_ms)),
        ]
    }

    const QUIET: Conditions = Conditions {
        threads: 2,
        cores: 2,
        others: Some(0.0),
    };

    #[test]
    fn a_table_that_teaches_what_the_book_does_needs_no_note() {
        assert!(notes(&rows(300, 10, 40), QUIET).is_empty());
    }

    #[test]
    fn a_racy_kernel_that_lost_nothing_is_explained_by_the_busy_other_core() {
        let busy = Conditions {
            others: Some(0.9),
            ..QUIET
        };
        let got = notes(&rows(0, 10, 40), busy);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("racy kernel lost nothing"), "{}", got[0]);
        assert!(got[0].contains("other programs used 0.9"), "{}", got[0]);
    }

    #[test]
    fn packed_counters_as_fast_as_padded_ones_are_explained_by_one_core() {
        let one_core = Conditions { cores: 1, ..QUIET };
        let got = notes(&rows(300, 10, 10), one_core);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].contains("were not slower than the padded"),
            "{}",
            got[0]
        );
        assert!(got[0].contains("may use only 1 core"), "{}", got[0]);
    }

    #[test]
    fn on_a_quiet_machine_the_note_says_nothing_was_busy() {
        let got = notes(&rows(0, 10, 9), QUIET);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got.iter()
                .all(|n| n.contains("nothing else was measurably busy"))
        );
    }

    #[test]
    fn one_thread_races_with_nobody() {
        let one = Conditions {
            threads: 1,
            ..QUIET
        };
        assert!(notes(&rows(0, 10, 10), one).is_empty());
    }
}
