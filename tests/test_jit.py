"""The compiled kernels (model/jit.py): one specialisation each, so nothing compiles mid-run."""

from __future__ import annotations

import importlib

import numba
import numpy as np

from model.jit import max_abs, warm_up
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
