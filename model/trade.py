"""Trade channel (spec §3): the N-province new-economic-geography equilibrium and its inversion.

Unknowns are modern value added per worker v_i (MTHB per person per year). Newton's method on
ln v with the analytic Jacobian needs about 3 iterations a year when warm-started from last
year's solution, against ~250 for damped fixed-point iteration; reusing one Jacobian's LU
factors (and inverse) for chord steps needs about 7 cheaper ones (no N³ work) and is what a run
does, with the Jacobian at the calibrated 2019 equilibrium (`jacobian_lu_at`;
`Economy.calibrated_jacobian`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.linalg import lapack

from . import solvers
from .jit import kernel, max_abs


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
    # LU factors of the last Jacobian used; pass to next year's solve for chord steps
    jacobian_lu: JacobianLU | None = field(default=None, repr=False)


@dataclass(frozen=True, eq=False)
class JacobianLU:
    """LU factors of a trade Jacobian J (LAPACK getrf of the Fortran-ordered view Jᵀ)."""

    lu: np.ndarray
    piv: np.ndarray

    @classmethod
    def factor(cls, J: np.ndarray) -> JacobianLU:
        """Factorise J in place (J is overwritten; no copy is made)."""
        lu, piv, info = lapack.dgetrf(J.T, overwrite_a=True)
        if info != 0:
            raise np.linalg.LinAlgError(f"singular trade Jacobian (getrf info {info})")
        return cls(lu, piv)

    def solve(self, b: np.ndarray) -> np.ndarray:
        """J⁻¹·b (getrs on the factors of Jᵀ, transposed)."""
        return lapack.dgetrs(self.lu, self.piv, b, trans=1)[0]

    @cached_property
    def inverse(self) -> np.ndarray:
        """J⁻¹ itself (getri on the factors, once): a chord step is then one matrix-vector
        product, cheaper at N ≈ 100 than a LAPACK triangular-solve call (speed only)."""
        inv_t, info = lapack.dgetri(self.lu, self.piv)
        if info != 0:
            raise np.linalg.LinAlgError(f"singular trade Jacobian (getri info {info})")
        return inv_t.T  # the factors are of Jᵀ


#: A chord step (old Jacobian) is kept when it shrinks the largest residual at least this much;
#: otherwise the Jacobian is recomputed and a Newton step taken instead.
CHORD_CONTRACTION = 0.25
#: Converged when the largest residual of the log wage equation is below this (log units).
TOLERANCE = 1e-10
#: Iterations (Newton and chord steps together) before `EquilibriumError`.
MAX_ITERATIONS = 60


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
    tol: float = TOLERANCE,
    max_iter: int = MAX_ITERATIONS,
    year: int | None = None,
    jacobian_lu: JacobianLU | None = None,
) -> TradeSolution:
    """Solve Y, G, v of spec §3 by Newton's method on ln v (chord steps where they suffice).

    `ln_a_eff` is ln Ã_i; `lam` is λ_i = L^M_i / L^M_0; `mobile`/`local` are L^M and L^A
    (persons); `local_productivity` is y^A (MTHB per person); `external_demand` is Ext (MTHB).
    Converged when the largest residual of the log wage equation is below `tol`, which bounds
    the relative error of every v_i by about tol.

    `jacobian_lu` (the `TradeSolution.jacobian_lu` of an earlier solve, e.g. last year's) makes
    the iteration start with chord steps, x ← x − J_old⁻¹·F(x), which cost three matrix-vector
    products instead of an N³ Jacobian and a factorisation (J_old⁻¹ is formed once from the
    factors, `JacobianLU.inverse`). A chord step is kept only if it shrinks max |F| by
    `CHORD_CONTRACTION`; otherwise the Jacobian is recomputed at x and a
    damped Newton step is taken (as without `jacobian_lu`), and its factors are used from then
    on. Once below `tol`, one more chord step polishes the solution to about round-off, so the
    result does not depend on where the linear convergence of chord steps happened to stop.
    A start that already meets `tol` is returned unchanged (0 iterations).
    """
    if jacobian_lu is not None and not isinstance(jacobian_lu, JacobianLU):
        raise TypeError("jacobian_lu must be a JacobianLU (TradeSolution.jacobian_lu)")
    n = len(v_start)
    lu = jacobian_lu if jacobian_lu is not None and jacobian_lu.lu.shape == (n, n) else None
    phi = np.ascontiguousarray(phi, dtype=float)
    x, F, v, w, P, E, R, gpp, norm, iterations, status = _chord_solve(
        np.asarray(v_start, dtype=float), ln_a_eff, lam, phi, mobile, local,
        local_productivity, external_demand, float(mobile_total_0), float(mu), float(sigma),
        lu.inverse if lu is not None else NO_INVERSE, tol, max_iter, CHORD_CONTRACTION,
    )  # fmt: skip
    if status == _NEEDS_NEWTON:  # no earlier Jacobian, or chord steps too slow
        terms, local_income = _wage_terms(
            ln_a_eff, lam, phi, mobile, local, local_productivity, external_demand,
            float(mobile_total_0), float(mu), float(sigma),
        )  # fmt: skip
        one_minus_sigma, mu_mobile = terms[1], terms[3]
    while status == _NEEDS_NEWTON:
        # Newton step with the analytic Jacobian (docs/ODD.md §7.3), factorised for reuse
        lu = JacobianLU.factor(_jacobian(phi, one_minus_sigma, mu_mobile, sigma, v, w, P, E, R))
        dx = lu.solve(F)
        step = 1.0
        while True:  # backtracking keeps Newton safe far from the solution
            new = _wage_residual(x - step * dx, *terms)
            norm_new = max_abs(new[0])
            if math.isfinite(norm_new) and (norm_new < norm or norm_new < tol or step < 1e-3):
                break
            step *= 0.5
        x = x - step * dx
        F, v, w, P, E, R = new
        norm = norm_new
        gpp = None
        if iterations >= max_iter:
            break
        # then chord steps with the new Jacobian's inverse (or the polishing step)
        x, F, v, w, P, E, R, norm, iterations, status = _chord_steps(
            x, F, v, w, P, E, R, norm, lu.inverse, *terms,
            tol, max_iter, iterations, CHORD_CONTRACTION,
        )  # fmt: skip
    if gpp is None:  # after Newton steps
        gpp = v * mobile + local_income
    if norm < tol:
        return TradeSolution(v, P, w, E, gpp, iterations, norm, lu)
    when = f"year {year}" if year is not None else "this year"
    raise EquilibriumError(
        f"trade equilibrium did not converge in {when}: max log residual {norm:.3e} after "
        f"{max_iter} Newton iterations (tolerance {tol:.0e})"
    )


def _jacobian(phi, one_minus_sigma, mu_mobile, sigma, v, w, P, E, R) -> np.ndarray:
    """The analytic Jacobian ∂F_i/∂x_l of the log wage equation at x = ln v, given its parts
    there (`_wage_residual`; docs/ODD.md §7.3): a new N×N array."""
    J = (phi * ((one_minus_sigma / (P * P)) * E)) @ phi.T
    J *= w
    J -= phi * (mu_mobile * v / P)
    J /= R[:, None]
    J.flat[:: len(v) + 1] += sigma
    return J


def jacobian_lu_at(
    v: np.ndarray,
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
) -> JacobianLU:
    """LU factors of the Jacobian at modern wages `v` (MTHB per person; other arguments as in
    `solve_equilibrium`): given as `jacobian_lu`, a later solve starts with chord steps at
    once, as if a Newton step had been taken at v."""
    phi = np.ascontiguousarray(phi, dtype=float)
    terms, _ = _wage_terms(
        ln_a_eff, lam, phi, mobile, local, local_productivity, external_demand,
        float(mobile_total_0), float(mu), float(sigma),
    )  # fmt: skip
    _, v, w, P, E, R = _wage_residual(np.log(np.asarray(v, dtype=float)), *terms)
    return JacobianLU.factor(_jacobian(phi, terms[1], terms[3], float(sigma), v, w, P, E, R))


# ------------------------------------------------------------------ compiled kernels
POLISHED, _NEEDS_NEWTON, _OUT_OF_ITERATIONS = 0, 1, 2  # how `_chord_solve` ended
NO_INVERSE = np.empty((0, 0))  # "no earlier Jacobian" for `_chord_solve`


@kernel
def _wage_residual(x, ln_q, one_minus_sigma, phi, mu_mobile, other_spending, sigma, const):
    """F(x) of the log wage equation and its parts (v, w, P, E, R) at x = ln v.

    v = e^x, w = e^(ln q + (1−σ)x), P = wΦ, E = μ·L^M·v + other spending, R = Φ(E/P),
    F = σx − const − ln R; element loops instead of NumPy expressions (no temporaries).
    """
    n = len(x)
    v, w, E, F = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    for i in range(n):
        v[i] = np.exp(x[i])
        w[i] = np.exp(ln_q[i] + one_minus_sigma * x[i])
        E[i] = mu_mobile[i] * v[i] + other_spending[i]
    P = w @ phi
    R = phi @ (E / P)
    for i in range(n):
        F[i] = sigma * x[i] - const[i] - np.log(R[i])
    return F, v, w, P, E, R


@kernel
def _chord_steps(
    x, F, v, w, P, E, R, norm, inverse,
    ln_q, one_minus_sigma, phi, mu_mobile, other_spending, sigma, const,
    tol, max_iter, iterations, contraction,
):  # fmt: skip
    """Chord steps x ← x − J_old⁻¹·F(x) until polished, too slow (Newton needed) or out of
    iterations; returns the state, the iteration count and which of the three it was.

    A step is kept only if it shrinks max |F| by `contraction`; once below `tol`, one more
    step polishes the solution to about round-off (kept unless round-off made it worse).
    """
    while iterations < max_iter:
        iterations += 1
        converged = norm < tol
        x_new = x - inverse @ F
        F_new, v_new, w_new, P_new, E_new, R_new = _wage_residual(
            x_new, ln_q, one_minus_sigma, phi, mu_mobile, other_spending, sigma, const
        )
        norm_new = max_abs(F_new)
        if converged:
            if norm_new <= norm:
                return (
                    x_new, F_new, v_new, w_new, P_new, E_new, R_new, norm_new, iterations,
                    POLISHED,
                )  # fmt: skip
            return x, F, v, w, P, E, R, norm, iterations, POLISHED
        if not norm_new < contraction * norm:  # also true for NaN
            return x, F, v, w, P, E, R, norm, iterations, _NEEDS_NEWTON
        x, F, v, w, P, E, R, norm = x_new, F_new, v_new, w_new, P_new, E_new, R_new, norm_new
    return x, F, v, w, P, E, R, norm, iterations, _OUT_OF_ITERATIONS


@kernel
def _wage_terms(
    ln_a_eff, lam, phi, mobile, local, local_productivity, external_demand, mobile_total_0,
    mu, sigma,
):  # fmt: skip
    """The year's constant terms of the log wage equation, in the order `_wage_residual` takes
    them (ln q, 1 − σ, φ, μ·L^M, other spending, σ, const), and local income y^A·L^A (MTHB)."""
    local_income = local_productivity * local
    terms = (
        np.log(lam) + (sigma - 1.0) * ln_a_eff,  # ln λ_i Ã_i^(σ−1)
        1.0 - sigma,
        phi,
        mu * mobile,
        mu * local_income + external_demand,  # spending on modern goods by others, MTHB
        sigma,
        (sigma - 1.0) * ln_a_eff - np.log(mobile_total_0),
    )
    return terms, local_income


@kernel
def _chord_solve(
    v_start, ln_a_eff, lam, phi, mobile, local, local_productivity, external_demand,
    mobile_total_0, mu, sigma, inverse, tol, max_iter, contraction,
):  # fmt: skip
    """The common case of `solve_equilibrium` in one compiled call: the wage equation's terms,
    the residual at the start and chord steps with `inverse` (an earlier Jacobian's inverse;
    0×0 if there is none, then a Newton step is asked for at once). Returns the state, GPP
    (MTHB), the residual norm, the iteration count and `POLISHED` / `_NEEDS_NEWTON` /
    `_OUT_OF_ITERATIONS`; with `_NEEDS_NEWTON` the last counted iteration is the caller's.
    """
    terms, local_income = _wage_terms(
        ln_a_eff, lam, phi, mobile, local, local_productivity, external_demand, mobile_total_0,
        mu, sigma,
    )  # fmt: skip
    ln_q, one_minus_sigma, phi, mu_mobile, other_spending, sigma, const = terms
    x = np.log(v_start)
    F, v, w, P, E, R = _wage_residual(
        x, ln_q, one_minus_sigma, phi, mu_mobile, other_spending, sigma, const
    )
    norm = max_abs(F)
    iterations = 0
    status = POLISHED  # a start that already meets tol is returned unchanged
    if not norm < tol:
        if inverse.shape[0] == 0:
            iterations, status = 1, _NEEDS_NEWTON
        else:
            x, F, v, w, P, E, R, norm, iterations, status = _chord_steps(
                x, F, v, w, P, E, R, norm, inverse,
                ln_q, one_minus_sigma, phi, mu_mobile, other_spending, sigma, const,
                tol, max_iter, 0, contraction,
            )  # fmt: skip
    return x, F, v, w, P, E, R, v * mobile + local_income, norm, iterations, status


def trade_flows(sol: TradeSolution, phi: np.ndarray) -> np.ndarray:
    """X_ij: value (MTHB) of modern goods made in i and sold in j."""
    return sol.supply[:, None] * phi * (sol.expenditure / sol.P)[None, :]


@kernel
def log_real_income(
    v: np.ndarray, P: np.ndarray, alpha: float, tax: float, mu: float, sigma: float
) -> np.ndarray:
    """ln ω_i, with ω_i = (1 − α)·v_i·(1 − τ)/G_i^μ the real income of a mobile worker."""
    return np.log((1.0 - alpha) * (1.0 - tax) * v) - mu / (1.0 - sigma) * np.log(P)


def fit_supply_terms(
    v: np.ndarray,
    phi: np.ndarray,
    mobile: np.ndarray,
    expenditure: np.ndarray,
    *,
    tol: float = 1e-12,
    max_iter: int = 100,
) -> np.ndarray:
    """The supply terms w_i that reproduce the observed output v_i·L^M_i, largest one = 1:
    the first half of the 2019 inversion (`economy.calibrate`), with `productivity_from_supply`.
    The wage equation is homogeneous of degree zero in Ã, so only relative productivity is
    identified; the caller's normalisation pins its level.

    In gravity form the condition is v_i L^M_i = w_i Σ_j φ_ij E_j / P_j(w) with
    P_j = Σ_k w_k φ_kj, solved for w by Newton's method (exact to `tol` in log units). It does
    not involve σ, so a calibration for another σ reuses it.
    """
    output = v * mobile

    def fun(ln_w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = np.exp(ln_w)
        P = w @ phi
        flows = w[:, None] * phi * (expenditure / P)[None, :]  # X_ij
        implied = flows.sum(axis=1)
        J = np.eye(len(w)) - ((flows / expenditure[None, :]) @ flows.T) / implied[:, None]
        return np.log(implied) - np.log(output), J

    w = _fit_supply(output, np.ascontiguousarray(phi, dtype=float), expenditure, tol, 2000)
    ln_w = solvers.newton(
        fun,
        np.log(w),
        tol=tol,
        max_iter=max_iter,
        what="productivity inversion",
        stall_tol=1e-10,
    )
    return np.exp(ln_w - ln_w.max())


def productivity_from_supply(
    w: np.ndarray, lam: np.ndarray, v: np.ndarray, sigma: float
) -> np.ndarray:
    """ln Ã_i from the supply terms: w_i = λ_i v_i^(1−σ) Ã_i^(σ−1)."""
    return (np.log(w) - np.log(lam) - (1.0 - sigma) * np.log(v)) / (sigma - 1.0)


@kernel
def _fit_supply(output, phi, expenditure, tol, max_iter):
    """Proportional fitting of the supply terms w to `output` (compiled); Newton finishes
    where it is slow."""
    w = output / output.sum()
    for _ in range(max_iter):
        ratio = output / (w * (phi @ (expenditure / (w @ phi))))
        w = w * ratio
        w = w / w.sum()
        if max_abs(np.log(ratio)) < tol:
            break
    return w
