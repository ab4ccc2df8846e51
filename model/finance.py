"""Financial channel (spec §5): savings, the Bangkok-centred national pool, investment, capital."""

from __future__ import annotations

import numpy as np

from .jit import kernel


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


def allocate_savings(
    savings: np.ndarray,
    home_share: np.ndarray,
    shares: np.ndarray,
    claims: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(home investment, pooled lending received, pool outflow by origin), all MTHB.

    `claims` are private co-finance that policies draw from the pool for their targets (micro
    PPPs, crowd-in of development funds); they are served first, scaled down if the pool is too
    small, and the rest is lent by `shares`. Money is conserved: Σ savings = Σ home + Σ received.
    """
    home = home_share * savings
    to_pool = savings - home
    pool = float(to_pool.sum())
    if claims is None:
        return home, pool * shares, to_pool
    claimed = float(claims.sum())
    served = claims * min(1.0, pool / claimed) if claimed > 0 else claims
    received = served + (pool - float(served.sum())) * shares
    return home, received, to_pool


def pooled_finance_flows(to_pool: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """F_ij: pooled savings of i lent in j (MTHB); rows sum to i's deposits in the pool."""
    return to_pool[:, None] * shares[None, :]


@kernel
def remittance_totals(
    stocks: np.ndarray, migrant_income: np.ndarray, share: float
) -> tuple[np.ndarray, np.ndarray]:
    """(received by origin, sent from residence), MTHB: the row and column sums of
    `remittances`, in one pass without forming the N×N matrix (people at home send nothing).
    """
    n = len(migrant_income)
    received = np.empty(n)
    migrants_in = np.zeros(n)  # persons living in j who come from elsewhere
    for i in range(n):
        total = 0.0
        for j in range(n):
            if j != i:
                total += stocks[i, j] * migrant_income[j]
                migrants_in[j] += stocks[i, j]
        received[i] = share * total
    return received, share * migrant_income * migrants_in


def remittances(stocks: np.ndarray, migrant_income: np.ndarray, share: float) -> np.ndarray:
    """Remittances (MTHB) by origin i (row) and residence j (column), zero on the diagonal.

    `stocks[i, j]` are people from i living in j; each sends `share` of its income
    `migrant_income[j]` home. Row sums are received by origins, column sums sent by residences;
    as money flowing on the network the matrix is read transposed (from j to i).
    """
    sent = share * stocks * migrant_income[None, :]
    np.fill_diagonal(sent, 0.0)
    return sent
