//! The runner's options and progress file, through the real `lab` binary: a time limit under a
//! second is refused before anything runs (it used to be reported as a deadlock and un-mark a
//! finished lesson), and a corrupt progress file does not stop the hint of a named lesson.

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
