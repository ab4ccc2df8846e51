"""Test functions with known sensitivity indices, run through the sweep pipeline to check it.

An experiment file with ``model = "experiments.reference:ishigami"`` goes through the same
design, runner, storage and SALib analysis as a decentra experiment, so the known answer checks
the whole chain, not just SALib.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

ISHIGAMI_A = 7.0
ISHIGAMI_B = 0.1


def ishigami(values: Mapping[str, float], seed: int = 0) -> dict[str, float]:
    """Ishigami & Homma (1990): y = sin x1 + a sin² x2 + b x3⁴ sin x1 on [−π, π]³ (deterministic;
    the seed is ignored)."""
    x1, x2, x3 = values["x1"], values["x2"], values["x3"]
    y = math.sin(x1) + ISHIGAMI_A * math.sin(x2) ** 2 + ISHIGAMI_B * x3**4 * math.sin(x1)
    return {"y": y}


def ishigami_indices(a: float = ISHIGAMI_A, b: float = ISHIGAMI_B) -> dict[str, list[float]]:
    """The analytical first-order (S1) and total (ST) Sobol indices of `ishigami`."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = b**2 * pi**8 * (1 / 18 - 1 / 50)
    total = v1 + v2 + v13
    return {
        "S1": [v1 / total, v2 / total, 0.0],
        "ST": [(v1 + v13) / total, v2 / total, v13 / total],
    }
