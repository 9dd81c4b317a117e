#!/usr/bin/env python3
"""The extension's square_array on Python buffers: right answers, in place, and clear refusals.

Each of square_array (lock held), square_array_detached and square_array_par (detached, rayon)
squares an array('d') into another one and in place; then each refusal is tried: lengths that
differ, a read-only output, a non-contiguous view, integers instead of doubles, overlapping
views. NumPy float64 arrays are tried too where NumPy is installed (it is not required).

Usage: arrays.py N    (lab_ext importable)    prints one JSON object
"""

import json
import sys
from array import array

import lab_ext

FORMS = ["square_array", "square_array_detached", "square_array_par"]


def error(call):
    """The exception call() raises, as "Type: message", or None."""
    try:
        call()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return None


def wrong(data, original):
    """How many elements of data are not the squares of original."""
    return sum(1 for x, y in zip(original, data) if y != x * x) + abs(len(data) - len(original))


def check(f, n):
    original = array("d", (i * 0.5 for i in range(n)))
    out = array("d", bytes(8 * n))
    returned = f(original, out)
    in_place = array("d", original)
    f(in_place, in_place)
    raw = bytearray(8 * (n + 1))
    view = memoryview(raw).cast("d")
    return {
        "returned": repr(returned),
        "wrong": wrong(out, original),
        "wrong_in_place": wrong(in_place, original),
        "lengths": error(lambda: f(original, array("d", bytes(8 * (n + 1))))),
        "read_only_out": error(lambda: f(original, memoryview(bytes(8 * n)).cast("d"))),
        "not_contiguous": error(lambda: f(view[::2], array("d", bytes(8 * len(view[::2]))))),
        "integers": error(lambda: f(array("i", range(n)), out)),
        "overlap": error(lambda: f(view[1:], view[:-1])),
        "empty": error(lambda: f(array("d"), array("d"))),
    }


def numpy_check(f, n):
    try:
        import numpy
    except ImportError:
        return "numpy not installed"
    x = numpy.arange(n, dtype=numpy.float64) * 0.5
    out = numpy.empty_like(x)
    f(x, out)
    return int((out != x * x).sum())


def main(n):
    print(json.dumps({name: dict(check(getattr(lab_ext, name), n),
                                 numpy=numpy_check(getattr(lab_ext, name), n))
                      for name in FORMS}))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(int(sys.argv[1]))
