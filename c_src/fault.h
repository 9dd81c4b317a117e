/* fault.h: a real crash inside C, for the process pool's fault tests (crates/isolated).
 * Nothing else calls it. A worker process calls it to die the way a buggy C library dies. */
#ifndef LAB_FAULT_H
#define LAB_FAULT_H

/* Writes to a page mapped PROT_NONE: the kernel delivers SIGSEGV and the process dies.
 * This is a defined POSIX outcome (no null-pointer undefined behaviour the optimizer could
 * turn into something else). Returns only if the crash somehow did not happen. */
void lab_fault_segv(void);

#endif
