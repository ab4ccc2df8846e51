"""Batch runs and result storage: every result directory carries its provenance.

Batch experiments (notebook use)::

    from experiments import run_sweep
    runs = run_sweep("experiments/tiny.toml", workers=2)    # a DataFrame, one row per run
"""

from .schema import Experiment, ExperimentError, load_experiment
from .storage import provenance, write_run
from .sweep import SweepError, run_sweep

__all__ = [
    "Experiment",
    "ExperimentError",
    "SweepError",
    "load_experiment",
    "provenance",
    "run_sweep",
    "write_run",
]
