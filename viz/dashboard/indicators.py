"""Numbers the views show, computed from a live model's yearly records (no pandas per year).

The national figures use the formulas of the model's `outputs.model_table`, one year at a time; the
map indicators follow the definitions of `viz.maps.province_values` (a test checks they agree);
colours come from matplotlib's colormaps through a 256-entry lookup table, so a map of 77
provinces is coloured in well under a millisecond.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import CenteredNorm, LogNorm, Normalize, to_hex

from model import metrics
from model.economy import YearRecord
from model.geography import Geography

from ..labels import fmt_number
from ..maps import NO_DATA_COLOR, auto_norm

#: Key figures: (key, model-table column, scale to the label's unit, digits).
KEY_FIGURES: tuple[tuple[str, str, float, int], ...] = (
    ("gdp", "gdp_mthb", 1e-6, 2),
    ("gini", "gini_weighted", 1.0, 3),
    ("williamson", "williamson_cv", 1.0, 3),
    ("bv_share", "bv_share_gdp", 100.0, 1),
    ("poverty", "poverty_pct", 1.0, 2),
)


def national_row(record: YearRecord, geography: Geography) -> dict[str, float]:
    """The key national figures of one year, by the formulas of `model.outputs.model_table`.

    Building the model table's one-row DataFrame costs about 1 ms a year and model; these five
    columns cost a tenth of that (a test checks they equal the model table's).
    """
    gpp, pop = record.gpp, record.population
    per_capita = gpp / pop * 1e6
    gdp = float(gpp.sum())
    return {
        "year": int(record.year),
        "gdp_mthb": gdp,
        "gini_weighted": float(metrics.gini(per_capita, pop)),
        "williamson_cv": float(metrics.williamson_cv(per_capita, pop)),
        "bv_share_gdp": float(gpp[geography.bangkok_vicinity].sum() / gdp),
        "poverty_pct": float((record.poverty_headcount * pop).sum() / pop.sum() * 100.0),
    }


def figure_value(row: dict[str, float], column: str, scale: float) -> float:
    return row[column] * scale


# ------------------------------------------------------------------------------ map values
def _stack(records: Sequence[YearRecord], attribute: str) -> np.ndarray:
    return np.stack([getattr(r, attribute) for r in records])


def map_series(records: Sequence[YearRecord], variable: str) -> np.ndarray:
    """A map variable for every year of `records` (years × provinces, model order).

    Same definitions and units as `viz.maps.province_values`: GPP per capita in thousand THB,
    changes since the first year in %, net migration cumulated over the years before each year
    (populations are counted at the start of a year) as % of the first year's population,
    poverty headcount in %.
    """
    gpp, pop = _stack(records, "gpp"), _stack(records, "population")
    if variable == "gpp_per_capita":
        return gpp / pop * 1e3
    if variable == "gpp_per_capita_change":
        per_capita = gpp / pop
        return (per_capita / per_capita[0] - 1.0) * 100.0
    if variable == "population_change":
        return (pop / pop[0] - 1.0) * 100.0
    if variable == "net_migration":
        moved = _stack(records, "arrivals") - _stack(records, "departures")
        before = np.vstack([np.zeros(moved.shape[1]), np.cumsum(moved, axis=0)[:-1]])
        return before / pop[0] * 100.0
    if variable == "poverty":
        return _stack(records, "poverty_headcount") * 100.0
    raise ValueError(f"map variable {variable!r} is unknown")


def difference(scenario: np.ndarray, baseline: np.ndarray, variable: str) -> np.ndarray:
    """Scenario minus baseline: % difference for GPP per capita, points otherwise (as in viz)."""
    if variable == "gpp_per_capita":
        return (scenario / baseline - 1.0) * 100.0
    return scenario - baseline


# ------------------------------------------------------------------------------ colours
@cache
def _lookup(cmap: str) -> tuple[str, ...]:
    colormap = colormaps[cmap].resampled(256)
    return tuple(to_hex(colormap(k)) for k in range(256))


@dataclass(frozen=True)
class ColourScale:
    """A norm and a colormap turned into hex colours and a legend for the browser."""

    norm: Normalize
    cmap: str
    digits: int

    @classmethod
    def for_values(cls, values: np.ndarray, variable: str, *, diff: bool) -> ColourScale:
        """A scale spanning `values` (every year so far, so colours keep their meaning).

        GPP per capita is lognormal across provinces and drawn on a log scale (as the report's
        maps); differences from the baseline are centred on zero.
        """
        finite = values[np.isfinite(values)]
        if not diff and variable == "gpp_per_capita" and finite.size and finite.min() > 0:
            norm: Normalize = LogNorm(float(finite.min()), float(finite.max()))
            return cls(norm, "viridis", 0)
        norm, cmap = auto_norm(finite, diverging=True if diff else None)
        span = float(norm.vmax) - float(norm.vmin)
        return cls(norm, cmap, 0 if span >= 20 else (1 if span >= 2 else 2))

    def scaled(self, values: np.ndarray) -> np.ndarray:
        """`values` mapped to [0, 1] as the norm maps them (NaN where it masks them).

        The three norms this scale makes are written out in NumPy: calling a matplotlib norm
        (masked arrays, transforms) cost about 0.4 ms a call, several times a year and panel. A
        test checks both agree; any other norm goes through matplotlib.
        """
        values = np.asarray(values, dtype=float)
        norm, kind = self.norm, type(self.norm)
        low, high = float(norm.vmin), float(norm.vmax)
        if kind is LogNorm:
            with np.errstate(divide="ignore", invalid="ignore"):
                values = np.log(np.where(values > 0, values, np.nan))  # LogNorm masks v <= 0
            low, high = math.log(low), math.log(high)
        elif kind not in (Normalize, CenteredNorm) or norm.clip:
            return np.ma.filled(norm(np.ma.masked_invalid(values)), np.nan).astype(float)
        if high > low:
            return (values - low) / (high - low)
        return np.where(np.isnan(values), values, 0.0)  # as matplotlib: all at the bottom

    def colours(self, values: np.ndarray) -> list[str]:
        table = _lookup(self.cmap)
        out = []
        for v in self.scaled(values).tolist():
            out.append(
                NO_DATA_COLOR if not math.isfinite(v) else table[int(min(max(v, 0), 1) * 255)]
            )
        return out

    def legend(self) -> dict[str, object]:
        """Gradient stops and ticks (position in % of the bar, label) for the map's legend.

        Cached by scale: most years keep the scale of the year before, and the same dict then
        tells the widget nothing changed.
        """
        kind, low, high = type(self.norm), float(self.norm.vmin), float(self.norm.vmax)
        if kind in _NORMS and not self.norm.clip:
            return _legend(kind, low, high, self.cmap, self.digits)
        return self._legend()

    def _legend(self) -> dict[str, object]:
        table = _lookup(self.cmap)
        stops = [table[round(k * 255 / 10)] for k in range(11)]
        ticks = []
        positions = self.scaled(np.array(self.ticks(), dtype=float)).tolist()
        for value, position in zip(self.ticks(), positions, strict=True):
            if -1e-9 <= position <= 1 + 1e-9:
                ticks.append({"pos": round(100 * position, 2), "label": self.format(value)})
        return {"stops": stops, "ticks": ticks}

    def ticks(self) -> list[float]:
        low, high = float(self.norm.vmin), float(self.norm.vmax)
        if isinstance(self.norm, LogNorm):
            found = [
                m * 10.0**k
                for k in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
                for m in (1, 2, 5)
                if low <= m * 10.0**k <= high
            ]
            return found if len(found) >= 2 else [low, high]
        if high <= low:
            return [low]
        return nice_ticks(low, high, 5)

    def format(self, value: float) -> str:
        return fmt_number(value, self.digits)


_NORMS = (LogNorm, Normalize, CenteredNorm)


@lru_cache(maxsize=256)
def _legend(kind: type, low: float, high: float, cmap: str, digits: int) -> dict[str, object]:
    """The legend of a scale given by value (a norm object is hashable only by identity)."""
    if kind is CenteredNorm:
        norm: Normalize = CenteredNorm(vcenter=(low + high) / 2, halfrange=(high - low) / 2)
    else:
        norm = kind(low, high)
    return ColourScale(norm, cmap, digits)._legend()


def nice_step(low: float, high: float, count: int = 5) -> float:
    """A round step (1, 2, 2.5, 5 × 10^k) giving about `count` ticks over [low, high]."""
    raw = (high - low) / max(count - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (multiples of `nice_step`) inside [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low]
    step = nice_step(low, high, count)
    ticks = []
    value = math.ceil(low / step - 1e-9) * step
    while value <= high + 1e-9 * step:
        ticks.append(0.0 if abs(value) < step * 1e-9 else value)
        value += step
    return ticks
