/* counter.c: one job, four disciplines. Counters are uint64_t: unsigned wrap-around is
 * defined in C, so even 2^64 increments are not undefined behaviour. */
#include "counter.h"

#include <pthread.h>
#include <stdatomic.h>

static uint64_t racy_counter;

// ANCHOR: racy_increment
void lab_racy_increment(void) {
    /* volatile forces a real load and a real store on every call: the optimizer may not
     * fold many calls into one add. Between the load and the store another thread can
     * store its own value, and one of the two increments is lost. */
    volatile uint64_t *p = &racy_counter;
    uint64_t seen = *p; /* load  */
    *p = seen + 1;      /* store */
}
// ANCHOR_END: racy_increment

uint64_t lab_racy_get(void) { return *(volatile uint64_t *)&racy_counter; }
void lab_racy_reset(void) { *(volatile uint64_t *)&racy_counter = 0; }

static uint64_t locked_counter;
static pthread_mutex_t locked_mutex = PTHREAD_MUTEX_INITIALIZER;

// ANCHOR: locked_increment
void lab_locked_increment(void) {
    pthread_mutex_lock(&locked_mutex);
    locked_counter = locked_counter + 1; /* the same read-modify-write, now exclusive */
    pthread_mutex_unlock(&locked_mutex);
}
// ANCHOR_END: locked_increment

uint64_t lab_locked_get(void) {
    pthread_mutex_lock(&locked_mutex);
    uint64_t v = locked_counter;
    pthread_mutex_unlock(&locked_mutex);
    return v;
}

void lab_locked_reset(void) {
    pthread_mutex_lock(&locked_mutex);
    locked_counter = 0;
    pthread_mutex_unlock(&locked_mutex);
}

static _Atomic uint64_t atomic_counter;

// ANCHOR: atomic_increment
void lab_atomic_increment(void) {
    /* one indivisible read-modify-write; relaxed is enough for a counter that is
     * read only after the threads are joined (the join is the synchronization) */
    atomic_fetch_add_explicit(&atomic_counter, 1, memory_order_relaxed);
}
// ANCHOR_END: atomic_increment

uint64_t lab_atomic_get(void) { return atomic_load_explicit(&atomic_counter, memory_order_relaxed); }
void lab_atomic_reset(void) { atomic_store_explicit(&atomic_counter, 0, memory_order_relaxed); }

// ANCHOR: increment_r
void lab_increment_r(uint64_t *state) {
    *state = *state + 1; /* no global: each caller brings its own counter */
}
// ANCHOR_END: increment_r
