"""Shared fixtures: the Thai geography, a small synthetic one and a default baseline run."""

from __future__ import annotations

import pytest

from model import DecentraModel, load_thailand, simulate, synthetic_geography


@pytest.fixture(scope="session")
def thailand():
    return load_thailand()


@pytest.fixture(scope="session")
def small_geo():
    return synthetic_geography(12, seed=3)


@pytest.fixture(scope="session")
def baseline() -> DecentraModel:
    """The default baseline 2019–2050 with seed 42 (do not mutate)."""
    return simulate(years=31, seed=42)
