//! What a student sees after `cargo lab check`, through the real `lab` binary: a failure names
//! the first failing test in the list's order (whichever finished first), counts and names the
//! others, and ends with the one sentence to read; loom's deadlock report is put in words
//! before loom's own text; a failure that prints two 1,000-element vectors is trimmed to where
//! they differ, with the whole output saved; a pass says what was learnt, how far the student
//! is, and where to go next, from whichever lesson they started at.

mod common;

use common::{Ran, lab, progress_file};

/// The saved output whose path the report printed (`The whole output (N lines): <path>`).
fn saved_output(ran: &Ran) -> String {
    let line = ran
        .stdout
        .lines()
        .find(|l| l.starts_with("The whole output ("))
        .unwrap_or_else(|| panic!("no saved output named:\n{}", ran.text));
    let path = line.rsplit(": ").next().unwrap();
    let path = lab::workspace_root().join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The sentence after the last `→ `, unwrapped, when it ends stdout: every line after the
/// arrow's is its continuation (indented), and nothing else follows.
fn last_sentence(ran: &Ran) -> String {
    let lines: Vec<&str> = ran.stdout.trim_end().lines().collect();
    let at = lines
        .iter()
        .rposition(|l| l.starts_with("→ "))
        .unwrap_or_else(|| panic!("no sentence to read:\n{}", ran.text));
    assert!(
        lines[at + 1..].iter().all(|l| l.starts_with("  ")),
        "something follows the sentence to read:\n{}",
        ran.text
    );
    let words: Vec<&str> = lines[at..]
        .iter()
        .map(|l| l.trim_start_matches("→ ").trim())
        .collect();
    words.join(" ")
}

#[test]
fn a_failing_exercise_names_its_test_and_ends_with_the_sentence_to_read() {
    let (_dir, progress) = progress_file();
    let ran = lab(&["check", "calling-c", "--variant", "shipped"], &progress);
    assert_eq!(ran.code, Some(1), "{}", ran.text);
    // Four tests fail, and libtest prints their reports in the order they finish: the one
    // shown is the first in the order `cargo test -- --list` lists them, and the others are
    // named (in that order too).
    assert!(
        ran.stdout.contains(
            "✗ calling-c: the test `square_of_46341_is_reported_as_overflow` \
             (in tests/exact.rs) failed"
        ),
        "{}",
        ran.text
    );
    assert!(
        ran.stdout.contains(
            "And 3 more tests failed: `square_of_i32_min_is_reported_as_overflow`, \
             `squared_returns_one_output_per_input`, `total_reports_overflow_as_none` \
             (their reports are in the whole output)."
        ),
        "{}",
        ran.text
    );
    let sentence = last_sentence(&ran);
    assert!(
        ran.stdout.contains(&format!("failed: {sentence}")),
        "the sentence to read is the failing assertion's own message:\n{}",
        ran.text
    );
    assert!(
        !ran.text.contains("error:"),
        "nothing is printed after the report:\n{}",
        ran.text
    );
    assert!(saved_output(&ran).contains("test result: FAILED"));
    assert!(!progress.exists(), "a variant check records nothing");
}

#[test]
fn a_loom_deadlock_is_put_in_words_before_loom_s_own_report() {
    let (_dir, progress) = progress_file();
    // The loom models only: the real-thread tests of this answer hang until the time limit.
    let ran = lab(
        &[
            "check",
            "locks",
            "--variant",
            "wrong-deadlock",
            "--test",
            "loom_model",
        ],
        &progress,
    );
    let text = &ran.stdout;
    assert_eq!(ran.code, Some(1), "{}", ran.text);
    let headline = text
        .find("✗ locks: loom found a deadlock in the test `")
        .unwrap_or_else(|| panic!("no deadlock headline:\n{text}"));
    let raw = text
        .find("deadlock; threads = [")
        .unwrap_or_else(|| panic!("loom's own report is kept:\n{text}"));
    assert!(headline < raw, "the words come first:\n{text}");
    assert!(
        !text.contains("/.cargo/registry/"),
        "a path into loom's source is not the student's code:\n{text}"
    );
    assert!(text.contains("<cargo registry>/loom-0.7"), "{text}");
    let sentence = last_sentence(&ran);
    assert!(
        sentence.starts_with("loom found a deadlock:")
            && sentence.ends_with(
                "A mutex is not re-entrant: is the guard still held when you lock again?"
            ),
        "{text}"
    );
    assert!(
        saved_output(&ran).contains("/.cargo/registry/"),
        "the raw output keeps loom's paths"
    );
}

#[test]
fn a_flooding_failure_is_trimmed_to_its_first_difference() {
    let (_dir, progress) = progress_file();
    let ran = lab(
        &["check", "calling-c", "--variant", "wrong-off-by-one"],
        &progress,
    );
    let text = &ran.stdout;
    assert_eq!(ran.code, Some(1), "{}", ran.text);
    assert!(
        text.contains("the test `squared_returns_one_output_per_input` (in tests/exact.rs) failed"),
        "{text}"
    );
    assert!(
        text.contains(
            "left has 1,000 elements, right has 1,000; the first difference is element 999: \
             left `0.0`, right `249500.25`"
        ),
        "{text}"
    );
    assert!(text.contains("chars elided"), "{text}");
    assert!(
        text.len() < 2_500,
        "{} chars reached the student:\n{text}",
        text.len()
    );
    assert_eq!(
        last_sentence(&ran),
        "square_array writes out.len() elements: the output must be as long as the input"
    );
    // The whole of it is saved, and `--verbose` shows it.
    let saved = saved_output(&ran);
    assert!(saved.len() > 16_000, "{} chars saved", saved.len());
    assert!(saved.contains("248502.25, 249001.0, 249500.25])"));
    let verbose = lab(
        &[
            "check",
            "calling-c",
            "--variant",
            "wrong-off-by-one",
            "--verbose",
        ],
        &progress,
    );
    assert!(verbose.stdout.len() > 16_000, "{}", verbose.stdout.len());
    assert!(!verbose.stdout.contains("chars elided"));
}

#[test]
fn a_pass_says_what_was_learnt_how_far_and_what_comes_next() {
    let (_dir, progress) = progress_file();
    let ran = lab(&["check", "calling-c", "--variant", "solution"], &progress);
    let text = &ran.stdout;
    assert!(ran.ok(), "{}", ran.text);
    let learnt = &lesson_table::find("calling-c").unwrap().learnt;
    assert!(text.contains(&format!("You learnt: {learnt}.")), "{text}");
    assert!(
        text.contains("0 of 8 lessons done."),
        "a variant records nothing:\n{text}"
    );
    assert!(text.contains("nothing was recorded"), "{text}");
    assert!(
        text.contains("Next: lesson 2, data-race (")
            && text.contains("read  mdbook/src/lessons/02-data-race.md")
            && text.contains("edit  lessons/02-data-race/src/exercise.rs"),
        "{text}"
    );
    // A student who started further on: next is the first lesson after this one not done.
    std::fs::write(&progress, r#"{"done": ["data-race", "atomics"]}"#).unwrap();
    let ran = lab(&["check", "locks", "--variant", "solution"], &progress);
    let text = &ran.stdout;
    assert!(ran.ok(), "{}", ran.text);
    assert!(text.contains("2 of 8 lessons done."), "{text}");
    assert!(text.contains("Next: lesson 5, processes ("), "{text}");
}
