"""Knowledge channel (spec §6): distance-decaying spillovers, absorptive capacity, shocks."""

from __future__ import annotations

import numpy as np

from .jit import kernel


def spillover_weights(
    distance_km: np.ndarray,
    half_distance_km: float,
    university_weight: float,
    research_university: np.ndarray,
) -> np.ndarray:
    """w_ij = e^(−d_ij ln2/H_K)·(1 + u·U_j), zero on the diagonal, rows normalised to one."""
    w = np.exp(-distance_km * (np.log(2.0) / half_distance_km))
    w *= 1.0 + university_weight * research_university.astype(float)[None, :]
    np.fill_diagonal(w, 0.0)
    return w / w.sum(axis=1, keepdims=True)


def spillover_matrix(
    ln_a: np.ndarray, capacity: np.ndarray, weights: np.ndarray, rate: float
) -> np.ndarray:
    """Knowledge flows λ_K·c_i·w_ij·(ln A_j − ln A_i)^+ (log points a year, into i from j)."""
    gap = ln_a[None, :] - ln_a[:, None]
    np.maximum(gap, 0.0, out=gap)
    return (rate * capacity)[:, None] * weights * gap


@kernel
def spillover_inflow(
    ln_a: np.ndarray, capacity: np.ndarray, weights: np.ndarray, rate: float
) -> np.ndarray:
    """Row sums of `spillover_matrix`: λ_K·c_i·Σ_j w_ij·(ln A_j − ln A_i)^+ (log points)."""
    n = len(ln_a)
    weighted_gap = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            weighted_gap[i, j] = weights[i, j] * max(ln_a[j] - ln_a[i], 0.0)
    return (rate * capacity) * (weighted_gap @ np.ones(n))  # row sums (BLAS: no serial adds)


def shock_normals(rng: np.random.Generator, n_regions: int, n: int) -> np.ndarray:
    """A year's standard normals for the productivity shocks (`shocks_from_normals`): the
    regions' first, then the provinces'."""
    return rng.standard_normal(n_regions + n)  # the same numbers as two draws


@kernel
def shocks_from_normals(
    z_all: np.ndarray, region: np.ndarray, sd: float, regional_correlation: float
) -> np.ndarray:
    """ε_i = σ_A·(ρ_A·z_region(i) + sqrt(1 − ρ_A²)·z_i) from the year's normals z
    (`shock_normals`)."""
    n = len(region)
    z_region, z = z_all[: len(z_all) - n], z_all[len(z_all) - n :]
    return sd * (
        regional_correlation * z_region[region] + np.sqrt(1.0 - regional_correlation**2) * z
    )


@kernel
def update_capacity(
    capacity: np.ndarray,
    spending: np.ndarray,
    gpp: np.ndarray,
    effect: float,
    decay: float,
    floor: np.ndarray,
) -> np.ndarray:
    """c ← c + e_c·(spend/GPP)·(1 − c) − δ_c·(c − c_min,i), kept within [0, 1]."""
    new = capacity + effect * (spending / gpp) * (1.0 - capacity) - decay * (capacity - floor)
    return np.minimum(np.maximum(new, 0.0), 1.0)


def capacity_fixed_point(
    spending_share: np.ndarray, effect: float, decay: float, floor: np.ndarray
) -> np.ndarray:
    """c* solving e_c·s·(1 − c) = δ_c·(c − c_min): capacity at rest under a spending share s."""
    gain = effect * spending_share
    total = gain + decay
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, np.clip((gain + decay * floor) / safe, 0.0, 1.0), floor)
