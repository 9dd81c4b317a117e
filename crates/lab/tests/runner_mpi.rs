//! `cargo lab mpi`, as a student runs it: the real `lab` binary builds `lab-mpi` and runs a
//! job on 2 ranks with the flags this machine needs, saying why; a rank that fails ends it
//! with status 1 and the launcher's message naming the rank and the cause.

mod common;

use common::{lab, progress_file};

#[test]
fn the_counter_runs_on_2_ranks_and_says_why_each_flag_is_set() {
    supervisor::mpi::require_mpirun();
    let (_dir, progress) = progress_file();
    let ran = lab(
        &["mpi", "-n", "2", "counter", "--per-rank", "1000"],
        &progress,
    );
    assert!(ran.ok(), "{}", ran.text);
    assert!(
        ran.stdout
            .contains("$ cargo build --release -p distributed --bin lab-mpi"),
        "{}",
        ran.text
    );
    assert!(
        ran.stdout
            .contains("--timeout 60: mpirun stops the job after 60 s"),
        "{}",
        ran.text
    );
    assert!(
        ran.stdout
            .contains("result: job=counter ranks=2 got=2000 expected=2000 exact=true"),
        "{}",
        ran.text
    );
    assert!(
        !ran.stdout.contains("mpi: rank "),
        "the launcher's marks are not shown:\n{}",
        ran.text
    );
}

#[test]
fn a_rank_that_segfaults_fails_the_command_with_its_rank_and_signal() {
    supervisor::mpi::require_mpirun();
    let (_dir, progress) = progress_file();
    let ran = lab(
        &[
            "mpi",
            "-n",
            "2",
            "e3",
            "--len",
            "100",
            "--fault",
            "segv",
            "--fault-rank",
            "1",
        ],
        &progress,
    );
    assert_eq!(ran.code, Some(1), "{}", ran.text);
    assert!(
        ran.text
            .contains("error: rank 1 was killed by SIGSEGV (Segmentation fault)"),
        "{}",
        ran.text
    );
}
