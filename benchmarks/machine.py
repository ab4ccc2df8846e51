"""How fast this machine is right now, as one number the benchmarks print beside theirs.

Shared virtual machines drift by tens of per cent within minutes (other tenants' load on the
same cores and caches), and a benchmark's result moves with them. `probe_ms` times a fixed
workload that involves none of decentra's code, a 77×77 matrix product (BLAS) and a Python
loop (the interpreter): a rough sign of how busy the machine is. It is itself noisy (18–29 ms
within an hour on the development VM); to compare two versions of the code, run them
alternately in one sitting instead.
"""

from __future__ import annotations

import time

import numpy as np

_MATRIX = np.random.default_rng(0).random((77, 77))


def probe_ms(repeats: int = 5) -> float:
    """CPU milliseconds of the fixed workload, best of `repeats` (about 20 ms each)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        for _ in range(250):
            _MATRIX @ _MATRIX
        total = 0
        for i in range(150_000):
            total += i * i
        best = min(best, time.process_time() - started)
    return best * 1e3


def probe_line(label: str) -> str:
    """A printable line with the probe, e.g. "machine probe (before): 18.3 ms"."""
    return (
        f"machine probe ({label}): {probe_ms():.1f} ms CPU for a fixed workload without "
        "decentra's code (benchmarks/machine.py; larger = busier machine, roughly)"
    )


if __name__ == "__main__":
    print(probe_line("now"))
