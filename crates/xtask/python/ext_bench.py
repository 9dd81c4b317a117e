#!/usr/bin/env python3
"""The Rust extension (`lab_ext`, crates/ffi/lab-ext) against ctypes, on the same C, in one run.

`cargo xtask bench` builds the extension in release, stages it as `lab_ext.so` on PYTHONPATH
and runs this script right after ctypes_bench.py, whose loader and buffer views it reuses. Four
jobs, each in the forms a Python programmer can choose between:

- one call: the extension's `square` holding the interpreter lock, and `square_detached`;
- a long C call (busy_work, about 2 ms) from 1 and 2 Python threads, through ctypes CDLL (which
  releases the lock), the extension holding it, and the extension detached;
- E3, square_array: ctypes called from Python threads over chunks, and the extension's one
  detached call that splits the array with rayon inside (`square_array_par`);
- E1, a million scalar calls from one Python loop, holding and detached.

Python threads are pinned to cores (thread k on the k-th allowed core), as the Rust side's
pool is, so a two-thread result needs both cores. Variants of one job run round-robin, so a
burst of noise from other programs hits them alike. Standard library only.

Usage: ext_bench.py LIB CONFIG    (lab_ext importable; CONFIG as for ctypes_bench.py bench)
prints one JSON object; exit status 0 when every check held.
"""

import json
import os
import sys
import threading
import time
from array import array

import lab_ext

from ctypes_bench import as_doubles, load

CORES = sorted(os.sched_getaffinity(0))


def pinned_threads(count, work):
    """Runs work(k) in `count` new threads, thread k pinned to the k-th core, and joins them."""

    def run(k):
        os.sched_setaffinity(0, {CORES[k % len(CORES)]})  # 0: the calling thread
        work(k)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def round_robin(variants, samples, warmup=1):
    """Times each of `variants` (id -> function) `samples` times, one of each per round, after
    `warmup` untimed rounds; returns id -> durations in seconds."""
    for _ in range(warmup):
        for fn in variants.values():
            fn()
    out = {mid: [] for mid in variants}
    for _ in range(samples):
        for mid, fn in variants.items():
            t = time.perf_counter()
            fn()
            out[mid].append(time.perf_counter() - t)
    return out


def calls(lib, cfg):
    """Per-call cost: the same loop as ctypes_bench's py_ctypes_call, calling the extension, and
    that ctypes loop again in the same rounds (the ratio's fair baseline on a busy machine)."""
    n = cfg["calls"]

    def loop(f):
        def run():
            for i in range(n):
                f(i & 1023)
        return run

    times = round_robin({"py_ctypes_call_rr": loop(lib.lab_square),
                         "py_ext_call_held": loop(lab_ext.square),
                         "py_ext_call_detached": loop(lab_ext.square_detached)},
                        cfg["call_samples"])
    return [(mid, t, n) for mid, t in times.items()]


def long_calls(lib, cfg):
    """The ~2 ms busy_work call, the same total work on 1 and 2 pinned Python threads."""
    rounds, total = cfg["gil_rounds"], cfg["gil_calls"]

    def split(call, threads):
        def run():
            def work(k):
                for i in range(total // threads):
                    call(k * 1000 + i + 1, rounds)
            pinned_threads(threads, work)
        return run

    held, detached = lab_ext.busy_work, lab_ext.busy_work_detached
    if held(7, 1000) != detached(7, 1000) or held(7, 1000) != lib.lab_busy_work(7, 1000):
        raise SystemExit("busy_work: the extension and ctypes disagree")
    times = round_robin({"py_ext_long_held_1t": split(held, 1),
                         "py_ext_long_held_2t": split(held, 2),
                         "py_ext_long_detached_1t": split(detached, 1),
                         "py_ext_long_detached_2t": split(detached, 2)},
                        cfg["gil_samples"])
    return [(mid, t, total) for mid, t in times.items()]


def e3(lib, cfg):
    """square_array: ctypes from 2 pinned Python threads over 2 chunks (CDLL drops the lock for
    each call), against the extension's single detached call with rayon inside."""
    res = []
    threads = 2  # as the Rust side's pool (arrays::THREADS)
    for n in cfg["array_sizes"]:
        buf = array("d", [1.5]) * n
        buf[n - 1] = 3.0
        out = array("d", [0.0]) * n  # pre-touched and reused, as Rust's output-reused runs
        size = -(-n // threads)
        chunks = [(as_doubles_at(buf, lo, min(size, n - lo)),
                   as_doubles_at(out, lo, min(size, n - lo)), min(size, n - lo))
                  for lo in range(0, n, size)]

        def ctypes_threads():
            pinned_threads(len(chunks), lambda k: lib.lab_square_array(*chunks[k]))

        def ext_par():
            lab_ext.square_array_par(buf, out)

        times = round_robin({f"py_e3_ctypes_threads_{n}": ctypes_threads,
                             f"py_e3_ext_par_{n}": ext_par}, cfg["pool_samples"])
        for mid, fn in [("ctypes threads", ctypes_threads), ("square_array_par", ext_par)]:
            out[0] = out[n - 1] = 0.0
            fn()
            if out[0] != 2.25 or out[n - 1] != 9.0:
                raise SystemExit(f"E3 {mid} gave wrong results at n={n}")
        res.extend((mid, t, n) for mid, t in times.items())
        del chunks, buf, out
    return res


def as_doubles_at(buf, start, count):
    """A ctypes view of `count` doubles of an array('d') from index `start`, without copying."""
    return as_doubles(memoryview(buf)[start:start + count])


def e1(cfg):
    """E1 at scale: square over a million scalars from one Python loop, through the extension."""
    n1 = cfg["e1_scalars"]
    want = [(i % 46341) ** 2 for i in range(n1)]
    res = []
    for mid, f in [("py_e1_ext_held", lab_ext.square),
                   ("py_e1_ext_detached", lab_ext.square_detached)]:
        def run():
            return [f(i % 46341) for i in range(n1)]
        if run() != want:
            raise SystemExit(f"E1 at scale: {mid} disagrees with Python's squares")
        res.append((mid, round_robin({mid: run}, cfg["pool_samples"])[mid], n1))
    return res


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    lib, cfg = load(argv[1]), json.loads(argv[2])
    found = calls(lib, cfg) + long_calls(lib, cfg) + e3(lib, cfg) + e1(cfg)
    print(json.dumps({"python": sys.version.split()[0],
                      "measurements": [{"id": m, "samples_s": s, "per": p}
                                       for m, s, p in found]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
