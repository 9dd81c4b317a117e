/* array.c: the article's third example, with a size_t length. */
#include "array.h"

#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// ANCHOR: square_array
/* At and above this many elements in one call, results are written with non-temporal
 * ("streaming") stores, as glibc's memcpy does for large copies: they write whole cache lines
 * straight to memory without first reading each destination line into the cache (a "read for
 * ownership"). For an output far larger than the caches, that saves a third of the memory
 * traffic. Below it, plain stores keep a small result in the cache, where the caller likely
 * wants it next. 2^18 doubles = 2 MiB of output per call. */
#define LAB_STREAM_MIN_ELEMENTS ((size_t)1 << 18)

void lab_square_array(const double *in, double *out, size_t n) {
    size_t i = 0;
#if defined(__SSE2__)
    if (n >= LAB_STREAM_MIN_ELEMENTS && in != out) { /* in place reads each line anyway */
        for (; i < n && ((uintptr_t)(out + i) & 63) != 0; i++) {
            out[i] = in[i] * in[i]; /* until out + i starts a 64-byte cache line */
        }
        for (; i + 8 <= n; i += 8) { /* one whole cache line of output per step */
            __m128d a = _mm_loadu_pd(in + i), b = _mm_loadu_pd(in + i + 2);
            __m128d c = _mm_loadu_pd(in + i + 4), d = _mm_loadu_pd(in + i + 6);
            _mm_stream_pd(out + i, _mm_mul_pd(a, a)); /* the same IEEE multiply, */
            _mm_stream_pd(out + i + 2, _mm_mul_pd(b, b)); /* two lanes at a time */
            _mm_stream_pd(out + i + 4, _mm_mul_pd(c, c));
            _mm_stream_pd(out + i + 6, _mm_mul_pd(d, d));
        }
        _mm_sfence(); /* streaming stores are weakly ordered: finish them before returning */
    }
#endif
    for (; i < n; i++) {
        out[i] = in[i] * in[i];
    }
}
// ANCHOR_END: square_array
