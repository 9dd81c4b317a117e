/* array.h: whole-buffer kernels. One call per buffer (pointer + length), not one per item. */
#ifndef LAB_ARRAY_H
#define LAB_ARRAY_H

#include <stddef.h>

/* out[i] = in[i] * in[i] for i in [0, n). The length is a size_t, not an int: no 2^31 - 1 cap.
 * `in` and `out` may be the same buffer (squaring in place); otherwise they must not overlap.
 * Large calls (2^18 elements and more, not in place) write with non-temporal stores on x86-64,
 * the widest this CPU has (chosen at run time): the results are the same, bit for bit; only
 * the cache traffic differs. */
void lab_square_array(const double *in, double *out, size_t n);

/* The ways a large call can store its results. */
enum lab_store_path {
    LAB_STORES_PLAIN = 0,  /* ordinary stores (every CPU) */
    LAB_STORES_SSE2 = 1,   /* 16-byte streaming stores (every x86-64 CPU) */
    LAB_STORES_AVX = 2,    /* 32-byte streaming stores */
    LAB_STORES_AVX512 = 3, /* 64-byte streaming stores: one instruction per cache line */
};

/* 1 if this CPU (and this build) can run `path`, else 0. */
int lab_store_path_supported(int path);

/* The path lab_square_array takes for large calls: the widest supported one. */
int lab_store_path_best(void);

/* lab_square_array on `path` for large calls (for tests and benchmarks). Returns 0, or -1
 * without touching `out` when `path` is not supported. */
int lab_square_array_on(int path, const double *in, double *out, size_t n);

#endif
