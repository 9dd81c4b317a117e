//! What one Rust→C call costs: `square` in C against the same multiply inlined in Rust.

use std::hint::black_box;

use super::Sizes;
use super::sampling::{Measurement, Plan, sample_each, time};

/// The group name (table `calls.md`, figure `calls.svg`).
pub const GROUP: &str = "calls";

// ANCHOR: call_loops
/// `n` calls of C's `square_wide` (a `safe fn`: no check on the Rust side), results summed.
/// `black_box` hides the input from the optimizer, so every iteration really calls C.
fn c_square_wide(n: u32) -> i64 {
    let mut acc = 0i64;
    for i in 0..n {
        acc = acc.wrapping_add(ffi::square_wide(black_box((i & 1023) as i32)));
    }
    acc
}

/// `n` calls of the safe `ffi::square` (overflow check in Rust, then the C call).
fn c_square_checked(n: u32) -> i64 {
    let mut acc = 0i64;
    for i in 0..n {
        acc = acc.wrapping_add(i64::from(
            ffi::square(black_box((i & 1023) as i32)).unwrap_or(0),
        ));
    }
    acc
}

/// The baseline: the same multiply, which the compiler inlines into the loop.
fn rust_inline(n: u32) -> i64 {
    let mut acc = 0i64;
    for i in 0..n {
        let x = i64::from(black_box((i & 1023) as i32));
        acc = acc.wrapping_add(x * x);
    }
    acc
}
// ANCHOR_END: call_loops

/// A call loop: `n` calls, results summed.
type Loop = fn(u32) -> i64;

/// Measures the three loops; ns per call.
pub fn run(sizes: &Sizes) -> anyhow::Result<Vec<Measurement>> {
    let n = sizes.calls;
    let plan = Plan {
        warmup: 2,
        samples: sizes.call_samples,
    };
    let per_call = |s: f64| s * 1e9 / f64::from(n);
    let loops: [(&str, &str, Loop); 3] = [
        (
            "call_rust_inline_square",
            "Rust: the square inlined (baseline)",
            rust_inline,
        ),
        (
            "call_rust_c_square_wide",
            "Rust → C: square_wide (safe fn, no check)",
            c_square_wide,
        ),
        (
            "call_rust_c_square",
            "Rust → C: ffi::square (checked wrapper)",
            c_square_checked,
        ),
    ];
    let expected = rust_inline(n);
    for (id, _, f) in loops {
        anyhow::ensure!(f(n) == expected, "{id} computed a different sum");
    }
    // Round-robin: the three loops share the machine's noise alike.
    let times = sample_each(plan, loops.len(), |v| {
        let f = loops[v].2;
        time(|| {
            black_box(f(n));
        })
    });
    let mut out = Vec::new();
    for ((id, label, _), t) in loops.iter().zip(&times) {
        out.push(Measurement::from_times(
            *id, GROUP, *label, "ns/call", false, t, per_call,
        )?);
    }
    Ok(out)
}
