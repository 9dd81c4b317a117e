/* driver_sanitize.c: exercises every function in the C library, single-threaded, so that
 * AddressSanitizer and UndefinedBehaviorSanitizer can watch each one run.
 *
 *   ./driver            run every function with in-range inputs; exit 0 when all results match
 *   ./driver overflow   call lab_square(46341) on purpose: UBSan must report signed overflow
 *
 * Built and run by `cargo test -p ffi --test sanitizers` (see crates/ffi/tests/sanitizers.rs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arith.h"
#include "array.h"
#include "counter.h"
#include "rendezvous.h"

static int failures;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "driver: check failed at line %d: %s\n", __LINE__, #cond); \
            failures++;                                                          \
        }                                                                        \
    } while (0)

static void check_arith(void) {
    CHECK(lab_square(0) == 0);
    CHECK(lab_square(-7) == 49);
    CHECK(lab_square(46340) == 2147395600);
    CHECK(lab_square(-46340) == 2147395600);
    CHECK(lab_square_wide(46341) == 2147488281LL);
    CHECK(lab_square_wide(-2147483647 - 1) == 4611686018427387904LL);
    CHECK(lab_add(2, 3) == 5);
    CHECK(lab_add(-2147483647 - 1, 2147483647) == -1);
    CHECK(lab_busy_work(0, 0) == 1 && lab_busy_work(1, 1) == 1082269761ULL);
}

static void check_array(void) {
    /* heap buffers of odd length so ASan's redzones sit right after the last element */
    for (size_t n = 0; n < 67; n += 11) {
        double *in = malloc((n ? n : 1) * sizeof *in);
        double *out = malloc((n ? n : 1) * sizeof *out);
        for (size_t i = 0; i < n; i++) in[i] = (double)i - 3.5;
        lab_square_array(in, out, n);
        for (size_t i = 0; i < n; i++) CHECK(out[i] == in[i] * in[i]);
        lab_square_array(in, in, n); /* in place is allowed */
        for (size_t i = 0; i < n; i++) CHECK(in[i] == out[i]);
        free(in);
        free(out);
    }
}

static void check_big_array(void) {
    /* past the streaming threshold, on every store path this CPU can run, at every alignment
     * of the output and of the input, with odd lengths, so the aligned head, the streamed body
     * and the tail all run under the sanitizers */
    size_t n = ((size_t)1 << 18) + 3;
    double *in = malloc(n * sizeof *in);
    double *out = malloc(n * sizeof *out);
    for (size_t i = 0; i < n; i++) in[i] = (double)i * 0.5 - 1000.0;
    CHECK(lab_store_path_supported(lab_store_path_best()));
    CHECK(!lab_store_path_supported(LAB_STORES_AVX512 + 1));
    CHECK(lab_square_array_on(LAB_STORES_AVX512 + 1, in, out, n) == -1);
    for (int path = LAB_STORES_PLAIN; path <= LAB_STORES_AVX512; path++) {
        if (!lab_store_path_supported(path)) continue;
        for (size_t o = 0; o < 8; o++) {     /* every position within a cache line */
            for (size_t s = 0; s < 8; s += 3) { /* and the input shifted against it */
                size_t len = n - 8;
                CHECK(lab_square_array_on(path, in + s, out + o, len) == 0);
                for (size_t i = 0; i < len; i++) CHECK(out[o + i] == in[s + i] * in[s + i]);
            }
        }
    }
    lab_square_array(in, out, n); /* the dispatching entry point, on the best path */
    for (size_t i = 0; i < n; i++) CHECK(out[i] == in[i] * in[i]);
    free(in);
    free(out);
}

static void check_counters(void) {
    lab_racy_reset();
    lab_locked_reset();
    lab_atomic_reset();
    for (int i = 0; i < 1000; i++) {
        lab_racy_increment();
        lab_locked_increment();
        lab_atomic_increment();
    }
    CHECK(lab_racy_get() == 1000);
    CHECK(lab_locked_get() == 1000);
    CHECK(lab_atomic_get() == 1000);
    uint64_t mine = 0;
    for (int i = 0; i < 1000; i++) lab_increment_r(&mine);
    CHECK(mine == 1000);
}

static void check_rendezvous(void) {
    CHECK(lab_rendezvous(1, 0) == 1);  /* a party of one meets itself */
    CHECK(lab_rendezvous(2, 20) == 0); /* nobody else comes: timeout */
    CHECK(lab_rendezvous(1, 0) == 1);  /* and the failed round left no residue */
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "overflow") == 0) {
        volatile int x = 46341; /* volatile: the compiler may not fold the overflow away */
        printf("square(46341) = %d\n", lab_square(x));
        return 0;
    }
    check_arith();
    check_array();
    check_big_array();
    check_counters();
    check_rendezvous();
    if (failures) {
        fprintf(stderr, "driver: %d check(s) failed\n", failures);
        return 1;
    }
    printf("driver: all C functions checked\n");
    return 0;
}
