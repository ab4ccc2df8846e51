"""Newton's method for the calibration's balancing problems (least squares for scale-free ones)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def newton(
    fun: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    x0: np.ndarray,
    *,
    tol: float,
    max_iter: int = 100,
    what: str = "system",
    stall_tol: float | None = None,
) -> np.ndarray:
    """Solve F(x) = 0 where `fun(x)` returns (F, Jacobian); damped by backtracking.

    Steps use the minimum-norm least-squares solution, so systems that only pin x up to a
    common shift (homogeneous balancing problems) are solved too. Where round-off stops
    progress before `tol`, a residual below `stall_tol` is accepted.
    """
    x = x0.astype(float)
    F, J = fun(x)
    norm, merit = float(np.max(np.abs(F))), float(F @ F)
    for _ in range(max_iter):
        if norm < tol:
            return x
        dx = np.linalg.lstsq(J, -F, rcond=None)[0]
        step = 1.0
        while step >= 1e-6:
            F_new, J_new = fun(x + step * dx)
            merit_new = float(F_new @ F_new)
            if np.isfinite(merit_new) and merit_new < merit:
                break
            step *= 0.5
        else:  # no step improves: stalled
            break
        x, F, J, merit = x + step * dx, F_new, J_new, merit_new
        norm = float(np.max(np.abs(F)))
    if norm < max(tol, stall_tol or 0.0):
        return x
    from .trade import EquilibriumError

    raise EquilibriumError(
        f"{what} did not converge: max residual {norm:.3e} after {max_iter} Newton iterations "
        f"(tolerance {tol:.0e})"
    )
