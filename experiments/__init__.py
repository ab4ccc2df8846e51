"""Batch runs and result storage: every result directory carries its provenance.

Batch experiments (notebook use)::

    from experiments import run_sweep, sensitivity
    runs = run_sweep("experiments/tiny.toml", workers=2)    # a DataFrame, one row per run
    table, notes = sensitivity("results/sobol_headline")     # SALib indices of a Sobol sweep
"""

from .analysis import AnalysisError, discover, sensitivity
from .schema import Experiment, ExperimentError, load_experiment
from .storage import provenance, write_run
from .sweep import SweepError, run_sweep

__all__ = [
    "AnalysisError",
    "Experiment",
    "ExperimentError",
    "SweepError",
    "discover",
    "load_experiment",
    "provenance",
    "run_sweep",
    "sensitivity",
    "write_run",
]
