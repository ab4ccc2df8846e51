"""Charts that are not maps: national time series, the growth–inequality plane, Lorenz curves,
sensitivity indices and channel attribution. One function per figure; each returns the Figure.
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from model import metrics as model_metrics
from model.parameters import Parameters

from .labels import (
    METRIC_SCALE,
    SERIES,
    SERIES_SCALE,
    channel_name,
    fmt_number,
    label,
    t,
)
from .style import BASELINE_COLOR, CHANNEL_COLORS, SCENARIO_COLORS, new_figure, styled

BASELINE = "baseline"


# ---------------------------------------------------------------------------------- helpers
def scenario_order(keys: Sequence[str]) -> list[str]:
    """Scenario keys in order of appearance, the baseline first."""
    seen = list(dict.fromkeys(str(k) for k in keys))
    return ([BASELINE] if BASELINE in seen else []) + [k for k in seen if k != BASELINE]


def scenario_colors(keys: Sequence[str]) -> dict[str, str]:
    """A stable colour per scenario: the baseline dark grey, the others from a palette."""
    colors: dict[str, str] = {}
    others = 0
    for key in scenario_order(keys):
        if key == BASELINE:
            colors[key] = BASELINE_COLOR
        else:
            colors[key] = SCENARIO_COLORS[others % len(SCENARIO_COLORS)]
            others += 1
    return colors


def _display(key: str, names: Mapping[str, str] | None, lang: str) -> str:
    """A scenario's name in `lang`: from `names`, else "Baseline" translated, else its key."""
    if names and names.get(key):
        return names[key]
    return t("baseline", lang) if key == BASELINE else key


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) if len(text) > width else text


def _names_from_table(table: pd.DataFrame, lang: str) -> dict[str, str]:
    column = "name_th" if lang == "th" else "name_en"
    if "scenario" not in table or column not in table:
        return {}
    return {
        str(k): str(n)
        for k, n in zip(table["scenario"], table[column], strict=True)
        if isinstance(n, str) and n
    }


_PARAMETER_SYMBOLS = {f.name: f.metadata["symbol"] for f in dataclasses.fields(Parameters)}


def parameter_label(name: str) -> str:
    """A parameter's symbol and name (names are code identifiers, the same in both languages)."""
    symbol = _PARAMETER_SYMBOLS.get(name)
    return f"{symbol}  {name}" if symbol and symbol != "—" else name


# ---------------------------------------------------------------------------- time series
def time_series(
    runs: pd.DataFrame,
    *,
    series: Sequence[str] = SERIES,
    scenarios: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
    band: tuple[float, float] = (5.0, 95.0),
    lang: str = "en",
) -> Figure:
    """National series per scenario: the median over replications and a percentile band.

    `runs` is a model table (one run) or runs.parquet (model tables stacked with `scenario` and
    `replication` columns). The band shows how much the random shocks move each outcome.
    """
    runs = runs if "scenario" in runs else runs.assign(scenario=BASELINE)
    runs = runs if "replication" in runs else runs.assign(replication=0)
    keys = scenario_order(scenarios if scenarios is not None else runs["scenario"].tolist())
    colors = scenario_colors(keys)
    n_reps = int(runs.groupby("scenario")["replication"].nunique().max())
    with styled(lang):
        ncols = 3 if len(series) > 4 else min(2, len(series))
        nrows = -(-len(series) // ncols)
        fig = new_figure(3.7 * ncols, 2.9 * nrows + 0.6)
        axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
        for k, column in enumerate(series):
            ax = axes.flat[k]
            scale = SERIES_SCALE.get(column, 1.0)
            for key in keys:
                part = runs[runs["scenario"] == key]
                wide = part.pivot_table(index="year", columns="replication", values=column)
                values = wide.to_numpy() / scale
                years = wide.index.to_numpy()
                centre = np.nanmedian(values, axis=1)
                if values.shape[1] > 1:
                    lo, hi = np.nanpercentile(values, band, axis=1)
                    ax.fill_between(years, lo, hi, color=colors[key], alpha=0.18, lw=0)
                ax.plot(years, centre, color=colors[key], lw=1.6, label=_display(key, names, lang))
            ax.set_title(_wrap(label(column, lang), 40), fontsize="medium")
            ax.grid(alpha=0.3, lw=0.5)
            if k // ncols == nrows - 1 or k + ncols >= len(series):
                ax.set_xlabel(t("year", lang))
                ax.xaxis.set_tick_params(labelbottom=True)
        for ax in axes.flat[len(series) :]:
            ax.set_visible(False)
        handles = [Line2D([], [], color=colors[k], lw=2) for k in keys]
        entries = [_display(k, names, lang) for k in keys]
        if n_reps > 1:
            handles.append(Patch(color="#888888", alpha=0.3, lw=0))
            entries.append(
                t("band", lang, lo=f"{band[0]:g}", hi=f"{band[1]:g}")
                + f"; {t('median_of', lang, n=n_reps)}"
            )
        fig.legend(handles, entries, loc="outside lower center", ncols=min(len(entries), 4))
        fig.suptitle(t("time_series_title", lang))
    return fig


# -------------------------------------------------------------------- growth–inequality plane
def growth_inequality_plane(
    comparison: pd.DataFrame,
    *,
    x: str = "gdp_gain_pv_mthb",
    y: str = "d_gini_2050",
    names: Mapping[str, str] | None = None,
    lang: str = "en",
) -> Figure:
    """Each scenario's gain in GDP against its change in inequality, with 95% intervals.

    The baseline sits at the origin; the frontier joins the scenarios no other scenario beats on
    both axes (`on_frontier`), so a reader sees which budgets buy the best trade-offs.
    """
    names = {**_names_from_table(comparison, lang), **(names or {})}
    keys = scenario_order(comparison["scenario"].tolist())
    colors = scenario_colors(keys)
    sx, sy = METRIC_SCALE.get(x, 1.0), METRIC_SCALE.get(y, 1.0)
    table = comparison.set_index(comparison["scenario"].astype(str))
    with styled(lang):
        fig = new_figure(7.8, 5.6)
        ax = fig.add_subplot()
        ax.axhline(0, color="#999999", lw=0.8, zorder=0)
        ax.axvline(0, color="#999999", lw=0.8, zorder=0)
        frontier = table[table["on_frontier"].astype(bool)] if "on_frontier" in table else None
        if frontier is not None and len(frontier) > 1:
            order = frontier.sort_values(x)
            ax.plot(
                order[x] / sx,
                order[y] / sy,
                ls="--",
                color="#555555",
                lw=1.2,
                zorder=1,
                label=t("frontier", lang),
            )
        points = []
        for key in keys:
            row = table.loc[key]
            px, py = float(row[x]) / sx, float(row[y]) / sy
            if key == BASELINE:
                ax.plot(
                    0,
                    0,
                    marker="*",
                    ms=14,
                    color=BASELINE_COLOR,
                    zorder=4,
                    ls="none",
                    label=t("baseline", lang),
                )
                points.append((0.0, 0.0, t("baseline", lang), BASELINE_COLOR))
                continue
            xerr = _err(row, x, sx)
            yerr = _err(row, y, sy)
            ax.errorbar(
                px,
                py,
                xerr=xerr,
                yerr=yerr,
                fmt="o",
                ms=7,
                color=colors[key],
                ecolor=colors[key],
                elinewidth=1.1,
                capsize=3,
                zorder=3,
            )
            points.append((px, py, _display(key, names, lang), colors[key]))
        _label_points(ax, points)
        ax.set_xlabel(_wrap(label(x, lang), 70))
        ax.set_ylabel(_wrap(label(y, lang), 45))
        ax.set_title(t("plane_title", lang))
        ax.grid(alpha=0.3, lw=0.5)
        _shade_better_quadrant(ax, lang)
        handles, entries = ax.get_legend_handles_labels()
        handles.append(Line2D([], [], color="#555555", marker="|", ms=10, lw=1))
        entries.append(t("interval", lang))
        ax.legend(handles, entries, loc="upper left")
    return fig


def _err(row: pd.Series, metric: str, scale: float) -> np.ndarray | None:
    lo, hi = f"{metric}_lo", f"{metric}_hi"
    if lo not in row or hi not in row or pd.isna(row[lo]) or pd.isna(row[hi]):
        return None
    value = float(row[metric])
    below = max(value - float(row[lo]), 0.0) / scale
    above = max(float(row[hi]) - value, 0.0) / scale
    return np.array([[below], [above]])


def _label_points(ax: Axes, points: list[tuple[float, float, str, str]]) -> None:
    """Name each point, alternating sides by rank so neighbours' labels do not collide."""
    for rank, (px, py, text, color) in enumerate(sorted(points, key=lambda p: (p[1], p[0]))):
        dx, ha = (8, "left") if rank % 2 == 0 else (-8, "right")
        ax.annotate(
            _wrap(text, 28),
            (px, py),
            xytext=(dx, 6),
            textcoords="offset points",
            ha=ha,
            va="bottom",
            fontsize="small",
            color=color,
            zorder=5,
        )


def _shade_better_quadrant(ax: Axes, lang: str) -> None:
    ax.autoscale_view()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    if x1 <= 0 or y0 >= 0:
        return
    ax.fill_between([0, x1], [y0, y0], [0, 0], color="#2ca02c", alpha=0.06, lw=0, zorder=0)
    ax.text(
        0.99,
        0.02,
        t("better_quadrant", lang),
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize="small",
        color="#2a7a2a",
        style="italic",
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


# ------------------------------------------------------------------------------ Lorenz
def lorenz_points(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative population share and cumulative GPP share, provinces ordered poorest first."""
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    pop = np.concatenate([[0.0], np.cumsum(w)]) / w.sum()
    income = np.concatenate([[0.0], np.cumsum(v * w)]) / (v * w).sum()
    return pop, income


def lorenz_curves(
    provinces: pd.DataFrame,
    *,
    years: Sequence[int] | None = None,
    scenario: str | None = None,
    lang: str = "en",
) -> Figure:
    """Population-weighted Lorenz curves of GPP per capita across provinces at chosen years.

    The curve bends further from the diagonal the more of GDP is produced by a small share of
    the population; the legend gives each year's Gini (the same `model.metrics.gini`).
    """
    panel = _one_scenario(provinces, scenario)
    available = sorted(panel["year"].unique().tolist())
    chosen = list(years) if years is not None else default_years(available)
    missing = [y for y in chosen if y not in available]
    if missing:
        raise ValueError(
            f"years {missing} not in the panel; available: {available[0]}–{available[-1]}"
        )
    with styled(lang):
        fig = new_figure(5.6, 5.4)
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], color="#999999", lw=1, ls="--", label=t("equality_line", lang))
        colors = colormaps["viridis"](np.linspace(0.0, 0.78, len(chosen)))
        for year, color in zip(chosen, colors, strict=True):
            rows = panel[panel["year"] == year]
            x = rows["gpp_per_capita_thb"].to_numpy()
            w = rows["population"].to_numpy()
            pop, income = lorenz_points(x, w)
            g = model_metrics.gini(x, w)
            ax.plot(
                pop,
                income,
                lw=1.8,
                color=color,
                marker="o",
                ms=2.2,
                label=t("lorenz_entry", lang, year=year, gini=fmt_number(g, 3)),
            )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.set_xlabel(t("lorenz_x", lang))
        ax.set_ylabel(t("lorenz_y", lang))
        ax.set_title(_wrap(t("lorenz_title", lang), 45))
        ax.grid(alpha=0.3, lw=0.5)
        ax.legend(loc="upper left")
    return fig


def default_years(available: Sequence[int]) -> list[int]:
    """First year, 2035 when inside the run, and the last year."""
    years = [available[0]]
    if available[0] < 2035 < available[-1]:
        years.append(2035)
    if available[-1] != available[0]:
        years.append(available[-1])
    return years


def _one_scenario(provinces: pd.DataFrame, scenario: str | None) -> pd.DataFrame:
    if "scenario" not in provinces:
        return provinces
    keys = scenario_order(provinces["scenario"].tolist())
    key = scenario or keys[0]
    if key not in keys:
        raise ValueError(f"scenario {key!r} not in the panel; allowed: {', '.join(keys)}")
    return provinces[provinces["scenario"] == key]


# -------------------------------------------------------------------------- sensitivity
def sobol_indices(
    sobol: pd.DataFrame,
    *,
    outputs: Sequence[str] | None = None,
    top: int | None = 12,
    lang: str = "en",
) -> Figure:
    """First-order and total Sobol indices per parameter, with 95% intervals, one panel per output.

    Parameters are sorted by total index; ST much larger than S1 means the parameter matters
    through interactions.
    """
    chosen = list(outputs) if outputs is not None else list(dict.fromkeys(sobol["output"]))
    counts = [min(len(sobol[sobol["output"] == o]), top or 10**9) for o in chosen]
    with styled(lang):
        fig = new_figure(4.6 * len(chosen), 1.2 + 0.36 * max(counts))
        axes = fig.subplots(1, len(chosen), squeeze=False)[0]
        for ax, output in zip(axes, chosen, strict=True):
            rows = sobol[sobol["output"] == output].sort_values("ST", ascending=False)
            rows = rows.head(top) if top else rows
            pos = np.arange(len(rows))[::-1]
            ax.barh(
                pos + 0.2,
                rows["S1"],
                height=0.38,
                xerr=rows["S1_conf"],
                color="#4c72b0",
                error_kw={"lw": 0.9, "capsize": 2},
                label=t("S1", lang),
            )
            ax.barh(
                pos - 0.2,
                rows["ST"],
                height=0.38,
                xerr=rows["ST_conf"],
                color="#dd8452",
                error_kw={"lw": 0.9, "capsize": 2},
                label=t("ST", lang),
            )
            ax.set_yticks(pos, [parameter_label(p) for p in rows["parameter"]])
            ax.axvline(0, color="#777777", lw=0.8)
            ax.set_xlabel(t("sobol_x", lang))
            ax.set_title(_wrap(t("output", lang, name=label(output, lang)), 45), fontsize="medium")
            ax.grid(axis="x", alpha=0.3, lw=0.5)
        axes[0].legend(loc="lower right")
        fig.suptitle(t("sobol_title", lang))
    return fig


def morris_screening(
    morris: pd.DataFrame,
    *,
    outputs: Sequence[str] | None = None,
    annotate: int = 8,
    lang: str = "en",
) -> Figure:
    """Morris μ* against σ per parameter, one panel per output.

    Far right means influential; high σ relative to μ* (above the σ/μ* = 1 line) means
    non-linear or interacting. The `annotate` most influential parameters are named.
    """
    chosen = list(outputs) if outputs is not None else list(dict.fromkeys(morris["output"]))
    with styled(lang):
        fig = new_figure(5.2 * len(chosen), 5.0)
        axes = fig.subplots(1, len(chosen), squeeze=False)[0]
        for ax, output in zip(axes, chosen, strict=True):
            rows = morris[morris["output"] == output].sort_values("mu_star", ascending=False)
            ax.errorbar(
                rows["mu_star"],
                rows["sigma"],
                xerr=rows["mu_star_conf"],
                fmt="o",
                ms=5,
                color="#4c72b0",
                ecolor="#9bb0d6",
                elinewidth=0.9,
                capsize=2,
            )
            top = max(float(rows["mu_star"].max()), float(rows["sigma"].max()), 1e-12) * 1.15
            for ratio, style in ((0.1, ":"), (0.5, "-."), (1.0, "--")):
                ax.plot([0, top], [0, ratio * top], ls=style, color="#999999", lw=0.9)
                ax.text(
                    top,
                    ratio * top,
                    t("sigma_ratio", lang, r=f"{ratio:g}"),
                    fontsize="x-small",
                    color="#777777",
                    ha="right",
                    va="bottom",
                )
            for rank, row in enumerate(rows.head(annotate).itertuples(index=False)):
                ax.annotate(
                    parameter_label(row.parameter),
                    (row.mu_star, row.sigma),
                    xytext=(5, 4 if rank % 2 == 0 else -10),
                    textcoords="offset points",
                    fontsize="x-small",
                )
            ax.set_xlim(0, top)
            ax.set_ylim(0, top)
            ax.set_xlabel(t("mu_star", lang))
            ax.set_ylabel(t("sigma", lang))
            ax.set_title(_wrap(t("output", lang, name=label(output, lang)), 45), fontsize="medium")
            ax.grid(alpha=0.3, lw=0.5)
        fig.suptitle(t("morris_title", lang))
    return fig


# -------------------------------------------------------------------------- attribution
def channel_attribution(
    attribution: pd.DataFrame,
    *,
    metrics: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "en",
) -> Figure:
    """Each scenario's effect split over the four channels (Shapley values), stacked.

    Positive parts stack upwards and negative parts downwards, so a channel that works against
    the others stays visible; the diamond is the sum, the scenario's total effect.
    """
    chosen = list(metrics) if metrics is not None else list(dict.fromkeys(attribution["metric"]))
    keys = [k for k in scenario_order(attribution["scenario"].tolist()) if k != BASELINE]
    channels = [c for c in CHANNEL_COLORS if c in set(attribution["channel"])]
    with styled(lang):
        width = max(4.8, 1.0 + 0.9 * len(keys))
        fig = new_figure(width * min(len(chosen), 2), 4.4 * -(-len(chosen) // 2) + 0.5)
        axes = fig.subplots(-(-len(chosen) // 2), min(len(chosen), 2), squeeze=False)
        for ax, metric in zip(axes.flat, chosen, strict=False):
            scale = METRIC_SCALE.get(metric, 1.0)
            part = attribution[attribution["metric"] == metric]
            table = part.pivot_table(index="scenario", columns="channel", values="shapley")
            table = table.reindex(index=keys, columns=channels).fillna(0.0) / scale
            pos = np.arange(len(keys))
            up, down = np.zeros(len(keys)), np.zeros(len(keys))
            for channel in channels:
                v = table[channel].to_numpy()
                base = np.where(v >= 0, up, down)
                ax.bar(
                    pos,
                    v,
                    bottom=base,
                    width=0.6,
                    color=CHANNEL_COLORS[channel],
                    label=channel_name(channel, lang),
                )
                up, down = up + np.clip(v, 0, None), down + np.clip(v, None, 0)
            ax.plot(
                pos,
                table.sum(axis=1).to_numpy(),
                "D",
                color="black",
                ms=5,
                ls="none",
                label=t("total", lang),
            )
            ax.axhline(0, color="#555555", lw=0.8)
            ax.set_xticks(
                pos, [_wrap(_display(k, names, lang), 14) for k in keys], fontsize="small"
            )
            ax.set_ylabel(_wrap(t("attribution_y", lang, metric=label(metric, lang)), 45))
            ax.grid(axis="y", alpha=0.3, lw=0.5)
        for ax in axes.flat[len(chosen) :]:
            ax.set_visible(False)
        handles, entries = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, entries, loc="outside lower center", ncols=len(entries))
        fig.suptitle(t("attribution_title", lang))
    return fig
