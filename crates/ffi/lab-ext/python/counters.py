#!/usr/bin/env python3
"""The shared counter from Python threads, through ctypes and through the Rust extension.

  - ctypes.CDLL on the racy C counter: two threads, the lock released around every call, a plain
    load-add-store in C. Updates can be lost: shown (the count is reported), never asserted,
    because how many are lost depends on the machine.
  - ctypes.CDLL on the locked and the atomic C counters, and the extension's LockedCounter and
    AtomicCounter (holding the lock and detached): exact, always.
  - the extension's RacyCounter: `unsendable`, so a second thread's call is refused, with the
    error Python gets; and only one exists at a time.

Usage: counters.py LIBLAB PER_THREAD    (lab_ext importable)    prints one JSON object
"""

import ctypes
import json
import sys
import threading

import lab_ext

THREADS = 2


def on_threads(work):
    """Runs work() on THREADS Python threads at once."""
    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def ctypes_total(lib, name, per_thread):
    """THREADS threads each call lab_<name>_increment per_thread times through ctypes."""
    increment = getattr(lib, f"lab_{name}_increment")
    get = getattr(lib, f"lab_{name}_get")
    get.restype = ctypes.c_uint64
    getattr(lib, f"lab_{name}_reset")()

    def work():
        for _ in range(per_thread):
            increment()

    on_threads(work)
    return get()


# ANCHOR: ext_counter
def ext_total(counter, method, per_thread):
    """THREADS threads each call counter.<method>() per_thread times."""
    counter.reset()
    increment = getattr(counter, method)

    def work():
        for _ in range(per_thread):
            increment()

    on_threads(work)
    return counter.get()
# ANCHOR_END: ext_counter


# ANCHOR: unsendable
def racy_from_a_second_thread():
    """The extension's racy counter, used by the thread that made it, then by another one."""
    counter = lab_ext.RacyCounter()
    counter.increment()
    refused = []

    def other():
        try:
            counter.increment()
        except BaseException as e:  # PyO3 raises PanicException, a BaseException
            refused.append(f"{type(e).__name__}: {e}")

    t = threading.Thread(target=other)
    t.start()
    t.join()
    try:
        lab_ext.RacyCounter()
        second = "made"
    except RuntimeError as e:
        second = f"RuntimeError: {e}"
    return {"owner_count": counter.get(), "other_thread": refused, "second_counter": second}
# ANCHOR_END: unsendable


def main(path, per_thread):
    lib = ctypes.CDLL(path)
    expected = THREADS * per_thread
    print(json.dumps({
        "expected": expected,
        "cdll_racy": ctypes_total(lib, "racy", per_thread),
        "cdll_locked": ctypes_total(lib, "locked", per_thread),
        "cdll_atomic": ctypes_total(lib, "atomic", per_thread),
        "ext_locked_held": ext_total(lab_ext.LockedCounter(), "increment", per_thread),
        "ext_locked_detached": ext_total(lab_ext.LockedCounter(), "increment_detached", per_thread),
        "ext_atomic_held": ext_total(lab_ext.AtomicCounter(), "increment", per_thread),
        "ext_atomic_detached": ext_total(lab_ext.AtomicCounter(), "increment_detached", per_thread),
        "ext_racy": racy_from_a_second_thread(),
    }))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], int(sys.argv[2]))
