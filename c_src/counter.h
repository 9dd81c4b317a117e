/* counter.h: the shared-counter family: racy, locked, atomic, reentrant. The first three each
 * own one process-global counter, the way many real C libraries keep state in globals; the
 * reentrant one keeps no global at all. */
#ifndef LAB_COUNTER_H
#define LAB_COUNTER_H

#include <stdint.h>

/* Racy: a plain load, add and store on a global with no synchronization. NOT thread-safe:
 * two threads that call it at once can lose increments (a data race: undefined behaviour). */
void lab_racy_increment(void);
uint64_t lab_racy_get(void);
void lab_racy_reset(void);

/* Locked: the same read-modify-write inside a pthread mutex. Thread-safe. */
void lab_locked_increment(void);
uint64_t lab_locked_get(void);
void lab_locked_reset(void);

/* Atomic: one C11 atomic fetch-add. Thread-safe, and lock-free. */
void lab_atomic_increment(void);
uint64_t lab_atomic_get(void);
void lab_atomic_reset(void);

/* Reentrant: the caller owns the state (the strtok -> strtok_r fix). Thread-safe as long as
 * no two threads pass the same pointer at once; safe Rust guarantees that with `&mut`. */
void lab_increment_r(uint64_t *state);

#endif
