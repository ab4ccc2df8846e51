"""Maps of Thailand from the bundled province boundaries, drawn with plain matplotlib.

The GeoJSON is parsed once into one compound `Path` per province (multipolygons and holes in
one path), cached for the process. A `ThailandMap` owns one `PathCollection`; `update(values)`
only re-colours it (a new array, norm and colourbar), which is what the dashboard needs to
redraw a map live without rebuilding 77 polygons.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path as FilePath

import matplotlib.patheffects as path_effects
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colorbar import Colorbar
from matplotlib.colors import CenteredNorm, Colormap, LogNorm, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.path import Path
from matplotlib.ticker import FuncFormatter, NullFormatter

from model.geography import DATA_DIR, Geography, load_thailand
from model.model import CHANNELS, DecentraModel

from .labels import channel_name, check_lang, fmt_number, fmt_percent, t
from .style import CHANNEL_COLORS, new_figure, styled

BOUNDARIES = DATA_DIR / "provinces.geojson"
MAP_VARIABLES = (
    "gpp_per_capita",
    "gpp_per_capita_change",
    "population_change",
    "net_migration",
    "poverty",
)
NO_DATA_COLOR = "#d9d9d9"
_HALO = [path_effects.withStroke(linewidth=2.5, foreground="white")]


# ------------------------------------------------------------------------------ geometry
@cache
def province_paths(path: FilePath | str = BOUNDARIES) -> tuple[np.ndarray, tuple[Path, ...]]:
    """(codes, paths): one compound Path per province in lon/lat degrees, parsed once."""
    with open(path, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    codes, paths = [], []
    for feature in features:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        elif geometry["type"] != "MultiPolygon":
            raise ValueError(f"{path}: geometry {geometry['type']!r}; expected (Multi)Polygon")
        rings = [
            Path(np.asarray(ring, dtype=float)[:, :2], closed=True) for p in polygons for ring in p
        ]
        codes.append(int(feature["properties"]["code"]))
        paths.append(Path.make_compound_path(*rings))
    return np.array(codes, dtype=np.int64), tuple(paths)


@cache
def _extent() -> tuple[float, float, float, float]:
    _, paths = province_paths()
    vertices = np.concatenate([p.vertices for p in paths])
    (x0, y0), (x1, y1) = vertices.min(axis=0), vertices.max(axis=0)
    return float(x0), float(x1), float(y0), float(y1)


def _aligned(values: pd.Series | Mapping[int, float] | Sequence[float] | np.ndarray) -> np.ndarray:
    """Values in the boundaries' province order (NaN where a province has no value).

    A Series or mapping is matched by province code; a plain sequence must already be in the
    order of `load_thailand().codes` (the model's order).
    """
    codes, _ = province_paths()
    if isinstance(values, pd.Series | Mapping):
        lookup = dict(values.items())
        return np.array([float(lookup.get(int(c), np.nan)) for c in codes])
    array = np.asarray(values, dtype=float)
    model_codes = load_thailand().codes
    if array.shape != model_codes.shape:
        raise ValueError(
            f"expected {len(model_codes)} values in the model's province order, got {array.shape}; "
            "pass a Series indexed by province code instead"
        )
    by_code = dict(zip(model_codes.tolist(), array.tolist(), strict=True))
    return np.array([by_code.get(int(c), np.nan) for c in codes])


def auto_norm(values: np.ndarray, diverging: bool | None = None) -> tuple[Normalize, str]:
    """A norm and colormap: diverging and centred on zero when values have both signs.

    A change that is positive everywhere (e.g. growth) reads better on a sequential scale;
    `diverging=True` forces the centred scale (scenario-minus-baseline differences).
    """
    finite = values[np.isfinite(values)]
    mixed = finite.size > 0 and finite.min() < 0 < finite.max()
    if diverging or (diverging is None and mixed):
        half = float(np.abs(finite).max()) if finite.size else 0.0
        return CenteredNorm(vcenter=0.0, halfrange=half if half > 0 else 1.0), "RdBu"
    if finite.size == 0:
        return Normalize(0.0, 1.0), "viridis"
    return Normalize(float(finite.min()), float(finite.max())), "viridis"


# ------------------------------------------------------------------------------ labels
def _label(
    ax: Axes,
    text: str,
    xy: tuple[float, float],
    offset: tuple[float, float],
    right: bool,
    fontsize: str | float,
    leader: bool = False,
):
    arrow = {"arrowstyle": "-", "lw": 0.5, "color": "#555555", "shrinkA": 0, "shrinkB": 2}
    return ax.annotate(
        text,
        xy,
        xytext=offset,
        textcoords="offset points",
        ha="left" if right else "right",
        va="center",
        fontsize=fontsize,
        zorder=4,
        path_effects=_HALO,
        arrowprops=arrow if leader else None,
    )


def place_labels(
    ax: Axes,
    items: Sequence[tuple[float, float, str]],
    *,
    fontsize: str | float = "small",
    gap: float = 5.0,
) -> list:
    """Name points on a map without labels overlapping each other or leaving the axes.

    Each label goes beside its point (east of the country's centre line to the right, west to
    the left); if that box is taken, it steps up or down one line at a time (then drawn with a
    leader line), and then tries the other side. Text sizes come from the Agg renderer, so this
    works before the first draw on a figure whose axes are fixed.
    """
    fig = ax.get_figure()
    renderer = fig.canvas.get_renderer()  # type: ignore[union-attr]
    ax.autoscale_view()
    ax.apply_aspect()
    frame = ax.get_window_extent(renderer)
    placed: list = []
    artists: list = []
    for x, y, text in sorted(items, key=lambda item: -item[1]):
        prefer_right = x >= 100.6
        trial = _label(ax, text, (x, y), (0.0, 0.0), prefer_right, fontsize)
        line = trial.get_window_extent(renderer).height * 72.0 / fig.dpi + 1.0
        choice = None
        for right in (prefer_right, not prefer_right):
            trial.set_horizontalalignment("left" if right else "right")
            for step in (0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5):
                trial.xyann = (gap if right else -gap, step * line)
                box = trial.get_window_extent(renderer)
                inside = frame.x0 <= box.x0 and box.x1 <= frame.x1
                inside = inside and frame.y0 <= box.y0 and box.y1 <= frame.y1
                if inside and not any(box.overlaps(other) for other in placed):
                    choice = (right, step, box)
                    break
            if choice:
                break
        trial.remove()
        right, step, box = choice or (prefer_right, 0, None)
        offset = (gap if right else -gap, step * line)
        note = _label(ax, text, (x, y), offset, right, fontsize, leader=step != 0)
        placed.append(box if box is not None else note.get_window_extent(renderer))
        artists.append(note)
    return artists


# ------------------------------------------------------------------------------ the map
_TITLE_LINE_IN = 0.24  # height of one title line, inches


class ThailandMap:
    """A choropleth of the 77 provinces that can be re-coloured cheaply with `update`.

    Args:
        ax: draw into this axes (default: a new figure of its own, with fixed axes).
        lang: "en" or "th", for the title, annotations and colourbar.
        colorbar: draw a colourbar (inset east of the Gulf of Thailand, where the map is empty).
        title: title above the map (wrapped; the map shrinks to make room).
    """

    def __init__(
        self,
        ax: Axes | None = None,
        *,
        lang: str = "en",
        colorbar: bool = True,
        title: str | None = None,
        edgecolor: str = "white",
        facecolor: str | None = None,
        figsize: tuple[float, float] = (5.6, 7.4),
        extent: tuple[float, float, float, float] | None = None,
    ) -> None:
        self.lang = check_lang(lang)
        _, paths = province_paths()
        self._own_axes = ax is None
        with styled(lang):
            if ax is None:
                ax = new_figure(*figsize, constrained=False).add_axes((0.01, 0.01, 0.98, 0.9))
            self.ax = ax
            self.figure: Figure = ax.get_figure()  # type: ignore[assignment]
            self.collection = PathCollection(
                list(paths), edgecolors=edgecolor, linewidths=0.35, zorder=1
            )
            if facecolor is not None:
                self.collection.set_facecolor(facecolor)
            ax.add_collection(self.collection)
            # Equirectangular at Thailand's middle latitude. The whole country autoscales to
            # its data and widens the view into any spare room (for labels); a zoom is fixed.
            aspect = 1.0 / np.cos(np.radians(sum(_extent()[2:]) / 2))
            if extent is None:
                ax.margins(0.01)
                ax.set_aspect(aspect, adjustable="datalim")
            else:
                ax.set_xlim(extent[0], extent[1])
                ax.set_ylim(extent[2], extent[3])
                ax.set_aspect(aspect, adjustable="box")
            ax.set_axis_off()
            self.colorbar: Colorbar | None = None
            if colorbar:
                self.collection.set_array(np.zeros(len(paths)))
                cax = ax.inset_axes((0.84, 0.05, 0.03, 0.36))
                self.colorbar = self.figure.colorbar(self.collection, cax=cax)
                self.colorbar.ax.tick_params(labelsize="small")
        self._notes: list = []
        if title is not None:
            self.set_title(title)

    def set_title(self, title: str, width: int = 46) -> None:
        """Title above the map; on a figure of its own the map shrinks to leave it room."""
        text = _wrap_title(title, width)
        if self._own_axes:
            height = self.figure.get_figheight()
            top = 1.0 - (0.15 + _TITLE_LINE_IN * (text.count("\n") + 1)) / height
            self.ax.set_position((0.01, 0.01, 0.98, top - 0.01))
        with styled(self.lang):
            self.ax.set_title(text)

    def update(
        self,
        values: pd.Series | Mapping[int, float] | Sequence[float] | np.ndarray,
        *,
        norm: Normalize | None = None,
        cmap: str | Colormap | None = None,
        diverging: bool | None = None,
        title: str | None = None,
        annotate: int = 0,
        names: Mapping[int, str] | None = None,
        digits: int = 1,
    ) -> ThailandMap:
        """Re-colour the provinces with `values` (by code); the polygons are not rebuilt.

        `annotate` names the provinces with the n highest and n lowest values (names by code
        from `names`, default the bundled data in the map's language).
        """
        data = _aligned(values)
        auto, default_cmap = auto_norm(data, diverging)
        colormap = colormaps[cmap] if isinstance(cmap, str) else cmap
        colormap = (colormap or colormaps[default_cmap]).with_extremes(bad=NO_DATA_COLOR)
        norm = norm or auto
        self.collection.set_cmap(colormap)
        self.collection.set_norm(norm)
        self.collection.set_array(np.ma.masked_invalid(data))
        if self.colorbar is not None:
            self.colorbar.update_normal(self.collection)
            _format_colorbar(self.colorbar, norm)
        if title is not None:
            self.set_title(title)
        for note in self._notes:
            note.remove()
        self._notes = []
        if annotate:
            with styled(self.lang):
                self._annotate(data, annotate, names, digits)
        return self

    def _annotate(
        self, data: np.ndarray, n: int, names: Mapping[int, str] | None, digits: int
    ) -> None:
        codes, _ = province_paths()
        geo = load_thailand()
        position = {int(c): (geo.lon[i], geo.lat[i]) for i, c in enumerate(geo.codes)}
        if names is None:
            column = geo.name_th if self.lang == "th" else geo.name_en
            names = {int(c): column[i] for i, c in enumerate(geo.codes)}
        finite = np.flatnonzero(np.isfinite(data))
        order = finite[np.argsort(data[finite], kind="stable")]
        n = min(n, len(order) // 2)
        picks = [*order[:n], *order[::-1][:n]]
        items = []
        for i in picks:
            code = int(codes[i])
            if code in position:
                x, y = position[code]
                self._notes.extend(self.ax.plot(x, y, "o", ms=3, color="black", zorder=3))
                items.append((x, y, f"{names.get(code, code)} {fmt_number(data[i], digits)}"))
        self._notes.extend(place_labels(self.ax, items))


def _format_colorbar(colorbar: Colorbar, norm: Normalize) -> None:
    """Plain numbers on the colourbar (a log scale would otherwise show 10^k in mathtext)."""
    axis = colorbar.ax.yaxis
    if isinstance(norm, LogNorm):
        low, high = float(norm.vmin), float(norm.vmax)
        ticks = [
            m * 10.0**k
            for k in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
            for m in (1, 2, 5)
            if low <= m * 10.0**k <= high
        ]
        colorbar.set_ticks(ticks)
        axis.set_minor_formatter(NullFormatter())
    digits = 0 if float(norm.vmax) - float(norm.vmin) >= 20 else 1
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt_number(v, digits)))


def choropleth(
    values: pd.Series | Mapping[int, float] | Sequence[float] | np.ndarray,
    *,
    title: str = "",
    diverging: bool | None = None,
    norm: Normalize | None = None,
    cmap: str | None = None,
    annotate: int = 3,
    lang: str = "en",
) -> Figure:
    """A one-off choropleth Figure of province values (Series indexed by province code)."""
    themap = ThailandMap(lang=lang, title=title)
    themap.update(values, norm=norm, cmap=cmap, diverging=diverging, annotate=annotate)
    return themap.figure


def _wrap_title(text: str, width: int = 44) -> str:
    return "\n".join(textwrap.wrap(text, width))


# ------------------------------------------------------------------- province variables
def _panel(provinces: pd.DataFrame, scenario: str | None) -> pd.DataFrame:
    if "scenario" not in provinces:
        return provinces
    keys = list(dict.fromkeys(provinces["scenario"].astype(str)))
    key = scenario or ("baseline" if "baseline" in keys else keys[0])
    if key not in keys:
        raise ValueError(f"scenario {key!r} not in the panel; allowed: {', '.join(keys)}")
    return provinces[provinces["scenario"] == key]


def _years(panel: pd.DataFrame, year: int | None, base_year: int | None) -> tuple[int, int]:
    available = sorted(int(y) for y in panel["year"].unique())
    year = available[-1] if year is None else int(year)
    base = available[0] if base_year is None else int(base_year)
    for y in (year, base):
        if y not in available:
            raise ValueError(
                f"year {y} not in the panel; available: {available[0]}–{available[-1]}"
            )
    return year, base


def province_values(
    provinces: pd.DataFrame,
    variable: str,
    *,
    year: int | None = None,
    base_year: int | None = None,
    scenario: str | None = None,
) -> pd.Series:
    """One map variable by province code, in the unit of its label (see `MAP_VARIABLES`).

    Net migration is cumulated over the years base_year … year−1 (populations are counted at
    the start of a year), so it adds up with the population change.
    """
    if variable not in MAP_VARIABLES:
        raise ValueError(f"map variable {variable!r}; allowed: {', '.join(MAP_VARIABLES)}")
    panel = _panel(provinces, scenario)
    year, base = _years(panel, year, base_year)
    by_year = {y: rows.set_index("code") for y, rows in panel.groupby("year")}
    now, then = by_year[year], by_year[base]
    if variable == "gpp_per_capita":
        out = now["gpp_per_capita_thb"] / 1e3
    elif variable == "gpp_per_capita_change":
        out = (now["gpp_per_capita_thb"] / then["gpp_per_capita_thb"] - 1.0) * 100.0
    elif variable == "population_change":
        out = (now["population"] / then["population"] - 1.0) * 100.0
    elif variable == "net_migration":
        window = panel[(panel["year"] >= base) & (panel["year"] < year)]
        moved = window.groupby("code")["net_migration"].sum().reindex(then.index, fill_value=0.0)
        out = moved / then["population"] * 100.0
    else:
        out = now["poverty_headcount"] * 100.0
    return out.rename(variable)


def map_title(variable: str, year: int, base_year: int, lang: str, *, diff: bool = False) -> str:
    return t(f"{'diff' if diff else 'map'}_{variable}", lang, year=year, base_year=base_year)


def province_map(
    provinces: pd.DataFrame,
    variable: str,
    *,
    year: int | None = None,
    base_year: int | None = None,
    scenario: str | None = None,
    annotate: int = 3,
    lang: str = "en",
) -> Figure:
    """A map of one province variable (GPP per capita, its change, population change, net
    migration, poverty) in one year, naming the highest and lowest provinces."""
    panel = _panel(provinces, scenario)
    year, base = _years(panel, year, base_year)
    values = province_values(panel, variable, year=year, base_year=base)
    norm = None
    if variable == "gpp_per_capita":  # lognormal across provinces: a log scale shows the spread
        finite = values[np.isfinite(values) & (values > 0)]
        norm = LogNorm(float(finite.min()), float(finite.max())) if len(finite) else None
    themap = ThailandMap(lang=lang, title=map_title(variable, year, base, lang))
    digits = 0 if variable == "gpp_per_capita" else 1
    themap.update(values, norm=norm, annotate=annotate, digits=digits, names=_names(panel, lang))
    return themap.figure


def difference_values(
    provinces: pd.DataFrame,
    variable: str,
    scenario: str,
    *,
    baseline: str = "baseline",
    year: int | None = None,
    base_year: int | None = None,
) -> pd.Series:
    """Scenario minus baseline by province: % difference for GPP per capita, points otherwise."""
    panel = _panel(provinces, baseline)
    year, base = _years(panel, year, base_year)
    kw = {"year": year, "base_year": base}
    s = province_values(provinces, variable, scenario=scenario, **kw)
    b = province_values(provinces, variable, scenario=baseline, **kw)
    if variable == "gpp_per_capita":
        return ((s / b - 1.0) * 100.0).rename(variable)
    return (s - b).rename(variable)


def difference_map(
    provinces: pd.DataFrame,
    scenario: str,
    *,
    variable: str = "gpp_per_capita",
    baseline: str = "baseline",
    year: int | None = None,
    base_year: int | None = None,
    scenario_name: str | None = None,
    annotate: int = 3,
    lang: str = "en",
) -> Figure:
    """Scenario minus baseline on a diverging scale centred on zero (red loses, blue gains)."""
    panel = _panel(provinces, baseline)
    year, base = _years(panel, year, base_year)
    values = difference_values(
        provinces, variable, scenario, baseline=baseline, year=year, base_year=base
    )
    title = t("diff_title", lang, scenario=scenario_name or scenario)
    themap = ThailandMap(
        lang=lang, title=f"{title}: {map_title(variable, year, base, lang, diff=True)}"
    )
    themap.update(values, diverging=True, annotate=annotate, digits=2, names=_names(panel, lang))
    return themap.figure


def _names(panel: pd.DataFrame, lang: str) -> dict[int, str] | None:
    column = "name_th" if lang == "th" else "name_en"
    if column not in panel:
        return None
    rows = panel.drop_duplicates("code")
    return dict(zip(rows["code"].astype(int), rows[column].astype(str), strict=True))


# ------------------------------------------------------------------------- channel networks
#: Bangkok and Vicinity with the Eastern Seaboard (lon, lon, lat, lat): most large flows are here.
ZOOM_BANGKOK = (99.55, 101.75, 12.55, 14.55)


def _fmt_flow(value: float, channel: str) -> str:
    if channel == "knowledge":
        return f"{value:#.2g}".replace("-", "−")
    return fmt_number(value, 0)


def channel_networks(
    source: DecentraModel | Mapping[str, np.ndarray],
    *,
    channels: Sequence[str] = CHANNELS,
    top: int = 15,
    geography: Geography | None = None,
    year: int | None = None,
    lang: str = "en",
) -> Figure:
    """The channel networks on the map: the `top` largest flows between provinces per channel.

    Arrow width is proportional to the flow (units in `model.model.CHANNEL_UNITS`); arrows bend
    so that i → j and j → i stay apart, and an inset magnifies Bangkok and its neighbours,
    where most large flows run. The subtitle says what share of all flows the arrows carry.
    """
    if isinstance(source, DecentraModel):
        matrices = {c: source.channel_matrix(c) for c in channels}
        geography = source.geography
        year = source.year if year is None else year
    else:
        matrices = {c: np.asarray(source[c], dtype=float) for c in channels}
    geo = geography or load_thailand()
    names = geo.name_th if lang == "th" else geo.name_en
    ncols = 2 if len(channels) > 1 else 1
    nrows = -(-len(channels) // ncols)
    head = 0.55 if year is not None else 0.0  # inches for the figure title
    panel_w, panel_h = 7.4, 7.4
    with styled(lang):
        fig = new_figure(panel_w * ncols, panel_h * nrows + head, constrained=False)
        width, height = fig.get_figwidth(), fig.get_figheight()
        for k, channel in enumerate(channels):
            row, col = divmod(k, ncols)
            left = col * panel_w / width
            bottom = (panel_h * (nrows - 1 - row) + 0.1) / height
            upper = (panel_h * (nrows - row) - 0.75) / height
            # The whole country on the left; Bangkok and its neighbours magnified on the right,
            # below the legend: most of the largest flows run there.
            ax = fig.add_axes((left + 0.005, bottom, 0.6 * panel_w / width, upper - bottom))
            zoom = fig.add_axes(
                (
                    left + 0.61 * panel_w / width,
                    bottom + 0.02,
                    0.37 * panel_w / width,
                    0.5 * (upper - bottom),
                )
            )
            ThailandMap(ax, lang=lang, colorbar=False, facecolor="#ececec")
            ThailandMap(zoom, lang=lang, colorbar=False, facecolor="#ececec", extent=ZOOM_BANGKOK)
            title = _draw_network(ax, zoom, matrices[channel], channel, geo, names, top, lang)
            fig.text(
                left + 0.5 * panel_w / width,
                upper + 0.1 / height,
                title,
                ha="center",
                va="bottom",
                fontsize="large",
                fontweight="bold",
            )
        if year is not None:
            fig.suptitle(t("networks_title", lang, year=year), y=1 - 0.1 / height, va="top")
    return fig


def _top_flows(flows: np.ndarray, top: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(sources, destinations, values, total) of the `top` largest flows between provinces."""
    flows = np.array(flows, dtype=float)
    np.fill_diagonal(flows, 0.0)
    flows[~np.isfinite(flows)] = 0.0
    total = float(flows[flows > 0].sum())
    flat = np.argsort(flows, axis=None)[::-1][:top]
    src, dst = np.unravel_index(flat, flows.shape)
    keep = flows[src, dst] > 0
    return src[keep], dst[keep], flows[src, dst][keep], total


def _draw_network(
    ax: Axes,
    zoom: Axes,
    flows: np.ndarray,
    channel: str,
    geo: Geography,
    names: Sequence[str],
    top: int,
    lang: str,
) -> str:
    """Draw the largest flows on the map and the zoom; return the panel's title."""
    src, dst, values, total = _top_flows(flows, top)
    color = CHANNEL_COLORS.get(channel, "#333333")
    title = channel_name(channel, lang)
    x0, x1, y0, y1 = ZOOM_BANGKOK
    zoom.set_axis_on()
    zoom.set_xticks([])
    zoom.set_yticks([])
    for spine in zoom.spines.values():
        spine.set_visible(True)
        spine.set_color("#888888")
    ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec="#888888", lw=0.8, zorder=3))
    if len(src) == 0:
        return f"{title}\n{t('no_data', lang)}"
    biggest = float(values[0])

    def width(value: float) -> float:
        return 0.5 + 5.0 * value / biggest

    for target, scale in ((ax, 1.0), (zoom, 1.3)):
        for i, j, v in zip(src[::-1], dst[::-1], values[::-1], strict=True):  # big on top
            target.add_patch(
                FancyArrowPatch(
                    (geo.lon[i], geo.lat[i]),
                    (geo.lon[j], geo.lat[j]),
                    connectionstyle="arc3,rad=0.2",
                    arrowstyle="-|>",
                    mutation_scale=(6 + 1.5 * width(v)) * scale,
                    lw=width(v) * scale,
                    color=color,
                    alpha=0.75,
                    shrinkA=2,
                    shrinkB=3,
                    zorder=2,
                )
            )
    nodes = np.unique(np.concatenate([src, dst]))
    ax.plot(geo.lon[nodes], geo.lat[nodes], "o", ms=3, color="black", zorder=3)
    inside = (geo.lon >= x0) & (geo.lon <= x1) & (geo.lat >= y0) & (geo.lat <= y1)
    zoom.plot(geo.lon[inside], geo.lat[inside], "o", ms=3, color="black", zorder=3)
    throughput = np.zeros(geo.n)
    np.add.at(throughput, src, values)
    np.add.at(throughput, dst, values)
    ranked = [i for i in np.argsort(throughput)[::-1] if throughput[i] > 0]
    outside = [i for i in ranked if not inside[i]][:5]
    place_labels(ax, [(geo.lon[i], geo.lat[i], names[i]) for i in outside])
    within = [i for i in ranked if inside[i]][:7]
    place_labels(zoom, [(geo.lon[i], geo.lat[i], names[i]) for i in within], fontsize="x-small")
    references = [biggest, float(values[len(values) // 2]), float(values[-1])]
    handles = [Line2D([], [], color=color, lw=width(v), alpha=0.75) for v in references]
    unit = t(f"unit_{channel}", lang) if channel in CHANNELS else ""
    entries = [f"{_fmt_flow(v, channel)} {unit}" for v in references]
    ax.legend(
        handles,
        entries,
        loc="upper left",
        bbox_to_anchor=(1.0, 0.97),
        fontsize="small",
        handlelength=2.5,
        borderaxespad=0.0,
    )
    share = fmt_percent(float(values.sum()) / total)
    return f"{title}\n{t('top_flows', lang, n=len(src), share=share)}"
