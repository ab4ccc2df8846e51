"""Compiled kernels for the hottest loops of a year (speed only; the equations are unchanged).

A year of the 77-province model is a few hundred operations on 77-element vectors, so NumPy's
~1–2 µs per call, not arithmetic, sets its cost. What runs every year (the trade
equilibrium's chord steps, steps 3–6 of the cycle as one call, the migration update), the
calibration's fitting loops and the model table's inequality metrics are compiled with numba
instead: the same arithmetic on the same NumPy arrays, one call instead of dozens (ODD §7.13a).

`kernel` is numba's `njit` with the on-disk cache (``__pycache__`` beside the source; the
first use after installing compiles for 10–20 seconds) and NumPy's floating-point error model
(x/0 gives inf or NaN, as in NumPy, never ZeroDivisionError). ``NUMBA_DISABLE_JIT=1`` runs the
same functions as plain Python, for debugging.
"""

from __future__ import annotations

from collections.abc import Callable

import numba
import numpy as np


def kernel[F: Callable](fn: F) -> F:
    """Compile `fn` with numba (nopython, cached, GIL released, NumPy error model)."""
    return numba.njit(cache=True, nogil=True, error_model="numpy")(fn)


@kernel
def max_abs(F: np.ndarray) -> float:
    """max |F_i|, NaN if any F_i is NaN (so a NaN residual never passes a `<` test)."""
    largest = 0.0
    for f in F:
        a = abs(f)
        if not a <= largest:  # also true for NaN
            largest = a
            if a != a:
                return a
    return largest


@kernel
def numpy_sum(a: np.ndarray) -> float:
    """Σ a_i in NumPy's order (its pairwise summation of a contiguous float64 array,
    numpy/_core/src/umath/loops_utils.h.src), so a compiled step gives the same sum as
    ``a.sum()`` to the last bit (tests/test_jit.py).

    NumPy sums up to 128 elements in one block and splits longer arrays in two halves (the
    first a multiple of 8 long) whose sums it adds; this walks the same tree with a stack,
    as numba's cache cannot load recursive functions.
    """
    n = len(a)
    if n <= 128:
        return _block_sum(a, 0, n)
    start = np.empty(64, np.int64)  # a frame per level: halving 2**63 takes 63 levels
    size = np.empty(64, np.int64)
    stage = np.empty(64, np.int64)  # 0: sum the first half next; 1: the second; 2: add them
    first = np.empty(64)  # the first half's sum
    top, start[0], size[0], stage[0] = 0, 0, n, 0
    total = 0.0  # the sum of the frame that ended last
    while top >= 0:
        m = size[top]
        if m <= 128:
            total = _block_sum(a, start[top], m)
            top -= 1
            continue
        half = m // 2
        half -= half % 8
        if stage[top] == 0:
            stage[top] = 1
            top += 1
            start[top], size[top], stage[top] = start[top - 1], half, 0
        elif stage[top] == 1:
            first[top] = total
            stage[top] = 2
            top += 1
            start[top], size[top], stage[top] = start[top - 1] + half, m - half, 0
        else:
            total = first[top] + total
            top -= 1
    return total


@kernel
def _block_sum(a: np.ndarray, start: int, n: int) -> float:
    """NumPy's sum of a[start:start+n] for n ≤ 128: a plain loop below 8 elements, else eight
    running sums combined pairwise, then the remainder."""
    if n < 8:
        total = 0.0
        for i in range(start, start + n):
            total += a[i]
        return total
    r0, r1, r2, r3 = a[start], a[start + 1], a[start + 2], a[start + 3]
    r4, r5, r6, r7 = a[start + 4], a[start + 5], a[start + 6], a[start + 7]
    i = start + 8
    end = start + n - n % 8
    while i < end:
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < start + n:
        total += a[i]
        i += 1
    return total


def warm_up() -> None:
    """Compile (or load from the cache) every kernel a year uses, with a tiny model in which
    every policy lever is active (policies take some paths of their own).

    Worth calling once in a process that will fork workers, at a worker's start or when a
    server starts: loading the cached kernels lazily costs the first run about half a second
    (compiling them, after a fresh install, 10–20 s). Runs on other geographies use the same
    compiled kernels (tests/test_jit.py).
    """
    from .geography import synthetic_geography
    from .model import DecentraModel
    from .policies import LEVERS, LeverPolicy
    from .targets import Target

    geo = synthetic_geography(6, seed=0)
    everywhere = Target("warm-up", np.ones(geo.n, dtype=bool), (), tuple(range(geo.n)))
    policies = [
        LeverPolicy(lever, 100.0, everywhere, 2020, 2021, lever.coefficient_values({}))
        for lever in LEVERS.values()
    ]
    for with_policies in (False, True):
        model = DecentraModel(geo, seed=0, policies=policies if with_policies else ())
        for _ in range(3):
            model.step()
        model.model_table()
        model.province_panel()
