/* driver_tsan.c: a pthread driver for ThreadSanitizer. Two (or more) threads call one counter
 * kernel at the same time; TSan watches every memory access the C code makes.
 *
 *   ./driver_tsan racy|locked|atomic|reentrant [threads] [increments]
 *
 * Prints "expected=N observed=M" and exits 0; TSan itself exits 66 when it reports a race.
 * Driven by `cargo test -p ffi --test sanitizers` and the kernel crates' TSan tests. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"

static long increments = 10000;

static void *run_racy(void *arg) {
    (void)arg;
    for (long i = 0; i < increments; i++) lab_racy_increment();
    return NULL;
}

static void *run_locked(void *arg) {
    (void)arg;
    for (long i = 0; i < increments; i++) lab_locked_increment();
    return NULL;
}

static void *run_atomic(void *arg) {
    (void)arg;
    for (long i = 0; i < increments; i++) lab_atomic_increment();
    return NULL;
}

static void *run_reentrant(void *arg) {
    uint64_t *mine = arg; /* each thread owns its slot */
    for (long i = 0; i < increments; i++) lab_increment_r(mine);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s racy|locked|atomic|reentrant [threads] [increments]\n", argv[0]);
        return 2;
    }
    long threads = argc > 2 ? strtol(argv[2], NULL, 10) : 2;
    if (argc > 3) increments = strtol(argv[3], NULL, 10);
    if (threads < 1 || threads > 64 || increments < 0) {
        fprintf(stderr, "driver_tsan: threads must be 1..64 and increments >= 0\n");
        return 2;
    }
    void *(*body)(void *) = NULL;
    uint64_t (*get)(void) = NULL;
    if (strcmp(argv[1], "racy") == 0) { body = run_racy; get = lab_racy_get; lab_racy_reset(); }
    else if (strcmp(argv[1], "locked") == 0) { body = run_locked; get = lab_locked_get; lab_locked_reset(); }
    else if (strcmp(argv[1], "atomic") == 0) { body = run_atomic; get = lab_atomic_get; lab_atomic_reset(); }
    else if (strcmp(argv[1], "reentrant") == 0) { body = run_reentrant; }
    else { fprintf(stderr, "driver_tsan: unknown kernel '%s'\n", argv[1]); return 2; }

    pthread_t tid[64];
    uint64_t slots[64] = {0};
    for (long t = 0; t < threads; t++) {
        if (pthread_create(&tid[t], NULL, body, &slots[t]) != 0) {
            fprintf(stderr, "driver_tsan: pthread_create failed\n");
            return 2;
        }
    }
    for (long t = 0; t < threads; t++) pthread_join(tid[t], NULL);

    uint64_t observed = 0;
    if (get) observed = get();
    else for (long t = 0; t < threads; t++) observed += slots[t];
    printf("expected=%ld observed=%llu\n", threads * increments, (unsigned long long)observed);
    return 0;
}
