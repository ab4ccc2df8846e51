"""The bare NumPy core: the state arrays and the yearly schedule of spec §2, without Mesa.

`DecentraModel` (the Mesa model) owns one `Economy` and adds agents, data collection and graphs;
benchmarks call the same `Economy.cycle` directly to measure what Mesa and recording cost.

One `cycle()` is one year t: (1) policies, (2) trade equilibrium, (3) incomes, taxes, transfers,
remittances, poverty; then (4) finance, (5) local governments, (6) knowledge, (7) migration and
demography turn the stocks of year t into those of year t+1. It returns a `YearRecord` of year t:
the stocks at the start of t, the outcomes of t and the flows during t (step 8 stores it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from . import finance, government, knowledge, migration, poverty, trade
from .geography import Geography, freeness_of_trade
from .jit import kernel, numpy_sum
from .parameters import Parameters

BASE_YEAR = 2019


class Policy(Protocol):
    """Anything that changes the economy at the start of a year (spec §2 step 1, §8)."""

    def apply(self, economy: Economy) -> None: ...


@dataclass(frozen=True, eq=False)
class Calibration:
    """The 2019 inversion (spec §3, §7b): depends only on data and a few parameters, so cached."""

    gpp: np.ndarray  # MTHB, rescaled to national GDP
    population: np.ndarray  # persons
    mobile: np.ndarray  # L^M(0) = μ L
    local: np.ndarray  # L^A(0) = (1 − μ) L
    v: np.ndarray  # v(0) = y^A(0) = GPP/L, MTHB per person
    capital: np.ndarray  # K(0) = κ_K GPP, MTHB
    ln_productivity: np.ndarray  # ln A(0), population-weighted mean zero
    price_term: np.ndarray  # P(0) = G(0)^(1−σ)
    ln_amenity: np.ndarray  # total ln B(0) from the amenity inversion
    migrant_stocks: np.ndarray  # S(0), persons, origin × residence


_CALIBRATIONS: dict[tuple, Calibration] = {}


def channel_freeness(effective_distance_km: np.ndarray, p: Parameters) -> np.ndarray:
    """φ of spec §3; with the trade channel off each province trades only with itself."""
    if not p.trade_channel:
        return np.eye(len(effective_distance_km))
    return freeness_of_trade(effective_distance_km, p.distance_elasticity, p.distance_scale_km)


_CACHE_SIZE = 64

# Matrices that depend only on the geography and a few parameters while no transport or
# knowledge-link policy has changed them (the state of every new Economy); read-only.
_DERIVED: dict[tuple, tuple[np.ndarray, ...]] = {}


def _read_only(arrays: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """The arrays, made read-only: derived matrices are never written, cached or changed by a
    policy (one type for the compiled kernels either way)."""
    for arr in arrays:
        arr.setflags(write=False)
    return arrays


def _cached(key: tuple, make) -> tuple[np.ndarray, ...]:
    """`make()`'s arrays, made read-only and kept under `key` (speed only)."""
    found = _DERIVED.get(key)
    if found is None:
        found = _read_only(make())
        if len(_DERIVED) >= 4 * _CACHE_SIZE:
            _DERIVED.pop(next(iter(_DERIVED)))
        _DERIVED[key] = found
    return found


# The trade Jacobian's factors at the calibrated 2019 equilibrium (`Economy.__init__`).
_JACOBIANS: dict[tuple, trade.JacobianLU] = {}


def clear_caches() -> None:
    """Forget cached calibrations and derived matrices (benchmarks time cold starts with it)."""
    _CALIBRATIONS.clear()
    _DERIVED.clear()
    _JACOBIANS.clear()


def calibrate(geo: Geography, p: Parameters) -> Calibration:
    """Exact inversion at 2019: productivities reproduce every GPP, amenities zero net migration."""
    key = (
        geo,
        p.elasticity_substitution,
        p.modern_share,
        p.distance_elasticity,
        p.distance_scale_km,
        p.capital_share,
        p.capital_output_ratio,
        p.gdp_2019_mthb,
        p.migration_choice_sensitivity,
        p.migration_cost_fixed,
        p.migration_cost_distance,
        p.trade_channel,
    )
    cached = _CALIBRATIONS.get(key)
    if cached is not None:
        return cached
    sigma, mu = p.elasticity_substitution, p.modern_share
    gpp = geo.gpp_mthb * (p.gdp_2019_mthb / geo.gpp_mthb.sum())
    population = geo.population.astype(float)
    mobile, local = mu * population, (1.0 - mu) * population
    v = gpp / population
    capital = p.capital_output_ratio * gpp
    lam = mobile / mobile.sum()
    expenditure = mu * gpp

    def trade_part() -> tuple[np.ndarray, ...]:
        phi = channel_freeness(geo.distance_km, p)
        return phi, trade.fit_supply_terms(v, phi, mobile, expenditure)

    # Independent of σ, and most of the trade inversion's cost: cached on its own, as is the
    # migration part below, so a sweep over σ skips both.
    phi, supply_terms = _cached(
        (
            "trade calibration", geo, mu, p.gdp_2019_mthb, p.trade_channel,
            p.distance_elasticity, p.distance_scale_km,
        ),
        trade_part,
    )  # fmt: skip
    ln_a_eff = trade.productivity_from_supply(supply_terms, lam, v, sigma)
    ln_a = ln_a_eff - p.capital_share * np.log(capital / mobile)
    ln_a -= ln_a @ population / population.sum()
    ln_a_eff = ln_a + p.capital_share * np.log(capital / mobile)
    supply = lam * np.exp((sigma - 1.0) * ln_a_eff) * v ** (1.0 - sigma)
    price_term = supply @ phi
    ln_omega = trade.log_real_income(v, price_term, p.capital_share, p.tax_rate, mu, sigma)
    beta = p.migration_choice_sensitivity

    def migration_part() -> tuple[np.ndarray, ...]:
        costs = migration.moving_costs(
            geo.distance_km, p.migration_cost_fixed, p.migration_cost_distance, p.distance_scale_km
        )
        ln_attractiveness = migration.balancing_attractiveness(mobile, costs, beta)
        stocks = migration.initial_migrant_stocks(
            mobile, population, geo.population_registered.astype(float), costs, beta
        )
        return ln_attractiveness, stocks

    # Independent of σ and the trade parameters, and half a cold calibration's cost: cached
    # on its own, so a sweep over σ or the trade parameters skips it.
    ln_attractiveness, stocks = _cached(
        (
            "migration calibration", geo, mu, beta, p.migration_cost_fixed,
            p.migration_cost_distance, p.distance_scale_km,
        ),
        migration_part,
    )  # fmt: skip
    ln_amenity = migration.amenities_from_attractiveness(ln_attractiveness, ln_omega, beta)
    cal = Calibration(
        gpp, population, mobile, local, v, capital, ln_a, price_term, ln_amenity, stocks
    )
    for arr in vars(cal).values():
        arr.setflags(write=False)
    if len(_CALIBRATIONS) >= _CACHE_SIZE:
        _CALIBRATIONS.pop(next(iter(_CALIBRATIONS)))
    _CALIBRATIONS[key] = cal
    return cal


@dataclass
class YearRecord:
    """Everything step 8 stores for year t (arrays are per province, MTHB, persons, shares)."""

    year: int
    gpp: np.ndarray
    population: np.ndarray
    mobile: np.ndarray
    local: np.ndarray
    capital: np.ndarray
    productivity: np.ndarray  # A_i (index, population-weighted geometric mean 1 in 2019)
    capacity: np.ndarray
    home_share: np.ndarray
    attractiveness: np.ndarray
    amenity: np.ndarray  # B_i = exp(ln B_i)
    mix: np.ndarray  # N × 3 (invest, capacity, amenity)
    migrant_stocks: np.ndarray  # N × N, persons from i (row) living in j (column)
    modern_wage: np.ndarray  # v_i, MTHB per mobile worker
    log_real_income: np.ndarray  # ln ω_i
    disposable_income: np.ndarray
    transfers: np.ndarray
    local_budget: np.ndarray
    remittances_received: np.ndarray
    remittances_sent: np.ndarray
    savings: np.ndarray
    investment: np.ndarray
    pooled_out: np.ndarray
    pooled_in: np.ndarray
    poverty_headcount: np.ndarray  # share of persons
    arrivals: np.ndarray  # persons moving in during t
    departures: np.ndarray
    tax_rate: float  # τ including policy financing
    policy_spending: float  # MTHB
    trade_iterations: int


@dataclass
class PolicyInputs:
    """What policies spend in the current year, by province (MTHB); reset every year.

    Arrays stay None until a policy adds to them, so a year without policies is the baseline
    bit for bit.
    """

    budget: float = 0.0  # total spent by policies, financed by raising τ
    investment: np.ndarray | None = None  # public investment into K_i
    capacity_spending: np.ndarray | None = None  # raises c_i like local capacity spending
    amenity_spending: np.ndarray | None = None  # raises ln B_i like local amenity spending
    pool_claims: np.ndarray | None = None  # private co-finance drawn from the national pool
    poor_transfers: np.ndarray | None = None  # cash reaching poor persons (precision_poverty)
    leaked_transfers: np.ndarray | None = None  # cash of targeted programmes reaching non-poor

    def add(self, name: str, amounts: np.ndarray) -> None:
        """Add MTHB by province to one of the arrays above."""
        current = getattr(self, name)
        setattr(self, name, amounts.copy() if current is None else current + amounts)


class Economy:
    """State arrays of N provinces and the yearly schedule. All money in MTHB, people in persons."""

    def __init__(
        self,
        geography: Geography,
        params: Parameters,
        rng: np.random.Generator,
        policies: Iterable[Policy] = (),
        start_year: int = BASE_YEAR,
    ) -> None:
        self.geo = geography
        self.params = params
        self.rng = rng
        self.policies: list[Policy] = list(policies)
        self.year = start_year
        n = geography.n
        p = params
        cal = calibrate(geography, p)
        self.calibration = cal
        self.transport_reduction = np.zeros((n, n))  # r_ij of transport corridors (§8)
        self.knowledge_link_boost = np.zeros((n, n))  # extra weight on links built by policy
        self.refresh_derived()

        # --- stocks (state variables of spec §1) ---
        self.local = cal.local.copy()
        self.mobile = cal.mobile.copy()
        self.population_0 = cal.population
        self.mobile_total_0 = float(cal.mobile.sum())
        self.capital = cal.capital.copy()
        self.ln_productivity = cal.ln_productivity.copy()
        self.ln_productivity_0 = cal.ln_productivity
        self.local_productivity_0 = cal.v  # y^A(0) = GPP/L
        self.home_share = np.full(n, p.home_bias)
        self.attractiveness = np.full(n, p.financial_attractiveness)
        self.local_tax_rate = np.full(n, p.local_tax_rate)
        self.external_demand = np.zeros(n)
        self.migrant_stocks = cal.migrant_stocks.copy()
        noise = p.initial_mix_noise if p.shocks else 0.0
        self.mix = government.initial_mixes(rng, n, noise)
        self.capacity_floor = p.capacity_floor + p.capacity_floor_university * (
            geography.research_university.astype(float)
        )
        self._v_guess = cal.v.copy()
        self._ln_gpp_pc_history: list[np.ndarray] = []
        self.policy_inputs = PolicyInputs()
        # Stands in for policy arrays that are None; never written. Writable like the policies'
        # arrays: each mix of present and absent policy arrays then has the same types, so
        # the compiled kernels need one specialisation, not one per mix (tests/test_jit.py).
        self._zero = np.zeros(n)

        # Capacity, policy-made amenity and ζ start at rest under the 2019 budgets (spec §3).
        y = cal.gpp / cal.population
        transfers = self._transfers(cal.gpp.sum(), cal.population, y)
        budget = transfers + self.local_tax_rate * cal.gpp
        capacity_share = budget * self.mix[:, government.MIX_CAPACITY] / cal.gpp
        amenity_share = budget * self.mix[:, government.MIX_AMENITY] / cal.gpp
        self.capacity = knowledge.capacity_fixed_point(
            capacity_share, p.capacity_effect, p.capacity_decay, self.capacity_floor
        )
        self.ln_amenity_policy = government.amenity_fixed_point(
            amenity_share, p.amenity_effect, p.amenity_decay
        )
        self.ln_amenity_fixed = cal.ln_amenity - self.ln_amenity_policy
        self.poverty_log_sd = poverty.lognormal_sd_from_gini(p.household_gini)

        def income_scale() -> tuple[np.ndarray, ...]:
            received, sent = self._remittances(cal.v, p.tax_rate)
            disposable = (1.0 - p.tax_rate - self.local_tax_rate) * cal.gpp + received - sent
            scale = poverty.calibrate_income_scale(
                disposable / cal.population * 1e6,
                cal.population,
                p.poverty_line_thb_year,
                self.poverty_log_sd,
                p.poverty_rate_2019,
            )
            # Poor persons before any targeted transfer: where precision_poverty spends (§8, §9).
            poor = cal.population * poverty.headcount(
                scale * disposable / cal.population * 1e6,
                p.poverty_line_thb_year,
                self.poverty_log_sd,
            )
            return np.array(scale), poor

        # ζ depends only on the calibration and the parameters: root-found once per pair
        scale, self.poor_persons = _cached(("income scale", cal, p), income_scale)
        self.income_scale = float(scale)
        self.last: YearRecord | None = None
        self.last_solution: trade.TradeSolution | None = None
        self.calibrated_jacobian = self._calibrated_jacobian()
        # (L^M, move rates) of the latest year's migration; flows are their product (on demand)
        self._migration_flow_parts: tuple[np.ndarray, np.ndarray] | None = None
        self.last_pool_shares = np.full(n, 1.0 / n)

    def _calibrated_jacobian(self) -> trade.JacobianLU:
        """The trade Jacobian's factors (and inverse) at the calibrated 2019 equilibrium, where
        every economy on this calibration and these parameters starts: the first solve away
        from 2019 starts its chord steps with them instead of a Newton step (ODD §7.3).
        Cached (speed only); shared, never written."""
        key = (self.calibration, self.params)
        found = _JACOBIANS.get(key)
        if found is None:
            p = self.params
            ln_a_eff, lam, local_productivity = self.trade_inputs()
            found = trade.jacobian_lu_at(
                self.calibration.v, ln_a_eff, lam, self.phi, self.mobile, self.local,
                local_productivity, self.external_demand, self.mobile_total_0, p.modern_share,
                p.elasticity_substitution,
            )  # fmt: skip
            found.inverse  # noqa: B018  (formed once, for every economy that shares it)
            if len(_JACOBIANS) >= _CACHE_SIZE:
                _JACOBIANS.pop(next(iter(_JACOBIANS)))
            _JACOBIANS[key] = found
        return found

    # ------------------------------------------------------------------ derived quantities
    def refresh_derived(self) -> None:
        """Recompute matrices that depend on parameters or policy (call after changes)."""
        self.refresh_distances()
        self.refresh_knowledge_weights()

    def refresh_distances(self) -> None:
        """Effective distances, φ and moving costs (after parameters or transport corridors)."""
        p, geo = self.params, self.geo

        def make() -> tuple[np.ndarray, ...]:
            effective = geo.distance_km * (1.0 - self.transport_reduction)
            costs = migration.moving_costs(
                effective, p.migration_cost_fixed, p.migration_cost_distance, p.distance_scale_km
            )
            # constant factor of the yearly migration choice (speed only)
            kernel = migration.choice_kernel(costs, p.migration_choice_sensitivity)
            return effective, channel_freeness(effective, p), costs, kernel

        if self.transport_reduction.any():
            derived = _read_only(make())
        else:  # as built: the same for every economy on this geography and these parameters
            key = (
                "derived", geo, p.trade_channel, p.distance_elasticity, p.distance_scale_km,
                p.migration_cost_fixed, p.migration_cost_distance, p.migration_choice_sensitivity,
            )  # fmt: skip
            derived = _cached(key, make)
        self.effective_distance_km, self.phi, self.moving_costs, self.moving_kernel = derived

    def refresh_knowledge_weights(self) -> None:
        """w_ij of §6, with links built by policy (area_research) weighted up."""
        p, geo = self.params, self.geo

        def make() -> tuple[np.ndarray, ...]:
            weights = knowledge.spillover_weights(
                geo.distance_km,
                p.spillover_half_distance_km,
                p.university_weight,
                geo.research_university,
            )
            if self.knowledge_link_boost.any():
                # A policy-built link adds weight without taking it from other links:
                # renormalising would divert lagging provinces from the frontier to a lagging
                # university nearby.
                weights = weights * (1.0 + self.knowledge_link_boost)
            # peer draws search the cumulative weights (speed only)
            return weights, government.peer_search_table(np.cumsum(weights, axis=1))

        if self.knowledge_link_boost.any():
            derived = _read_only(make())
        else:
            key = ("knowledge", geo, p.spillover_half_distance_km, p.university_weight)
            derived = _cached(key, make)
        self.knowledge_weights, self.knowledge_peer_table = derived

    def set_parameters(self, **overrides) -> None:
        """Change parameters between steps (validated); derived matrices follow."""
        self.params = self.params.replace(**overrides)
        self.refresh_derived()

    # ------------------------------------------------------------------ state views
    @property
    def population(self) -> np.ndarray:
        return self.local + self.mobile

    @property
    def local_productivity(self) -> np.ndarray:
        """y^A_i(t) = y^A_i(0)·A_i(t)/A_i(0), MTHB per person."""
        return _local_productivity(
            self.local_productivity_0, self.ln_productivity, self.ln_productivity_0
        )

    def trade_inputs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What this year's trade equilibrium takes from the state (spec §3): ln Ã_i, λ_i and
        y^A_i (MTHB per person); `_year` computes the same inside its compiled call."""
        return _trade_inputs(
            self.ln_productivity, self.ln_productivity_0, self.local_productivity_0,
            self.capital, self.mobile, self.mobile_total_0, self.params.capital_share,
        )  # fmt: skip

    @property
    def current_gpp(self) -> np.ndarray:
        """Last year's GPP (MTHB): the scale policies spend against before this year's solve."""
        return self.last.gpp if self.last is not None else self.calibration.gpp

    @property
    def last_migration_flows(self) -> np.ndarray:
        """The latest year's flows M_ij (persons moving from i to j; zero before any year)."""
        if self._migration_flow_parts is None:
            return np.zeros((self.geo.n, self.geo.n))
        mobile, move_rates = self._migration_flow_parts
        return mobile[:, None] * move_rates

    @property
    def ln_amenity(self) -> np.ndarray:
        return self.ln_amenity_fixed + self.ln_amenity_policy

    def _transfer_total(self, gdp: float) -> float:
        """Central transfers to local governments this year (MTHB): a share of the base tax."""
        p = self.params
        return p.transfer_share * p.tax_rate * gdp

    def _transfers(self, gdp: float, population: np.ndarray, gpp_pc: np.ndarray) -> np.ndarray:
        return government.equalising_transfers(
            self._transfer_total(gdp), population, gpp_pc, self.params.equalization_elasticity
        )

    def _remittances(self, v: np.ndarray, tax: float) -> tuple[np.ndarray, np.ndarray]:
        """(received by origin, sent from residence), MTHB; migrants send ρ_rem of their income."""
        p = self.params
        return finance.remittances_of_year(
            p.finance_channel, self.migrant_stocks, v, p.capital_share, tax, p.remittance_share
        )

    def migrant_income(self, v: np.ndarray, tax: float) -> np.ndarray:
        """Nominal income of a mobile worker, (1 − α)·v·(1 − τ), MTHB per person."""
        return finance.migrant_income(v, self.params.capital_share, tax)

    def _relax_arguments(self) -> tuple:
        """`_relax`'s arguments: policy-made f_i, h_i and Ext_i fade towards their defaults
        (δ_f, δ_h, δ_X; §8), an exact no-op at the defaults (a run without policies is
        untouched)."""
        p = self.params
        return (
            self.attractiveness, p.financial_attractiveness, p.attractiveness_decay,
            self.home_share, p.home_bias, p.home_share_decay,
            self.external_demand, p.external_demand_decay,
        )  # fmt: skip

    def _step_7_general(self, utility: np.ndarray) -> tuple:
        """Step 7 where the compiled migration (in `_steps_3_to_7`) does not apply (a province
        without mobile workers, or the migration channel off): next year's L^M, L^A, S,
        departures, arrivals, move rates."""
        p = self.params
        growth = 1.0 + p.natural_growth
        if p.migration_channel:
            mobile, stocks, departures, arrivals, move_rates = migration.migrate(
                self.mobile, self.migrant_stocks, utility, self.moving_costs,
                p.migration_choice_sensitivity, p.migration_rate, self.moving_kernel,
            )  # fmt: skip
            stocks *= growth  # a new array: grow it in place
        else:
            mobile, stocks = self.mobile, self.migrant_stocks * growth
            departures = arrivals = np.zeros(self.geo.n)
            move_rates = None
        return mobile * growth, self.local * growth, stocks, departures, arrivals, move_rates

    # ------------------------------------------------------------------ the yearly cycle
    def cycle(self) -> YearRecord:
        """Run year t (spec §2 steps 1–7) and return its record; the state becomes year t+1."""
        p = self.params
        sigma, mu, alpha = p.elasticity_substitution, p.modern_share, p.capital_share

        # 1. policies spend their budgets and change fundamentals
        self.policy_inputs = pol = PolicyInputs()
        for policy in self.policies:
            policy.apply(self)

        # The year's random numbers (steps 5 and 6) are drawn first, in their order: learning's
        # (state-independent), then the productivity shocks; the trade equilibrium draws none.
        history = self._ln_gpp_pc_history  # ln GPP per capita of the last years, oldest first
        drop_oldest = len(history) + 1 > p.learning_window_years + 1
        earlier = history[1:] if drop_oldest else history  # this year's value comes next
        learning = _NO_LEARNING if not earlier else _RANDOM if p.shocks else _EXPECTED
        if learning == _RANDOM:
            uniforms, exponentials = government.learning_draws(self.rng, self.geo.n)
        else:
            uniforms, exponentials = _NO_DRAWS
        has_shocks = p.shocks and p.shock_sd > 0
        normals = (
            knowledge.shock_normals(self.rng, len(self.geo.region_names), self.geo.n)
            if has_shocks
            else _NO_NORMALS
        )

        # 2.–7. run as one compiled call (`_year`, speed only) where chord steps with an
        # earlier Jacobian (at first the calibrated one) solve the trade equilibrium, as they
        # do unless they contract too slowly; its parts are the functions that define the
        # equations (`trade._chord_solve`, `_incomes`, `_finance`, `_local_spending`, …).
        # Arguments of steps 3–7 that do not depend on this year's trade solution:
        population = self.population
        zero = self._zero
        poor_transfers = pol.poor_transfers
        steps_3_to_6 = (
            # 3. incomes, taxes, transfers, remittances, poverty
            population, self.local_tax_rate, p.equalization_elasticity, self.migrant_stocks,
            alpha, mu, sigma, p.remittance_share, p.finance_channel,
            _or(pol.leaked_transfers, zero), _or(poor_transfers, zero),
            poor_transfers is not None, self.income_scale, p.poverty_line_thb_year,
            self.poverty_log_sd,
            # 4. financial channel; 5. local governments spend
            p.saving_rate, self.mobile, self.capital, self.attractiveness, p.return_elasticity,
            self.home_share, _or(pol.pool_claims, zero), self.mix, _or(pol.investment, zero),
            p.depreciation, _or(pol.capacity_spending, zero), _or(pol.amenity_spending, zero),
            self.capacity, p.capacity_effect, p.capacity_decay, self.capacity_floor,
            self.ln_amenity_policy, p.amenity_effect, p.amenity_decay,
            # 5. (cont.) some local governments learn from peers
            learning == _RANDOM, earlier[0] if earlier else zero, len(earlier), uniforms,
            exponentials, self.knowledge_peer_table, p.learning_probability, p.learning_rate,
            p.learning_noise,
            # 6. knowledge channel; 7. (first part) utility of living in each province
            self.ln_productivity, p.tfp_growth, p.knowledge_channel, self.knowledge_weights,
            p.spillover_rate, has_shocks, normals, self.geo.region, p.shock_sd,
            p.shock_regional_correlation, self.ln_amenity_fixed, p.congestion, self.population_0,
        )  # fmt: skip
        migration_args = (
            self.mobile, self.local, self.migrant_stocks, self.moving_kernel,
            p.migration_choice_sensitivity, p.migration_rate, p.natural_growth,
        )  # fmt: skip
        relax_args = self._relax_arguments()
        lu = self.last_solution.jacobian_lu if self.last_solution else self.calibrated_jacobian
        status, norm, iterations, tax, solved, rows, mix, stocks, move_rates, moved = _year(
            # 2. trade equilibrium
            self._v_guess, self.ln_productivity, self.ln_productivity_0,
            self.local_productivity_0, self.capital, self.mobile, self.mobile_total_0, alpha,
            self.phi, self.local, self.external_demand, mu, sigma,
            trade.NO_INVERSE if lu is None else lu.inverse, trade.TOLERANCE,
            trade.MAX_ITERATIONS, trade.CHORD_CONTRACTION,
            # 3.–7.
            p.tax_rate, pol.budget, p.transfer_share, steps_3_to_6, p.migration_channel,
            migration_args, relax_args,
        )  # fmt: skip
        if status == trade.POLISHED:
            v, w, P, E, gpp = solved
            sol = trade.TradeSolution(v, P, w, E, gpp, iterations, norm, lu)
        else:  # chord steps too slow (or no earlier Jacobian): Newton steps (LAPACK)
            ln_a_eff, lam, local_productivity = self.trade_inputs()
            sol = trade.solve_equilibrium(
                self._v_guess, ln_a_eff, lam, self.phi, self.mobile, self.local,
                local_productivity, self.external_demand, self.mobile_total_0, mu, sigma,
                year=self.year, jacobian_lu=lu,
            )  # fmt: skip
            gpp = sol.gpp
            gdp = float(gpp.sum())
            tax = p.tax_rate + pol.budget / gdp
            rows, mix, stocks, move_rates, moved = _steps_3_to_7(
                gpp, sol.v, sol.P, tax, self._transfer_total(gdp), steps_3_to_6,
                p.migration_channel, migration_args, relax_args,
            )  # fmt: skip
        self.last_solution = sol
        self._v_guess = sol.v * np.exp(p.tfp_growth)
        (
            ln_gpp_pc, transfers, local_budget, received, sent, disposable, headcount,
            self.poor_persons, ln_omega, savings, shares, pooled_in, pooled_out, investment,
            capital, capacity, ln_amenity_policy, ln_productivity, utility, productivity,
            amenity, mobile, local, departures, arrivals, *relaxed,
        ) = rows  # fmt: skip
        history.append(ln_gpp_pc)
        if drop_oldest:
            history.pop(0)
        if learning == _EXPECTED:  # the deterministic switch (shocks off)
            growth = (ln_gpp_pc - earlier[0]) / len(earlier)
            mix = government.learn_mixes_expected(
                self.mix, growth, self.knowledge_weights, p.learning_probability, p.learning_rate
            )
        if p.finance_channel and pol.pool_claims is not None:
            pool = float(pooled_out.sum())
            self.last_pool_shares = pooled_in / pool if pool > 0 else shares
        else:
            self.last_pool_shares = shares

        # 7. where the compiled migration did not apply (a province without mobile workers, or
        # the migration channel off), the general path
        if not moved:
            mobile, local, stocks, departures, arrivals, move_rates = self._step_7_general(utility)
        self._migration_flow_parts = (self.mobile, move_rates) if p.migration_channel else None

        record = YearRecord(
            year=self.year,
            gpp=gpp,
            population=population,
            mobile=self.mobile,
            local=self.local,
            capital=self.capital,
            productivity=productivity,
            capacity=self.capacity,
            home_share=self.home_share.copy() if p.finance_channel else np.ones(self.geo.n),
            attractiveness=self.attractiveness.copy(),
            amenity=amenity,
            mix=self.mix,
            migrant_stocks=self.migrant_stocks,
            modern_wage=sol.v,
            log_real_income=ln_omega,
            disposable_income=disposable,
            transfers=transfers,
            local_budget=local_budget,
            remittances_received=received,
            remittances_sent=sent,
            savings=savings,
            investment=investment,
            pooled_out=pooled_out,
            pooled_in=pooled_in,
            poverty_headcount=headcount,
            arrivals=arrivals,
            departures=departures,
            tax_rate=tax,
            policy_spending=pol.budget,
            trade_iterations=sol.iterations,
        )

        # commit year t+1's stocks (new arrays: the record keeps year t's)
        self.capital = capital
        self.capacity = capacity
        self.ln_amenity_policy = ln_amenity_policy
        self.mix = mix
        self.ln_productivity = ln_productivity
        self.mobile, self.local, self.migrant_stocks = mobile, local, stocks
        self.attractiveness, self.home_share, self.external_demand = relaxed
        self.year += 1
        self.last = record
        return record


# ---------------------------------------------------------------------- compiled year steps
# The arithmetic of steps 2–7 in one compiled call, `_year` (speed only, see model/jit.py),
# made of one function per step; they call the domain functions that define the equations
# (trade, government, finance, poverty, knowledge, migration), so each equation lives in one
# place. Policy arrays that are None are passed as zeros: adding 0.0 changes no number, so a
# year without policies is the baseline bit for bit.


def _or(amounts: np.ndarray | None, zero: np.ndarray) -> np.ndarray:
    return zero if amounts is None else amounts


@kernel
def _incomes(
    gpp, population, local_tax_rate, tax, transfer_total, equalization_elasticity,
    migrant_stocks, v, alpha, remittance_share, finance_channel, leaked_transfers,
    income_scale, poverty_line, poverty_log_sd,
):  # fmt: skip
    """Step 3 (spec §4, §5, §9): ln GPP per capita, equalising transfers, local budgets,
    remittances received and sent, disposable income (MTHB), income per person (THB) and the
    poverty headcount before any transfer to the poor."""
    gpp_pc = gpp / population
    transfers = government.equalising_transfers(
        transfer_total, population, gpp_pc, equalization_elasticity
    )
    local_budget = transfers + local_tax_rate * gpp
    received, sent = finance.remittances_of_year(
        finance_channel, migrant_stocks, v, alpha, tax, remittance_share
    )
    disposable = (1.0 - tax - local_tax_rate) * gpp + received - sent + leaked_transfers
    income_pc = income_scale * disposable / population * 1e6  # THB per person
    headcount = poverty.headcount(income_pc, poverty_line, poverty_log_sd)
    return (
        np.log(gpp_pc), transfers, local_budget, received, sent, disposable, income_pc,
        headcount,
    )  # fmt: skip


# Learning in `_steps_3_to_6`: none (first year), peers drawn at random, or (shocks off) the
# deterministic switch, which runs after it in NumPy.
_NO_LEARNING, _RANDOM, _EXPECTED = 0, 1, 2
_NO_DRAWS = (np.empty(0), np.empty((0, 3)))  # writable like real draws: one compiled type
_NO_NORMALS = np.empty(0)


@kernel
def _steps_3_to_6(
    gpp, v, P, tax, transfer_total,
    population, local_tax_rate, equalization_elasticity, migrant_stocks, alpha, mu, sigma,
    remittance_share, finance_channel, leaked_transfers, poor_transfers, has_poor_transfers,
    income_scale, poverty_line, poverty_log_sd,
    saving_rate, mobile, capital, attractiveness, return_elasticity, home_share, pool_claims,
    mix, policy_investment, depreciation, policy_capacity, policy_amenity, capacity,
    capacity_effect, capacity_decay, capacity_floor, ln_amenity_policy, amenity_effect,
    amenity_decay,
    learn_from_peers, ln_gpp_pc_earlier, years_earlier, uniforms, exponentials, peer_table,
    learning_probability, learning_rate, learning_noise,
    ln_productivity, tfp_growth, knowledge_channel, knowledge_weights, spillover_rate,
    has_shocks, shock_normals, region, shock_sd, shock_correlation,
    ln_amenity_fixed, congestion, population_0,
):  # fmt: skip
    """Steps 3–6 of a year and the utility of step 7: the same functions, in the same order,
    as one call each from Python would run. Returns the year's province arrays, A_i and B_i
    (levels, for its record) among them, and next year's budget mix (`_steps_3_to_7` names
    them). The first five arguments depend on this year's trade solution, the rest do not.

    `years_earlier` and `ln_gpp_pc_earlier` are the learning window (the oldest ln GPP per
    capita kept and how many years before this one it is); `uniforms` and `exponentials` are
    learning's random numbers (`government.learning_draws`), `shock_normals` the shocks'
    (`knowledge.shock_normals`, used where `has_shocks`), both drawn before the call so the
    random stream keeps its order.
    """
    # 3. incomes, taxes, transfers, remittances, poverty
    ln_gpp_pc, transfers, local_budget, received, sent, disposable, income_pc, headcount = (
        _incomes(
            gpp, population, local_tax_rate, tax, transfer_total, equalization_elasticity,
            migrant_stocks, v, alpha, remittance_share, finance_channel, leaked_transfers,
            income_scale, poverty_line, poverty_log_sd,
        )
    )  # fmt: skip
    poor_persons = headcount * population
    if has_poor_transfers:  # cash to the poor lifts those near the line
        per_poor = income_scale * poor_transfers * 1e6 / np.maximum(poor_persons, 1.0)
        headcount = poverty.headcount_after_transfers(
            income_pc, poverty_line, poverty_log_sd, per_poor
        )
        disposable = disposable + poor_transfers
    ln_omega = trade.log_real_income(v, P, alpha, tax, mu, sigma)

    # 4. financial channel; 5. local governments spend
    savings, shares, pooled_in, pooled_out, investment, new_capital = _finance(
        disposable, saving_rate, alpha, v, mobile, capital, attractiveness, return_elasticity,
        home_share, pool_claims, finance_channel, local_budget, mix, policy_investment,
        depreciation,
    )  # fmt: skip
    new_capacity, new_ln_amenity_policy = _local_spending(
        local_budget, mix, policy_capacity, policy_amenity, gpp, capacity, capacity_effect,
        capacity_decay, capacity_floor, ln_amenity_policy, amenity_effect, amenity_decay,
    )  # fmt: skip

    # 5. (cont.) some local governments learn from peers
    new_mix = mix
    if learn_from_peers:
        growth = (ln_gpp_pc - ln_gpp_pc_earlier) / years_earlier
        new_mix = government.copy_peer_mixes(
            mix, growth, uniforms, exponentials, peer_table, learning_probability,
            learning_rate, learning_noise,
        )[0]  # fmt: skip

    # 6. knowledge channel
    new_ln_productivity = ln_productivity + tfp_growth
    if knowledge_channel:
        new_ln_productivity = new_ln_productivity + knowledge.spillover_inflow(
            ln_productivity, new_capacity, knowledge_weights, spillover_rate
        )
    if has_shocks:
        new_ln_productivity = new_ln_productivity + knowledge.shocks_from_normals(
            shock_normals, region, shock_sd, shock_correlation
        )

    # 7. utility of living in each province (this year's incomes, next year's amenities)
    utility = (
        ln_omega + ln_amenity_fixed + new_ln_amenity_policy
        - congestion * np.log(population / population_0)
    )  # fmt: skip
    return (
        ln_gpp_pc, transfers, local_budget, received, sent, disposable, headcount,
        poor_persons, ln_omega, savings, shares, pooled_in, pooled_out, investment, new_capital,
        new_capacity, new_ln_amenity_policy, new_ln_productivity, utility,
        np.exp(ln_productivity), np.exp(ln_amenity_fixed + ln_amenity_policy), new_mix,
    )  # fmt: skip


@kernel
def _finance(
    disposable, saving_rate, alpha, v, mobile, capital, attractiveness, return_elasticity,
    home_share, pool_claims, finance_channel, local_budget, mix, policy_investment,
    depreciation,
):  # fmt: skip
    """Step 4 (spec §5): savings, the national pool's shares, home and pooled investment, and
    next year's capital (MTHB). Without the finance channel every province invests its own
    savings."""
    savings = saving_rate * disposable
    returns = finance.return_on_capital(alpha, v, mobile, capital)
    shares = finance.pool_shares(capital, returns, attractiveness, return_elasticity)
    if finance_channel:
        home, pooled_in, pooled_out = finance.allocate_savings(
            savings, home_share, shares, pool_claims
        )
    else:
        home, pooled_in, pooled_out = savings, np.zeros_like(savings), np.zeros_like(savings)
    investment = home + pooled_in + local_budget * mix[:, government.MIX_INVEST] + policy_investment
    new_capital = (1.0 - depreciation) * capital + investment
    return savings, shares, pooled_in, pooled_out, investment, new_capital


@kernel
def _local_spending(
    local_budget, mix, policy_capacity, policy_amenity, gpp, capacity, capacity_effect,
    capacity_decay, capacity_floor, ln_amenity_policy, amenity_effect, amenity_decay,
):  # fmt: skip
    """Step 5 (spec §6, §7): local capacity and amenity spending (plus policies') move next
    year's absorptive capacity and policy-made amenity."""
    capacity_spending = local_budget * mix[:, government.MIX_CAPACITY] + policy_capacity
    amenity_spending = local_budget * mix[:, government.MIX_AMENITY] + policy_amenity
    new_capacity = knowledge.update_capacity(
        capacity, capacity_spending, gpp, capacity_effect, capacity_decay, capacity_floor
    )
    new_ln_amenity = (1.0 - amenity_decay) * ln_amenity_policy + (
        amenity_effect * amenity_spending / gpp
    )
    return new_capacity, new_ln_amenity


@kernel
def _local_productivity(local_productivity_0, ln_productivity, ln_productivity_0):
    """y^A_i(t) = y^A_i(0)·A_i(t)/A_i(0), MTHB per person."""
    return local_productivity_0 * np.exp(ln_productivity - ln_productivity_0)


@kernel
def _trade_inputs(
    ln_productivity, ln_productivity_0, local_productivity_0, capital, mobile, mobile_total_0,
    alpha,
):  # fmt: skip
    """What the year's trade equilibrium takes from the state (spec §3): ln Ã_i =
    ln A_i + α·ln(K_i/L^M_i), λ_i = L^M_i/L^M_0 and y^A_i (MTHB per person)."""
    ln_a_eff = ln_productivity + alpha * np.log(capital / mobile)
    lam = mobile / mobile_total_0
    local = _local_productivity(local_productivity_0, ln_productivity, ln_productivity_0)
    return ln_a_eff, lam, local


#: The rows of the block `_steps_3_to_7` returns, in order (`Economy.cycle` unpacks them).
YEAR_ROWS = (
    "ln_gpp_pc", "transfers", "local_budget", "received", "sent", "disposable", "headcount",
    "poor_persons", "ln_omega", "savings", "shares", "pooled_in", "pooled_out", "investment",
    "capital", "capacity", "ln_amenity_policy", "ln_productivity", "utility", "productivity",
    "amenity", "mobile", "local", "departures", "arrivals", "attractiveness", "home_share",
    "external_demand",
)  # fmt: skip


@kernel
def _steps_3_to_7(
    gpp, v, P, tax, transfer_total, steps_3_to_6, migration_channel, migration_args, relax_args
):  # fmt: skip
    """Steps 3–7 of a year, given its trade solution (GPP and v in MTHB, P, τ, the central
    transfers in MTHB): `_steps_3_to_6`, then step 7 where every province has mobile workers
    (`migration`'s compiled path), natural growth, and `_relax` of the policy-made f, h, Ext.

    Returns the province arrays as the rows of one (len(YEAR_ROWS), N) block (making a NumPy
    object of each of ~30 arrays on the way out of a compiled call costs more than copying
    them), next year's budget mix, migrant stocks and this year's move rates, and whether
    step 7 ran here. Where it did not (a province without mobile workers, or the migration
    channel off) the rows of L^M, L^A, departures and arrivals are NaN, stocks and rates are
    empty, and the caller takes `Economy._step_7_general` (the relaxed f, h, Ext still hold).
    """
    (
        ln_gpp_pc, transfers, local_budget, received, sent, disposable, headcount,
        poor_persons, ln_omega, savings, shares, pooled_in, pooled_out, investment, capital,
        capacity, ln_amenity_policy, ln_productivity, utility, productivity, amenity, mix,
    ) = _steps_3_to_6(gpp, v, P, tax, transfer_total, *steps_3_to_6)  # fmt: skip
    rows = np.empty((len(YEAR_ROWS), gpp.size))
    rows[0], rows[1], rows[2], rows[3] = ln_gpp_pc, transfers, local_budget, received
    rows[4], rows[5], rows[6], rows[7] = sent, disposable, headcount, poor_persons
    rows[8], rows[9], rows[10], rows[11] = ln_omega, savings, shares, pooled_in
    rows[12], rows[13], rows[14], rows[15] = pooled_out, investment, capital, capacity
    rows[16], rows[17], rows[18] = ln_amenity_policy, ln_productivity, utility
    rows[19], rows[20] = productivity, amenity
    rows[25], rows[26], rows[27] = _relax(*relax_args)

    # 7. migration channel and demography
    mobile, local, stocks, moving_kernel, beta, migration_rate, natural_growth = migration_args
    new_stocks = rates = np.empty((0, 0))
    result = None
    if migration_channel and mobile.min() > 0.0:  # also False for NaN
        result = migration._migrate_occupied(
            mobile, stocks, utility, moving_kernel, beta, migration_rate
        )
    if result is None:
        rows[21:25] = np.nan
        return rows, mix, new_stocks, rates, False
    new_mobile, new_stocks, departures, arrivals, rates = result
    growth = 1.0 + natural_growth
    new_stocks *= growth  # a new array: grown in place
    rows[21], rows[22] = new_mobile * growth, local * growth
    rows[23], rows[24] = departures, arrivals
    return rows, mix, new_stocks, rates, True


@kernel
def _year(
    v_start, ln_productivity, ln_productivity_0, local_productivity_0, capital, mobile,
    mobile_total_0, alpha, phi, local, external_demand, mu, sigma, inverse, tol, max_iter,
    contraction,
    tax_rate, policy_budget, transfer_share, steps_3_to_6, migration_channel, migration_args,
    relax_args,
):  # fmt: skip
    """Steps 2–7 of a year in one compiled call (speed only), where chord steps with an
    earlier Jacobian's `inverse` solve the trade equilibrium (`trade._chord_solve`); τ adds
    the policy budget to `tax_rate`, and the central transfers are `transfer_share`·τ̄·GDP.

    Returns the solver's status, residual and iterations, τ, the solution's v, w, P, E and
    GPP as the rows of one (5, N) block, and `_steps_3_to_7`'s results. Unless the status is
    `trade.POLISHED` (no earlier Jacobian, or the chord steps were too slow), steps 3–7 did
    not run and their results are empty: the caller solves with Newton steps
    (`trade.solve_equilibrium`) and calls `_steps_3_to_7` itself.
    """
    ln_a_eff, lam, local_productivity = _trade_inputs(
        ln_productivity, ln_productivity_0, local_productivity_0, capital, mobile,
        mobile_total_0, alpha,
    )  # fmt: skip
    _, _, v, w, P, E, _, gpp, norm, iterations, status = trade._chord_solve(
        v_start, ln_a_eff, lam, phi, mobile, local, local_productivity, external_demand,
        mobile_total_0, mu, sigma, inverse, tol, max_iter, contraction,
    )  # fmt: skip
    solved = np.empty((5, gpp.size))
    solved[0], solved[1], solved[2], solved[3], solved[4] = v, w, P, E, gpp
    if status != trade.POLISHED:
        empty = np.empty((0, 0))
        return (
            status, norm, iterations, 0.0, solved, np.empty((0, gpp.size)), np.empty((0, 3)),
            empty, empty, False,
        )  # fmt: skip
    gdp = numpy_sum(gpp)  # NumPy's order: the same τ as `gpp.sum()` after Newton steps
    tax = tax_rate + policy_budget / gdp
    rows, mix, stocks, rates, moved = _steps_3_to_7(
        gpp, v, P, tax, transfer_share * tax_rate * gdp, steps_3_to_6, migration_channel,
        migration_args, relax_args,
    )  # fmt: skip
    return status, norm, iterations, tax, solved, rows, mix, stocks, rates, moved


@kernel
def _relax(attractiveness, f0, attractiveness_decay, home_share, h0, home_share_decay,
           external_demand, external_demand_decay):  # fmt: skip
    """f_i, h_i and Ext_i one year closer to their defaults (δ_f, δ_h, δ_X; §8)."""
    return (
        f0 + (1.0 - attractiveness_decay) * (attractiveness - f0),
        h0 + (1.0 - home_share_decay) * (home_share - h0),
        (1.0 - external_demand_decay) * external_demand,
    )
