"""Central and local government (spec §4, §7): taxes, equalising transfers, adaptive budget mixes.

Local governments are the model's adaptive agents: each splits its budget between investment,
capacity and amenity, and some of them copy part of a better-performing peer's mix each year.
"""

from __future__ import annotations

import numpy as np

from .jit import kernel

#: Columns of a budget mix m_i.
MIX_INVEST, MIX_CAPACITY, MIX_AMENITY = 0, 1, 2
MIX_NAMES = ("invest", "capacity", "amenity")


@kernel
def equalising_transfers(
    total: float, population: np.ndarray, gpp_per_capita: np.ndarray, elasticity: float
) -> np.ndarray:
    """Split `total` (MTHB) ∝ L_i·(y_i/ȳ)^(−ε_eq): per head, poorer provinces get more."""
    mean = gpp_per_capita @ population / population.sum()
    weight = population * (gpp_per_capita / mean) ** (-elasticity)
    return total * weight / weight.sum()


def initial_mixes(rng: np.random.Generator, n: int, noise: float) -> np.ndarray:
    """(1/3, 1/3, 1/3) mixed with weight `noise` with a Dirichlet(1, 1, 1) draw per province."""
    draw = rng.dirichlet(np.ones(3), size=n)
    return (1.0 - noise) / 3.0 + noise * draw


def amenity_fixed_point(spending_share: np.ndarray, effect: float, decay: float) -> np.ndarray:
    """Policy-made ln B at rest under a spending share s: e_B·s/δ_B."""
    return effect * spending_share / decay


def peer_search_table(cumulative: np.ndarray) -> np.ndarray:
    """Row i of the cumulative peer weights, normalised to end at 1 and shifted by i, as one
    flat increasing array: row i's peer for a draw u is the count of its entries below u + i.
    """
    n = len(cumulative)
    return (cumulative / cumulative[:, -1:] + np.arange(n)[:, None]).ravel()


def learning_draws(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """One year's random numbers of peer learning: 2n uniforms (who compares this year; where
    in its peer distribution each government looks) and n×3 unit exponentials (the
    Dirichlet(1, 1, 1) noise: exponentials over their row sum, the same numbers and random
    stream as rng.dirichlet(np.ones(3), size=n), at a quarter of its cost).

    Every government draws the same numbers each year, whether it learns or not, so a change
    in one province's fortunes does not shift the random stream of the others.
    """
    uniforms = rng.random(2 * n)  # the same numbers as two draws of n
    return uniforms, rng.standard_exponential((n, 3))


def learn_mixes_random(
    mix: np.ndarray,
    growth: np.ndarray,
    weights: np.ndarray,
    rng: np.random.Generator,
    probability: float,
    rate: float,
    noise: float,
    cumulative: np.ndarray | None = None,
    *,
    peer_table: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One year of peer learning; returns (new mixes, index of the peer copied or −1).

    `cumulative` may pass `np.cumsum(weights, axis=1)` when it is kept between years;
    `peer_table` may pass `peer_search_table(cumulative)`, which finds all peers with one
    binary search instead of N² comparisons (the same peers unless a draw falls within
    ~1e-14 of a boundary between two peers' shares).
    """
    n = len(growth)
    uniforms, exponentials = learning_draws(rng, n)
    if peer_table is not None:
        return copy_peer_mixes(
            mix, growth, uniforms, exponentials, peer_table, probability, rate, noise
        )
    if cumulative is None:
        cumulative = np.cumsum(weights, axis=1)
    u = uniforms[n:]
    peer = np.minimum((cumulative < u[:, None] * cumulative[:, -1:]).sum(axis=1), n - 1)
    return _copy_mixes(mix, growth, uniforms[:n] < probability, peer, exponentials, rate, noise)


@kernel
def copy_peer_mixes(mix, growth, uniforms, exponentials, peer_table, probability, rate, noise):
    """`learn_mixes_random` on its random numbers (`learning_draws`) and `peer_table`
    (compiled): who compares, whom, and the copy."""
    n = len(growth)
    peer = _peers_from_table(uniforms[n:], peer_table)
    return _copy_mixes(mix, growth, uniforms[:n] < probability, peer, exponentials, rate, noise)


@kernel
def _peers_from_table(u, peer_table):
    """Row i's peer: the number of row i's entries of `peer_table` below u_i + i, found by
    bisection within the row (compiled)."""
    n = len(u)
    peer = np.empty(n, dtype=np.int64)
    for i in range(n):
        target = u[i] + i
        lo, hi = i * n, (i + 1) * n  # first entry ≥ target within row i
        while lo < hi:
            mid = (lo + hi) // 2
            if peer_table[mid] < target:
                lo = mid + 1
            else:
                hi = mid
        peer[i] = min(lo - i * n, n - 1)
    return peer


@kernel
def _copy_mixes(mix, growth, learns, peer, draw, rate, noise):
    """Governments that compare this year and whose peer grew faster move `rate` of the way to
    the peer's mix, mixed with weight `noise` with a Dirichlet draw (unit exponentials over
    their sum); every mix is renormalised. Returns (new mixes, peer copied or −1) (compiled)."""
    n = len(growth)
    new = np.empty_like(mix)
    copied = np.full(n, -1)
    for i in range(n):
        j = peer[i]
        if learns[i] and growth[j] > growth[i]:
            copied[i] = j
            inv = 1.0 / ((draw[i, 0] + draw[i, 1]) + draw[i, 2])
            for k in range(3):
                stepped = mix[i, k] + rate * (mix[j, k] - mix[i, k])
                new[i, k] = (1.0 - noise) * stepped + noise * (draw[i, k] * inv)
        else:
            for k in range(3):
                new[i, k] = mix[i, k]
        total = (new[i, 0] + new[i, 1]) + new[i, 2]
        for k in range(3):
            new[i, k] /= total
    return new, copied


def learn_mixes_expected(
    mix: np.ndarray, growth: np.ndarray, weights: np.ndarray, probability: float, rate: float
) -> np.ndarray:
    """The expected value of `learn_mixes_random` without noise (the deterministic switch)."""
    totals = weights.sum(axis=1, keepdims=True)
    if np.abs(totals - 1.0).max() > 1e-12:  # policy-built links: peers are drawn ∝ w_ij
        weights = weights / totals
    better = weights * (growth[None, :] > growth[:, None])
    new = mix + probability * rate * (better @ mix - better.sum(axis=1)[:, None] * mix)
    return new / new.sum(axis=1, keepdims=True)
