"""Migration channel and demography (spec §7b): logit location choice, migrant stocks, amenities.

Flows are computed for all pairs at once as N×N arrays; population moves between provinces
without being created or destroyed (row sums of the flow matrix leave, column sums arrive).
"""

from __future__ import annotations

import numpy as np

from . import solvers
from .jit import kernel, max_abs


def moving_costs(
    effective_distance_km: np.ndarray, m0: float, m1: float, d0_km: float
) -> np.ndarray:
    """m_ij = max(0, m_0 + m_1·ln(D_ij/D0)) off the diagonal, m_ii = 0.

    The floor at zero (moving never costs less than staying) matters only for pairs closer
    than D0·e^(−m_0/m_1), about 1.4 km at the defaults.
    """
    m = np.maximum(0.0, m0 + m1 * np.log(effective_distance_km / d0_km))
    np.fill_diagonal(m, 0.0)
    return m


def choice_kernel(costs: np.ndarray, beta: float) -> np.ndarray:
    """exp(−β·m_ij): the utility-free factor of the choice probabilities (N×N, in (0, 1])."""
    return np.exp(-beta * costs)


def choice_probabilities(
    utility: np.ndarray, costs: np.ndarray, beta: float, kernel: np.ndarray | None = None
) -> np.ndarray:
    """π_ij ∝ exp(β·(U_j − m_ij)), rows sum to one (a numerically safe softmax).

    With `kernel` = `choice_kernel(costs, beta)` (constant while costs and β are), π_ij is
    computed as kernel_ij·a_j/Σ_k kernel_ik·a_k with a_j = exp(β·(U_j − max U)): the same
    probabilities without N² exponentials. If some row's total is so small (< 1e-200) that
    its largest terms could lose precision to underflow, it falls back to the direct softmax.
    """
    if kernel is not None:
        a = np.exp(beta * (utility - utility.max()))
        z = kernel * a
        total = z.sum(axis=1, keepdims=True)
        if total.min() > 1e-200:  # also False for NaN
            z /= total
            return z
    z = beta * (utility[None, :] - costs)
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


def migration_flows(mobile: np.ndarray, probabilities: np.ndarray, rate: float) -> np.ndarray:
    """M_ij = ρ_m·L^M_i·π_ij for i ≠ j (persons per year); the diagonal (stayers) is zero."""
    flows = (rate * mobile)[:, None] * probabilities
    np.fill_diagonal(flows, 0.0)
    return flows


def apply_migration(
    mobile: np.ndarray, stocks: np.ndarray, flows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """New L^M and origin-by-residence stocks S after the moves in `flows`.

    Movers leaving j carry j's mix of origins with them, so S_oj shrinks in proportion and the
    same people are added where they arrive.
    """
    leaving = flows.sum(axis=1)
    arriving = flows.sum(axis=0)
    # stayers can round to −1e-9 persons where (almost) everyone leaves; they are zero
    new_mobile = np.maximum(mobile - leaving, 0.0) + arriving
    inv_mobile = np.divide(1.0, mobile, out=np.zeros_like(mobile), where=mobile > 0)
    origin_share = stocks * inv_mobile  # S_oj/L^M_j (zero where nobody lives)
    # S_oj − (S_oj/L^M_j)·leaving_j + Σ_i (S_oi/L^M_i)·M_ij
    new_stocks = origin_share @ flows
    new_stocks += stocks * (1.0 - leaving * inv_mobile)
    np.maximum(new_stocks, 0.0, out=new_stocks)  # round-off only: −1e-12 persons
    return new_mobile, new_stocks


def migrate(
    mobile: np.ndarray,
    stocks: np.ndarray,
    utility: np.ndarray,
    costs: np.ndarray,
    beta: float,
    rate: float,
    kernel: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One year of moves: `choice_probabilities`, `migration_flows` and `apply_migration` fused.

    Returns (new L^M, new S, departures, arrivals, move rates): the flows of
    `migration_flows` are M_ij = L^M_i·(move rates)_ij, with move rates ρ_m·π_ij off the
    diagonal and zero on it. Where everybody lives in a province (L^M_i > 0 everywhere), the
    origin shares S_oi/L^M_i times M_ij simplify to S_oi·ρ_m·π_ij, so the N×N flow matrix and
    origin shares are never formed: the same numbers as the three functions up to round-off,
    with half the N×N passes. An empty province falls back to `apply_migration`.
    """
    if mobile.min() > 0.0:  # also False for NaN
        result = _migrate_occupied(mobile, stocks, utility, kernel, beta, rate)
        if result is not None:
            return result
    a = np.exp(beta * (utility - utility.max()))
    total = kernel @ a
    if total.min() > 1e-200:  # also False for NaN; as in choice_probabilities
        rates = kernel * a
        rates *= (rate / total)[:, None]
    else:
        rates = choice_probabilities(utility, costs, beta)
        rates *= rate
    rates.flat[:: len(mobile) + 1] = 0.0  # stayers
    flows = mobile[:, None] * rates
    new_mobile, new_stocks = apply_migration(mobile, stocks, flows)
    return new_mobile, new_stocks, flows.sum(axis=1), flows.sum(axis=0), rates


@kernel
def _migrate_occupied(mobile, stocks, utility, kernel, beta, rate):
    """`migrate` where every province has mobile workers and no row total underflows
    (compiled; None otherwise, and the caller takes the general path)."""
    n = len(mobile)
    a = np.exp(beta * (utility - utility.max()))
    total = kernel @ a
    if not total.min() > 1e-200:  # also true for NaN
        return None
    rates = np.empty((n, n))
    out_rate = np.empty(n)
    for i in range(n):
        scale = rate / total[i]
        row = 0.0
        for j in range(n):
            r = kernel[i, j] * a[j] * scale if j != i else 0.0  # stayers: zero
            rates[i, j] = r
            row += r
        out_rate[i] = row
    leaving = mobile * out_rate
    arriving = mobile @ rates
    new_mobile = np.maximum(mobile - leaving, 0.0) + arriving
    new_stocks = stocks @ rates
    for o in range(n):
        for j in range(n):
            s = new_stocks[o, j] + stocks[o, j] * (1.0 - out_rate[j])
            new_stocks[o, j] = s if s > 0.0 else 0.0  # round-off only: −1e-12 persons
    return new_mobile, new_stocks, leaving, arriving, rates


def balancing_attractiveness(
    mobile: np.ndarray,
    costs: np.ndarray,
    beta: float,
    *,
    tol: float = 1e-11,
    max_iter: int = 100,
) -> np.ndarray:
    """ln a_j = β·U_j with zero net migration everywhere (spec §7b), up to a constant.

    Zero net migration means Σ_i L^M_i π_ij = L^M_j for every j: a balancing problem in the
    attractiveness a_j = exp(β·U_j), solved by Newton's method to `tol` in log units. It
    depends on L^M, the moving costs and β only, not on incomes: a sweep over trade
    parameters reuses it (`model.economy.calibrate`).
    """
    log_kernel = -beta * costs

    def fun(ln_a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        z = log_kernel + ln_a[None, :]
        z -= z.max(axis=1, keepdims=True)
        pi = np.exp(z)
        pi /= pi.sum(axis=1, keepdims=True)
        movers = mobile[:, None] * pi
        arrivals = movers.sum(axis=0)
        # ∂ arrivals_j / ∂ ln a_k = arrivals_j δ_jk − Σ_i L_i π_ij π_ik. A trial step of the
        # line search may empty a province (arrivals 0): the non-finite residual rejects it.
        with np.errstate(divide="ignore", invalid="ignore"):
            J = np.eye(len(ln_a)) - (movers.T @ pi) / arrivals[:, None]
            return np.log(arrivals) - np.log(mobile), J

    kernel = np.exp(log_kernel - log_kernel.max(axis=1, keepdims=True))
    a = _fit_attractiveness(mobile, kernel, tol, 2000)
    return solvers.newton(fun, np.log(a), tol=tol, max_iter=max_iter, what="amenity inversion",
                          stall_tol=1e-6)  # fmt: skip


def amenities_from_attractiveness(
    ln_attractiveness: np.ndarray, log_real_income: np.ndarray, beta: float
) -> np.ndarray:
    """ln B_j = ln a_j / β − ln ω_j, normalised to mean zero (U_j = ln ω_j + ln B_j)."""
    ln_b = ln_attractiveness / beta - log_real_income
    return ln_b - ln_b.mean()


def initial_migrant_stocks(
    mobile: np.ndarray,
    population: np.ndarray,
    registered: np.ndarray,
    costs: np.ndarray,
    beta: float,
    max_migrant_share: float = 0.9,
) -> np.ndarray:
    """Origin-by-residence stocks S(0) of mobile workers from the registered-vs-resident gap.

    Where NESDC's resident population exceeds the (rescaled) DOPA registration, the excess is
    taken as migrants; they come from provinces with a deficit, in proportion to the deficit
    times the gravity term exp(−β m_ij). At most `max_migrant_share` of a province's mobile
    workers are migrants. Without registration data (registered = population) S is diagonal.
    """
    gap = population - registered * (population.sum() / registered.sum())
    excess = np.clip(gap, 0.0, None)
    excess = np.minimum(excess, max_migrant_share * mobile)
    deficit = np.clip(-gap, 0.0, None)
    stocks = np.zeros((len(mobile), len(mobile)))
    if excess.sum() > 0 and deficit.sum() > 0:
        pull = deficit[:, None] * np.exp(-beta * (costs - costs.min()))
        np.fill_diagonal(pull, 0.0)
        col = pull.sum(axis=0)
        share = np.divide(pull, col[None, :], out=np.zeros_like(pull), where=col[None, :] > 0)
        stocks = share * excess[None, :]
    np.fill_diagonal(stocks, mobile - stocks.sum(axis=0))
    return stocks


@kernel
def _fit_attractiveness(mobile, kernel, tol, max_iter):
    """Proportional fitting of a_j = exp(β·U_j) to zero net migration (compiled); Newton
    finishes where it is slow."""
    a = np.ones_like(mobile)
    for _ in range(max_iter):
        ratio = mobile / (a * ((mobile / (kernel @ a)) @ kernel))
        a = a * ratio
        a = a / a.max()
        if max_abs(np.log(ratio)) < tol:
            break
    return a
