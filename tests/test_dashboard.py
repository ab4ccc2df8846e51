"""The dashboard's parts that need no browser: controls → scenarios, the live run, the numbers
and drawings a year shows, the offline server settings and the `decentra app` command."""

from __future__ import annotations

import re
import socket
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from decentra.cli import main
from model import EquilibriumError
from model.policies import BUDGET_MAX_MTHB
from scenarios import baseline as baseline_scenario
from viz import maps
from viz.dashboard import charts, fonts, geometry, indicators, panels, scenario_form, server
from viz.dashboard.scenario_form import CUSTOM, Controls, build, scenario_data
from viz.dashboard.session import LiveRun, Session

THAI = re.compile("[\u0e00-\u0e7f]")


# ------------------------------------------------------------------------------ controls
def test_shipped_scenario_round_trips_through_the_schema():
    data = scenario_data(Controls(scenario="local_finance"))
    built = build(Controls(scenario="local_finance")).main
    shipped = scenario_form.shipped()["local_finance"]
    assert built.policies == shipped.policies and built.name == shipped.name
    assert set(data) <= {"name", "name_th", "description", "years", "seed", "parameters",
                         "channels", "policy"}  # fmt: skip


def test_typed_budget_is_spread_over_the_policies_in_proportion():
    shipped = scenario_form.shipped()["local_finance"]
    built = build(Controls(scenario="local_finance", budget_mthb="100,000")).main
    assert sum(p.budget_mthb for p in built.policies) == pytest.approx(100_000)
    ratio = [
        p.budget_mthb / q.budget_mthb for p, q in zip(built.policies, shipped.policies, strict=True)
    ]
    assert ratio == pytest.approx([2.0] * len(ratio))


@pytest.mark.parametrize(
    ("controls", "field", "message"),
    [
        (Controls(scenario="local_finance", budget_mthb="3000000"), "budget_mthb",
         "out of range; allowed: a number from 0 to 2e+06"),
        (Controls(scenario=CUSTOM, budget_mthb=-5), "budget_mthb", "out of range"),
        (Controls(scenario=CUSTOM, budget_mthb="lots"), "budget_mthb", "not a number"),
        (Controls(seed="abc"), "seed", "wrong type; allowed: a whole number"),
        (Controls(seed="-3"), "seed", "out of range"),
        (Controls(parameters=(("elasticity_substitution", 1.5),)),
         "parameters.elasticity_substitution", "no-black-hole"),
        (Controls(scenario=CUSTOM, lever="area_research", effects=(("link_gain", 5000.0),)),
         "policy[1].effects.link_gain", "out of bounds"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_with_the_schemas_message(controls, field, message):
    session = Session()
    session.step()
    assert not session.apply(controls)
    assert session.refused is not None and session.refused.field == field
    assert message in session.message.fields["detail"]
    assert session.message.kind == "error"
    assert session.run.year == 2020  # the run was kept and still steps
    assert session.step() and session.run.year == 2021


def test_budget_bound_is_the_schemas():
    low, high = scenario_form.POLICY_FIELDS["budget_mthb"].bounds
    assert (low, high) == (0.0, BUDGET_MAX_MTHB)
    assert build(Controls(scenario=CUSTOM, budget_mthb=str(BUDGET_MAX_MTHB))).main.policies


def test_custom_policy_and_corridor_targets():
    c = Controls(scenario=CUSTOM, budget_mthb=20_000, target="region:Northern", start=2030)
    policy = build(c).main.policies[0]
    assert (policy.lever, policy.target, policy.start, policy.budget_mthb) == (
        "local_development_fund",
        "region:Northern",
        2030,
        20_000.0,
    )
    corridor = c.replace(lever="transport_corridor")
    assert corridor.target.startswith("route:") and corridor.effects == ()
    assert build(corridor).main.policies[0].lever == "transport_corridor"
    assert all(t.startswith("route:") for t in scenario_form.target_options("transport_corridor"))


# ------------------------------------------------------------------------------ the live run
def test_scenario_and_baseline_step_in_lockstep_with_common_random_numbers():
    run = LiveRun(build(Controls(scenario="balanced_mix", compare="trade_corridors", seed=7)))
    for _ in range(8):
        run.step()
    snap = run.snapshot()
    assert {k: snap.rows(k)[-1]["year"] for k in ("baseline", "a", "b")} == dict.fromkeys(
        ("baseline", "a", "b"), 2027
    )
    alone = baseline_scenario(seed=7).run(years=8).model_table()
    np.testing.assert_allclose([r["gdp_mthb"] for r in snap.rows("baseline")], alone["gdp_mthb"])
    # Policies start in 2025: identical to the baseline before, different after.
    gdp = {k: [r["gdp_mthb"] for r in snap.rows(k)] for k in ("baseline", "a", "b")}
    assert gdp["a"][:6] == pytest.approx(gdp["baseline"][:6])
    assert gdp["a"][-1] != pytest.approx(gdp["baseline"][-1])


def test_the_baseline_scenario_is_its_own_baseline():
    run = LiveRun(build(Controls()))
    assert run.tracks["a"] is run.tracks["baseline"]


def test_run_stops_at_the_last_year_with_a_message():
    session = Session()
    while not session.run.finished:
        assert session.step()
    assert session.run.year == 2050
    assert not session.step() and session.message.key == "run_ended"
    session.reset()
    assert session.run.year == 2019 and session.message is None


def test_a_session_run_to_2050_keeps_its_records_small():
    """Old years drop their N×N migrant stocks (a tab may stay open all day); the latest year
    keeps them for the channel network and the partners, and other models keep every year's."""
    session = Session(Controls(scenario="local_finance", compare="bangkok_first"))
    while not session.run.finished:
        session.step()
    models = [track.model for track in session.run._distinct()]
    assert len(models) == 3 and all(len(m.records) == 32 for m in models)
    assert session.run.record_bytes() < 2.0e6  # 3 models x 32 years; all matrices: ~6.3 MB
    for model in models:
        assert model.records[-1].migrant_stocks.shape == (77, 77)
        assert all(r.migrant_stocks is None for r in model.records[:-1])
        assert model.channel_matrix("finance").shape == (77, 77)
    snap = session.run.snapshot()
    assert panels.province_data(snap, 38, "en")["name"] == "Chiang Mai"
    assert len(models[0].province_panel()) == 32 * 77  # the tables need no matrices
    default = baseline_scenario().build_model()
    default.step()
    assert default.keep_matrices and default.records[0].migrant_stocks is not None


def test_a_failing_year_stops_the_run_with_a_message_not_a_crash(monkeypatch):
    session = Session(Controls(scenario="local_finance"))
    session.step()

    def fail() -> None:
        raise EquilibriumError("trade equilibrium did not converge")

    monkeypatch.setattr(session.run.tracks["a"].model, "step", fail)
    assert not session.step()
    assert session.message.key == "step_failed" and session.message.kind == "error"
    assert session.message.fields == {"year": 2021, "detail": "trade equilibrium did not converge"}
    assert session.run.finished and not session.step()  # Step stays off until Reset
    assert session.message.key == "step_failed"
    session.reset()  # Reset gives a working run again
    assert session.step() and session.run.year == 2020


def test_national_rows_match_the_model_table():
    run = LiveRun(build(Controls(scenario="local_finance")))
    for _ in range(7):
        run.step()
    model = run.tracks["a"].model
    table = model.model_table()
    for column in ("gdp_mthb", "gini_weighted", "williamson_cv", "bv_share_gdp", "poverty_pct"):
        np.testing.assert_allclose([r[column] for r in run.tracks["a"].rows], table[column])


@pytest.mark.parametrize("variable", maps.MAP_VARIABLES)
def test_map_values_follow_the_figures_definitions(variable):
    run = LiveRun(build(Controls(scenario="trade_corridors")))
    for _ in range(8):
        run.step()
    model, base = run.tracks["a"].model, run.tracks["baseline"].model
    codes = model.geography.codes
    ours = indicators.map_series(model.records, variable)[-1]
    panel = model.province_panel()
    theirs = maps.province_values(panel, variable).reindex(codes).to_numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)
    both = pd.concat(
        [panel.assign(scenario="s"), base.province_panel().assign(scenario="baseline")]
    )
    diff = maps.difference_values(both, variable, "s").reindex(codes).to_numpy()
    ours_diff = indicators.difference(
        ours, indicators.map_series(base.records, variable)[-1], variable
    )
    np.testing.assert_allclose(ours_diff, diff, rtol=1e-10, atol=1e-10)


# ------------------------------------------------------------------------------ drawings
def test_colour_scale_log_for_levels_centred_for_differences():
    values = np.array([50.0, 100.0, 1000.0, np.nan])
    scale = indicators.ColourScale.for_values(values, "gpp_per_capita", diff=False)
    colours = scale.colours(values)
    assert colours[-1] == maps.NO_DATA_COLOR and len(set(colours[:3])) == 3
    assert [tk["label"] for tk in scale.legend()["ticks"]] == ["50", "100", "200", "500", "1,000"]
    diff = indicators.ColourScale.for_values(np.array([-1.0, 3.0]), "poverty", diff=True)
    assert float(diff.norm.vmin) == -3.0 and float(diff.norm.vmax) == 3.0
    assert diff.cmap == "RdBu"


@pytest.mark.parametrize(
    ("variable", "diff"),
    [("gpp_per_capita", False), ("gpp_per_capita", True), ("poverty", False), ("poverty", True)],
)
def test_colour_scale_in_numpy_maps_values_as_matplotlibs_norm(variable, diff):
    rng = np.random.default_rng(7)
    base = rng.lognormal(3.0, 1.0, 77) if variable == "gpp_per_capita" else rng.normal(0, 2, 77)
    scale = indicators.ColourScale.for_values(base, variable, diff=diff)
    values = np.concatenate([base * rng.uniform(0.5, 1.5, 77), [np.nan, -1.0, 0.0, 1e9]])
    expected = np.ma.filled(scale.norm(np.ma.masked_invalid(values)), np.nan)
    np.testing.assert_allclose(scale.scaled(values), expected, rtol=1e-12, atol=1e-12)
    assert scale.legend() == scale._legend()  # the cached legend is the one it would draw


def test_line_chart_is_valid_svg_with_one_polyline_per_line():
    lines = [
        charts.Line("Baseline", "#222222", [1.0, 2.0, 3.0], dashed=True),
        charts.Line("ฉากทัศน์ <A&B>", "#1f77b4", [1.0, 2.5, float("nan")]),
    ]
    svg = charts.line_chart("GDP & growth", 2019, 2050, lines)
    root = ET.fromstring(svg)
    polylines = root.findall("{*}polyline") or root.findall("polyline")
    assert len(polylines) == 2
    assert "ฉากทัศน์ &lt;A&amp;B&gt;" in svg
    assert charts.decimals(0.25) == 2 and charts.decimals(5.0) == 0 and charts.decimals(0.002) == 3


def test_map_geometry_has_every_province_in_the_models_order(thailand):
    geo = geometry.map_geometry()
    assert geo.codes == tuple(int(c) for c in thailand.codes)
    assert len(geo.paths) == 77 and all(p.startswith("M") and p.endswith("Z") for p in geo.paths)
    width, height = (float(x) for x in geo.view_box.split()[2:])
    assert 0 < geo.x.min() < geo.x.max() < width and 0 < geo.y.min() < geo.y.max() < height
    assert geo.arrow(0, 1).startswith("M") and "Q" in geo.arrow(0, 1)


def test_panels_in_thai_name_every_key_figure_and_partner_channel():
    run = LiveRun(build(Controls(scenario="local_finance", compare="bangkok_first")))
    for _ in range(3):
        run.step()
    snap = run.snapshot()
    header = panels.header_data(snap, "a", "th")
    assert len(header["cards"]) == 5 and THAI.search(header["cards"][0]["label"])
    assert all("เทียบกรณีฐาน" in card["notes"][1] for card in header["cards"])  # gap to baseline
    series, scale = panels.map_scale(snap, panels.ViewOptions(network="trade", diff=True))
    props = panels.map_props(snap, "b", series["b"][-1], scale, panels.ViewOptions(
        network="trade", diff=True), 38, "th")  # fmt: skip
    assert len(props["fills"]) == len(props["values"]) == 77
    assert 0 < len(props["arrows"]) <= panels.TOP_FLOWS and props["partners"]
    charts = panels.lines_data(snap, "a", "th")
    assert len(charts) == 5 and all(len(c["lines"]) == 2 for c in charts)
    province = panels.province_data(snap, 38, "th")
    assert province["name"] == "เชียงใหม่" and len(province["partners"]) == 4
    assert all(THAI.search(row["channel"]) for row in province["partners"])


def test_sarabun_is_embedded_as_a_data_url():
    css = fonts.font_face_css()
    assert css.count("@font-face") == 2 and "data:font/ttf;base64," in css
    assert "'Sarabun', 'Roboto'" in fonts.font_family_css("th")


# ------------------------------------------------------------------------------ server and CLI
def test_offline_environment():
    env = server.offline_environment("th")
    assert env["SOLARA_MODE"] == "production"  # no check iframe to solara.dev
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1")
    assert env["DECENTRA_APP_LANG"] == "th" and env["SOLARA_APP"] == "viz.app"


@pytest.mark.filterwarnings("ignore:websockets.legacy is deprecated:DeprecationWarning")
def test_the_servers_startup_objects_are_frozen_out_of_the_collectors_sight():
    import gc

    try:
        server.freeze_startup_objects()
        assert gc.get_freeze_count() > 100_000  # Solara, matplotlib, pandas, the model
    finally:
        gc.unfreeze()


def test_app_refuses_a_bad_language_and_a_taken_port(capsys):
    assert main(["app", "--lang", "fr"]) == 2
    assert capsys.readouterr().err.strip() == "decentra: error: --lang 'fr': allowed: en, th"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["app", "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot listen on 127.0.0.1" in err[0]
    assert main(["app", "--port", "70000"]) == 2
    assert "allowed: 1–65535" in capsys.readouterr().err
    assert main(["app", "--host", "no-such-host.invalid"]) == 2
    assert "not an address of this machine" in capsys.readouterr().err
