"""Designs: which points of the parameter space are run (full grid, LHS, Sobol/Saltelli, Morris).

Sampling is SALib's (the field's standard library), so `analysis` can hand the same samples back
to SALib's paired analysis functions. Every variable has an interval in SALib's sample space
(`Variable.salib_bounds`: the value itself, its logarithm, or the index into a list of values)
and `Variable.value_at` maps a sample back to the value a run uses. The sampling seed comes from
the experiment's master seed, so a design is the same on every machine and every rerun.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .schema import Experiment, Variable


@dataclass(frozen=True)
class DesignMatrix:
    """The points of an experiment: SALib-space samples and the values runs use."""

    samples: np.ndarray  # points × variables, in SALib's sample space
    values: pd.DataFrame  # points × variables: the values (numbers, levers, switches)

    @property
    def points(self) -> int:
        return len(self.values)


def design_seed(master_seed: int) -> int:
    """The sampling seed: the master SeedSequence's own state (runs use its children)."""
    return int(np.random.SeedSequence(master_seed).generate_state(1, dtype=np.uint32)[0])


def _thin(values: tuple, at_most: int | None) -> tuple:
    """At most `at_most` values, evenly spread and keeping both ends (for a quick small try)."""
    if at_most is None or len(values) <= at_most:
        return values
    picks = np.unique(np.round(np.linspace(0, len(values) - 1, at_most)).astype(int))
    return tuple(values[k] for k in picks)


def _grid_coordinate(var: Variable, value: object) -> float:
    """Where a grid value sits in SALib space (list values: the middle of their bin)."""
    if var.values is not None:
        return var.values.index(value) + 0.5
    x = float(value)  # type: ignore[arg-type]
    return float(np.log(x)) if var.scale == "log" else x


def grid_samples(experiment: Experiment) -> np.ndarray:
    """Full factorial: every combination of every variable's values (first variable slowest)."""
    design = experiment.design
    axes = []
    for var in experiment.variables:
        levels = var.levels or design.levels or design.samples or 2
        values = _thin(var.grid_values(levels), design.samples)
        axes.append([_grid_coordinate(var, v) for v in values])
    return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, len(axes))


def make_design(experiment: Experiment) -> DesignMatrix:
    """Draw the experiment's design with SALib (or enumerate the grid)."""
    problem = experiment.problem()
    design = experiment.design
    seed = design_seed(experiment.seed)
    if design.method == "grid":
        samples = grid_samples(experiment)
    elif design.method == "lhs":
        from SALib.sample import latin

        samples = latin.sample(problem, design.samples, seed=seed)
    elif design.method == "sobol":
        from SALib.sample import sobol

        samples = sobol.sample(
            problem, design.samples, calc_second_order=design.second_order, seed=seed
        )
    elif design.method == "morris":
        from SALib.sample import morris

        samples = morris.sample(problem, design.samples, num_levels=design.levels, seed=seed)
    else:  # the schema allows no other method
        raise ValueError(f"unknown design method {design.method!r}")
    columns = {
        var.name: [var.value_at(x) for x in samples[:, k]]
        for k, var in enumerate(experiment.variables)
    }
    return DesignMatrix(np.asarray(samples, dtype=float), pd.DataFrame(columns))


def count_runs(experiment: Experiment, points: int) -> int:
    """Runs of an experiment with `points` design points."""
    return max(1, len(experiment.scenarios)) * points * experiment.replications


def expected_points(experiment: Experiment) -> int:
    """Design points without drawing them (for messages and the plan)."""
    d, k = experiment.design, len(experiment.variables)
    if d.method == "sobol":
        return d.samples * (2 * k + 2 if d.second_order else k + 2)
    if d.method == "morris":
        return d.samples * (k + 1)
    if d.method == "lhs":
        return d.samples
    return len(grid_samples(experiment))
