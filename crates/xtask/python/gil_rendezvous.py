#!/usr/bin/env python3
"""Does ctypes let two Python threads run C at the same time? Proven without a stopwatch.

`lab_rendezvous(parties, timeout_ms)` (c_src/rendezvous.c) returns 1 only when `parties` callers
are inside it at the same moment, and 0 after the timeout. Two Python threads call it:

  - through ctypes.CDLL, which releases the interpreter lock (GIL) around each foreign call,
    both threads get inside C together: both calls return 1;
  - through ctypes.PyDLL, which keeps the GIL during the call, the second thread cannot even
    reach the call while the first waits inside C: both calls time out and return 0.

Usage: gil_rendezvous.py LIB       prints one JSON object: {"cdll": [..], "pydll": [..]}
"""

import ctypes
import json
import sys
import threading


# ANCHOR: two_threads
def two_threads_meet(lib, timeout_ms):
    """Runs lab_rendezvous(2, timeout_ms) on two Python threads; returns both results."""
    lib.lab_rendezvous.argtypes = [ctypes.c_uint, ctypes.c_uint]
    lib.lab_rendezvous.restype = ctypes.c_int
    results = [None, None]

    def call(slot):  # `slot` is an argument, bound now: no late-binding closure bug
        results[slot] = lib.lab_rendezvous(2, timeout_ms)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main(path):
    released = two_threads_meet(ctypes.CDLL(path), 20_000)  # GIL released during the call
    held = two_threads_meet(ctypes.PyDLL(path), 300)  # GIL held during the call
    print(json.dumps({"cdll": released, "pydll": held}))
# ANCHOR_END: two_threads


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
