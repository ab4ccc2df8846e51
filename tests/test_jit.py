"""The compiled kernels (model/jit.py): one specialisation each, so nothing compiles mid-run."""

from __future__ import annotations

import importlib

import numba
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from model.jit import max_abs, numpy_sum, warm_up
from scenarios import baseline, load_scenario, shipped_scenarios

MODULES = ("trade", "economy", "finance", "government", "knowledge", "poverty", "migration")


def _signatures() -> dict[str, int]:
    counts = {}
    for name in (*MODULES, "metrics"):
        module = importlib.import_module(f"model.{name}")
        for attr, value in vars(module).items():
            if isinstance(value, numba.core.registry.CPUDispatcher):
                counts[f"{name}.{attr}"] = len(value.signatures)
    return counts


def test_runs_with_and_without_policies_need_no_new_compilation():
    """After `warm_up` (what pool workers and the dashboard server run first, on a small
    synthetic geography), the Thai baseline and every shipped scenario use the kernels
    already compiled: nothing compiles while a room waits for its first year."""
    warm_up()
    before = _signatures()
    assert sum(before.values()) > 0
    model = baseline(years=2).run()
    model.model_table()
    model.province_panel()
    for path in shipped_scenarios():
        load_scenario(path).run(years=8)  # policies act from 2025
    after = _signatures()
    grown = {name: (before.get(name, 0), n) for name, n in after.items() if n != before.get(name)}
    assert grown == {}


def test_max_abs_is_nan_if_any_element_is():
    assert max_abs(np.array([1.0, -3.0, 2.0])) == 3.0
    assert np.isnan(max_abs(np.array([1.0, np.nan, 5.0])))
    assert max_abs(np.zeros(0)) == 0.0


@settings(max_examples=200, deadline=None)
@given(
    n=st.one_of(st.integers(0, 300), st.sampled_from([928, 1031, 4099])),
    seed=st.integers(0, 2**32 - 1),
    log_scale=st.floats(0.0, 30.0),
)
def test_numpy_sum_adds_in_numpys_order(n, seed, log_scale):
    """The compiled steps sum GPP in NumPy's order, so τ and the transfers are the same to the
    last bit in the compiled year and after Newton steps (which sum in NumPy)."""
    rng = np.random.default_rng(seed)
    a = rng.lognormal(0.0, 3.0, n) * np.exp(log_scale) * rng.choice([-1.0, 1.0], n)
    assert numpy_sum(a) == a.sum()
