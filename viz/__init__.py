"""Figures, maps and reports of decentra's results (matplotlib; English or Thai).

Every figure function returns a `matplotlib.figure.Figure` and takes ``lang="en"|"th"``; the
label strings live in `viz.labels` so the dashboard can reuse them.
"""

from .charts import (
    channel_attribution,
    growth_inequality_plane,
    lorenz_curves,
    morris_screening,
    sobol_indices,
    time_series,
)
from .labels import LANGS, t
from .maps import (
    MAP_VARIABLES,
    ThailandMap,
    channel_networks,
    choropleth,
    difference_map,
    difference_values,
    province_map,
    province_values,
)
from .results import ResultError, Results, load_results

__all__ = [
    "LANGS",
    "MAP_VARIABLES",
    "ResultError",
    "Results",
    "ThailandMap",
    "channel_attribution",
    "channel_networks",
    "choropleth",
    "difference_map",
    "difference_values",
    "growth_inequality_plane",
    "load_results",
    "lorenz_curves",
    "morris_screening",
    "province_map",
    "province_values",
    "sobol_indices",
    "t",
    "time_series",
]
