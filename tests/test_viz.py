"""Figures of viz/: each runs on small real results, draws what it should, in English or Thai."""

from __future__ import annotations

import re
import string
import warnings
from pathlib import Path

import fontpkg_sarabun
import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.colors import CenteredNorm
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Annotation, Text

import viz
from model import metrics
from viz import labels
from viz.maps import province_paths

THAI = re.compile("[\u0e00-\u0e7f]")


@pytest.fixture(scope="module")
def run_tables(short_model):
    return short_model.model_table(), short_model.province_panel()


@pytest.fixture(scope="module")
def comparison(comparison_dir):
    return viz.load_results(comparison_dir)


def texts(fig) -> list[Text]:
    return [a for a in fig.findobj(Text) if a.get_visible() and a.get_text().strip()]


# ------------------------------------------------------------------------------ labels
def test_every_label_has_english_and_thai_with_the_same_placeholders():
    fields = string.Formatter()
    for key, (en, th) in labels.LABELS.items():
        assert en.strip() and th.strip(), key
        assert {f for _, f, _, _ in fields.parse(en) if f} == {
            f for _, f, _, _ in fields.parse(th) if f
        }, key
        if re.search("[A-Za-z]{3}", en) and key != "sigma_ratio":
            assert THAI.search(th), f"{key}: Thai label has no Thai text"


def test_unsupported_language_names_the_allowed_ones(run_tables):
    with pytest.raises(ValueError, match="allowed: en, th"):
        viz.time_series(run_tables[0], lang="fr")


# ------------------------------------------------------------------------------ time series
def test_time_series_one_line_and_band_per_scenario(comparison):
    runs = comparison.tables["runs"]
    fig = viz.time_series(runs, names=comparison.scenario_names("en"))
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert len(axes) == len(labels.SERIES) == 6
    for ax, column in zip(axes, labels.SERIES, strict=True):
        assert ax.get_title().replace("\n", " ") == labels.t(column)
        assert len(ax.get_lines()) == 3  # baseline + 2 scenarios
        assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 3  # 5–95% bands
    # GDP is shown in trillion THB: the baseline's median line equals the runs' median / 1e6.
    base = runs[runs.scenario == "baseline"].groupby("year")["gdp_mthb"].median() / 1e6
    np.testing.assert_allclose(axes[0].get_lines()[0].get_ydata(), base.to_numpy())
    assert {ax.get_xlabel() for ax in axes[-3:]} == {"Year"}
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:3] == ["Baseline", "More equalising transfers", "Regional knowledge hubs"]
    assert "5–95% of replications" in legend[3]


def test_time_series_of_a_single_run_has_no_band(run_tables):
    fig = viz.time_series(run_tables[0])
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 1 and not ax.collections
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Baseline"]


def test_thai_figure_text_is_drawn_with_sarabun_from_site_packages(comparison):
    fig = viz.time_series(
        comparison.tables["runs"], names=comparison.scenario_names("th"), lang="th"
    )
    thai = [t for t in texts(fig) if THAI.search(t.get_text())]
    assert len(thai) >= 8  # suptitle, 6 panel titles, x labels, legend entries
    sarabun_dir = Path(fontpkg_sarabun.ROOT).resolve()
    assert "site-packages" in sarabun_dir.parts
    for text in thai:
        used = Path(font_manager.findfont(text.get_fontproperties(), fallback_to_default=False))
        assert used.resolve().parent.parent == sarabun_dir, (text.get_text(), used)
        assert used.name.startswith("Sarabun-")
    assert "กรณีฐาน" in [t.get_text() for t in fig.legends[0].get_texts()]
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        fig.canvas.draw()  # every glyph exists in the fonts used


def test_english_figure_does_not_use_the_thai_font(run_tables):
    fig = viz.lorenz_curves(run_tables[1])
    for text in texts(fig):
        assert "Sarabun" not in font_manager.findfont(text.get_fontproperties())
        assert not THAI.search(text.get_text())


# ------------------------------------------------------------------------------ maps
def test_boundaries_parse_once_into_one_path_per_province(thailand):
    codes, paths = province_paths()
    assert sorted(codes.tolist()) == sorted(thailand.codes.tolist())
    assert province_paths() is province_paths()  # cached
    assert all(len(p.vertices) > 3 for p in paths)


def test_province_values_for_every_map_variable(run_tables):
    _, panel = run_tables
    last, first = panel[panel.year == 2022].set_index("code"), panel[panel.year == 2019]
    for variable in viz.MAP_VARIABLES:
        values = viz.province_values(panel, variable)
        assert len(values) == 77 and np.isfinite(values).all(), variable
    gpp = viz.province_values(panel, "gpp_per_capita")
    np.testing.assert_allclose(gpp, last["gpp_per_capita_thb"] / 1e3)
    # Net migration moves people between provinces: it sums to zero nationally.
    moved = viz.province_values(panel, "net_migration") * first.set_index("code")["population"]
    assert abs(moved.sum()) < 1e-6 * first["population"].sum()
    with pytest.raises(ValueError, match="allowed: gpp_per_capita"):
        viz.province_values(panel, "gdp")


def test_province_map_in_thai_has_colourbar_and_names_extremes(run_tables):
    _, panel = run_tables
    fig = viz.province_map(panel, "gpp_per_capita", lang="th")
    (ax,) = fig.axes
    (cbar,) = ax.child_axes  # the colourbar, inset beside the Gulf
    (collection,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(collection.get_paths()) == 77
    assert cbar.get_ylim()[0] > 0  # a colourbar with the (log) range of GPP per capita
    assert THAI.search(ax.get_title()) and "2022" in ax.get_title()
    notes = [a.get_text() for a in fig.findobj(Annotation)]
    richest = panel[panel.year == 2022].sort_values("gpp_per_capita_thb").iloc[-1]
    assert len(notes) == 6 and any(n.startswith(richest["name_th"]) for n in notes)


def test_difference_map_is_centred_on_zero(comparison):
    provinces = comparison.tables["provinces"]
    fig = viz.difference_map(
        provinces, "knowledge_hubs", scenario_name="Regional knowledge hubs", year=2022
    )
    collection = next(c for c in fig.axes[0].collections if isinstance(c, PathCollection))
    norm = collection.norm
    assert isinstance(norm, CenteredNorm) and norm.vcenter == 0
    assert norm.vmin == pytest.approx(-norm.vmax)
    values = viz.difference_values(provinces, "gpp_per_capita", "knowledge_hubs")
    assert norm.vmax == pytest.approx(np.abs(values).max())
    assert len(fig.axes[0].child_axes) == 1  # the colourbar
    assert "Regional knowledge hubs" in fig.axes[0].get_title()


def test_thailand_map_update_recolours_without_rebuilding(run_tables):
    _, panel = run_tables
    themap = viz.ThailandMap()
    collection, paths = themap.collection, themap.collection.get_paths()
    first = viz.province_values(panel, "poverty")
    themap.update(first)
    colours = collection.get_array().copy()
    themap.update(viz.province_values(panel, "population_change"), annotate=2)
    assert themap.collection is collection and collection.get_paths() is paths
    assert len(themap.ax.collections) == 1
    assert not np.allclose(colours, collection.get_array())
    assert len(themap.ax.texts) == 4  # old annotations removed, new ones placed
    themap.update(first.iloc[:10])  # missing provinces are grey, not an error
    assert np.ma.count_masked(collection.get_array()) == 67


def test_map_labels_do_not_overlap(run_tables):
    fig = viz.province_map(run_tables[1], "net_migration", annotate=5)
    renderer = fig.canvas.get_renderer()
    boxes = []
    for note in fig.findobj(Annotation):
        note.update_positions(renderer)  # the text's own box, without the leader line
        boxes.append(Text.get_window_extent(note, renderer))
    assert len(boxes) == 10
    for i, a in enumerate(boxes):
        assert not any(a.overlaps(b) for b in boxes[i + 1 :])


# ------------------------------------------------------------------------------ charts
def test_growth_inequality_plane(comparison):
    table = comparison.tables["comparison"]
    fig = viz.growth_inequality_plane(table, names=comparison.scenario_names("en"))
    ax = fig.axes[0]
    bars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(bars) == 2  # one per scenario other than the baseline
    star = [ln for ln in ax.get_lines() if ln.get_marker() == "*"]
    assert len(star) == 1 and list(star[0].get_xydata()[0]) == [0.0, 0.0]
    assert ax.get_xlabel() == labels.t("gdp_gain_pv_mthb")
    assert ax.get_ylabel() == labels.t("d_gini_2050")
    assert {"Baseline", "Regional knowledge hubs"} <= {a.get_text() for a in ax.texts}
    frontier = table[table.on_frontier]
    dashed = [ln for ln in ax.get_lines() if ln.get_linestyle() == "--"]
    assert len(dashed) == (1 if len(frontier) > 1 else 0)


def test_lorenz_curves_agree_with_the_model_gini(run_tables):
    national, panel = run_tables
    fig = viz.lorenz_curves(panel, years=[2019, 2022])
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 3  # equality line + two years
    for line, year in zip(lines[1:], (2019, 2022), strict=True):
        x, y = line.get_xdata(), line.get_ydata()
        assert (x[0], y[0]) == (0.0, 0.0) and x[-1] == pytest.approx(1.0)
        assert np.all(np.diff(y) >= 0) and np.all(y <= x + 1e-12)  # convex, below the diagonal
        gini = national.set_index("year").loc[year, "gini_weighted"]
        assert f"{gini:.3f}" in line.get_label()
        # Gini = 1 − 2·(area under the Lorenz curve)
        assert 1 - 2 * np.trapezoid(y, x) == pytest.approx(gini, abs=1e-9)
    assert metrics.gini(np.ones(3)) == 0.0


def test_channel_networks_draw_the_top_flows(short_model):
    fig = viz.channel_networks(short_model, top=6)
    maps = fig.axes[0::2]
    assert len(fig.axes) == 8  # the country and a Bangkok zoom per channel
    for ax, channel in zip(maps, viz.maps.CHANNELS, strict=True):
        arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
        assert len(arrows) == 6
        widths = [a.get_linewidth() for a in arrows]
        assert widths == sorted(widths)  # drawn small to big, width ∝ flow
        entries = [t.get_text() for t in ax.get_legend().get_texts()]
        assert len(entries) == 3 and all(labels.t(f"unit_{channel}") in e for e in entries)
    title = fig.texts[0].get_text()
    assert title.startswith("Trade and investment") and "6" in title


def test_sobol_and_morris(experiment_dir):
    results = viz.load_results(experiment_dir)
    sobol, morris = results.tables["sobol"], results.tables["morris"]
    fig = viz.sobol_indices(sobol)
    assert len(fig.axes) == 2  # one panel per output
    for ax in fig.axes:
        bars = [c for c in ax.containers if isinstance(c, BarContainer)]
        assert len(bars) == 2 and all(len(b) == 3 for b in bars)  # S1, ST × 3 parameters
        assert any(isinstance(c, ErrorbarContainer) for c in ax.containers) or ax.collections
        assert "transfer_share" in " ".join(t.get_text() for t in ax.get_yticklabels())
    fig = viz.morris_screening(morris, lang="th")
    for ax in fig.axes:
        (points,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        assert len(points.lines[0].get_xdata()) == 3
        assert THAI.search(ax.get_xlabel())


def test_channel_attribution_stacks_the_four_channels(comparison):
    attribution = comparison.tables["attribution"]
    fig = viz.channel_attribution(attribution, names=comparison.scenario_names("en"))
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 2  # two metrics
    ax = fig.axes[0]
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(bars) == 4 and all(len(b) == 2 for b in bars)
    ticks = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    assert ticks == ["More equalising transfers", "Regional knowledge hubs"]
    metric = attribution.metric.iloc[0]
    totals = attribution[attribution.metric == metric].groupby("scenario", sort=False)["shapley"]
    scale = labels.METRIC_SCALE.get(metric, 1.0)
    diamonds = next(ln for ln in ax.get_lines() if ln.get_marker() == "D")
    np.testing.assert_allclose(diamonds.get_ydata(), totals.sum().to_numpy() / scale)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:4] == [
        labels.channel_name(c) for c in ("trade", "finance", "migration", "knowledge")
    ]


def test_readers_reject_what_they_cannot_read(tmp_path, comparison_dir):
    with pytest.raises(viz.ResultError, match=r"no manifest\.json"):
        viz.load_results(tmp_path)
    (tmp_path / "manifest.json").write_text('{"kind": "bogus"}')
    with pytest.raises(viz.ResultError, match="allowed: run, comparison, experiment"):
        viz.load_results(tmp_path)
    (tmp_path / "manifest.json").write_text('{"kind": "comparison"}')
    with pytest.raises(viz.ResultError, match=r"needs runs\.parquet, comparison\.parquet"):
        viz.load_results(tmp_path)
    pd.DataFrame({"year": [2019]}).to_parquet(tmp_path / "model.parquet")
    (tmp_path / "manifest.json").write_text("{}")  # no kind: a run
    with pytest.raises(viz.ResultError, match=r"needs provinces\.parquet"):
        viz.load_results(tmp_path)
