#!/usr/bin/env python3
"""Can two Python threads run C at the same time? Proven without a stopwatch, four ways.

`lab_rendezvous(parties, timeout_ms)` (c_src/rendezvous.c) returns 1 only when `parties` callers
are inside it at the same moment, and 0 after the timeout. Two Python threads call it:

  - through ctypes.CDLL, which releases the interpreter lock (GIL) around each foreign call:
    both threads get inside C together, both calls return 1;
  - through ctypes.PyDLL, which keeps the lock during the call: the second thread cannot even
    reach the call while the first waits inside C, so both calls time out and return 0;
  - through the Rust extension's `rendezvous_detached`, which calls C inside `py.detach(..)`:
    they meet (True), as with CDLL;
  - through the extension's `rendezvous`, which holds the lock: they never meet (False).

It also asks `holds_lock()` on both threads: the interpreter lock is held in a plain call and
not inside `py.detach(..)`, the check lesson 8 makes when its C call starts.

Usage: rendezvous.py LIBLAB    (lab_ext importable)    prints one JSON object, one list per way
"""

import ctypes
import json
import sys
import threading

import lab_ext

MEET_MS = 20_000  # long enough for any machine to start the second thread
MISS_MS = 300  # how long a call that cannot meet waits before giving up


# ANCHOR: two_threads
def on_two_threads(call):
    """Runs call() on two Python threads at once and returns both results."""
    results = [None, None]

    def run(slot):  # `slot` is an argument, bound now: no late-binding closure bug
        results[slot] = call()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def through_ctypes(lib, timeout_ms):
    lib.lab_rendezvous.argtypes = [ctypes.c_uint, ctypes.c_uint]
    lib.lab_rendezvous.restype = ctypes.c_int
    return on_two_threads(lambda: lib.lab_rendezvous(2, timeout_ms))


# ANCHOR: four_ways
def four_ways(path):
    return {
        "cdll": through_ctypes(ctypes.CDLL(path), MEET_MS),  # lock released: [1, 1]
        "pydll": through_ctypes(ctypes.PyDLL(path), MISS_MS),  # lock held: [0, 0]
        "ext_detached": on_two_threads(lambda: lab_ext.rendezvous_detached(2, MEET_MS)),
        "ext_held": on_two_threads(lambda: lab_ext.rendezvous(2, MISS_MS)),
    }
# ANCHOR_END: four_ways


def main(path):
    got = four_ways(path)
    # (holding, detached) as each thread sees it: what lesson 8 asks when its C call starts
    got["holds_lock"] = on_two_threads(lab_ext.holds_lock)
    print(json.dumps(got))
# ANCHOR_END: two_threads


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
