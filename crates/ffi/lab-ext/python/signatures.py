#!/usr/bin/env python3
"""What ctypes lets through, and what the extension's signatures refuse, on the same C.

ctypes knows nothing of the C signatures but what the caller declares, and converts without
checking: a result type left at its default (`int`) truncates a 64-bit result, and an argument
declared `c_int` wraps a Python int that does not fit. Neither raises; the answer is just wrong.
The extension's functions are declared once, in Rust, with the C types: a Python int outside a C
`int` is an OverflowError before C is called, a float or a str is a TypeError, a square or a
sum that leaves a C `int` is None (never C's undefined overflow), and square_array takes only
buffers, whose lengths it reads itself. Only calls that are defined in C are made here.

Usage: signatures.py LIBLAB    (lab_ext importable)    prints one JSON object
"""

import ctypes
import json
import sys

import lab_ext


def outcome(call):
    """call()'s result, or the exception it raises as "Type: message"."""
    try:
        return call()
    except BaseException as e:
        return f"{type(e).__name__}: {e}"


# ANCHOR: ctypes_converts
def through_ctypes(lib):
    """lab_square_wide returns int64_t, and is defined for every int32_t."""
    default = lib.lab_square_wide  # restype left at ctypes' default, c_int
    declared = ctypes.CDLL(lib._name).lab_square_wide
    declared.argtypes, declared.restype = [ctypes.c_int], ctypes.c_int64
    return {
        "default_restype_50000": outcome(lambda: default(50000)),  # 2500000000 truncated
        "c_int_argument_2_32_plus_3": outcome(lambda: declared(2**32 + 3)),  # 3 squared
    }
# ANCHOR_END: ctypes_converts


# ANCHOR: ext_refuses
def through_the_extension():
    return {
        "square_2_32_plus_3": outcome(lambda: lab_ext.square(2**32 + 3)),
        "square_46341": outcome(lambda: lab_ext.square(46341)),
        "square_float": outcome(lambda: lab_ext.square(3.5)),
        "add_past_int_max": outcome(lambda: lab_ext.add(2**31 - 1, 1)),
        "square_array_of_lists": outcome(lambda: lab_ext.square_array([1.0], [0.0])),
    }
# ANCHOR_END: ext_refuses


def main(path):
    print(json.dumps({"ctypes": through_ctypes(ctypes.CDLL(path)),
                      "ext": through_the_extension()}))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
