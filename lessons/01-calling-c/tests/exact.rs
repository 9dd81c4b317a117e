//! Grading tests for lesson 1 (`calling-c`). Do not edit: edit `src/exercise.rs`.
//!
//! `c::count` counts the calls into C on the test's own thread, so tests running at the same
//! time on other threads never mix their counts.

use calling_c::{Overflow, c, squared, squares, total};

#[test]
fn squares_of_small_inputs_come_from_c() {
    let inputs = [1, 2, 3, -4, 0];
    let (got, calls) = c::count(|| squares(&inputs));
    assert_eq!(got, Ok(vec![1, 4, 9, 16, 0]));
    assert_eq!(
        calls.square + calls.square_wide,
        inputs.len(),
        "5 inputs must cross into C 5 times, once each (saw {calls:?}): square each input with \
         `c::square`, not in Rust"
    );
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
    assert_eq!(
        squares(&[7, -46_341, 2, 46_341, i32::MIN, 9]),
        Err(Overflow {
            index: 1,
            value: -46_341
        }),
        "three inputs overflow here (indices 1, 3 and 4): report the FIRST one, -46341 at \
         index 1, not a later one"
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
fn squared_makes_one_call_into_c() {
    for n in [1, 7, 1000] {
        let input: Vec<f64> = (0..n).map(|i| f64::from(i) - 3.5).collect();
        let (_, calls) = c::count(|| squared(&input));
        assert_eq!(
            calls,
            c::Calls {
                square_array: 1,
                ..c::Calls::default()
            },
            "{n} inputs: squared must hand the whole buffer to C in ONE `c::square_array` \
             call (saw {calls:?}), not square in Rust or call C once per element"
        );
    }
}

#[test]
fn squared_of_nothing_is_nothing() {
    assert_eq!(squared(&[]), Ok(vec![]));
}

#[test]
fn total_adds_through_c() {
    assert_eq!(total(&[]), Some(0));
    let inputs = [1, 2, 3, -10];
    let (got, calls) = c::count(|| total(&inputs));
    assert_eq!(got, Some(-4));
    assert!(
        (inputs.len() - 1..=inputs.len()).contains(&calls.add),
        "4 inputs must be added in C, with one `c::add` per input (saw {calls:?}): add them \
         with `c::add`, not in Rust"
    );
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
    assert_eq!(
        total(&[5, i32::MAX, -10, 3]),
        None,
        "5 + i32::MAX overflows a C int on the way, although the final sum (i32::MAX - 2) \
         fits: every addition must fit, so check each step, not only the end"
    );
    assert_eq!(
        total(&[-5, i32::MIN, 10]),
        None,
        "-5 + i32::MIN overflows a C int on the way, although the final sum fits: check \
         each step, not only the end"
    );
}
