//! loom's reports in words a student can act on. loom stops a model with a panic written for
//! loom's maintainers (`deadlock; threads = [(Id(0), Blocked(Location(None))), ..]`), raised
//! inside loom's own source in the cargo registry, so the first thing a student read was a
//! path into `~/.cargo/registry`. [`Finding::of`] recognises loom 0.7's reports by their exact
//! text (from loom's `rt/execution.rs`, `rt/cell.rs`, `rt/atomic.rs`, `rt/path.rs`,
//! `rt/arc.rs`, `rt/alloc.rs`, `rt/thread.rs`); each [`Finding`] has a headline and a teaching
//! sentence, and [`shorten_registry_paths`] keeps the raw report readable below them.

/// What loom found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// `deadlock; threads = [...]`: no thread can run, and not all have ended.
    Deadlock,
    /// `Causality violation: Concurrent ...`: two accesses with nothing ordering them.
    DataRace,
    /// `Model exceeded maximum number of branches`: a thread waits by spinning.
    TooManyBranches,
    /// `Arc leaked.` or `Allocation leaked.`: something outlived the model.
    Leak,
    /// loom's `assert!(self.threads.len() < self.max())`: more threads than loom models.
    TooManyThreads,
}

impl Finding {
    /// The finding a test's failure message reports, if it is one of loom's.
    pub fn of(message: &str) -> Option<Finding> {
        const KNOWN: [(&str, Finding); 6] = [
            ("deadlock; threads = [", Finding::Deadlock),
            ("Causality violation:", Finding::DataRace),
            (
                "Model exceeded maximum number of branches",
                Finding::TooManyBranches,
            ),
            ("Arc leaked.", Finding::Leak),
            ("Allocation leaked.", Finding::Leak),
            ("self.threads.len() < self.max()", Finding::TooManyThreads),
        ];
        KNOWN
            .iter()
            .find(|(text, _)| message.contains(text))
            .map(|(_, finding)| *finding)
    }

    /// What loom found, in a few words.
    pub fn headline(self) -> &'static str {
        match self {
            Finding::Deadlock => "loom found a deadlock",
            Finding::DataRace => "loom found a data race",
            Finding::TooManyBranches => "loom gave up: the model never settles",
            Finding::Leak => "loom found a leak",
            Finding::TooManyThreads => "the loom model starts too many threads",
        }
    }

    /// What it means, and the question to ask of the code.
    pub fn lesson(self) -> &'static str {
        match self {
            Finding::Deadlock => {
                "loom found a deadlock: in one interleaving, every thread waits for a lock no \
                 one will release (or for a thread that never ends). A mutex is not re-entrant: \
                 is the guard still held when you lock again?"
            }
            Finding::DataRace => {
                "loom found a data race: two threads touched the same memory with nothing \
                 ordering the two accesses (no lock held by both, no atomic, no join between \
                 them). Which access is not protected?"
            }
            Finding::TooManyBranches => {
                "loom gave up: the model took more steps than loom allows, which usually means a \
                 thread waits by spinning (a loop that retries until another thread makes \
                 progress). Wait with a lock, a join or a channel instead, or call \
                 `loom::thread::yield_now()` inside the loop."
            }
            Finding::Leak => {
                "loom found a leak: an `Arc` or an allocation was still alive when the model \
                 ended. Is a clone kept in a cycle, forgotten, or held by a thread never joined?"
            }
            Finding::TooManyThreads => {
                "the loom model starts more threads than loom can explore (4 at most, the main \
                 thread included): two or three threads are enough to show any interleaving."
            }
        }
    }
}

/// `text` with each path into the cargo registry's sources
/// (`/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/loom-0.7.3/src/rt/x.rs`)
/// shortened to the crate's own part (`<cargo registry>/loom-0.7.3/src/rt/x.rs`): the code
/// that panicked there is loom's, not the student's.
pub fn shorten_registry_paths(text: &str) -> String {
    const MARK: &str = "/.cargo/registry/src/";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(MARK) {
        // The path starts after the last space (or quote) before the mark.
        let start = rest[..at]
            .rfind(|c: char| c.is_whitespace() || c == '\'' || c == '"' || c == '(')
            .map_or(0, |i| i + 1);
        let after = &rest[at + MARK.len()..];
        // Skip the index folder (`index.crates.io-<hash>/`).
        let Some(slash) = after.find('/') else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str("<cargo registry>/");
        rest = &after[slash + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the `locks` lesson's `wrong-deadlock` fixture makes loom 0.7.3 print.
    const DEADLOCK: &str = "thread 'the_c_side_lock_never_loses_an_update_under_loom' (15896) \
        panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/loom-0.7.3/src/rt/\
        execution.rs:215:13:\ndeadlock; threads = [(Id(0), Blocked(Location(None))), (Id(1), \
        Blocked(Location(None)))]";

    #[test]
    fn loom_s_reports_are_recognised_by_their_text() {
        assert_eq!(Finding::of(DEADLOCK), Some(Finding::Deadlock));
        assert_eq!(
            Finding::of("Causality violation: Concurrent load and mut accesses.\n  created: ..."),
            Some(Finding::DataRace)
        );
        assert_eq!(
            Finding::of(
                "Model exceeded maximum number of branches. This is often caused by an \
                 algorithm requiring the processor to make progress, e.g. spin locks."
            ),
            Some(Finding::TooManyBranches)
        );
        assert_eq!(Finding::of("Arc leaked.\n  Index: 0"), Some(Finding::Leak));
        assert_eq!(
            Finding::of("assertion failed: self.threads.len() < self.max()"),
            Some(Finding::TooManyThreads)
        );
        assert_eq!(Finding::of("CSideLock lost an update: 1 != 2"), None);
        assert_eq!(
            Finding::of("assertion `left == right` failed: the lock must not deadlock"),
            None,
            "the word alone is not loom's report"
        );
    }

    #[test]
    fn the_deadlock_lesson_names_the_re_entrant_lock() {
        let lesson = Finding::Deadlock.lesson();
        assert!(lesson.starts_with("loom found a deadlock"), "{lesson}");
        assert!(lesson.contains("not re-entrant"), "{lesson}");
    }

    #[test]
    fn registry_paths_keep_only_the_crate_s_part() {
        let short = shorten_registry_paths(DEADLOCK);
        assert!(
            short.contains("panicked at <cargo registry>/loom-0.7.3/src/rt/execution.rs:215:13:"),
            "{short}"
        );
        assert!(!short.contains(".cargo"), "{short}");
        assert!(short.ends_with("Blocked(Location(None)))]"), "{short}");
        let plain = "panicked at tests/x.rs:1:1: boom";
        assert_eq!(shorten_registry_paths(plain), plain);
    }
}
