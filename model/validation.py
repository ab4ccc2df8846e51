"""Checks that the model nests known economics and reproduces its data (spec §3).

- `core_periphery`: with N = 2 and FKV's assumptions the model *is* Fujita–Krugman–Venables
  (1999, ch. 5); its break and sustain points are known in closed form.
- `calibration_residual`: the 2019 inversion must reproduce every province's GPP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import brentq

from . import migration, trade
from .economy import channel_freeness

if TYPE_CHECKING:
    from .model import DecentraModel


def break_point(sigma: float, mu: float) -> float:
    """φ_B = [(1−μ)/(1+μ)]·[(1−μ−1/σ)/(1+μ−1/σ)]: symmetry breaks above it."""
    return (1 - mu) / (1 + mu) * (1 - mu - 1 / sigma) / (1 + mu - 1 / sigma)


def sustain_point(sigma: float, mu: float) -> float:
    """φ_S: the root in (0, 1) of φ^(μσ/(σ−1))·[(1+μ)/2·φ + (1−μ)/2·φ^(−1)] = 1.

    Core–periphery is sustainable above it.
    """

    def f(phi: float) -> float:
        return phi ** (mu * sigma / (sigma - 1)) * ((1 + mu) / 2 * phi + (1 - mu) / 2 / phi) - 1

    return float(brentq(f, 1e-9, 1 - 1e-12, xtol=1e-15))


def core_periphery(
    sigma: float,
    mu: float,
    phi: float,
    start_share: float = 0.51,
    years: int = 3000,
    *,
    choice_sensitivity: float = 2000.0,
    migration_rate: float = 0.004,
) -> float:
    """Long-run share of mobile workers in province 1 of the two-province reduction.

    Same equilibrium solver and migration rule as the full model, with N = 2, L^A split
    equally, L^M = μ in total, y^A = 1, α = 0, τ = 0, Ext = 0, one φ for the pair,
    L^M_0 = μ, no moving costs, no congestion, B = 1 and a large logit sensitivity β.
    """
    if not 0.0 < start_share < 1.0:
        raise ValueError(f"start_share must be in (0, 1), got {start_share}")
    freeness = np.array([[1.0, phi], [phi, 1.0]])
    local = np.full(2, (1.0 - mu) / 2.0)
    ones, zeros = np.ones(2), np.zeros(2)
    costs = np.zeros((2, 2))
    mobile = mu * np.array([start_share, 1.0 - start_share])
    stocks = np.diag(mobile)
    v = ones.copy()
    for year in range(years):
        sol = trade.solve_equilibrium(
            v, zeros, mobile / mu, freeness, mobile, local, ones, zeros, mu, mu, sigma, year=year
        )
        v = sol.v
        ln_omega = trade.log_real_income(v, sol.P, 0.0, 0.0, mu, sigma)
        probabilities = migration.choice_probabilities(ln_omega, costs, choice_sensitivity)
        flows = migration.migration_flows(mobile, probabilities, migration_rate)
        mobile, stocks = migration.apply_migration(mobile, stocks, flows)
    return float(mobile[0] / mobile.sum())


def calibration_residual(model: DecentraModel) -> float:
    """Max relative gap between the data's 2019 GPP and the model's 2019 equilibrium.

    The equilibrium is re-solved from a cold start (every v_i at the national mean), so the
    check does not depend on the warm start that the model itself used.
    """
    eco = model.economy
    cal = eco.calibration
    p = eco.params
    ln_a_eff = cal.ln_productivity + p.capital_share * np.log(cal.capital / cal.mobile)
    cold = np.full_like(cal.v, cal.gpp.sum() / cal.population.sum())
    sol = trade.solve_equilibrium(
        cold,
        ln_a_eff,
        cal.mobile / cal.mobile.sum(),
        channel_freeness(model.geography.distance_km, p),
        cal.mobile,
        cal.local,
        cal.v,
        np.zeros_like(cal.v),
        float(cal.mobile.sum()),
        p.modern_share,
        p.elasticity_substitution,
        tol=1e-12,
        year=2019,
    )
    residual = np.max(np.abs(sol.gpp / cal.gpp - 1.0))
    first = model.records[0]
    if first.year == 2019:
        residual = max(residual, float(np.max(np.abs(first.gpp / cal.gpp - 1.0))))
    return float(residual)
