/* array.c: the article's third example, with a size_t length. */
#include "array.h"

// ANCHOR: square_array
void lab_square_array(const double *in, double *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        out[i] = in[i] * in[i];
    }
}
// ANCHOR_END: square_array
