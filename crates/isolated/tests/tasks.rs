//! Every task kind gives the exact answer, through a real pool of worker processes.

mod common;

use common::{WORKER, assert_all_reaped, config, pool};
use isolated::{Pool, Reply, Task, TempSharedF64s};

#[test]
fn the_counter_total_is_exact_across_processes() {
    let mut p = pool(3);
    let per_task = vec![10_000u64; 12];
    assert_eq!(p.count(&per_task).unwrap(), 120_000);
    // and again on the same (persistent) workers
    assert_eq!(p.count(&[1, 2, 3, 4, 5]).unwrap(), 15);
}

// ANCHOR: own_copy
#[test]
fn each_worker_has_its_own_copy_of_the_c_counter() {
    // Two workers, two tasks at a time: each reply's worker_total is that process's own
    // counter, which only ever saw its own tasks' increments.
    let mut p = pool(2);
    let out = p.run(&[Task::Count(1000), Task::Count(1000)]).unwrap();
    let totals: Vec<u64> = out
        .replies
        .iter()
        .map(|r| match r {
            Reply::Counted { worker_total, .. } => *worker_total,
            other => panic!("{other:?}"),
        })
        .collect();
    // Different processes: each counter starts at 0, so each saw exactly its 1000 (had they
    // shared a global, one of them would read 2000).
    assert_eq!(totals, vec![1000, 1000]);
}
// ANCHOR_END: own_copy

#[test]
fn squares_per_item_and_batched_agree_with_the_formula() {
    let n: i128 = 2_000;
    let want = n * (n + 1) * (2 * n + 1) / 6;
    let mut p = pool(2);
    assert_eq!(p.sum_squares(1..=2000, 1).unwrap(), want);
    assert_eq!(p.sum_squares(1..=2000, 128).unwrap(), want);
    assert_eq!(p.sum_squares(1..=2000, 1_000_000).unwrap(), want);
}

#[test]
fn squares_beyond_c_int_are_widened_not_overflowed() {
    let mut p = pool(1);
    let out = p
        .run(&[Task::Squares(vec![46_341, i32::MIN, -3].into())])
        .unwrap();
    assert_eq!(
        out.replies,
        vec![Reply::Squares(vec![
            46_341i64 * 46_341,
            i64::from(i32::MIN) * i64::from(i32::MIN),
            9
        ])]
    );
}

#[test]
fn an_array_squared_through_the_pipes_equals_one_in_process_call() {
    let input: Vec<f64> = (0..100_000).map(|i| f64::from(i) * 0.5 - 7.0).collect();
    let mut want = vec![0.0; input.len()];
    ffi::square_array(&input, &mut want).unwrap();
    let mut p = pool(4);
    assert_eq!(p.square_pipe(&input, 4).unwrap(), want);
    assert_eq!(p.square_pipe(&input, 7).unwrap(), want); // uneven chunks
    assert_eq!(p.square_pipe(&[], 4).unwrap(), Vec::<f64>::new());
}

#[test]
fn an_array_squared_in_shared_memory_equals_one_in_process_call() {
    let input: Vec<f64> = (0..100_000).map(|i| f64::from(i) * 0.25 - 3.0).collect();
    let mut want = vec![0.0; input.len()];
    ffi::square_array(&input, &mut want).unwrap();
    let mut p = pool(4);
    let mut shared = TempSharedF64s::from_slice(&input).unwrap();
    p.square_shm(&mut shared, 4).unwrap();
    assert_eq!(shared.as_slice(), &want[..]);
    // a second array: the workers map the new file
    let mut other = TempSharedF64s::from_slice(&[2.0, 3.0, 4.0]).unwrap();
    p.square_shm(&mut other, 4).unwrap();
    assert_eq!(other.as_slice(), &[4.0, 9.0, 16.0]);
}

#[test]
fn an_array_at_a_reused_path_is_mapped_afresh() {
    // The path is the parent's descriptor number, which the next array usually gets again
    // once the first is dropped: the worker must square the new array, not its kept mapping
    // of the old one.
    let mut p = pool(1);
    for round in 0..20 {
        let mut a = TempSharedF64s::from_slice(&[1.0, 2.0, 3.0]).unwrap();
        p.square_shm(&mut a, 1).unwrap();
        assert_eq!(a.as_slice(), &[1.0, 4.0, 9.0]);
        let first = a.path();
        drop(a);
        let mut b = TempSharedF64s::from_slice(&[5.0, 6.0, 7.0]).unwrap();
        p.square_shm(&mut b, 1).unwrap();
        assert_eq!(b.as_slice(), &[25.0, 36.0, 49.0], "round {round}");
        if b.path() == first {
            return; // the path was reused, and the new array was squared
        }
    }
    panic!("no descriptor number was reused in 20 rounds: the check above never ran");
}

#[test]
fn a_shared_range_outside_the_array_is_refused_by_the_worker() {
    let mut p = pool(1);
    let shared = TempSharedF64s::new(10).unwrap();
    let err = p
        .run(&[Task::SquareShm {
            path: shared.path(),
            offset: 8,
            len: 5,
        }])
        .unwrap_err();
    assert!(
        err.to_string().contains("outside the shared array"),
        "{err}"
    );
}

#[test]
fn dropping_the_pool_reaps_every_worker() {
    let p = pool(3);
    let pids = p.spawned_pids().to_vec();
    assert_eq!(pids.len(), 3);
    drop(p);
    assert_all_reaped(&pids);
}

#[test]
fn the_test_built_worker_path_is_the_one_cargo_reports() {
    assert!(std::path::Path::new(WORKER).ends_with("lab-worker"));
    let p = Pool::start(config(1)).unwrap();
    assert_eq!(p.config().worker_path(), std::path::Path::new(WORKER));
}
