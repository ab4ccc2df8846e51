"""Financial channel (spec §5): savings, the Bangkok-centred national pool, investment, capital."""

from __future__ import annotations

import numpy as np

from .jit import kernel


@kernel
def return_on_capital(
    alpha: float, v: np.ndarray, mobile: np.ndarray, capital: np.ndarray
) -> np.ndarray:
    """r_i = α·v_i·L^M_i/K_i (per year)."""
    return alpha * v * mobile / capital


@kernel
def pool_shares(
    capital: np.ndarray, returns: np.ndarray, attractiveness: np.ndarray, eta: float
) -> np.ndarray:
    """Share of the national pool lent to each province ∝ K_i·(r_i/r̄)^η·f_i (sums to one)."""
    mean_return = returns @ capital / capital.sum()
    relative = returns / mean_return if mean_return > 0 else np.ones_like(returns)
    weight = capital * relative**eta * attractiveness
    return weight / weight.sum()


@kernel
def allocate_savings(
    savings: np.ndarray, home_share: np.ndarray, shares: np.ndarray, claims: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(home investment, pooled lending received, pool outflow by origin), all MTHB.

    `claims` are private co-finance that policies draw from the pool for their targets (micro
    PPPs, crowd-in of development funds; zero without such policies); they are served first,
    scaled down if the pool is too small, and the rest is lent by `shares`. Money is
    conserved: Σ savings = Σ home + Σ received.
    """
    home = home_share * savings
    to_pool = savings - home
    pool = to_pool.sum()
    claimed = claims.sum()
    if not claimed > 0.0:
        return home, pool * shares, to_pool
    served = claims * min(1.0, pool / claimed)
    received = served + (pool - served.sum()) * shares
    return home, received, to_pool


@kernel
def migrant_income(v: np.ndarray, alpha: float, tax: float) -> np.ndarray:
    """Nominal income of a mobile worker, (1 − α)·v·(1 − τ), MTHB per person."""
    return (1.0 - alpha) * (1.0 - tax) * v


@kernel
def remittances_of_year(
    finance_channel: bool,
    stocks: np.ndarray,
    v: np.ndarray,
    alpha: float,
    tax: float,
    share: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(received by origin, sent from residence), MTHB: migrants send `share` of their income
    home; nothing flows with the finance channel off."""
    if not finance_channel:
        return np.zeros_like(v), np.zeros_like(v)
    return remittance_totals(stocks, migrant_income(v, alpha, tax), share)


def pooled_finance_flows(to_pool: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """F_ij: pooled savings of i lent in j (MTHB); rows sum to i's deposits in the pool."""
    return to_pool[:, None] * shares[None, :]


@kernel
def remittance_totals(
    stocks: np.ndarray, migrant_income: np.ndarray, share: float
) -> tuple[np.ndarray, np.ndarray]:
    """(received by origin, sent from residence), MTHB: the row and column sums of
    `remittances`, without forming the N×N matrix (people at home send nothing).
    """
    home = np.diag(stocks)
    received = share * (stocks @ migrant_income - home * migrant_income)
    residents = np.zeros_like(migrant_income)  # column sums, row by row (vectorised)
    for i in range(len(stocks)):
        residents += stocks[i]
    sent = share * migrant_income * (residents - home)
    return received, sent


def remittances(stocks: np.ndarray, migrant_income: np.ndarray, share: float) -> np.ndarray:
    """Remittances (MTHB) by origin i (row) and residence j (column), zero on the diagonal.

    `stocks[i, j]` are people from i living in j; each sends `share` of its income
    `migrant_income[j]` home. Row sums are received by origins, column sums sent by residences;
    as money flowing on the network the matrix is read transposed (from j to i).
    """
    sent = share * stocks * migrant_income[None, :]
    np.fill_diagonal(sent, 0.0)
    return sent
