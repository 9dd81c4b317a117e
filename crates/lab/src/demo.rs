//! `cargo lab demo`: the shared-counter job done every way, live, then threads against processes.
//!
//! The counter table runs each kernel ([`kernels::ALL`], in the book's order) once with its
//! threads pinned to different cores, so they really run at the same time: the racy kernel
//! visibly loses increments, the fixed ones are exact, and the time column shows what each fix
//! costs. Timing is shown, never asserted.

use std::sync::Mutex;

use anyhow::bail;
use clap::Args;
use harness::Config;

use crate::Table;

/// Options for `cargo lab demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Threads per kernel (pinned to cores round-robin), 1 to 256.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Increments per thread, at most 100,000,000 (and at most 200,000,000 in all).
    #[arg(long, default_value_t = 5_000_000)]
    pub increments: u64,
}

static ONE_TABLE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs the demo: the counter table, then the processes half.
pub fn run(args: &DemoArgs) -> anyhow::Result<()> {
    let live = counters_table(args.threads, args.increments)?;
    println!(
        "The shared-counter job: {} threads (pinned to cores) each add {} to a counter in C.\n",
        args.threads, args.increments
    );
    print!("{live}");
    println!(
        "\nThe racy kernel loses increments when two cores load the same value and both store \
         it plus one. How many depends on timing; that it can lose them at all is proven by loom \
         (`cargo xtask loom`) and ThreadSanitizer (`cargo xtask tsan`).\n"
    );
    crate::demo_processes::run()
}

/// The most increments per thread the demo accepts: a few seconds per kernel on a slow machine.
pub const MAX_INCREMENTS: u64 = 100_000_000;

/// The most increments in all, threads × increments, the demo accepts: every kernel does them
/// all, and the locked ones manage tens of millions per second, so this is well under a minute
/// for the whole table. (`--threads 256 --increments 100000000`, within both bounds above,
/// would run silently for about two hours.)
pub const MAX_TOTAL: u64 = 2 * MAX_INCREMENTS;

/// The live counter table, and a note for each result in it that contradicts the book.
#[derive(Debug)]
pub struct LiveTable {
    /// The rendered table.
    pub table: String,
    /// [`crate::surprises::notes`] on it: empty when it teaches what the book does.
    pub notes: Vec<String>,
}

impl std::fmt::Display for LiveTable {
    /// The table, then the notes under a heading that says what they are.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.table)?;
        if !self.notes.is_empty() {
            writeln!(f, "\nThis run contradicts the book, and why:")?;
            for note in &self.notes {
                writeln!(f, "  - {note}")?;
            }
        }
        Ok(())
    }
}

/// Runs every kernel once with `threads` pinned threads × `increments` and renders the table
/// (expected, observed, lost, time, increments per second), with how busy the machine was.
pub fn counters_table(threads: usize, increments: u64) -> anyhow::Result<LiveTable> {
    if threads == 0 || threads > 256 {
        bail!("threads must be 1..=256, got {threads}");
    }
    if !(1..=MAX_INCREMENTS).contains(&increments) {
        bail!(
            "increments must be 1..={} per thread, got {increments} (every kernel runs, and the \
             locked ones manage tens of millions per second)",
            grouped(MAX_INCREMENTS)
        );
    }
    let total = (threads as u64).saturating_mul(increments);
    if total > MAX_TOTAL {
        bail!(
            "threads × increments must be at most {} (every kernel does them all, and the locked \
             ones manage tens of millions per second), got {threads} × {} = {}: fewer threads or \
             fewer increments",
            grouped(MAX_TOTAL),
            grouped(increments),
            grouped(total)
        );
    }
    // The kernels' counters are process-global C state: one table at a time per process.
    let _one = ONE_TABLE_AT_A_TIME
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let cfg = Config::new(threads, increments);
    let mut table = Table::new([
        "kernel",
        "expected",
        "observed",
        "lost",
        "time",
        "increments/s",
        "how",
    ]);
    let before = crate::busy::sample();
    let mut rows = Vec::new();
    for kernel in &kernels::ALL {
        let tally = (kernel.run)(&cfg);
        rows.push((kernel, tally));
        let lost = if tally.lost == 0 {
            "0".to_string()
        } else {
            format!(
                "{} ({:.1} %)",
                grouped(tally.lost),
                100.0 * tally.lost_fraction()
            )
        };
        table.row([
            kernel.name.to_string(),
            grouped(tally.expected),
            grouped(tally.observed),
            lost,
            format!("{:.1} ms", tally.elapsed.as_secs_f64() * 1e3),
            per_second(tally.increments_per_sec()),
            kernel.how.to_string(),
        ]);
    }
    let others = before
        .zip(crate::busy::sample())
        .and_then(|(b, a)| crate::busy::others_between(&b, &a));
    let when = crate::surprises::Conditions {
        threads,
        cores: crate::busy::cores_for_us(),
        others,
    };
    Ok(LiveTable {
        table: table.render(),
        notes: crate::surprises::notes(&rows, when),
    })
}

/// `12345678` → `12,345,678`.
fn grouped(n: u64) -> String {
    crate::group_digits(n, ',')
}

/// `2.6e9` → `2.60 G/s`.
fn per_second(rate: f64) -> String {
    if rate >= 1e9 {
        format!("{:.2} G/s", rate / 1e9)
    } else {
        format!("{:.0} M/s", rate / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(12_345_678), "12,345,678");
    }

    #[test]
    fn the_table_has_a_row_per_kernel_and_fixed_kernels_lose_nothing() {
        let table = counters_table(2, 1000).unwrap().table;
        for kernel in &kernels::ALL {
            let row = table
                .lines()
                .find(|l| l.starts_with(&format!("| {} ", kernel.name)))
                .unwrap_or_else(|| panic!("no row for {}:\n{table}", kernel.name));
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            assert_eq!(cells[2], "2,000", "{row}");
            if kernel.exact {
                assert_eq!((cells[3], cells[4]), ("2,000", "0"), "{row}");
            }
        }
    }

    #[test]
    fn too_many_increments_is_a_clear_error() {
        let err = counters_table(2, u64::MAX).unwrap_err();
        assert!(
            err.to_string()
                .contains("increments must be 1..=100,000,000"),
            "{err}"
        );
        assert!(counters_table(2, 0).is_err());
    }

    #[test]
    fn too_much_work_in_total_is_a_clear_error_not_hours_of_silence() {
        // 256 threads of 100,000,000 each is allowed by both per-argument bounds, and would run
        // for about two hours. The table must refuse it at once: a thread and a deadline keep
        // this test bounded even where it is not refused.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(counters_table(256, MAX_INCREMENTS).map_err(|e| e.to_string()));
        });
        let err = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("256 x 100,000,000 increments were not refused within 30 s")
            .expect_err("256 x 100,000,000 increments must be refused");
        assert!(err.contains("threads × increments"), "{err}");
        assert!(
            err.contains("25,600,000,000"),
            "the message shows the total: {err}"
        );
    }

    #[test]
    fn zero_threads_is_a_clear_error() {
        let err = counters_table(0, 10).unwrap_err();
        assert!(err.to_string().contains("threads must be"), "{err}");
    }
}
