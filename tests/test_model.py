"""The Mesa model: reproducibility, the baseline's plausibility, agents and channel graphs."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from model import (
    CHANNELS,
    DecentraModel,
    HeadlessModel,
    metrics,
    run,
    simulate,
    synthetic_geography,
)
from scenarios import load_scenario


def test_same_seed_identical_tables_different_seed_different():
    a_nat, a_prov = run(years=8, seed=7)
    b_nat, b_prov = run(years=8, seed=7)
    c_nat, c_prov = run(years=8, seed=8)
    pd.testing.assert_frame_equal(a_nat, b_nat, check_exact=True)
    pd.testing.assert_frame_equal(a_prov, b_prov, check_exact=True)
    assert not a_nat["gdp_mthb"].equals(c_nat["gdp_mthb"])
    assert not a_prov["gpp_mthb"].equals(c_prov["gpp_mthb"])


def test_shocks_off_is_deterministic_whatever_the_seed():
    a_nat, a_prov = run(years=6, seed=1, shocks=False)
    b_nat, b_prov = run(years=6, seed=999, shocks=False)
    pd.testing.assert_frame_equal(a_nat, b_nat, check_exact=True)
    pd.testing.assert_frame_equal(a_prov, b_prov, check_exact=True)


def test_baseline_growth_and_2019_ranges(baseline, thailand):
    table = baseline.model_table()
    assert list(table["year"]) == list(range(2019, 2051))
    growth = table["gdp_growth_pct"].iloc[1:]
    assert growth.between(1.0, 5.0).all(), growth.describe()
    first = table.iloc[0]
    assert first["gdp_mthb"] == pytest.approx(16_898_086, rel=1e-12)
    assert first["population"] == pytest.approx(thailand.population.sum(), rel=1e-12)
    assert first["poverty_pct"] == pytest.approx(6.24, rel=1e-9)
    data_share = thailand.gpp_mthb[thailand.bangkok_vicinity].sum() / thailand.gpp_mthb.sum()
    assert first["bv_share_gdp"] == pytest.approx(data_share, rel=1e-10)
    panel = baseline.province_panel()
    p2019 = panel[panel["year"] == 2019]
    data_pc = thailand.gpp_mthb / thailand.population * 1e6 * 16_898_086 / thailand.gpp_mthb.sum()
    assert np.allclose(p2019["gpp_per_capita_thb"], data_pc, rtol=1e-10)
    assert np.abs(p2019["net_migration"]).max() < 1.0  # persons: amenity inversion
    assert p2019["capacity"].between(0, 1).all()


def test_baseline_shocks_off_grows_steadily():
    table, _ = run(years=31, shocks=False)
    assert table["gdp_growth_pct"].iloc[1:].between(1.0, 5.0).all()


def test_tables_have_every_output_of_section_10(baseline):
    table = baseline.model_table()
    for column in (
        "gdp_mthb", "gdp_growth_pct", "gdp_per_capita_thb", "gini_weighted", "gini_unweighted",
        "theil_t", "theil_between_regions", "theil_within_regions", "williamson_cv",
        "cv_unweighted", "max_min_ratio", "bv_share_gdp", "bv_share_population", "poverty_pct",
        "poverty_pct_northeastern", "fiscal_cost_mthb",
    ):  # fmt: skip
        assert column in table, column
        assert table[column].iloc[1:].notna().all(), column
    assert np.allclose(table["theil_between_regions"] + table["theil_within_regions"],
                       table["theil_t"], rtol=1e-12)  # fmt: skip
    panel = baseline.province_panel()
    assert len(panel) == 77 * 32
    for column in ("gpp_mthb", "gpp_per_capita_thb", "population", "capital_mthb",
                   "productivity", "capacity", "home_share", "amenity", "mix_invest",
                   "mix_capacity", "mix_amenity", "poverty_headcount",
                   "net_migration"):  # fmt: skip
        assert column in panel, column
    national_net = panel.groupby("year")["net_migration"].sum()
    assert np.allclose(national_net, 0.0, atol=1e-3)


def test_model_table_equals_its_numpy_definitions(baseline):
    """The compiled model table (`outputs._national_rows`) against the column definitions
    written out in NumPy from the records."""
    records, geo = baseline.records, baseline.geography
    table = baseline.model_table()

    def by_year(attr):
        return np.stack([getattr(r, attr) for r in records])

    gpp, pop, headcount = by_year("gpp"), by_year("population"), by_year("poverty_headcount")
    gdp, persons, poor = gpp.sum(axis=1), pop.sum(axis=1), headcount * pop
    expected = {
        "gdp_mthb": gdp,
        "gdp_per_capita_thb": gdp / persons * 1e6,
        "population": persons,
        "bv_share_gdp": gpp[:, geo.bangkok_vicinity].sum(axis=1) / gdp,
        "bv_share_population": pop[:, geo.bangkok_vicinity].sum(axis=1) / persons,
        "poverty_pct": poor.sum(axis=1) / persons * 100.0,
        "poverty_pct_northeastern": poor[:, geo.region == 5].sum(axis=1)
        / pop[:, geo.region == 5].sum(axis=1)
        * 100.0,
        "tax_rate": [r.tax_rate for r in records],
        "fiscal_cost_mthb": [r.policy_spending for r in records],
        "transfers_mthb": by_year("transfers").sum(axis=1),
        "remittances_mthb": by_year("remittances_sent").sum(axis=1),
        "pooled_finance_mthb": by_year("pooled_out").sum(axis=1),
        "investment_mthb": by_year("investment").sum(axis=1),
        "migrants": by_year("arrivals").sum(axis=1),
    }
    inequality = metrics.inequality_rows(gpp / pop * 1e6, pop, geo.region)
    expected.update(inequality, sigma_log_gpp_per_capita=inequality.pop("sigma_log"))
    assert geo.region_names[5] == "Northeastern"
    for column, values in expected.items():
        np.testing.assert_allclose(table[column], values, rtol=1e-13, err_msg=column)
    np.testing.assert_allclose(table["gdp_growth_pct"].iloc[1:], (gdp[1:] / gdp[:-1] - 1) * 100)
    assert np.isnan(table["gdp_growth_pct"].iloc[0])
    assert table["trade_iterations"].dtype == np.int64 and table["year"].dtype == np.int64


def test_model_table_refuses_records_it_cannot_measure():
    model = DecentraModel(synthetic_geography(5, seed=1), seed=1)
    model.records[0].population[2] = 0.0  # GPP per capita becomes infinite
    with pytest.raises(ValueError, match="finite"):
        model.model_table()


def test_agents_are_views_of_the_arrays(baseline):
    assert len(baseline.provinces) == 77 and len(baseline.agents) == 77
    bangkok = next(a for a in baseline.provinces if a.code == 10)
    record = baseline.records[-1]
    i = bangkok.index
    assert bangkok.name_th == "กรุงเทพมหานคร" and bangkok.region == "Bangkok and Vicinity"
    assert bangkok.gpp == record.gpp[i]
    assert bangkok.gpp_per_capita == pytest.approx(record.gpp[i] / record.population[i] * 1e6)
    assert sum(bangkok.budget_mix) == pytest.approx(1.0)
    assert bangkok.partners("migration", k=3)[0][0] in {"Nonthaburi", "Samut Prakan"}


@pytest.mark.parametrize("channel", CHANNELS)
def test_channel_graphs(baseline, channel):
    graph = baseline.channel_graph(channel)
    assert graph.number_of_nodes() == 77
    assert (
        graph.nodes[10]["name_th"] == "กรุงเทพมหานคร" and graph.nodes[50]["name_en"] == "Chiang Mai"
    )
    assert graph.graph["year"] == 2050 and graph.graph["unit"]
    weights = np.array([w for _, _, w in graph.edges(data="weight")])
    assert len(weights) > 0 and np.all(weights > 0) and np.all(np.isfinite(weights))
    assert not any(u == v for u, v in graph.edges)


def test_channel_graph_totals_match_tables(baseline):
    record = baseline.records[-1]
    migration = baseline.channel_graph("migration")
    assert migration.size(weight="weight") == pytest.approx(record.arrivals.sum(), rel=1e-9)
    with pytest.raises(ValueError, match="unknown channel 'roads'"):
        baseline.channel_graph("roads")


def test_policy_hook_can_change_state_between_steps():
    model = DecentraModel(seed=3)
    model.step()
    model.economy.capacity = np.minimum(1.0, model.economy.capacity + 0.2)
    model.economy.set_parameters(tfp_growth=0.03)
    model.step()
    assert model.year == 2021 and model.economy.params.tfp_growth == 0.03


def test_synthetic_geography_runs_at_other_sizes():
    for n in (5, 150):
        model = simulate(years=3, seed=1, geography=synthetic_geography(n, seed=2))
        assert len(model.province_panel()) == 4 * n


def test_a_year_whose_chord_steps_fail_takes_newton_steps_and_the_same_equilibrium():
    """Every solve starts with chord steps (the first with the Jacobian at the calibrated 2019
    equilibrium); where they contract too slowly the year leaves the compiled call, takes
    Newton steps and runs steps 3–7 on their own. Forced here with a useless first Jacobian
    (the identity): the tables agree with the usual run's to the solver's accuracy."""
    from model.trade import JacobianLU

    usual = simulate(years=6, seed=4)
    forced = DecentraModel(seed=4)
    useless = JacobianLU.factor(np.eye(forced.geography.n))
    forced.economy.last_solution.jacobian_lu = useless  # 2019's solution hands it to 2020
    for _ in range(6):
        forced.step()
    assert forced.economy.last_solution.jacobian_lu is not useless  # Newton's Jacobian
    assert usual.economy.last_solution.jacobian_lu is usual.economy.calibrated_jacobian
    for got, want in (
        (forced.model_table(), usual.model_table()),
        (forced.province_panel(), usual.province_panel()),
    ):
        pd.testing.assert_frame_equal(
            got.drop(columns="trade_iterations", errors="ignore"),
            want.drop(columns="trade_iterations", errors="ignore"),
            check_exact=False,
            rtol=1e-9,
        )
    assert forced.model_table()["trade_iterations"].iloc[1] > 0


def test_compiled_step_7_and_its_general_path_give_the_same_run(monkeypatch):
    """Step 7 runs inside the year's compiled call where every province has mobile workers
    (`economy._steps_3_to_7`) and through `Economy._step_7_general` (`migration.migrate`,
    which falls back to `apply_migration` for an empty province: tests/test_invariants.py)
    otherwise: forcing the general path every year gives the same run bit for bit."""
    from model import economy, trade

    compiled = run(years=12, seed=4)
    general_years = []
    year, steps_3_to_7 = economy._year, economy._steps_3_to_7

    def year_general(*args):
        *out, _moved = year(*args)
        if out[0] == trade.POLISHED:  # otherwise steps 3–7 run after Newton steps, below
            general_years.append(1)
        return (*out, False)  # "not moved": the cycle takes the general path

    def steps_general(*args):
        *out, _moved = steps_3_to_7(*args)
        general_years.append(1)
        return (*out, False)

    monkeypatch.setattr(economy, "_year", year_general)
    monkeypatch.setattr(economy, "_steps_3_to_7", steps_general)
    general = run(years=12, seed=4)
    assert len(general_years) == 13  # 2019 and 12 more years
    for got, want in zip(general, compiled, strict=True):
        pd.testing.assert_frame_equal(got, want, check_exact=True)


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).parents[1] / "scenarios").glob("*.toml")), ids=lambda p: p.stem
)
def test_headless_model_is_the_mesa_model_without_mesa(path):
    """Sweeps and comparisons run `HeadlessModel`: it must give DecentraModel's run bit for bit,
    policies included (every shipped scenario, to 2050)."""
    scenario = load_scenario(path)
    mesa_run = scenario.run(seed=11, years=31)
    headless = scenario.run(seed=11, years=31, headless=True)
    assert isinstance(mesa_run, DecentraModel) and isinstance(headless, HeadlessModel)
    assert not hasattr(headless, "provinces")
    pd.testing.assert_frame_equal(mesa_run.model_table(), headless.model_table(), check_exact=True)
    pd.testing.assert_frame_equal(
        mesa_run.province_panel(), headless.province_panel(), check_exact=True
    )
    for channel in CHANNELS:
        np.testing.assert_array_equal(
            mesa_run.channel_matrix(channel), headless.channel_matrix(channel)
        )
