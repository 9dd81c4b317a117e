#!/usr/bin/env python3
"""The source article's own setting: the lab's C library (c_src/) driven from Python via ctypes.

`cargo xtask bench` builds c_src/{arith,array,counter}.c into a shared library and runs this script,
so Python-with-ctypes and Rust are measured on the same C code in one run. Standard library
only (no NumPy): buffers are `array.array('d')` seen through ctypes.

Usage:
  ctypes_bench.py examples LIB          the article's E1, E2, E3; expected outputs are checked
  ctypes_bench.py bench LIB CONFIG      timings as one JSON object on stdout (CONFIG is JSON text)

Exit status 0 when everything ran and every check held, 1 otherwise (the reason on stderr).
"""

import ctypes
import json
import multiprocessing
import sys
import threading
import time
from array import array

WORKERS = 4
_lib = None


# ANCHOR: load
def load(path):
    """Loads the shared library and declares the argument and result types, as the article did."""
    lib = ctypes.CDLL(path)
    lib.lab_square.argtypes = [ctypes.c_int]
    lib.lab_square.restype = ctypes.c_int
    lib.lab_add.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.lab_add.restype = ctypes.c_int
    lib.lab_busy_work.argtypes = [ctypes.c_uint64, ctypes.c_uint64]
    lib.lab_busy_work.restype = ctypes.c_uint64
    dp = ctypes.POINTER(ctypes.c_double)
    lib.lab_square_array.argtypes = [dp, dp, ctypes.c_size_t]
    lib.lab_square_array.restype = None
    return lib
# ANCHOR_END: load


def init_worker(path):
    """Pool initializer: each worker process loads its own copy of the library."""
    global _lib
    _lib = load(path)


def square(x):
    """E1's worker function: one C call."""
    return _lib.lab_square(x)


def square_bounded(i):
    """E1 at scale: inputs stay within |x| <= 46340, where C's int square is defined."""
    return _lib.lab_square(i % 46341)


def as_doubles(buf):
    """A ctypes view of an array('d'), without copying."""
    return (ctypes.c_double * len(buf)).from_buffer(buf)


# ANCHOR: e3_pool
def square_chunk(chunk):
    """E3's worker function: one C call over the chunk it was sent, into a new output chunk."""
    out = array("d", bytes(8 * len(chunk)))
    _lib.lab_square_array(as_doubles(chunk), as_doubles(out), len(chunk))
    return out


def split(buf, parts):
    """E3's chunking: `parts` slices (copies) of nearly equal length."""
    size = -(-len(buf) // parts)
    return [buf[i : i + size] for i in range(0, len(buf), size)]


def pool(path):
    # "fork", as on Linux when the article was written (Python 3.14 changed the default).
    ctx = multiprocessing.get_context("fork")
    return ctx.Pool(WORKERS, initializer=init_worker, initargs=(path,))


def e3_pool(p, buf):
    """The article's E3: split into 4 chunks, square each in a worker process, concatenate."""
    out = array("d")
    for part in p.map(square_chunk, split(buf, WORKERS)):
        out.extend(part)
    return out
# ANCHOR_END: e3_pool


def test_input(n):
    """n doubles 0, 0.5, 1.0, ... (exactly representable, so squares compare exactly)."""
    return array("d", (i * 0.5 for i in range(n)))


# ------------------------------------------------------------------------------------------------
# examples mode
# ------------------------------------------------------------------------------------------------

EXPECTED_E1 = [x * x for x in range(1, 11)]
EXPECTED_E2 = [i + i for i in range(5)]


def examples(path):
    global _lib
    _lib = load(path)
    failures = []

    with pool(path) as p:
        e1 = p.map(square, range(1, 11))
    print("E1 pool of 4 processes, square over 1..10:", e1)
    if e1 != EXPECTED_E1:
        failures.append(f"E1: expected {EXPECTED_E1}, got {e1}")

    # E2 with the loop variable bound when each thread starts (args=), not captured late.
    results = [None] * 5
    def add_into(i):
        results[i] = _lib.lab_add(i, i)
    threads = [threading.Thread(target=add_into, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("E2 five threads, thread i calls add(i, i):", results)
    if results != EXPECTED_E2:
        failures.append(f"E2: expected {EXPECTED_E2}, got {results}")

    n = 100_000
    buf = test_input(n)
    with pool(path) as p:
        out = e3_pool(p, buf)
    wrong = sum(1 for a, b in zip(buf, out) if b != a * a) + abs(len(out) - n)
    print(f"E3 square_array over {n} doubles in {WORKERS} chunks: {len(out)} results, {wrong} wrong")
    if wrong:
        failures.append(f"E3: {wrong} wrong results")

    for f in failures:
        print("FAILED", f, file=sys.stderr)
    return 1 if failures else 0


# ------------------------------------------------------------------------------------------------
# bench mode
# ------------------------------------------------------------------------------------------------

def timed(fn, samples, warmup=1):
    """Runs fn warmup times untimed, then `samples` times; returns the durations in seconds."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(samples):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def in_threads(count, fn):
    threads = [threading.Thread(target=fn) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def bench(path, cfg):
    global _lib
    _lib = load(path)
    sq = _lib.lab_square
    res = []

    def record(mid, samples, per, **extra):
        res.append({"id": mid, "samples_s": samples, "per": per, **extra})

    # ctypes call cost: N calls of square from one Python loop (loop overhead included,
    # measured alone as well).
    calls = cfg["calls"]

    def ctypes_loop():
        for i in range(calls):
            sq(i & 1023)

    def python_loop():
        f = lambda x: x * x  # noqa: E731 - a plain Python function call, for scale
        for i in range(calls):
            f(i & 1023)

    record("py_ctypes_call", timed(ctypes_loop, cfg["call_samples"]), calls)
    record("py_python_call", timed(python_loop, cfg["call_samples"]), calls)

    # E1 at scale: square over many scalars, one process against a pool of 4.
    n1 = cfg["e1_scalars"]
    record("py_e1_one_process", timed(lambda: [square_bounded(i) for i in range(n1)],
                                      cfg["pool_samples"]), n1)
    with pool(path) as p:
        record("py_e1_pool", timed(lambda: p.map(square_bounded, range(n1)),
                                   cfg["pool_samples"]), n1)
        # Both ways must agree with Python's own arithmetic.
        want = [(i % 46341) ** 2 for i in range(n1)]
        if p.map(square_bounded, range(n1)) != want or [square_bounded(i) for i in range(n1)] != want:
            raise SystemExit("E1 at scale: the C squares disagree with Python's")

    # Pool start-up alone (fork 4 workers, load the library, shut down).
    def start_stop():
        with pool(path) as p:
            p.map(square, range(WORKERS))
    record("py_pool_start", timed(start_stop, cfg["pool_samples"]), 1)

    # E3: the pool over 4 chunks against one ctypes call over the whole array.
    for n in cfg["array_sizes"]:
        buf = array("d", [1.5]) * n
        buf[n - 1] = 3.0
        out = array("d", [0.0]) * n  # pre-touched output for the single call
        view_in, view_out = as_doubles(buf), as_doubles(out)
        record(f"py_e3_one_call_{n}",
               timed(lambda: _lib.lab_square_array(view_in, view_out, n), cfg["pool_samples"]), n)
        if out[0] != 2.25 or out[n - 1] != 9.0:
            raise SystemExit(f"one-call square_array gave wrong results at n={n}")
        del view_in, view_out
        got = []
        with pool(path) as p:
            def run_pool():
                got.append(e3_pool(p, buf))
                del got[:-1]
            record(f"py_e3_pool_{n}", timed(run_pool, cfg["pool_samples"]), n)
        r = got[-1]
        if len(r) != n or r[0] != 2.25 or r[n - 1] != 9.0:
            raise SystemExit(f"pool square_array gave wrong results at n={n}")
        del got, r, buf, out

    # M1: does ctypes release the interpreter lock? Same total work on 1 and 2 threads:
    # a long C call (busy_work, about 2 ms that only computes: no memory to share, and long
    # beside the wake-ups a lock hand-off costs) and a tiny one (square).
    rounds = cfg["gil_rounds"]
    big_calls = cfg["gil_calls"]

    def long_calls(k, count):
        for i in range(count):
            _lib.lab_busy_work(k * 1000 + i + 1, rounds)

    record("py_gil_long_1t", timed(lambda: long_calls(0, big_calls), cfg["gil_samples"]),
           big_calls)
    def long_2t():
        ts = [threading.Thread(target=long_calls, args=(k, big_calls // 2)) for k in range(2)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    record("py_gil_long_2t", timed(long_2t, cfg["gil_samples"]), big_calls)

    tiny = cfg["gil_tiny_calls"]

    def tiny_calls(count):
        for i in range(count):
            sq(i & 1023)

    record("py_gil_tiny_1t", timed(lambda: tiny_calls(tiny), cfg["gil_samples"]), tiny)
    record("py_gil_tiny_2t", timed(lambda: in_threads(2, lambda: tiny_calls(tiny // 2)),
                                   cfg["gil_samples"]), tiny)

    print(json.dumps({"python": sys.version.split()[0], "measurements": res}))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "examples":
        return examples(argv[2])
    if len(argv) >= 4 and argv[1] == "bench":
        return bench(argv[2], json.loads(argv[3]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
