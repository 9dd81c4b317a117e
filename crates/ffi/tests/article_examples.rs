//! The source article's three examples, reproduced with their expected outputs.

use ffi::article::{e1_square_map, e2_threads_add, e3_square_chunks};

#[test]
fn e1_four_workers_square_one_to_ten() {
    let got: Vec<i32> = e1_square_map(10, 4)
        .into_iter()
        .map(Option::unwrap)
        .collect();
    assert_eq!(got, vec![1, 4, 9, 16, 25, 36, 49, 64, 81, 100]);
}

#[test]
fn e1_reports_overflow_instead_of_undefined_behaviour() {
    let got = e1_square_map(46_342, 4);
    assert_eq!(got.len(), 46_342);
    assert_eq!(got[46_339], Some(2_147_395_600)); // 46340²
    assert_eq!(got[46_340], None); // 46341² overflows a C int
    assert_eq!(got[46_341], None);
}

#[test]
fn e1_keeps_input_order_for_any_worker_count() {
    for workers in [1, 2, 3, 4, 7, 16] {
        let got: Vec<i32> = e1_square_map(25, workers)
            .into_iter()
            .map(Option::unwrap)
            .collect();
        let expected: Vec<i32> = (1..=25).map(|x| x * x).collect();
        assert_eq!(got, expected, "{workers} workers");
    }
}

#[test]
fn e2_five_threads_each_add_their_own_number() {
    // Thread i computes add(i, i). Each closure owns its `i` (move): no late binding.
    assert_eq!(
        e2_threads_add(5),
        vec![Some(0), Some(2), Some(4), Some(6), Some(8)]
    );
}

#[test]
fn e3_chunked_square_equals_one_call_over_the_whole_array() {
    let input: Vec<f64> = (0..100_000).map(|i| f64::from(i) * 0.25 - 7.0).collect();
    let mut whole = vec![0.0; input.len()];
    ffi::square_array(&input, &mut whole).unwrap();
    for chunks in [1, 3, 4, 7] {
        assert_eq!(e3_square_chunks(&input, chunks), whole, "{chunks} chunks");
    }
}

#[test]
fn e3_handles_empty_and_tiny_inputs() {
    assert!(e3_square_chunks(&[], 4).is_empty());
    assert_eq!(e3_square_chunks(&[3.0], 4), vec![9.0]);
    assert_eq!(e3_square_chunks(&[1.0, 2.0], 0), vec![1.0, 4.0]);
}
