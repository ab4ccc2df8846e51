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
