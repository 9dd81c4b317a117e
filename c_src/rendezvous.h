/* rendezvous.h: a meeting point inside C, used to prove (not time) that several callers are
 * running C code at the same moment. */
#ifndef LAB_RENDEZVOUS_H
#define LAB_RENDEZVOUS_H

/* Blocks until `parties` callers are inside this function at once, or until `timeout_ms`
 * milliseconds pass. Returns 1 if they all met, 0 on timeout (the caller leaves the meeting).
 * Thread-safe: all state is behind one pthread mutex. If the callers' runtime lets only one
 * thread at a time into C (an interpreter lock that is not released), they can never meet:
 * every call times out. */
int lab_rendezvous(unsigned parties, unsigned timeout_ms);

#endif
