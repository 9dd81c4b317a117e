/* array.c: the article's third example, with a size_t length, and the widest streaming stores
 * the CPU has, chosen at run time. */
#include "array.h"

#include <stdint.h>

#if defined(__x86_64__)
#define LAB_X86 1
#include <immintrin.h>
#endif

/* At and above this many elements in one call, results are written with non-temporal
 * ("streaming") stores, as glibc's memcpy does for large copies: they write whole cache lines
 * straight to memory without first reading each destination line into the cache (a "read for
 * ownership"). For an output far larger than the caches, that saves a third of the memory
 * traffic. Below it, plain stores keep a small result in the cache, where the caller likely
 * wants it next. 2^18 doubles = 2 MiB of output per call. */
#define LAB_STREAM_MIN_ELEMENTS ((size_t)1 << 18)

/* Plain stores from element i on; returns n. */
static size_t square_plain(const double *in, double *out, size_t i, size_t n) {
    for (; i < n; i++) {
        out[i] = in[i] * in[i];
    }
    return n;
}

/* Plain stores until out + i starts a 64-byte cache line (or n); returns that i. */
static size_t square_to_line(const double *in, double *out, size_t n) {
    size_t i = 0;
    for (; i < n && ((uintptr_t)(out + i) & 63) != 0; i++) {
        out[i] = in[i] * in[i];
    }
    return i;
}

#if LAB_X86
// ANCHOR: stream_paths
/* Each streaming path writes one whole, aligned 64-byte line of output per step, from i (line
 * aligned) while a whole line remains, and returns where it stopped. The multiply is the same
 * IEEE multiply on every path, lanes at a time. */
static size_t stream_sse2(const double *in, double *out, size_t i, size_t n) {
    for (; i + 8 <= n; i += 8) {
        for (size_t k = 0; k < 8; k += 2) {
            __m128d a = _mm_loadu_pd(in + i + k);
            _mm_stream_pd(out + i + k, _mm_mul_pd(a, a));
        }
    }
    return i;
}

__attribute__((target("avx"))) static size_t stream_avx(const double *in, double *out,
                                                         size_t i, size_t n) {
    for (; i + 8 <= n; i += 8) {
        __m256d a = _mm256_loadu_pd(in + i), b = _mm256_loadu_pd(in + i + 4);
        _mm256_stream_pd(out + i, _mm256_mul_pd(a, a));
        _mm256_stream_pd(out + i + 4, _mm256_mul_pd(b, b));
    }
    return i;
}

__attribute__((target("avx512f"))) static size_t stream_avx512(const double *in, double *out,
                                                               size_t i, size_t n) {
    for (; i + 8 <= n; i += 8) {
        __m512d a = _mm512_loadu_pd(in + i);
        _mm512_stream_pd(out + i, _mm512_mul_pd(a, a));
    }
    return i;
}
// ANCHOR_END: stream_paths
#endif

int lab_store_path_supported(int path) {
    switch (path) {
    case LAB_STORES_PLAIN:
        return 1;
#if LAB_X86
    case LAB_STORES_SSE2:
        return __builtin_cpu_supports("sse2") ? 1 : 0;
    case LAB_STORES_AVX:
        return __builtin_cpu_supports("avx") ? 1 : 0;
    case LAB_STORES_AVX512:
        return __builtin_cpu_supports("avx512f") ? 1 : 0;
#endif
    default:
        return 0;
    }
}

int lab_store_path_best(void) {
    for (int path = LAB_STORES_AVX512; path > LAB_STORES_PLAIN; path--) {
        if (lab_store_path_supported(path)) {
            return path;
        }
    }
    return LAB_STORES_PLAIN;
}

// ANCHOR: square_array
int lab_square_array_on(int path, const double *in, double *out, size_t n) {
    if (!lab_store_path_supported(path)) {
        return -1;
    }
    size_t i = 0;
#if LAB_X86
    if (path != LAB_STORES_PLAIN && n >= LAB_STREAM_MIN_ELEMENTS && in != out) {
        /* in place reads each line anyway: streaming would only add traffic */
        i = square_to_line(in, out, n);
        switch (path) {
        case LAB_STORES_SSE2: i = stream_sse2(in, out, i, n); break;
        case LAB_STORES_AVX: i = stream_avx(in, out, i, n); break;
        default: i = stream_avx512(in, out, i, n); break;
        }
        _mm_sfence(); /* streaming stores are weakly ordered: finish them before returning */
    }
#endif
    square_plain(in, out, i, n);
    return 0;
}

void lab_square_array(const double *in, double *out, size_t n) {
    /* The check costs a few loads of a table gcc's runtime fills at start-up: nothing beside
     * a call that streams 2 MiB or more. */
    int path = n >= LAB_STREAM_MIN_ELEMENTS ? lab_store_path_best() : LAB_STORES_PLAIN;
    (void)lab_square_array_on(path, in, out, n);
}
// ANCHOR_END: square_array
