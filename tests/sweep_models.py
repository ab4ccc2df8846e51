"""Small Python models for the sweep tests (importable as `sweep_models:<name>`)."""

from __future__ import annotations

from collections.abc import Mapping


def fragile(values: Mapping[str, float], seed: int) -> dict[str, float]:
    """y = x, but a run with x > 0.7 raises: the sweep must record it and go on."""
    if values["x"] > 0.7:
        raise ValueError(f"x = {values['x']:.3f} is too high for this model")
    return {"y": values["x"], "seed_mod": float(seed % 1000)}


def box(values: Mapping[str, float], seed: int) -> dict[str, float]:
    """1 inside the box 0.2 ≤ x1 ≤ 0.6, x2 ≥ 0.5 (x3 plays no part), else 0: PRIM's target."""
    inside = 0.2 <= values["x1"] <= 0.6 and values["x2"] >= 0.5
    return {"y": 1.0 if inside else 0.0}
