"""decentra's model: Thailand's provinces linked by trade, finance, migration and knowledge.

Notebook use::

    from model import run
    national, provinces = run(years=31, seed=42)
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .economy import BASE_YEAR, Economy, Policy
from .geography import DataError, Geography, load_thailand, synthetic_geography
from .model import CHANNELS, DecentraModel, HeadlessModel
from .parameters import ParameterError, Parameters
from .trade import EquilibriumError

__all__ = [
    "BASE_YEAR",
    "CHANNELS",
    "DataError",
    "DecentraModel",
    "Economy",
    "EquilibriumError",
    "Geography",
    "HeadlessModel",
    "ParameterError",
    "Parameters",
    "Policy",
    "load_thailand",
    "run",
    "simulate",
    "synthetic_geography",
]


def simulate(
    years: int = 31,
    seed: int | None = 42,
    geography: Geography | None = None,
    policies: tuple = (),
    **params: Any,
) -> DecentraModel:
    """Build a model and run it `years` years past 2019; returns the model (tables, graphs)."""
    if years < 0:
        raise ValueError(f"years must be ≥ 0, got {years}")
    model = DecentraModel(geography, seed=seed, policies=policies, **params)
    for _ in range(years):
        model.step()
    return model


def run(years: int = 31, seed: int | None = 42, **params: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the baseline and return (model table, province panel), one row per year / province-year.

    `params` override parameters by name or alias, e.g. ``run(sigma=4, shocks=False)``.
    """
    model = simulate(years=years, seed=seed, **params)
    return model.model_table(), model.province_panel()
