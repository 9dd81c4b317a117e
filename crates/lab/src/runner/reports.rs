//! Did every test report? A test binary that calls `std::process::exit(0)` ends with status 0
//! and no failure report, and may print a `test result: ok. 8 passed` line of its own first:
//! adding up `test result:` lines, or trusting the status, would call that a pass. So the runner
//! first asks each test binary for its tests (`cargo test ... -- --list`, no test runs), then
//! requires, binary by binary, that each listed test printed libtest's own line for it
//! (`test <name> ... ok`, or `... ignored`) in that binary's part of the run.
//!
//! A binary's part of stdout starts at libtest's `running N tests` line; the list's parts end
//! at `N tests, M benchmarks`. Cargo runs the binaries in the same order both times, and prints
//! which binary it starts (`Running tests/exact.rs (...)`, `Doc-tests ...`) on stderr.

use std::collections::BTreeSet;

/// The tests one test binary lists, in cargo's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Which binary, as cargo names it (`tests/exact.rs`, `unittests src/lib.rs`,
    /// `doc-tests calling_c`), when cargo's stderr said so.
    pub binary: Option<String>,
    /// Its tests' names.
    pub tests: Vec<String>,
}

/// A binary that did not report every listed test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreported {
    /// Which binary, when known.
    pub binary: Option<String>,
    /// How many tests it lists.
    pub listed: usize,
    /// The listed tests with no `ok` or `ignored` line of their own, in the list's order.
    pub missing: Vec<String>,
}

/// Reads `cargo test ... -- --list`: stdout has each binary's `<name>: test` lines, ended by
/// `N tests, M benchmarks`; stderr has cargo's `Running ...` and `Doc-tests ...` lines, one per
/// binary (when their number differs from the lists', no binary is named).
pub fn read_list(stdout: &str, stderr: &str) -> Vec<Listed> {
    let mut binaries = Vec::new();
    let mut tests = Vec::new();
    for line in stdout.lines() {
        if is_list_end(line) {
            binaries.push(std::mem::take(&mut tests));
        } else if let Some(name) = line.strip_suffix(": test") {
            tests.push(name.to_string());
        }
    }
    let names: Vec<String> = stderr
        .lines()
        .map(str::trim)
        .filter_map(|l| {
            if let Some(doc) = l.strip_prefix("Doc-tests ") {
                Some(format!("doc-tests {doc}"))
            } else {
                let running = l.strip_prefix("Running ")?;
                Some(match running.rsplit_once(" (") {
                    Some((what, _path)) => what.to_string(),
                    None => running.to_string(),
                })
            }
        })
        .collect();
    let named = names.len() == binaries.len();
    binaries
        .into_iter()
        .enumerate()
        .map(|(i, tests)| Listed {
            binary: named.then(|| names[i].clone()),
            tests,
        })
        .collect()
}

/// `N test(s), M benchmark(s)`: the end of one binary's list.
fn is_list_end(line: &str) -> bool {
    let Some((tests, benches)) = line.split_once(", ") else {
        return false;
    };
    let counted = |part: &str, what: &str| {
        part.split_once(' ').is_some_and(|(n, word)| {
            n.parse::<usize>().is_ok() && (word == what || word.strip_suffix('s') == Some(what))
        })
    };
    counted(tests, "test") && counted(benches, "benchmark")
}

/// One binary's part of a run: the number it announced and the tests that reported.
#[derive(Debug, Default)]
struct Ran {
    announced: usize,
    passed: BTreeSet<String>,
    ignored: BTreeSet<String>,
}

/// `running N test(s)`: libtest starting one binary's part of a run, with its count.
pub fn running_line(line: &str) -> Option<usize> {
    line.strip_prefix("running ")
        .and_then(|r| r.strip_suffix(" tests").or_else(|| r.strip_suffix(" test")))
        .and_then(|n| n.parse().ok())
}

/// `test <name> ... <verdict>`: libtest's line for one test, as (name, verdict), without the
/// mode libtest adds to some names (` - should panic`, ` - compile fail`, ...).
pub fn verdict_line(line: &str) -> Option<(String, &str)> {
    let (name, verdict) = line.strip_prefix("test ")?.rsplit_once(" ... ")?;
    let name = [" - should panic", " - compile fail", " - compile"]
        .iter()
        .find_map(|mode| name.strip_suffix(mode))
        .unwrap_or(name);
    Some((name.to_string(), verdict))
}

/// Splits a run's stdout into the binaries' parts, at each `running N test(s)` line.
fn read_run(stdout: &str) -> Vec<Ran> {
    let mut parts: Vec<Ran> = Vec::new();
    for line in stdout.lines() {
        if let Some(n) = running_line(line) {
            parts.push(Ran {
                announced: n,
                ..Ran::default()
            });
            continue;
        }
        let (Some(part), Some((name, verdict))) = (parts.last_mut(), verdict_line(line)) else {
            continue;
        };
        if verdict == "ok" {
            part.passed.insert(name);
        } else if verdict.starts_with("ignored") {
            part.ignored.insert(name);
        }
    }
    parts
}

/// How many listed tests passed, or the first binary that did not report every listed test:
/// one whose part of the run is missing, announces another number of tests than it lists, or
/// lacks a listed test's `ok` or `ignored` line. A run with more parts than binaries (a
/// `running N tests` line printed by the code under test) counts against the last binary.
pub fn check_every_test_reported(list: &[Listed], stdout: &str) -> Result<usize, Unreported> {
    let ran = read_run(stdout);
    let mut passed = 0;
    for (i, listed) in list.iter().enumerate() {
        let part = ran.get(i);
        let missing: Vec<String> = listed
            .tests
            .iter()
            .filter(|t| !part.is_some_and(|p| p.passed.contains(*t) || p.ignored.contains(*t)))
            .cloned()
            .collect();
        let miscounted = part.is_none_or(|p| p.announced != listed.tests.len());
        let extra = i + 1 == list.len() && ran.len() > list.len();
        if !missing.is_empty() || miscounted || extra {
            return Err(Unreported {
                binary: listed.binary.clone(),
                listed: listed.tests.len(),
                missing,
            });
        }
        passed += listed
            .tests
            .iter()
            .filter(|t| part.is_some_and(|p| p.passed.contains(*t)))
            .count();
    }
    Ok(passed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST_STDOUT: &str = "0 tests, 0 benchmarks\n\
        squares_work: test\nsums_work: test\n\n2 tests, 0 benchmarks\n\
        finds_the_race: test\n\n1 test, 0 benchmarks\n0 tests, 0 benchmarks\n";
    const LIST_STDERR: &str = "   Compiling x v0.1.0\n    Finished `test` profile\n     \
        Running unittests src/lib.rs (target/debug/deps/x-1)\n     \
        Running tests/exact.rs (target/debug/deps/exact-2)\n     \
        Running tests/loom_model.rs (target/debug/deps/loom_model-3)\n   Doc-tests x\n";

    fn part(n: usize, lines: &[&str]) -> String {
        let mut text = format!("\nrunning {n} test{}\n", if n == 1 { "" } else { "s" });
        for l in lines {
            text.push_str(l);
            text.push('\n');
        }
        text.push_str("\ntest result: ok. 0 passed; 0 failed; 0 ignored\n\n");
        text
    }

    fn listed() -> Vec<Listed> {
        read_list(LIST_STDOUT, LIST_STDERR)
    }

    #[test]
    fn the_list_is_read_binary_by_binary_with_cargo_s_names() {
        let got = listed();
        assert_eq!(got.len(), 4);
        assert_eq!(got[0].binary.as_deref(), Some("unittests src/lib.rs"));
        assert!(got[0].tests.is_empty());
        assert_eq!(got[1].binary.as_deref(), Some("tests/exact.rs"));
        assert_eq!(got[1].tests, ["squares_work", "sums_work"]);
        assert_eq!(got[2].tests, ["finds_the_race"]);
        assert_eq!(got[3].binary.as_deref(), Some("doc-tests x"));
        let unnamed = read_list(LIST_STDOUT, "");
        assert!(unnamed.iter().all(|l| l.binary.is_none()));
    }

    #[test]
    fn a_full_run_passes_with_its_count() {
        let run = [
            part(0, &[]),
            part(2, &["test sums_work ... ok", "test squares_work ... ok"]),
            part(1, &["test finds_the_race - should panic ... ok"]),
            part(0, &[]),
        ]
        .concat();
        assert_eq!(check_every_test_reported(&listed(), &run), Ok(3));
    }

    #[test]
    fn a_binary_that_exits_early_is_caught_even_with_a_fake_result_line() {
        // `sums_work` called process::exit(0) after printing a result line of its own.
        let exact = "\nrunning 2 tests\ntest squares_work ... ok\n\
                     \ntest result: ok. 2 passed; 0 failed; 0 ignored\n\n";
        let run = [
            part(0, &[]),
            exact.to_string(),
            part(1, &["test finds_the_race ... ok"]),
            part(0, &[]),
        ]
        .concat();
        let err = check_every_test_reported(&listed(), &run).unwrap_err();
        assert_eq!(err.binary.as_deref(), Some("tests/exact.rs"));
        assert_eq!(err.missing, ["sums_work"]);
        assert_eq!(err.listed, 2);
    }

    #[test]
    fn a_test_is_counted_only_in_its_own_binary() {
        // Two binaries with a test of the same name: the second exited before reporting it,
        // and the first one's line must not stand in for it.
        let list = read_list(
            "same: test\n\n1 test, 0 benchmarks\nsame: test\n\n1 test, 0 benchmarks\n",
            "",
        );
        let run = [part(1, &["test same ... ok"]), part(1, &[])].concat();
        let err = check_every_test_reported(&list, &run).unwrap_err();
        assert_eq!(err.missing, ["same"]);
        // A binary that never started (cargo stopped after an earlier one exited) is caught too.
        let err = check_every_test_reported(&list, &part(1, &["test same ... ok"])).unwrap_err();
        assert_eq!(err.missing, ["same"]);
    }

    #[test]
    fn ignored_tests_report_but_do_not_count_as_passed() {
        let list = read_list("a: test\nb: test\n\n2 tests, 0 benchmarks\n", "");
        let run = part(2, &["test a ... ok", "test b ... ignored, needs a GPU"]);
        assert_eq!(check_every_test_reported(&list, &run), Ok(1));
    }

    #[test]
    fn a_forged_running_line_or_count_is_not_a_pass() {
        let list = read_list("a: test\n\n1 test, 0 benchmarks\n", "");
        let forged = [part(1, &["test a ... ok"]), part(3, &[])].concat();
        assert!(check_every_test_reported(&list, &forged).is_err());
        let recount = part(2, &["test a ... ok"]);
        assert!(check_every_test_reported(&list, &recount).is_err());
    }
}
