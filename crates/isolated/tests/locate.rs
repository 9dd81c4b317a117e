//! Finding the worker binary: beside the executable or one directory up, and `$LAB_WORKER`
//! overriding both (checked in a child process, so this process's environment is untouched).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use isolated::locate::{WORKER_ENV, candidates_beside, locate_worker};

#[test]
fn candidates_are_beside_the_executable_then_one_directory_up() {
    assert_eq!(
        candidates_beside(Path::new("/t/release/deps/bench-1234")),
        vec![
            PathBuf::from("/t/release/deps/lab-worker"),
            PathBuf::from("/t/release/lab-worker")
        ]
    );
}

/// Run in a child by the test below, with `$LAB_WORKER` set there: prints what it found.
#[test]
#[ignore = "a probe: run by lab_worker_overrides_the_search_and_a_bad_one_is_named"]
fn probe_locate() {
    match locate_worker() {
        Ok(p) => println!("FOUND {}", p.display()),
        Err(e) => println!("NOT FOUND {e}"),
    }
}

fn probe(env: Option<&str>) -> String {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--exact",
        "probe_locate",
        "--include-ignored",
        "--nocapture",
    ]);
    match env {
        Some(v) => cmd.env(WORKER_ENV, v),
        None => cmd.env_remove(WORKER_ENV),
    };
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_test_binary_finds_the_worker_one_directory_up() {
    // Test binaries live in target/<profile>/deps; cargo puts lab-worker in target/<profile>.
    let out = probe(None);
    let want = Path::new(common::WORKER);
    assert!(out.contains(&format!("FOUND {}", want.display())), "{out}");
}

#[test]
fn lab_worker_overrides_the_search_and_a_bad_one_is_named() {
    let out = probe(Some(common::WORKER));
    assert!(out.contains(&format!("FOUND {}", common::WORKER)), "{out}");
    let out = probe(Some("/nonexistent/lab-worker"));
    assert!(
        out.contains("NOT FOUND no usable lab-worker binary: tried /nonexistent/lab-worker"),
        "{out}"
    );
    assert!(
        out.contains("LAB_WORKER="),
        "the message says how to fix it: {out}"
    );
}
