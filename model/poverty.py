"""Poverty (spec §9): lognormal household income within each province."""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq
from scipy.special import ndtri

from .jit import kernel

_SQRT1_2 = math.sqrt(0.5)


def lognormal_sd_from_gini(gini: float) -> float:
    """s = √2·Φ⁻¹((1 + G)/2): the log-sd of a lognormal with Gini G."""
    return float(np.sqrt(2.0) * ndtri((1.0 + gini) / 2.0))


@kernel
def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Φ(x) elementwise, as scipy.special.ndtr computes it (erf near 0, erfc in the tails)."""
    out = np.empty_like(x)
    for k in range(len(x)):
        z = x[k] * _SQRT1_2
        if abs(z) < _SQRT1_2:
            out[k] = 0.5 + 0.5 * math.erf(z)
        else:
            tail = 0.5 * math.erfc(abs(z))
            out[k] = 1.0 - tail if z > 0.0 else tail
    return out


@kernel
def headcount(mean_income: np.ndarray, poverty_line: float, log_sd: float) -> np.ndarray:
    """Share of persons below the line: Φ((ln z − ln mean + s²/2)/s). Incomes in THB/person/yr."""
    return normal_cdf((math.log(poverty_line) - np.log(mean_income) + 0.5 * log_sd**2) / log_sd)


def calibrate_income_scale(
    income_per_person: np.ndarray,
    population: np.ndarray,
    poverty_line: float,
    log_sd: float,
    target_rate: float,
) -> float:
    """ζ such that the population-weighted national headcount equals `target_rate`."""
    weights = population / population.sum()

    def gap(log_zeta: float) -> float:
        rates = headcount(np.exp(log_zeta) * income_per_person, poverty_line, log_sd)
        return float(rates @ weights) - target_rate

    return float(np.exp(brentq(gap, -20.0, 20.0, xtol=1e-14)))


@kernel
def headcount_after_transfers(
    mean_income: np.ndarray,
    poverty_line: float,
    log_sd: float,
    transfer_per_poor: np.ndarray,
) -> np.ndarray:
    """Headcount when every poor person receives `transfer_per_poor` THB (precision_poverty).

    Persons whose income lies within the transfer of the line cross it, so the headcount is the
    lognormal CDF at z − a (zero once a ≥ z). Incomes in THB per person per year.
    """
    gap = poverty_line - transfer_per_poor
    safe_gap = np.where(gap > 0, gap, 1.0)
    after = normal_cdf((np.log(safe_gap) - np.log(mean_income) + 0.5 * log_sd**2) / log_sd)
    return np.where(gap > 0, after, 0.0)
