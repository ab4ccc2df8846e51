"""Trade equilibrium identities (§3), the 2019 inversion and the FKV nesting check."""

import numpy as np
import pytest

from model import DecentraModel, Parameters, synthetic_geography
from model.economy import Economy, calibrate, clear_caches
from model.trade import EquilibriumError, JacobianLU, solve_equilibrium, trade_flows
from model.validation import (
    break_point,
    calibration_residual,
    core_periphery,
    sustain_point,
)


def test_inversion_reproduces_every_province_gpp(thailand):
    model = DecentraModel(seed=42)
    residual = calibration_residual(model)
    assert residual < 1e-8
    first = model.records[0]
    assert first.year == 2019
    data_share = thailand.gpp_mthb / thailand.gpp_mthb.sum()
    assert np.allclose(first.gpp / first.gpp.sum(), data_share, rtol=1e-10)
    assert first.gpp.sum() == pytest.approx(16_898_086, rel=1e-12)


def test_inversion_on_a_synthetic_geography_with_other_parameters():
    model = DecentraModel(synthetic_geography(60, 5), seed=1, sigma=3.5, mu=0.3, alpha=0.5)
    assert calibration_residual(model) < 1e-8


def test_calibration_reuses_its_trade_and_migration_parts_exactly(thailand):
    """The trade inversion's supply terms and the migration part of the calibration are
    cached apart (neither depends on σ): a calibration that reuses them equals one computed
    from scratch, bit for bit."""
    other = Parameters().replace(sigma=4.2, tfp_growth=0.03)
    calibrate(thailand, Parameters())  # fills both parts for the default μ, β, φ, costs
    reused = calibrate(thailand, other)
    clear_caches()
    fresh = calibrate(thailand, other)
    for name, value in vars(fresh).items():
        np.testing.assert_array_equal(getattr(reused, name), value, err_msg=name)
    assert calibration_residual(DecentraModel(thailand, other, seed=1)) < 1e-8
    # a different μ gets its own migration part
    assert calibrate(thailand, other.replace(mu=0.3)).migrant_stocks.sum() == pytest.approx(
        0.3 * thailand.population.sum(), rel=1e-12
    )


def test_trade_identities_with_external_demand(thailand):
    eco = Economy(thailand, Parameters(), np.random.default_rng(0))
    external = np.linspace(0.0, 50_000.0, thailand.n)
    eco.external_demand = external.copy()
    eco.cycle()  # Ext then fades by δ_X for the next year
    sol, p = eco.last_solution, eco.params
    x = trade_flows(sol, eco.phi)
    record = eco.last
    assert np.allclose(eco.external_demand, (1 - p.external_demand_decay) * external)
    assert np.allclose(x.sum(axis=0), p.modern_share * sol.gpp + external, rtol=1e-9)
    assert np.allclose(x.sum(axis=1), sol.v * record.mobile, rtol=1e-9)
    assert np.allclose(sol.gpp, sol.v * record.mobile + record.local * eco.local_productivity_0 *
                       record.productivity / np.exp(eco.ln_productivity_0), rtol=1e-12)  # fmt: skip


def test_non_convergence_names_the_year():
    phi = np.array([[1.0, 0.5], [0.5, 1.0]])
    one = np.ones(2)
    with pytest.raises(EquilibriumError, match=r"year 2031: max log residual .* after 1 Newton"):
        solve_equilibrium(
            one * 5, np.zeros(2), one / 2, phi, one, one, one, 0 * one, 2.0, 0.4, 5.0,
            max_iter=1, year=2031,
        )  # fmt: skip


def test_chord_steps_reach_the_newton_solution(thailand):
    """Starting from another year's Jacobian factors (chord steps) or from no factors (Newton),
    and from a useless factorisation (identity: falls back to Newton), the solution agrees."""
    eco = Economy(thailand, Parameters(), np.random.default_rng(3))
    for _ in range(4):
        eco.cycle()
    old_lu = eco.last_solution.jacobian_lu
    assert old_lu is not None
    for _ in range(3):
        eco.cycle()
    p = eco.params
    args = (
        eco._v_guess,
        eco.ln_productivity + p.capital_share * np.log(eco.capital / eco.mobile),
        eco.mobile / eco.mobile_total_0,
        eco.phi,
        eco.mobile,
        eco.local,
        eco.local_productivity,
        eco.external_demand,
        eco.mobile_total_0,
        p.modern_share,
        p.elasticity_substitution,
    )
    newton = solve_equilibrium(*args)
    chord = solve_equilibrium(*args, jacobian_lu=old_lu)
    identity = JacobianLU.factor(np.eye(thailand.n))
    fallback = solve_equilibrium(*args, jacobian_lu=identity)
    for sol in (newton, chord, fallback):  # polished: ten times closer than the tolerance
        assert sol.residual < 1e-10
        np.testing.assert_allclose(sol.v, newton.v, rtol=1e-11)
        np.testing.assert_allclose(sol.P, newton.P, rtol=1e-11)
    assert chord.jacobian_lu is old_lu  # chord steps sufficed: no new Jacobian
    assert fallback.jacobian_lu is not identity  # too slow: Newton with a fresh Jacobian


def test_break_point_formula():
    assert break_point(5, 0.4) == pytest.approx(1 / 7)


@pytest.mark.parametrize(("sigma", "mu"), [(5.0, 0.4), (4.0, 0.3)])
def test_core_periphery_break_point(sigma, mu):
    phi_b = break_point(sigma, mu)
    assert core_periphery(sigma, mu, 0.9 * phi_b, start_share=0.51) == pytest.approx(0.5, abs=1e-6)
    assert core_periphery(sigma, mu, 1.1 * phi_b, start_share=0.51) > 0.99


@pytest.mark.parametrize(("sigma", "mu"), [(5.0, 0.4), (4.0, 0.3)])
def test_core_periphery_sustain_point(sigma, mu):
    phi_s = sustain_point(sigma, mu)
    assert phi_s < break_point(sigma, mu)
    assert core_periphery(sigma, mu, 1.1 * phi_s, start_share=0.99) > 0.99
    assert core_periphery(sigma, mu, 0.9 * phi_s, start_share=0.99) == pytest.approx(0.5, abs=1e-6)


def test_hysteresis_between_sustain_and_break():
    sigma, mu = 5.0, 0.4
    phi = 0.5 * (sustain_point(sigma, mu) + break_point(sigma, mu))
    assert core_periphery(sigma, mu, phi, start_share=0.51) == pytest.approx(0.5, abs=1e-6)
    assert core_periphery(sigma, mu, phi, start_share=0.99) > 0.99
