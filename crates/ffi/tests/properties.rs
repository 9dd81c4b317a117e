//! Each C function against a Rust reference, over random inputs plus the edges that matter:
//! 0, negatives, the overflow boundary, `i32::MIN`/`MAX`, empty and odd-length arrays.

use proptest::prelude::*;

/// Inputs that random sampling would rarely hit, mixed into every scalar property.
fn edgy_i32() -> impl Strategy<Value = i32> {
    prop_oneof![
        Just(0),
        Just(1),
        Just(-1),
        Just(46_340),
        Just(-46_340),
        Just(46_341),
        Just(-46_341),
        Just(i32::MAX),
        Just(i32::MIN),
        -50_000i32..50_000,
        any::<i32>(),
    ]
}

/// Doubles including the awkward ones: signed zeros, subnormals, infinities, NaN.
fn any_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(0.0),
        Just(-0.0),
        Just(f64::MIN_POSITIVE / 2.0),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(f64::NAN),
        Just(1e200),
        -1e6f64..1e6,
        any::<f64>(),
    ]
}

fn same_f64(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn square_matches_checked_rust_multiplication(x in edgy_i32()) {
        prop_assert_eq!(ffi::square(x), x.checked_mul(x));
    }

    #[test]
    fn square_wide_matches_rust_i64_multiplication(x in edgy_i32()) {
        prop_assert_eq!(ffi::square_wide(x), i64::from(x) * i64::from(x));
    }

    #[test]
    fn add_matches_checked_rust_addition(a in edgy_i32(), b in edgy_i32()) {
        prop_assert_eq!(ffi::add(a, b), a.checked_add(b));
    }

    #[test]
    fn busy_work_matches_xorshift64_in_rust(seed in any::<u64>(), rounds in 0u64..2000) {
        let mut x = if seed == 0 { 1 } else { seed };
        for _ in 0..rounds {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        prop_assert_eq!(ffi::busy_work(seed, rounds), x);
    }

    #[test]
    fn square_array_matches_rust_elementwise(input in prop::collection::vec(any_f64(), 0..257)) {
        let mut out = vec![123.0; input.len()];
        ffi::square_array(&input, &mut out).unwrap();
        for (i, (x, y)) in input.iter().zip(&out).enumerate() {
            prop_assert!(same_f64(*y, x * x), "element {}: C gave {}, Rust {}", i, y, x * x);
        }
    }

    #[test]
    fn square_in_place_matches_square_array(input in prop::collection::vec(any_f64(), 0..257)) {
        let mut expected = vec![0.0; input.len()];
        ffi::square_array(&input, &mut expected).unwrap();
        let mut data = input.clone();
        ffi::square_in_place(&mut data);
        for (a, b) in data.iter().zip(&expected) {
            prop_assert!(same_f64(*a, *b));
        }
    }

    #[test]
    fn square_array_rejects_unequal_lengths(n in 0usize..64, m in 0usize..64) {
        prop_assume!(n != m);
        let input = vec![1.5; n];
        let mut out = vec![7.0; m];
        let err = ffi::square_array(&input, &mut out).unwrap_err();
        prop_assert_eq!(err, ffi::LengthMismatch { input: n, output: m });
        prop_assert!(out.iter().all(|&v| v == 7.0), "output must be untouched on error");
    }
}

// ANCHOR: overflow_boundary
#[test]
fn c_int_square_overflows_at_46341_and_the_safe_api_refuses_it() {
    // 46340² fits in a C int; 46341² does not. In C, `46341 * 46341` is undefined behaviour
    // (UBSan reports it: see tests/sanitizers.rs). Rust's checked arithmetic shows the boundary:
    assert_eq!(46_340i32.checked_mul(46_340), Some(2_147_395_600));
    assert_eq!(46_341i32.checked_mul(46_341), None);
    // ...and the safe wrapper never lets the C code see such an input:
    assert_eq!(ffi::square(46_340), Some(2_147_395_600));
    assert_eq!(ffi::square(46_341), None);
    assert_eq!(ffi::square(-46_341), None);
    assert_eq!(ffi::square(i32::MIN), None);
    // The widened version is defined everywhere, computed in C with 64-bit arithmetic:
    assert_eq!(ffi::square_wide(46_341), 2_147_488_281);
    assert!(ffi::square_wide(46_341) > i64::from(i32::MAX));
    assert_eq!(ffi::square_wide(i32::MIN), 1 << 62);
}
// ANCHOR_END: overflow_boundary

#[test]
fn add_refuses_sums_outside_c_int() {
    assert_eq!(ffi::add(i32::MAX, 1), None);
    assert_eq!(ffi::add(i32::MIN, -1), None);
    assert_eq!(ffi::add(i32::MAX, i32::MIN), Some(-1));
}

#[test]
fn length_mismatch_message_names_both_lengths() {
    let err = ffi::square_array(&[1.0, 2.0, 3.0], &mut [0.0; 2]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "square_array needs equal lengths, got input of 3 and output of 2 elements"
    );
}

#[test]
fn empty_and_odd_length_arrays_work() {
    ffi::square_array(&[], &mut []).unwrap();
    let input = [1.0, -2.0, 3.5];
    let mut out = [0.0; 3];
    ffi::square_array(&input, &mut out).unwrap();
    assert_eq!(out, [1.0, 4.0, 12.25]);
}

// ANCHOR: size_t_length
#[test]
fn array_length_crosses_as_size_t_not_int() {
    // The declaration takes `usize` (C `size_t`): the compiler checks this coercion.
    let _decl: unsafe extern "C" fn(*const f64, *mut f64, usize) = ffi::raw::lab_square_array;
    // With a C `int` length, 2^31 elements would arrive as a negative count:
    let n: usize = 1 << 31;
    assert_eq!(n as u32 as i32, i32::MIN);
    assert!(i32::try_from(n).is_err(), "2^31 does not fit a C int");
    // usize (size_t) carries it intact.
    assert_eq!(u64::try_from(n).unwrap(), 2_147_483_648);
}
// ANCHOR_END: size_t_length

/// 2^31 + 1 doubles (16 GiB) squared in place through one C call: past any `int` length.
/// Ignored by default (needs ~17 GiB of free memory and ~20 s); run it with
/// `cargo test --release -p ffi --test properties -- --ignored`.
#[test]
#[ignore = "needs ~17 GiB of RAM; run explicitly with -- --ignored"]
fn square_in_place_handles_more_than_i32_max_elements() {
    let n = (1usize << 31) + 1;
    let mut data = vec![0.0f64; n];
    data[0] = 3.0;
    data[n - 1] = -4.0;
    ffi::square_in_place(&mut data);
    assert_eq!((data[0], data[n - 1]), (9.0, 16.0));
}

// ANCHOR: streaming_path
/// Calls of 2^18 elements and more take the C kernel's streaming-store path: same results, bit
/// for bit, at every alignment of input and output and for odd lengths (head, body and tail).
#[test]
fn large_arrays_take_the_streaming_path_with_identical_results() {
    let n = (1 << 18) + 5;
    let input: Vec<f64> = (0..n + 3)
        .map(|i| (i as f64 - 7_000.0) * 1.000_1)
        .chain([f64::NAN, -0.0, f64::INFINITY])
        .collect();
    let mut out = vec![0.0; input.len() + 8];
    for in_shift in 0..2 {
        // 0..8: every position of the output within a 64-byte cache line
        for out_shift in 0..8 {
            let len = n - 8;
            let src = &input[in_shift..in_shift + len];
            let dst = &mut out[out_shift..out_shift + len];
            ffi::square_array(src, dst).unwrap();
            for (i, (x, y)) in src.iter().zip(dst.iter()).enumerate() {
                assert!(
                    same_f64(*y, x * x),
                    "shift {in_shift}/{out_shift}, element {i}"
                );
            }
        }
    }
    let tail = &input[input.len() - (1 << 18)..];
    let mut dst = vec![0.0; tail.len()];
    ffi::square_array(tail, &mut dst).unwrap();
    assert!(same_f64(dst[dst.len() - 3], f64::NAN));
    assert_eq!(
        dst[dst.len() - 2].to_bits(),
        0.0f64.to_bits(),
        "(-0)² is +0"
    );
    assert_eq!(dst[dst.len() - 1], f64::INFINITY);
}
// ANCHOR_END: streaming_path
