/* rendezvous.c: a barrier with a timeout. Deterministic evidence of parallel calls into C. */
#define _POSIX_C_SOURCE 200809L
#include "rendezvous.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

static pthread_mutex_t meet_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t meet_cond = PTHREAD_COND_INITIALIZER;
static unsigned arrived;            /* callers waiting in the current round */
static unsigned long round_number;  /* bumped when a round completes */

// ANCHOR: rendezvous
int lab_rendezvous(unsigned parties, unsigned timeout_ms) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000L;
    }

    pthread_mutex_lock(&meet_mutex);
    unsigned long mine = round_number;
    if (++arrived >= parties) { /* the last one in: everyone is inside C right now */
        arrived = 0;
        round_number++;
        pthread_cond_broadcast(&meet_cond);
        pthread_mutex_unlock(&meet_mutex);
        return 1;
    }
    while (mine == round_number) {
        if (pthread_cond_timedwait(&meet_cond, &meet_mutex, &deadline) == ETIMEDOUT &&
            mine == round_number) {
            arrived--; /* give up: leave the meeting so a later round starts clean */
            pthread_mutex_unlock(&meet_mutex);
            return 0;
        }
    }
    pthread_mutex_unlock(&meet_mutex);
    return 1;
}
// ANCHOR_END: rendezvous
