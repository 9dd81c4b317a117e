/* array.h: whole-buffer kernels. One call per buffer (pointer + length), not one per item. */
#ifndef LAB_ARRAY_H
#define LAB_ARRAY_H

#include <stddef.h>

/* out[i] = in[i] * in[i] for i in [0, n). The length is a size_t, not an int: no 2^31 - 1 cap.
 * `in` and `out` may be the same buffer (squaring in place); otherwise they must not overlap.
 * Large calls (2^18 elements and more, not in place) write with non-temporal stores on x86-64:
 * the results are the same, bit for bit; only the cache traffic differs. */
void lab_square_array(const double *in, double *out, size_t n);

#endif
