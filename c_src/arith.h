/* arith.h: the source article's scalar functions, and the versions a safe API needs. */
#ifndef LAB_ARITH_H
#define LAB_ARITH_H

#include <stdint.h>

/* The article's `int square(int)`. Undefined behaviour when |x| > 46340 (signed overflow):
 * callers must check first. The Rust wrapper `ffi::square` does. */
int lab_square(int x);

/* Widened: every 32-bit input has a 64-bit square, so this never overflows. */
int64_t lab_square_wide(int32_t x);

/* The article's `int add(int, int)`: pure, no shared state, so thread-safe as it is.
 * Undefined behaviour when the sum leaves int's range: callers must check first. */
int lab_add(int a, int b);

/* A long call that only computes: `rounds` steps of xorshift64 from `seed` (0 is taken as 1),
 * returning the last state. No memory, no shared state: thread-safe, and it takes as long as
 * `rounds` says on any core, so it shows how C calls from several threads overlap (about a
 * nanosecond a round). */
uint64_t lab_busy_work(uint64_t seed, uint64_t rounds);

#endif
