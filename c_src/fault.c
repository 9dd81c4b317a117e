/* fault.c: see fault.h. Used only by the isolated crate's fault-injection tests. */
#define _DEFAULT_SOURCE
#include "fault.h"

#include <sys/mman.h>

// ANCHOR: fault_segv
void lab_fault_segv(void) {
    /* A page that exists but may not be touched: the store below faults with SIGSEGV. */
    volatile char *page = mmap(0, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        return;
    }
    page[0] = 1;
}
// ANCHOR_END: fault_segv
