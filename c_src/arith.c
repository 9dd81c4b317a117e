/* arith.c: scalar functions. None touches shared state, so all are thread-safe. */
#include "arith.h"

// ANCHOR: square
int lab_square(int x) {
    return x * x; /* UB when |x| > 46340: the safe wrapper never lets that happen */
}
// ANCHOR_END: square

// ANCHOR: square_wide
int64_t lab_square_wide(int32_t x) {
    int64_t w = x; /* widen first, then multiply: |x|^2 <= 2^62 fits */
    return w * w;
}
// ANCHOR_END: square_wide

// ANCHOR: add
int lab_add(int a, int b) {
    return a + b; /* reads only its arguments: nothing shared, nothing to lock */
}
// ANCHOR_END: add

// ANCHOR: busy_work
uint64_t lab_busy_work(uint64_t seed, uint64_t rounds) {
    uint64_t x = seed ? seed : 1; /* xorshift64 never leaves 0 */
    for (uint64_t i = 0; i < rounds; i++) {
        x ^= x << 13; /* each step needs the last: no compiler can skip ahead */
        x ^= x >> 7;
        x ^= x << 17;
    }
    return x;
}
// ANCHOR_END: busy_work
