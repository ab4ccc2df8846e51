"""Policy levers, targets, budget accounting, channel switches, comparisons and attribution."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from experiments.attribute import COALITIONS, DIRECT, attribute, shapley_values
from experiments.compare import compare, pareto_frontier, replication_seeds
from model import DecentraModel, Parameters
from model.economy import Economy, PolicyInputs
from model.finance import allocate_savings
from model.model import CHANNELS
from model.policies import LEVERS, LeverError, get_lever
from model.poverty import headcount, headcount_after_transfers
from model.targets import TargetError, parse_target
from model.validation import calibration_residual
from scenarios import baseline, parse_scenario

TARGET = "provinces:[Khon Kaen, Udon Thani, Nong Khai]"
ROUTE = "route:northeastern_line"
STATE = (
    "capacity",
    "ln_productivity",
    "capital",
    "home_share",
    "attractiveness",
    "local_tax_rate",
    "external_demand",
    "transport_reduction",
    "knowledge_link_boost",
    "ln_amenity_policy",
    "mobile",
    "local",
)
INPUTS = (
    "investment",
    "capacity_spending",
    "amenity_spending",
    "pool_claims",
    "poor_transfers",
    "leaked_transfers",
)
#: What each lever may touch: PolicyInputs arrays and Economy state arrays.
INTENDED = {
    "area_research": {"capacity_spending", "knowledge_link_boost"},
    "digital_local_government": {"capacity_spending", "amenity_spending"},
    "learning_city": {"capacity_spending", "amenity_spending"},
    "enterprise_coaching": {"ln_productivity", "attractiveness"},
    "local_development_fund": {"investment", "pool_claims", "home_share"},
    "micro_ppp": {"investment", "pool_claims"},
    "fiscal_self_reliance": {"local_tax_rate"},
    "precision_poverty": {"poor_transfers", "leaked_transfers"},
    "livable_secondary_city": {"amenity_spending", "investment"},
    "transport_corridor": {"transport_reduction"},
    "special_economic_zone": {"external_demand", "attractiveness"},
    "creative_economy_district": {"external_demand"},
}


def one_policy(lever: str, budget: float = 20_000.0, start: int = 2021, end: int = 2022, **kw):
    target = ROUTE if lever == "transport_corridor" else TARGET
    return parse_scenario(
        {
            "name": lever,
            "years": 5,
            "policy": [
                {"lever": lever, "budget_mthb": budget, "target": target, "start": start,
                 "end": end, **kw}
            ],
        }
    )  # fmt: skip


def test_every_lever_of_the_spec_is_registered_and_tested():
    assert set(LEVERS) == set(INTENDED)
    for lever in LEVERS.values():
        assert lever.coefficients and lever.plan and lever.effect
        for c in lever.coefficients:
            low, high = c.bounds
            assert low <= c.default <= high and c.source and c.unit


def _economy_in(year: int, thailand) -> Economy:
    eco = Economy(thailand, Parameters(), np.random.default_rng(1))
    while eco.year < year:
        eco.cycle()
    return eco


@pytest.mark.parametrize("lever", sorted(INTENDED))
def test_lever_changes_its_intended_state_in_its_targets_only(lever, thailand):
    scenario = one_policy(lever)
    (policy,) = scenario.build_policies(thailand)
    eco = _economy_in(2021, thailand)
    before = {name: copy.deepcopy(getattr(eco, name)) for name in STATE}
    eco.policy_inputs = PolicyInputs()
    policy.apply(eco)
    targets = policy.target.static
    if lever == "transport_corridor":
        route = np.array(policy.target.route)
        pairs = np.zeros((thailand.n, thailand.n), dtype=bool)
        pairs[route[:-1], route[1:]] = pairs[route[1:], route[:-1]] = True
    changed = set()
    for name in STATE:
        diff = getattr(eco, name) != before[name]
        if diff.any():
            changed.add(name)
            if name == "transport_reduction":
                assert not (diff & ~pairs).any()
            elif diff.ndim == 2:  # knowledge links: rows of the targets only
                assert not diff[~targets].any()
            else:
                assert not diff[~targets].any(), f"{name} changed outside the targets"
    for name in INPUTS:
        amounts = getattr(eco.policy_inputs, name)
        if amounts is not None:
            changed.add(name)
            assert (amounts[~targets] == 0).all() and (amounts[targets] > 0).all()
    assert changed == INTENDED[lever]
    assert eco.policy_inputs.budget == 20_000.0


@pytest.mark.parametrize("lever", sorted(INTENDED))
def test_lever_does_nothing_outside_its_years(lever, thailand):
    (policy,) = one_policy(lever, start=2023, end=2024).build_policies(thailand)
    eco = _economy_in(2022, thailand)
    before = {name: copy.deepcopy(getattr(eco, name)) for name in STATE}
    eco.policy_inputs = PolicyInputs()
    policy.apply(eco)
    assert eco.policy_inputs == PolicyInputs()
    for name in STATE:
        assert np.array_equal(getattr(eco, name), before[name])
    assert policy.spent_mthb == {}


@pytest.mark.parametrize("lever", ["micro_ppp", "precision_poverty", "transport_corridor"])
def test_budget_is_spent_from_start_to_end_and_financed_by_the_tax(lever):
    model = one_policy(lever, budget=30_000, start=2021, end=2023).run()
    table = model.model_table().set_index("year")
    (policy,) = model.economy.policies
    assert policy.spent_mthb == {2021: 30_000, 2022: 30_000, 2023: 30_000}
    assert table["fiscal_cost_mthb"].to_dict() == {
        2019: 0, 2020: 0, 2021: 30_000, 2022: 30_000, 2023: 30_000, 2024: 0
    }  # fmt: skip
    tau = Parameters().tax_rate
    extra = (table["tax_rate"] - tau) * table["gdp_mthb"]
    np.testing.assert_allclose(extra, table["fiscal_cost_mthb"], atol=1e-6)


def test_zero_budget_scenario_equals_the_baseline_exactly():
    policies = [
        {"lever": lever, "budget_mthb": 0, "start": 2020, "end": 2024,
         "target": ROUTE if lever == "transport_corridor" else "all"}
        for lever in LEVERS
    ]  # fmt: skip
    zero = parse_scenario({"name": "zero", "years": 5, "policy": policies}).run()
    base = baseline(years=5).run()
    pd.testing.assert_frame_equal(zero.model_table(), base.model_table(), check_exact=True)
    pd.testing.assert_frame_equal(zero.province_panel(), base.province_panel(), check_exact=True)


def test_policies_draw_no_random_numbers():
    a = one_policy("enterprise_coaching").build_model(seed=7)
    b = baseline().build_model(seed=7)
    for _ in range(4):
        a.step()
        b.step()
    assert a.rng.bit_generator.state == b.rng.bit_generator.state


def test_effect_overrides_and_their_errors():
    lever = get_lever("micro_ppp")
    assert lever.coefficient_values({"private_leverage": 2})["private_leverage"] == 2.0
    with pytest.raises(LeverError, match="allowed: private_leverage"):
        lever.coefficient_values({"leverage": 2})
    with pytest.raises(LeverError, match="must be a number"):
        lever.coefficient_values({"private_leverage": True})
    with pytest.raises(LeverError, match="unknown lever 'x'; allowed: area_research"):
        get_lever("x")


def test_effects_scale_the_lever():
    weak = one_policy("special_economic_zone", effects={"export_gain": 0.1}).run()
    strong = one_policy("special_economic_zone", effects={"export_gain": 0.4}).run()
    gdp = [m.model_table()["gdp_mthb"].iloc[-1] for m in (weak, strong)]
    assert gdp[1] > gdp[0]


def test_precision_poverty_lowers_poverty_in_its_targets(thailand):
    model = one_policy("precision_poverty", budget=50_000).run()
    base = baseline(years=5).run()
    panel, ref = (m.province_panel().query("year == 2021") for m in (model, base))
    targeted = panel["name_en"].isin(["Khon Kaen", "Udon Thani", "Nong Khai"]).to_numpy()
    drop = ref["poverty_headcount"].to_numpy() - panel["poverty_headcount"].to_numpy()
    assert (drop[targeted] > 0.01).all()
    # elsewhere only the tax that pays for it is felt: poverty rises slightly
    assert (drop[~targeted] <= 0).all() and drop[~targeted].min() > -0.002


def test_headcount_after_transfers():
    mean = np.array([50_000.0, 80_000.0])
    z, s = 33_144.0, 0.8
    base = headcount(mean, z, s)
    np.testing.assert_allclose(headcount_after_transfers(mean, z, s, np.zeros(2)), base)
    some = headcount_after_transfers(mean, z, s, np.array([5_000.0, 5_000.0]))
    assert (some < base).all()
    assert (headcount_after_transfers(mean, z, s, np.array([z, 2 * z])) == 0).all()


def test_pool_claims_are_served_first_and_money_is_conserved():
    savings = np.array([100.0, 50.0, 30.0])
    home = np.array([0.2, 0.2, 0.2])
    shares = np.array([0.5, 0.3, 0.2])
    claims = np.array([0.0, 0.0, 40.0])
    h, received, out = allocate_savings(savings, home, shares, claims)
    assert received.sum() + h.sum() == pytest.approx(savings.sum(), rel=1e-12)
    assert received[2] == pytest.approx(40.0 + (out.sum() - 40.0) * 0.2)
    h, received, out = allocate_savings(savings, home, shares, np.array([0.0, 500.0, 500.0]))
    np.testing.assert_allclose(received, [0.0, out.sum() / 2, out.sum() / 2])


# ---------------------------------------------------------------------------- targets
@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("all", 77),
        ("region:Northeastern", 20),
        ("region:northeastern", 20),
        ("region:ภาคตะวันออกเฉียงเหนือ", 20),
        ("provinces:[40, Udon Thani, หนองคาย]", 3),
        ("eec", 3),
        ("sez", 10),
        ("secondary_cities", 14),
        ("route:eec_link", 5),
        ("eec + sez", 13),
        (["region:Eastern", "eec"], 8),
    ],
)
def test_target_selectors(spec, expected, thailand):
    assert parse_target(spec, thailand).mask(np.ones(77)).sum() == expected


def test_border_and_ranked_targets(thailand):
    assert parse_target("border", thailand).mask(np.ones(77)).sum() == thailand.border.sum()
    gpp_pc = np.arange(77.0)
    bottom = parse_target("bottom:5", thailand)
    assert bottom.dynamic and np.flatnonzero(bottom.mask(gpp_pc)).tolist() == [0, 1, 2, 3, 4]
    top = parse_target("top:2", thailand).mask(gpp_pc)
    assert np.flatnonzero(top).tolist() == [75, 76]


def test_yearly_reselection_follows_the_ranking(thailand):
    fixed = one_policy("micro_ppp", target="bottom:5").policies[0]
    assert fixed.reselect == "start"
    for reselect in ("start", "yearly"):
        s = parse_scenario(
            {"name": "r", "years": 4, "policy": [{"lever": "micro_ppp", "budget_mthb": 1000.0,
             "target": "bottom:5", "start": 2020, "end": 2023, "reselect": reselect}]}
        )  # fmt: skip
        model = s.build_model()
        (policy,) = model.economy.policies
        masks = []
        for _ in range(4):
            model.step()
            masks.append(policy.targets(model.economy).copy())
        assert all(m.sum() == 5 for m in masks)
        if reselect == "start":
            assert all(np.array_equal(m, masks[0]) for m in masks)


def test_target_errors(thailand):
    with pytest.raises(TargetError, match="did you mean Khon Kaen"):
        parse_target("provinces:[Khon Kean]", thailand)
    with pytest.raises(TargetError, match="names a province twice"):
        parse_target("provinces:[40, Khon Kaen]", thailand)
    with pytest.raises(TargetError, match="in brackets"):
        parse_target("provinces:40", thailand)


def test_named_lists_are_thai_only(small_geo):
    with pytest.raises(TargetError, match="only for the bundled Thai provinces"):
        parse_target("eec", small_geo)
    assert parse_target("region:Northern + border", small_geo).static.any()


# ---------------------------------------------------------------------------- channel switches
@pytest.mark.parametrize("channel", CHANNELS)
def test_each_channel_off_still_reproduces_2019(channel, thailand):
    model = DecentraModel(thailand, seed=3, **{f"{channel}_channel": False})
    assert calibration_residual(model) < 1e-8
    model.step()
    flows = model.channel_matrix(channel)
    off_diagonal = flows - np.diag(np.diag(flows))
    if channel == "finance":
        assert model.records[-1].remittances_received.sum() == 0
        assert model.records[-1].pooled_in.sum() == 0
    else:
        assert np.abs(off_diagonal).max() == 0.0


def test_all_channels_off_runs(thailand):
    off = {f"{c}_channel": False for c in CHANNELS}
    model = DecentraModel(thailand, seed=3, **off)
    for _ in range(3):
        model.step()
    assert np.isfinite(model.model_table()["gdp_mthb"]).all()


# ---------------------------------------------------------------------------- comparisons
def test_replication_seeds_are_common_and_reproducible():
    assert replication_seeds(42, 3) == replication_seeds(42, 3)
    assert replication_seeds(42, 3)[:2] == replication_seeds(42, 2)
    assert len(set(replication_seeds(42, 50))) == 50


def test_pareto_frontier():
    x = np.array([0.0, 1.0, 2.0, 2.0, 0.5])
    y = np.array([0.0, -1.0, 0.0, 0.5, -2.0])
    assert pareto_frontier(x, y).tolist() == [False, True, True, False, True]


@pytest.fixture(scope="module")
def small_comparison():
    scenarios = [
        baseline(years=17),
        one_policy("enterprise_coaching", start=2021, end=2030),
        one_policy("micro_ppp", start=2021, end=2030),
    ]
    scenarios = [s.__class__(**{**s.__dict__, "years": 17}) for s in scenarios]
    return scenarios, compare(scenarios, replications=3, workers=1, years=16)


def test_comparison_is_paired_and_reproducible(small_comparison):
    scenarios, result = small_comparison
    table = result.table.set_index("scenario")
    assert table.loc["baseline", "d_gdp_2035_mthb"] == 0.0
    assert table.loc["enterprise_coaching", "d_gdp_2035_mthb"] > 0
    assert table.loc["enterprise_coaching", "replications"] == 3
    row = table.loc["micro_ppp"]
    assert row["d_gini_2035_lo"] <= row["d_gini_2035"] <= row["d_gini_2035_hi"]
    assert row["total_budget_mthb"] == 20_000 * 10
    assert row["d_gdp_2035_mthb_per_1000mthb"] == pytest.approx(row["d_gdp_2035_mthb"] / 200.0)
    assert np.isnan(row["d_gini_2050"])  # the runs end in 2035
    again = compare(scenarios, replications=3, workers=2, years=16)
    pd.testing.assert_frame_equal(result.table, again.table, check_exact=True)
    pd.testing.assert_frame_equal(result.runs, again.runs, check_exact=True)


def test_common_random_numbers_cancel_shocks(small_comparison):
    _, result = small_comparison
    runs = result.runs
    base = runs[runs.scenario == "baseline"].set_index(["replication", "year"])["gdp_mthb"]
    coach = runs[runs.scenario == "enterprise_coaching"].set_index(["replication", "year"])
    diff = (coach["gdp_mthb"] - base).unstack("year")[2035]
    across = base.unstack("year")[2035]
    assert diff.std() < 0.05 * across.std()  # paired differences vary far less than levels


def test_comparison_is_written_with_its_manifest(small_comparison, tmp_path):
    import json

    from experiments.compare import write_comparison

    _, result = small_comparison
    out = write_comparison(tmp_path / "c", result, command="test")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "comparison" and manifest["replications"] == 3
    assert next(s["key"] for s in manifest["scenarios"]) == "baseline"
    table = pd.read_parquet(out / "comparison.parquet")
    assert table["on_frontier"].dtype == bool
    provinces = pd.read_parquet(out / "provinces.parquet")
    assert len(provinces) == 3 * 17 * 77


# ---------------------------------------------------------------------------- attribution
def test_shapley_values_are_efficient_and_symmetric():
    rng = np.random.default_rng(0)
    value = {c: float(rng.normal()) for c in COALITIONS}
    phi = shapley_values(value)
    full = value[frozenset(CHANNELS)]
    assert sum(phi.values()) == pytest.approx(full - value[frozenset()])
    additive = {c: sum({"trade": 1.0, "finance": 2.0}.get(k, 0.0) for k in c) for c in COALITIONS}
    assert shapley_values(additive) == pytest.approx(
        {"trade": 1.0, "finance": 2.0, "migration": 0.0, "knowledge": 0.0}
    )


def test_attribution_adds_up_to_the_total_effect():
    scenario = one_policy("special_economic_zone", start=2020, end=2024)
    result = attribute(scenario, replications=1, years=5, metrics=["gdp_gain_pv_mthb"])
    parts = result.table.set_index("channel")["shapley"]
    assert set(parts.index) == {DIRECT, *CHANNELS, "total"}
    assert parts.drop("total").sum() == pytest.approx(parts["total"], rel=1e-9)
    assert parts["total"] > 0
    assert len(result.coalition_effects) == 16


def test_attribution_folder_is_reportable(tmp_path):
    from experiments.attribute import write_attribution
    from viz.report import write_report

    scenario = one_policy("creative_economy_district", start=2020, end=2022)
    result = attribute(scenario, replications=1, years=3, metrics=["gdp_gain_pv_mthb"])
    out = write_attribution(tmp_path / "a", result)
    html = write_report(out).read_text(encoding="utf-8")
    assert html.count('<img src="data:image/png;base64,') == 1
    assert "Direct (no channel)" in html and "http://" not in html
