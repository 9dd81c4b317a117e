#!/usr/bin/env python3
"""Lesson 8's grading, from real Python threads: the student's module, imported as
`python_extension`, and what its C facade counted (`c_calls()`: per C function, how many calls,
and how many of them were made holding the interpreter lock).

  meet TIMEOUT_MS  two threads call rendezvous(2, TIMEOUT_MS) at once: True for both only if
                   both were inside C together, which needs the first to have let go of the lock
  square N         square_array on array('d')s of N doubles: into out, in place, and refused
                   lengths, with the C calls each made
  memory N         the peak memory (ru_maxrss) before and after one square_array call on two
                   arrays of N doubles, after a probe call that must reach C exactly once

Usage: grade.py MODE ARG    (python_extension importable)    prints one JSON object
"""

import json
import resource
import sys
import threading
from array import array

import python_extension as ext


def square_calls():
    """(calls, calls holding the lock) that reached C's square_into so far."""
    return tuple(ext.c_calls()["square_into"])


def counted(call):
    """Runs call(); returns what it returned and the square_into calls it made."""
    before = square_calls()
    returned = call()
    after = square_calls()
    return returned, {"calls": after[0] - before[0], "holding_lock": after[1] - before[1]}


def error(call):
    """The exception call() raises, as "Type: message", or None."""
    try:
        call()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return None


# ANCHOR: meet
def meet(timeout_ms):
    met = [None, None]

    def run(slot):
        met[slot] = ext.rendezvous(2, timeout_ms)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"met": met, "calls": ext.c_calls()["rendezvous"]}
# ANCHOR_END: meet


def wrong(data, original):
    """How many elements of data are not the squares of original."""
    return sum(1 for x, y in zip(original, data) if y != x * x) + abs(len(data) - len(original))


def square(n):
    original = array("d", (i * 0.5 - 7.0 for i in range(n)))
    out = array("d", [-1.0]) * n
    returned, into_out = counted(lambda: ext.square_array(original, out))
    in_place = array("d", original)
    _, in_place_calls = counted(lambda: ext.square_array(in_place, in_place))
    longer = array("d", [-1.0]) * (n + 1)
    return {
        "returned": repr(returned),
        "wrong": wrong(out, original),
        "input_unchanged": original == array("d", (i * 0.5 - 7.0 for i in range(n))),
        "into_out": into_out,
        "wrong_in_place": wrong(in_place, original),
        "in_place": in_place_calls,
        "lengths": error(lambda: ext.square_array(original, longer)),
        "refused_out_untouched": longer == array("d", [-1.0]) * (n + 1),
    }


def peak_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


# ANCHOR: memory
def memory(n):
    _, probe = counted(lambda: ext.square_array(array("d", [3.0]) * 1000, array("d", [0.0]) * 1000))
    if probe["calls"] != 1:
        return {"probe": probe}  # the memory is judged only on an answer that calls C once
    # Made by repetition, so no temporary as big as an array ever exists: the peak so far is
    # the memory in use now, and a copy made during the call raises it. Neither is zeros, so
    # every page of both is written, and resident, before the call.
    inp = array("d", [3.0]) * n
    out = array("d", [-1.0]) * n
    before = peak_kib()
    ext.square_array(inp, out)
    after = peak_kib()
    return {
        "probe": probe,
        "array_kib": n * inp.itemsize // 1024,
        "grew_kib": after - before,
        "wrong": sum(1 for i in (0, n // 2, n - 1) if out[i] != 9.0),
    }
# ANCHOR_END: memory


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("meet", "square", "memory"):
        sys.exit(__doc__)
    print(json.dumps(globals()[sys.argv[1]](int(sys.argv[2]))))
