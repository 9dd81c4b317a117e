//! Grading tests for lesson 1 (`calling-c`). Do not edit: edit `src/exercise.rs`.

use calling_c::{Overflow, squared, squares, total};

#[test]
fn squares_of_small_inputs_come_from_c() {
    assert_eq!(squares(&[1, 2, 3, -4, 0]), Ok(vec![1, 4, 9, 16, 0]));
}

#[test]
fn the_largest_safe_input_is_squared() {
    assert_eq!(
        squares(&[46_340, -46_340]),
        Ok(vec![2_147_395_600, 2_147_395_600])
    );
}

#[test]
fn square_of_46341_is_reported_as_overflow() {
    assert_eq!(
        squares(&[3, 46_341, 5]),
        Err(Overflow {
            index: 1,
            value: 46_341
        }),
        "46341² = 2 147 488 281 does not fit in a C int: report the first such input \
         instead of returning a wrapped or clamped value"
    );
}

#[test]
fn square_of_i32_min_is_reported_as_overflow() {
    assert_eq!(
        squares(&[i32::MIN]),
        Err(Overflow {
            index: 0,
            value: i32::MIN
        }),
        "i32::MIN has no square in a C int"
    );
}

#[test]
fn squared_returns_one_output_per_input() {
    let input: Vec<f64> = (0..1000).map(|i| f64::from(i) * 0.5).collect();
    let want: Vec<f64> = input.iter().map(|x| x * x).collect();
    assert_eq!(
        squared(&input),
        Ok(want),
        "square_array writes out.len() elements: the output must be as long as the input"
    );
}

#[test]
fn squared_of_nothing_is_nothing() {
    assert_eq!(squared(&[]), Ok(vec![]));
}

#[test]
fn total_adds_through_c() {
    assert_eq!(total(&[1, 2, 3, -10]), Some(-4));
    assert_eq!(total(&[]), Some(0));
}

#[test]
fn total_reports_overflow_as_none() {
    assert_eq!(
        total(&[i32::MAX, 1]),
        None,
        "i32::MAX + 1 overflows a C int: return None"
    );
    assert_eq!(
        total(&[i32::MIN, -1]),
        None,
        "i32::MIN - 1 overflows a C int"
    );
}
