"""Invariants over random parameters (within bounds) and random synthetic geographies.

Parameters are drawn from the inner half of their allowed range around the default: at the
far corners of the bounds (near-autarky θ ≈ 2 with very few provinces, β·m_1 ≫ 10) the 2019
inversions are ill-conditioned and may stop with a clear `EquilibriumError` instead.

Migration conserves population, the financial channel conserves money, the trade identities
of §3 hold, and nothing becomes negative, NaN or infinite.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import Parameters, finance, government, knowledge, synthetic_geography
from model.economy import Economy
from model.migration import (
    apply_migration,
    choice_kernel,
    choice_probabilities,
    migrate,
    migration_flows,
)
from model.trade import trade_flows

FIELDS = {f.name: f for f in dataclasses.fields(Parameters)}
SKIP = {"shocks", "learning_window_years", "gdp_2019_mthb"}


@st.composite
def parameters(draw) -> Parameters:
    values = {}
    for name, f in FIELDS.items():
        if name in SKIP or not draw(st.booleans()):
            continue  # about half the parameters move in each example
        if f.type in ("bool", bool):  # channel switches
            values[name] = draw(st.booleans())
            continue
        low, high = f.metadata["bounds"]
        default = float(f.default)
        low, high = default - 0.5 * (default - low), default + 0.5 * (high - default)
        values[name] = draw(st.floats(low, high, allow_nan=False))
    values["shocks"] = draw(st.booleans())
    values["learning_window_years"] = draw(st.integers(1, 30))
    sigma = values.get("elasticity_substitution", 5.0)
    mu = values.get("modern_share", 0.4)
    values["modern_share"] = min(mu, 0.999 * (sigma - 1) / sigma)
    return Parameters(**values)


SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@SETTINGS
@given(
    p=parameters(),
    n=st.integers(2, 30),
    geo_seed=st.integers(0, 10_000),
    seed=st.integers(0, 2**32 - 1),
)
def test_invariants_hold_every_year(p, n, geo_seed, seed):  # fmt: skip
    geo = synthetic_geography(n, geo_seed)
    eco = Economy(geo, p, np.random.default_rng(seed))
    for _ in range(6):
        population_before = eco.population.sum()
        mobile_before = eco.mobile.sum()
        stocks_before = eco.migrant_stocks.sum()
        record = eco.cycle()
        growth = 1.0 + p.natural_growth
        # migration moves people without creating or destroying any
        assert np.isclose(eco.mobile.sum() / growth, mobile_before, rtol=1e-12, atol=0)
        assert np.isclose(eco.population.sum() / growth, population_before, rtol=1e-12, atol=0)
        assert np.isclose(eco.migrant_stocks.sum() / growth, stocks_before, rtol=1e-9, atol=0)
        assert np.allclose(eco.migrant_stocks.sum(axis=0), eco.mobile, rtol=1e-9)
        # money: savings = home investment + pooled lending; pool out = pool in
        home = record.home_share * record.savings
        assert np.isclose(record.savings.sum(), home.sum() + record.pooled_in.sum(), rtol=1e-9)
        assert np.isclose(record.pooled_out.sum(), record.pooled_in.sum(), rtol=1e-9)
        assert np.isclose(
            record.remittances_sent.sum(), record.remittances_received.sum(), rtol=1e-9
        )
        # trade identities
        sol = eco.last_solution
        x = trade_flows(sol, eco.phi)
        assert np.allclose(x.sum(axis=0), p.modern_share * sol.gpp + eco.external_demand, rtol=1e-8)
        assert np.allclose(x.sum(axis=1), sol.v * record.mobile, rtol=1e-8)
        # nothing negative, NaN or infinite
        for field in dataclasses.fields(record):
            value = getattr(record, field.name)
            assert np.all(np.isfinite(value)), field.name
            if field.name != "log_real_income":
                assert np.all(np.asarray(value) >= 0), field.name
        assert np.all((record.capacity >= 0) & (record.capacity <= 1))
        assert np.allclose(record.mix.sum(axis=1), 1.0)
        assert np.all(record.poverty_headcount <= 1.0)


@settings(max_examples=200, deadline=None, database=None)
@given(
    n=st.integers(2, 30),
    seed=st.integers(0, 2**32 - 1),
    rate=st.floats(0.0, 1.0),
    beta=st.floats(0.0, 1000.0),
)
def test_migration_conserves_people_and_stocks(n, seed, rate, beta):
    rng = np.random.default_rng(seed)
    mobile = rng.lognormal(12, 2, n)
    stocks = rng.random((n, n)) * mobile[None, :]
    stocks *= mobile[None, :] / stocks.sum(axis=0)
    utility = rng.normal(0, 1, n)
    costs = rng.random((n, n)) * 3
    np.fill_diagonal(costs, 0.0)
    flows = migration_flows(mobile, choice_probabilities(utility, costs, beta), rate)
    new_mobile, new_stocks = apply_migration(mobile, stocks, flows)
    assert np.isclose(new_mobile.sum(), mobile.sum(), rtol=1e-13, atol=0)
    assert np.all(new_mobile >= 0) and np.all(new_stocks >= 0)
    assert np.allclose(new_stocks.sum(axis=0), new_mobile, rtol=1e-9)
    # the origin rows are conserved too: nobody changes where they come from
    assert np.allclose(new_stocks.sum(axis=1), stocks.sum(axis=1), rtol=1e-9)

    # the fused yearly form gives the same moves (also with an empty province)
    for empty in (False, True):
        if empty:
            mobile[0], stocks[:, 0] = 0.0, 0.0
            flows = migration_flows(mobile, choice_probabilities(utility, costs, beta), rate)
            new_mobile, new_stocks = apply_migration(mobile, stocks, flows)
        kernel = choice_kernel(costs, beta)
        fused = migrate(mobile, stocks, utility, costs, beta, rate, kernel)
        scale = mobile.sum()
        np.testing.assert_allclose(fused[0], new_mobile, rtol=1e-9, atol=1e-12 * scale)
        np.testing.assert_allclose(fused[1], new_stocks, rtol=1e-9, atol=1e-12 * scale)
        np.testing.assert_allclose(fused[2], flows.sum(axis=1), rtol=1e-9, atol=1e-12 * scale)
        np.testing.assert_allclose(fused[3], flows.sum(axis=0), rtol=1e-9, atol=1e-12 * scale)
        np.testing.assert_allclose(mobile[:, None] * fused[4], flows, rtol=1e-9, atol=1e-12 * scale)


@settings(max_examples=200, deadline=None, database=None)
@given(n=st.integers(2, 30), seed=st.integers(0, 2**32 - 1), beta=st.floats(0.0, 1000.0))
def test_shortcut_forms_equal_the_direct_ones(n, seed, beta):
    """The forms the yearly cycle uses for speed give the documented quantities."""
    rng = np.random.default_rng(seed)
    utility = rng.normal(0, 1, n)
    costs = rng.random((n, n)) * 3
    np.fill_diagonal(costs, 0.0)
    direct = choice_probabilities(utility, costs, beta)
    fast = choice_probabilities(utility, costs, beta, choice_kernel(costs, beta))
    np.testing.assert_allclose(fast, direct, rtol=1e-11, atol=1e-15)  # probabilities

    ln_a, capacity, weights = rng.normal(0, 1, n), rng.random(n), rng.random((n, n))
    np.testing.assert_allclose(
        knowledge.spillover_inflow(ln_a, capacity, weights, 0.1),
        knowledge.spillover_matrix(ln_a, capacity, weights, 0.1).sum(axis=1),
        rtol=1e-12,
        atol=1e-300,
    )

    stocks, income = rng.lognormal(8, 2, (n, n)), rng.random(n)
    received, sent = finance.remittance_totals(stocks, income, 0.2)
    matrix = finance.remittances(stocks, income, 0.2)
    np.testing.assert_allclose(received, matrix.sum(axis=1), rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(sent, matrix.sum(axis=0), rtol=1e-9, atol=1e-300)

    mix = rng.dirichlet(np.ones(3), size=n)
    growth = rng.normal(0, 0.02, n)
    args = (mix, growth, weights, 0.5, 0.3, 0.1)
    plain = government.learn_mixes_random(*args[:3], np.random.default_rng(seed), *args[3:])
    cached = government.learn_mixes_random(
        *args[:3], np.random.default_rng(seed), *args[3:], np.cumsum(weights, axis=1)
    )
    np.testing.assert_array_equal(cached[0], plain[0])
    np.testing.assert_array_equal(cached[1], plain[1])
    table = government.peer_search_table(np.cumsum(weights, axis=1))
    searched = government.learn_mixes_random(
        *args[:3], np.random.default_rng(seed), *args[3:], peer_table=table
    )
    np.testing.assert_array_equal(searched[0], plain[0])
    np.testing.assert_array_equal(searched[1], plain[1])


@settings(max_examples=50, deadline=None, database=None)
@given(n=st.integers(1, 100), seed=st.integers(0, 2**32 - 1))
def test_dirichlet_draws_are_normalised_exponentials(n, seed):
    """`learn_mixes_random` draws Dirichlet(1, 1, 1) as unit exponentials over their sum:
    NumPy's own algorithm, so the numbers and the rest of the random stream are unchanged."""
    reference_rng, rng = np.random.default_rng(seed), np.random.default_rng(seed)
    reference = reference_rng.dirichlet(np.ones(3), size=n)
    draw = rng.standard_exponential((n, 3))
    draw *= (1.0 / ((draw[:, 0] + draw[:, 1]) + draw[:, 2]))[:, None]
    np.testing.assert_array_equal(draw, reference)
    assert rng.random() == reference_rng.random()
