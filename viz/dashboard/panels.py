"""What a simulated year redraws, as plain data: no Solara here, so it is testable.

Key figures, maps, charts and the selected province are plain dicts and lists (texts already
in the page's language, numbers already formatted) for the page's template (`live.vue`), which
keeps its elements and updates only what changed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.model import CHANNELS, DecentraModel

from ..labels import channel_name, fmt_number, t
from ..maps import _top_flows, map_title
from ..style import BASELINE_COLOR, CHANNEL_COLORS, SCENARIO_COLORS
from .charts import Line, chart_data
from .geometry import map_geometry
from .indicators import KEY_FIGURES, ColourScale, difference, map_series
from .session import Snapshot
from .texts import region_label, scenario_label

PANEL_KEYS = ("a", "b")
TOP_FLOWS = 20
#: National charts: (label key, model-table column, scale to the label's unit).
SERIES: tuple[tuple[str, str, float], ...] = (
    ("series_gdp", "gdp_mthb", 1e-6),
    ("series_gini", "gini_weighted", 1.0),
    ("series_williamson", "williamson_cv", 1.0),
    ("series_bv_share", "bv_share_gdp", 100.0),
    ("series_poverty", "poverty_pct", 1.0),
)


@dataclass(frozen=True)
class ViewOptions:
    """What the maps show; changing it redraws but does not restart the run."""

    variable: str = "gpp_per_capita"
    diff: bool = False
    network: str = ""  # a channel, or "" for none


def panel_keys(snap: Snapshot) -> list[str]:
    return [k for k in PANEL_KEYS if k in snap.tracks]


def colour(key: str) -> str:
    return BASELINE_COLOR if key == "baseline" else SCENARIO_COLORS[PANEL_KEYS.index(key)]


def own_baseline(snap: Snapshot, key: str) -> bool:
    """Whether the panel shows the baseline itself (no policies: nothing to compare)."""
    return snap.model(key) is snap.model("baseline")


def panel_name(snap: Snapshot, key: str, lang: str) -> str:
    scenario = snap.scenario(key)
    return t("baseline", lang) if own_baseline(snap, key) else scenario_label(scenario, "", lang)


def header_data(snap: Snapshot, key: str, lang: str) -> dict[str, Any]:
    """The panel's name and key figures: value now, change since 2019, gap to the baseline."""
    rows, base = snap.rows(key), snap.rows("baseline")
    now, first, base_now = rows[-1], rows[0], base[-1]
    cards = []
    for name, column, scale, digits in KEY_FIGURES:
        since = fmt_number((now[column] - first[column]) * scale, digits, signed=True)
        notes = [t("kf_since", lang, diff=since)]
        if not own_baseline(snap, key):
            gap = fmt_number((now[column] - base_now[column]) * scale, digits + 1, signed=True)
            notes.append(t("kf_vs_baseline", lang, diff=gap))
        cards.append(
            {
                "name": name,
                "label": t(f"kf_{name}", lang),
                "value": fmt_number(now[column] * scale, digits),
                "data": f"{now[column] * scale:.6g}",
                "notes": notes,
            }
        )
    return {"name": panel_name(snap, key, lang), "colour": colour(key), "cards": cards}


def lines_data(snap: Snapshot, key: str, lang: str) -> list[dict[str, Any]]:
    """The five national charts: the baseline (dashed) beside the panel's scenario."""
    charts = []
    base_rows, rows = snap.rows("baseline"), snap.rows(key)
    for label_key, column, factor in SERIES:
        lines = [
            Line(t("baseline", lang), BASELINE_COLOR, [r[column] * factor for r in base_rows], True)
        ]
        if not own_baseline(snap, key):
            lines.append(
                Line(panel_name(snap, key, lang), colour(key), [r[column] * factor for r in rows])
            )
        charts.append(chart_data(t(label_key, lang), snap.first_year, snap.last_year, lines))
    return charts


# ------------------------------------------------------------------------------ maps
def map_scale(snap: Snapshot, options: ViewOptions) -> tuple[dict[str, np.ndarray], ColourScale]:
    """Each panel's map values (years × provinces) and one colour scale for all of them.

    The scale spans every year so far and both panels, so a colour means the same number in
    both maps and from one year to the next.
    """
    keys = panel_keys(snap)
    diff = options.diff and not all(own_baseline(snap, k) for k in keys)
    base = map_series(snap.records("baseline"), options.variable)
    series = {}
    for key in keys:
        values = map_series(snap.records(key), options.variable)
        series[key] = difference(values, base, options.variable) if diff else values
    pooled = np.concatenate([s.ravel() for s in series.values()])
    return series, ColourScale.for_values(pooled, options.variable, diff=diff)


def map_props(
    snap: Snapshot,
    key: str,
    values: np.ndarray,
    scale: ColourScale,
    options: ViewOptions,
    selected: int,
    lang: str,
) -> dict[str, Any]:
    """What one panel's map shows this year (the geometry and names travel once, apart)."""
    geometry = map_geometry()
    geo = snap.model(key).geography
    diff = options.diff and not all(own_baseline(snap, k) for k in panel_keys(snap))
    arrows: list[dict[str, Any]] = []
    note = ""
    if options.network:
        # Flows within Bangkok and Vicinity are the largest but too short to see at this
        # scale; they are left out (the note says so) so the arrows show the country's links.
        flows = snap.model(key).channel_matrix(options.network).copy()
        inner = geo.bangkok_vicinity
        flows[np.ix_(inner, inner)] = 0.0
        src, dst, size, _ = _top_flows(flows, TOP_FLOWS)
        arrows = [
            {"d": geometry.arrow(int(i), int(j)), "w": round(1.0 + 5.0 * v / size[0], 2)}
            for i, j, v in zip(src, dst, size, strict=True)
        ]
        note = t("network_note", lang, channel=channel_name(options.network, lang), n=len(arrows))
    return {
        "year": snap.year,
        "title": map_title(options.variable, snap.year, snap.first_year, lang, diff=diff),
        "fills": scale.colours(values),
        "values": [scale.format(v) if math.isfinite(v) else t("no_data", lang) for v in values],
        "selected": selected,
        "partners": partner_indices(snap.model(key), selected) if selected >= 0 else [],
        "arrows": arrows,
        "arrow_colour": CHANNEL_COLORS.get(options.network, "#333333"),
        "legend": scale.legend(),
        "note": note,
    }


# ------------------------------------------------------------------------------ provinces
def partners(model: DecentraModel, index: int, channel: str, k: int = 3) -> list[tuple[int, float]]:
    """The k largest partners of a province on a channel (in plus out), via the agent's API."""
    position = {name: i for i, name in enumerate(model.geography.name_en)}
    return [
        (position[name], flow)
        for name, flow in model.provinces[index].partners(channel, k)
        if flow > 0
    ]


def partner_indices(model: DecentraModel, index: int) -> list[int]:
    """Provinces outlined on the map: the main trade partners of the selected one."""
    return [i for i, _ in partners(model, index, "trade", 5)]


def province_data(snap: Snapshot, index: int, lang: str) -> dict[str, Any]:
    """The selected province: its lines beside the baseline and its partners on each channel."""
    keys = ["baseline", *(k for k in panel_keys(snap) if not own_baseline(snap, k))]
    geo = snap.model("a").geography
    names = geo.name_th if lang == "th" else geo.name_en
    charts = []
    for label_key, attribute, factor in (
        ("province_gpp_pc", "gpp_per_capita", 1.0),
        ("province_population", "population", 1e-3),
        ("province_poverty", "poverty_headcount", 100.0),
    ):
        lines = []
        for key in keys:
            records = snap.records(key)
            if attribute == "gpp_per_capita":
                ys = [r.gpp[index] / r.population[index] * 1e3 for r in records]
            else:
                ys = [float(getattr(r, attribute)[index]) * factor for r in records]
            label = t("baseline", lang) if key == "baseline" else panel_name(snap, key, lang)
            lines.append(Line(label, colour(key), ys, dashed=key == "baseline"))
        charts.append(chart_data(t(label_key, lang), snap.first_year, snap.last_year, lines))
    model = snap.model(keys[-1])
    rows = []
    for channel in CHANNELS:
        digits = 3 if channel == "knowledge" else 0
        found = partners(model, index, channel)
        text = ", ".join(f"{names[j]} ({fmt_number(f, digits)})" for j, f in found)
        rows.append(
            {
                "channel": channel_name(channel, lang),
                "colour": CHANNEL_COLORS[channel],
                "text": text or t("partners_none", lang),
                "unit": t(f"unit_{channel}", lang),
            }
        )
    return {
        "name": names[index],
        "region": region_label(geo.region_names[geo.region[index]], lang),
        "charts": charts,
        "partners_title": t("partners", lang, year=snap.year),
        "partners": rows,
    }
