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


# ------------------------------------------------------------------ result folders (viz tests)
@pytest.fixture(scope="session")
def comparison_dir(tmp_path_factory):
    """A comparison folder in the agreed schema, from real 3-year runs (3 scenarios × 2 seeds)."""
    from results_factory import write_comparison_folder

    return write_comparison_folder(
        tmp_path_factory.mktemp("results") / "comparison", attribution_seeds=(11,)
    )


@pytest.fixture(scope="session")
def experiment_dir(tmp_path_factory):
    """An experiment folder with real (tiny) Sobol and Morris analyses of 1-year runs."""
    from results_factory import write_experiment_folder

    return write_experiment_folder(
        tmp_path_factory.mktemp("results") / "experiment", years=1, sobol_n=4,
        morris_trajectories=3,
    )  # fmt: skip


@pytest.fixture(scope="session")
def short_model() -> DecentraModel:
    """A 3-year baseline (do not mutate)."""
    return simulate(years=3, seed=7)
