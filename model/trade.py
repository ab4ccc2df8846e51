"""Trade channel (spec §3): the N-province new-economic-geography equilibrium and its inversion.

Unknowns are modern value added per worker v_i (MTHB per person per year). Newton's method on
ln v with the analytic Jacobian needs about 3 iterations a year when warm-started from last
year's solution, against ~250 for damped fixed-point iteration.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import solvers


class EquilibriumError(RuntimeError):
    """The trade equilibrium did not converge; the message names the year and the residual."""


@dataclass
class TradeSolution:
    """One year's equilibrium. P is G^(1−σ) (so G_j^(σ−1) = 1/P_j)."""

    v: np.ndarray  # modern value added per worker, MTHB per person per year
    P: np.ndarray  # price-index term G^(1−σ)
    supply: np.ndarray  # w_i = λ_i (v_i/Ã_i)^(1−σ), the exporter's "capacity" in the gravity form
    expenditure: np.ndarray  # μ·Y_j + Ext_j, MTHB: spending on modern goods in j
    gpp: np.ndarray  # Y_j, MTHB
    iterations: int
    residual: float  # max |F| in log units


def solve_equilibrium(
    v_start: np.ndarray,
    ln_a_eff: np.ndarray,
    lam: np.ndarray,
    phi: np.ndarray,
    mobile: np.ndarray,
    local: np.ndarray,
    local_productivity: np.ndarray,
    external_demand: np.ndarray,
    mobile_total_0: float,
    mu: float,
    sigma: float,
    *,
    tol: float = 1e-10,
    max_iter: int = 60,
    year: int | None = None,
) -> TradeSolution:
    """Solve Y, G, v of spec §3 by damped Newton on ln v.

    `ln_a_eff` is ln Ã_i; `lam` is λ_i = L^M_i / L^M_0; `mobile`/`local` are L^M and L^A
    (persons); `local_productivity` is y^A (MTHB per person); `external_demand` is Ext (MTHB).
    Converged when the largest residual of the log wage equation is below `tol`, which bounds
    the relative error of every v_i by about tol.
    """
    one_minus_sigma = 1.0 - sigma
    q = lam * np.exp((sigma - 1.0) * ln_a_eff)  # λ_i Ã_i^(σ−1)
    const = (sigma - 1.0) * ln_a_eff - np.log(mobile_total_0)
    local_income = local_productivity * local
    x = np.log(v_start)
    eye_sigma = sigma * np.eye(len(x))
    phi_t = phi.T

    def residual(x: np.ndarray):
        v = np.exp(x)
        w = q * np.exp(one_minus_sigma * x)
        P = w @ phi
        E = mu * (v * mobile + local_income) + external_demand
        R = phi @ (E / P)
        F = sigma * x - const - np.log(R)
        return F, v, w, P, E, R

    F, v, w, P, E, R = residual(x)
    norm = float(np.max(np.abs(F)))
    for it in range(1, max_iter + 1):
        if norm < tol:
            return TradeSolution(v, P, w, E, v * mobile + local_income, it - 1, norm)
        inv_R = 1.0 / R
        J = eye_sigma - (phi * (mu * v * mobile / P)) * inv_R[:, None]
        J += (one_minus_sigma * ((phi * (E / (P * P))) @ phi_t) * w) * inv_R[:, None]
        dx = np.linalg.solve(J, -F)
        step = 1.0
        while True:  # backtracking keeps Newton safe far from the solution
            F_new, v_new, w_new, P_new, E_new, R_new = residual(x + step * dx)
            norm_new = float(np.max(np.abs(F_new)))
            if np.isfinite(norm_new) and (norm_new < norm or norm_new < tol or step < 1e-3):
                break
            step *= 0.5
        x = x + step * dx
        F, v, w, P, E, R, norm = F_new, v_new, w_new, P_new, E_new, R_new, norm_new
    if norm < tol:
        return TradeSolution(v, P, w, E, v * mobile + local_income, max_iter, norm)
    when = f"year {year}" if year is not None else "this year"
    raise EquilibriumError(
        f"trade equilibrium did not converge in {when}: max log residual {norm:.3e} after "
        f"{max_iter} Newton iterations (tolerance {tol:.0e})"
    )


def trade_flows(sol: TradeSolution, phi: np.ndarray) -> np.ndarray:
    """X_ij: value (MTHB) of modern goods made in i and sold in j."""
    return sol.supply[:, None] * phi * (sol.expenditure / sol.P)[None, :]


def log_real_income(
    v: np.ndarray, P: np.ndarray, alpha: float, tax: float, mu: float, sigma: float
) -> np.ndarray:
    """ln ω_i, with ω_i = (1 − α)·v_i·(1 − τ)/G_i^μ the real income of a mobile worker."""
    return np.log((1.0 - alpha) * (1.0 - tax) * v) - mu / (1.0 - sigma) * np.log(P)


def invert_productivity(
    v: np.ndarray,
    lam: np.ndarray,
    phi: np.ndarray,
    mobile: np.ndarray,
    expenditure: np.ndarray,
    sigma: float,
    *,
    tol: float = 1e-12,
    max_iter: int = 100,
) -> np.ndarray:
    """ln Ã_i (up to a common constant) that makes the observed v_i an equilibrium.

    The wage equation is homogeneous of degree zero in Ã, so only relative productivity is
    identified; the level is pinned by the caller's normalisation. In gravity form the
    condition is v_i L^M_i = w_i Σ_j φ_ij E_j / P_j(w) with P_j = Σ_k w_k φ_kj, solved for the
    supply terms w by Newton's method (exact to `tol` in log units).
    """
    output = v * mobile

    def fun(ln_w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = np.exp(ln_w)
        P = w @ phi
        flows = w[:, None] * phi * (expenditure / P)[None, :]  # X_ij
        implied = flows.sum(axis=1)
        J = np.eye(len(w)) - ((flows / expenditure[None, :]) @ flows.T) / implied[:, None]
        return np.log(implied) - np.log(output), J

    w = output / output.sum()
    for _ in range(2000):  # proportional fitting; Newton finishes where it is slow
        ratio = output / (w * (phi @ (expenditure / (w @ phi))))
        w *= ratio
        w /= w.sum()
        if np.max(np.abs(np.log(ratio))) < tol:
            break
    ln_w = solvers.newton(
        fun,
        np.log(w),
        tol=tol,
        max_iter=max_iter,
        what="productivity inversion",
        stall_tol=1e-10,
    )
    w = np.exp(ln_w - ln_w.max())
    # w_i = λ_i v_i^(1−σ) Ã_i^(σ−1)  →  ln Ã_i
    return (np.log(w) - np.log(lam) - (1.0 - sigma) * np.log(v)) / (sigma - 1.0)
