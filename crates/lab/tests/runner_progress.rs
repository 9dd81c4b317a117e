//! The runner's options and progress file, through the real `lab` binary: a time limit under a
//! second is refused before anything runs (it used to be reported as a deadlock and un-mark a
//! finished lesson), a corrupt progress file does not stop the hint of a named lesson, hints
//! come one tier at a time (remembered in the progress file), `reset --all` never resets
//! without asking, and the help names every flag.

mod common;

use common::lab;

#[test]
fn a_zero_time_limit_is_refused_and_progress_kept() {
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.json");
    let done = r#"{"done": ["calling-c"]}"#;
    std::fs::write(&progress, done).unwrap();
    for command in ["check", "watch"] {
        let ran = lab(&[command, "calling-c", "--timeout", "0"], &progress);
        let (code, text) = (ran.code, ran.text);
        assert_eq!(
            code,
            Some(2),
            "{command} --timeout 0 is a usage error:\n{text}"
        );
        assert!(
            text.contains("--timeout") && !text.contains("timed out"),
            "{command}: expected clap's refusal, not a run:\n{text}"
        );
        assert_eq!(
            std::fs::read_to_string(&progress).unwrap(),
            done,
            "{command}: progress must be untouched"
        );
    }
}

#[test]
fn a_corrupt_progress_file_does_not_stop_a_named_hint() {
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.json");
    std::fs::write(&progress, "{\"done\": [").unwrap();
    let ran = lab(&["hint", "calling-c"], &progress);
    let (code, text) = (ran.code, ran.text);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("Hint for calling-c"), "{text}");
    // Without a name the current lesson depends on progress: that error stays, and says why.
    let ran = lab(&["hint"], &progress);
    let (code, text) = (ran.code, ran.text);
    assert_ne!(code, Some(0), "{text}");
    assert!(text.contains("is not valid progress"), "{text}");
}

#[test]
fn hints_come_one_tier_at_a_time_and_all_at_once_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.json");
    let hints = &lesson_table::find("calling-c").unwrap().hints;
    let total = hints.len();
    let first_words = |i: usize| {
        hints[i]
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ")
    };
    for n in 1..=total {
        let ran = lab(&["hint", "calling-c"], &progress);
        assert!(ran.ok(), "{}", ran.text);
        assert!(
            ran.stdout.contains(&format!("hint {n} of {total}:")),
            "call {n}:\n{}",
            ran.text
        );
        assert!(ran.stdout.contains(&first_words(n - 1)), "{}", ran.text);
        for other in (0..total).filter(|i| *i != n - 1) {
            assert!(
                !ran.stdout
                    .contains(&format!("hint {} of {total}:", other + 1)),
                "call {n} shows one tier only:\n{}",
                ran.text
            );
        }
    }
    // Every tier seen: the last one again.
    let ran = lab(&["hint", "calling-c"], &progress);
    assert!(
        ran.stdout.contains(&format!("hint {total} of {total}:")),
        "{}",
        ran.text
    );
    assert!(
        ran.stdout.contains("That was the last hint."),
        "{}",
        ran.text
    );
    // Another lesson starts at its first tier, and --all shows every one.
    let ran = lab(&["hint", "locks", "--all"], &progress);
    let locks = lesson_table::find("locks").unwrap().hints.len();
    for n in 1..=locks {
        assert!(
            ran.stdout.contains(&format!("hint {n} of {locks}:")),
            "{}",
            ran.text
        );
    }
}

#[test]
fn reset_all_refuses_without_a_terminal_unless_told_yes() {
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.json");
    // stdin is not a terminal here: nothing may be reset, and the error says how.
    let ran = lab(&["reset", "--all"], &progress);
    assert_eq!(ran.code, Some(1), "{}", ran.text);
    assert!(ran.text.contains("pass --yes"), "{}", ran.text);
    assert!(!progress.exists(), "nothing was touched");
    let ran = lab(&["reset"], &progress);
    assert_eq!(
        ran.code,
        Some(2),
        "a lesson or --all is required:\n{}",
        ran.text
    );
}

#[test]
fn the_help_describes_every_new_flag() {
    let dir = tempfile::tempdir().unwrap();
    let progress = dir.path().join("progress.json");
    let help = |args: &[&str]| {
        let ran = lab(args, &progress);
        assert!(ran.ok(), "{args:?}:\n{}", ran.text);
        ran.stdout
    };
    let top = help(&["--help"]);
    assert!(
        top.contains("hint 2 of 3") && top.contains("--all"),
        "{top}"
    );
    let hint = help(&["hint", "--help"]);
    assert!(
        hint.contains("--all") && hint.contains("Show every hint tier"),
        "{hint}"
    );
    let reset = help(&["reset", "--help"]);
    assert!(
        reset.contains("--all") && reset.contains("--yes") && reset.contains("backed up"),
        "{reset}"
    );
    for command in ["check", "watch"] {
        let text = help(&[command, "--help"]);
        assert!(
            text.contains("--verbose") && text.contains("untrimmed"),
            "{text}"
        );
    }
    let check = help(&["check", "--help"]);
    assert!(check.contains("target/lab/last-check/"), "{check}");
}
