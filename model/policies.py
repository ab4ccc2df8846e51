"""Policy levers (spec §8): a yearly budget for a target set of provinces, turned into changes of
the model's state through documented coefficients.

Every lever is financed as in §4: its budget is added to the year's policy spending, which
raises the central tax rate by budget/GDP, so equal budgets are an equal-cost comparison.
Budgets are spread over the targets in proportion to population unless a lever says otherwise
(`precision_poverty`: poor persons; `transport_corridor`: length of each link of the route).

`LEVERS` is the registry: the scenario schema, the CLI, the ODD's lever table and the dashboard
all read it. The effects are written with `s_i = spend_i / GPP_i` (spending as a share of last
year's GPP), so a coefficient reads "per unit of GPP spent".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .economy import Economy
from .targets import Target

ASSUMPTION = "assumption"
BY_POPULATION = "population"
BY_POOR_PERSONS = "poor persons"
BY_LINK_LENGTH = "length of each link"
BUDGET_MAX_MTHB = 2_000_000.0  # per year: about 12% of 2019 GDP, beyond any plausible programme


class LeverError(ValueError):
    """An unknown lever or coefficient, or a value outside its bounds."""


@dataclass(frozen=True)
class Coefficient:
    """One effect coefficient of a lever: default, unit, bounds and where the number comes from."""

    name: str
    default: float
    unit: str
    bounds: tuple[float, float]
    source: str
    doc: str


@dataclass(frozen=True)
class Lever:
    """A kind of policy of PMU-A's plan: which channel it works through and how."""

    name: str
    channel: str  # trade | finance | migration | knowledge | poverty (or two, "a, b")
    plan: str  # the recommendation of the plan it stands for
    effect: str  # the state it changes, as an equation
    allocation: str  # how the budget is spread over the targets
    coefficients: tuple[Coefficient, ...]
    act: Callable[[Economy, np.ndarray, Mapping[str, float], LeverPolicy], None] = field(repr=False)
    needs_route: bool = False

    def coefficient_values(self, overrides: Mapping[str, Any] | None = None) -> dict[str, float]:
        """Defaults with `overrides` applied and checked (unknown names, types, bounds)."""
        values = {c.name: c.default for c in self.coefficients}
        known = {c.name: c for c in self.coefficients}
        for name, value in (overrides or {}).items():
            if name not in known:
                allowed = ", ".join(known) or "(none)"
                raise LeverError(
                    f"lever {self.name!r} has no coefficient {name!r}; allowed: {allowed}"
                )
            c = known[name]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise LeverError(f"coefficient {name!r} must be a number, got {value!r}")
            low, high = c.bounds
            if not (low <= float(value) <= high):
                raise LeverError(
                    f"coefficient {name!r} = {value!r} is out of bounds; "
                    f"allowed: {low:g} ≤ {name} ≤ {high:g} {c.unit}"
                )
            values[name] = float(value)
        return values


# ---------------------------------------------------------------------------- the policy object
@dataclass(eq=False)
class LeverPolicy:
    """One `[[policy]]` of a scenario: a lever, its yearly budget, targets and years.

    Implements the `Policy` protocol of `model.economy`: `apply(economy)` is called at the start
    of every year (spec §2 step 1). Built fresh for every model, since it keeps per-run state.
    """

    lever: Lever
    budget_mthb: float  # per year
    target: Target
    start: int
    end: int
    coefficients: dict[str, float]
    reselect: str = "start"  # "start": bottom/top fixed in the first year; "yearly"
    label: str = ""
    spent_mthb: dict[int, float] = field(default_factory=dict)  # year → MTHB actually spent
    state: dict[str, Any] = field(default_factory=dict)  # lever-specific memory (corridors)
    _fixed_mask: np.ndarray | None = field(default=None, repr=False)

    def active(self, year: int) -> bool:
        return self.start <= year <= self.end and self.budget_mthb > 0

    def targets(self, economy: Economy) -> np.ndarray:
        """This year's target mask (bottom/top re-ranked yearly or fixed at the start)."""
        if not self.target.dynamic:
            return self.target.static
        if self.reselect == "start" and self._fixed_mask is not None:
            return self._fixed_mask
        mask = self.target.mask(economy.current_gpp / economy.population)
        if self.reselect == "start":
            self._fixed_mask = mask
        return mask

    def apply(self, economy: Economy) -> None:
        if not self.active(economy.year):
            return
        mask = self.targets(economy)
        spend = self.lever_allocation(economy, mask)
        economy.policy_inputs.budget += self.budget_mthb
        self.spent_mthb[economy.year] = self.budget_mthb
        self.lever.act(economy, spend, self.coefficients, self)

    def lever_allocation(self, economy: Economy, mask: np.ndarray) -> np.ndarray:
        """MTHB per province this year; sums to the budget."""
        if self.lever.allocation == BY_LINK_LENGTH:
            return np.zeros(economy.geo.n)  # corridors spend on links, not provinces
        weight = np.where(mask, economy.population, 0.0)
        if self.lever.allocation == BY_POOR_PERSONS:
            poor = np.where(mask, economy.poor_persons, 0.0)
            if poor.sum() > 0:  # nobody poor in the targets: spread by population
                weight = poor
        return self.budget_mthb * weight / weight.sum()


# ---------------------------------------------------------------------------- lever effects
def _spend_share(economy: Economy, spend: np.ndarray) -> np.ndarray:
    return spend / economy.current_gpp


def _area_research(eco: Economy, spend: np.ndarray, c: Mapping[str, float], pol: LeverPolicy):
    eco.policy_inputs.add("capacity_spending", c["capacity_efficiency"] * spend)
    nearest = pol.state.get("nearest_university")
    if nearest is None:
        d = np.where(eco.geo.research_university[None, :], eco.geo.distance_km, np.inf)
        np.fill_diagonal(d, np.inf)
        nearest = pol.state["nearest_university"] = np.argmin(d, axis=1)
    rows = np.flatnonzero(spend > 0)
    if len(rows) and np.isfinite(eco.geo.distance_km[rows, nearest[rows]]).all():
        boost = eco.knowledge_link_boost
        gain = c["link_gain"] * _spend_share(eco, spend)[rows]
        boost[rows, nearest[rows]] = np.minimum(c["link_max"], boost[rows, nearest[rows]] + gain)
        eco.refresh_knowledge_weights()


def _capacity_and_amenity(eco: Economy, spend: np.ndarray, c: Mapping[str, float], _pol):
    eco.policy_inputs.add("capacity_spending", c["capacity_share"] * spend)
    eco.policy_inputs.add("amenity_spending", (1.0 - c["capacity_share"]) * spend)


def _enterprise_coaching(eco: Economy, spend: np.ndarray, c: Mapping[str, float], _pol):
    s = _spend_share(eco, spend)
    eco.ln_productivity = eco.ln_productivity + c["productivity_gain"] * s / (
        1.0 + s / c["saturation_share"]
    )
    eco.attractiveness = eco.attractiveness + c["attractiveness_gain"] * s


def _local_development_fund(eco: Economy, spend: np.ndarray, c: Mapping[str, float], _pol):
    eco.policy_inputs.add("investment", spend)
    eco.policy_inputs.add("pool_claims", c["crowd_in"] * spend)
    s = _spend_share(eco, spend)
    eco.home_share = np.minimum(
        1.0, eco.home_share + c["home_share_gain"] * s * (1 - eco.home_share)
    )


def _micro_ppp(eco: Economy, spend: np.ndarray, c: Mapping[str, float], _pol):
    eco.policy_inputs.add("investment", spend)
    eco.policy_inputs.add("pool_claims", c["private_leverage"] * spend)


def _fiscal_self_reliance(eco: Economy, spend: np.ndarray, c: Mapping[str, float], _pol):
    raised = np.minimum(
        c["local_tax_cap"], eco.local_tax_rate + c["tax_capacity_gain"] * _spend_share(eco, spend)
    )
    eco.local_tax_rate = np.maximum(eco.local_tax_rate, raised)  # never lowers a rate


def _precision_poverty(eco: Economy, spend: np.ndarray, c: Mapping[str, float], _pol):
    accuracy = c["targeting_accuracy"]
    eco.policy_inputs.add("poor_transfers", accuracy * spend)
    eco.policy_inputs.add("leaked_transfers", (1.0 - accuracy) * spend)


def _livable_secondary_city(eco: Economy, spend: np.ndarray, c: Mapping[str, float], _pol):
    eco.policy_inputs.add("amenity_spending", c["amenity_share"] * spend)
    eco.policy_inputs.add("investment", (1.0 - c["amenity_share"]) * spend)


def _transport_corridor(eco: Economy, _spend: np.ndarray, c: Mapping[str, float], pol):
    route = pol.target.route
    assert route is not None  # the scenario loader guarantees an ordered route
    a, b = np.array(route[:-1]), np.array(route[1:])
    length = eco.geo.distance_km[a, b]
    cumulative = pol.state.setdefault("link_spending_mthb", np.zeros(len(a)))
    cumulative += pol.budget_mthb * length / length.sum()
    old = pol.state.get("reduction", np.zeros(len(a)))
    new = c["max_reduction"] * (1.0 - np.exp(-cumulative / c["cost_scale_mthb"]))
    pol.state["reduction"] = new
    # Several corridors combine multiplicatively: 1 − r = Π (1 − r_k).
    keep = (1.0 - eco.transport_reduction[a, b]) * (1.0 - new) / (1.0 - old)
    eco.transport_reduction[a, b] = 1.0 - keep
    eco.transport_reduction[b, a] = 1.0 - keep
    eco.refresh_distances()  # knowledge weights use geographic, not effective, distance


def _special_economic_zone(eco: Economy, spend: np.ndarray, c: Mapping[str, float], _pol):
    eco.external_demand = eco.external_demand + c["export_gain"] * spend
    eco.attractiveness = eco.attractiveness + c["attractiveness_gain"] * _spend_share(eco, spend)


def _creative_economy_district(eco: Economy, spend: np.ndarray, c: Mapping[str, float], _pol):
    eco.external_demand = eco.external_demand + c["visitor_gain"] * spend


# ---------------------------------------------------------------------------- the registry
def _coef(name, default, unit, bounds, source, doc) -> Coefficient:
    return Coefficient(name, default, unit, bounds, source, doc)


_CAPACITY_EFFICIENCY = _coef(
    "capacity_efficiency", 1.0, "-", (0.0, 2.0), ASSUMPTION,
    "capacity spending per MTHB of budget (1 = as effective as local capacity spending, e_c)",
)  # fmt: skip

LEVERS: dict[str, Lever] = {
    lever.name: lever
    for lever in (
        Lever(
            "area_research", "knowledge",
            "university-led area research and appropriate technology (direct knowledge channel)",
            "c_i via e_c; knowledge weight to the nearest research university × (1 + b_i), "
            "b_i += link_gain·s_i up to link_max (other links keep their weight)",
            BY_POPULATION, (
                _CAPACITY_EFFICIENCY,
                _coef("link_gain", 50.0, "per unit of GPP spent", (0.0, 1000.0), ASSUMPTION,
                      "growth of the extra link weight b_i per unit of spending share"),
                _coef("link_max", 1.0, "× base weight", (0.0, 10.0), ASSUMPTION,
                      "largest extra link weight (1 doubles the link)"),
            ),
            _area_research,
        ),
        Lever(
            "digital_local_government", "knowledge",
            "digital transformation of local government",
            "capacity spending share·spend → c_i; the rest amenity spending → ln B_i",
            BY_POPULATION, (
                _coef("capacity_share", 0.7, "share of budget", (0.0, 1.0), ASSUMPTION,
                      "part of the budget that builds capacity (the rest: services, amenity)"),
            ),
            _capacity_and_amenity,
        ),
        Lever(
            "learning_city", "knowledge, migration",
            "learning cities and livable cities (UNESCO learning-city model)",
            "capacity spending share·spend → c_i; the rest amenity spending → ln B_i",
            BY_POPULATION, (
                _coef("capacity_share", 0.5, "share of budget", (0.0, 1.0), ASSUMPTION,
                      "part of the budget that builds capacity (the rest: amenity)"),
            ),
            _capacity_and_amenity,
        ),
        Lever(
            "enterprise_coaching", "finance",
            "local-enterprise coaching and finance tools",
            "ln A_i += g·s_i/(1 + s_i/s_sat) (small, diminishing); f_i += a_f·s_i",
            BY_POPULATION, (
                _coef("productivity_gain", 0.3, "ln points per unit of GPP spent", (0.0, 5.0),
                      ASSUMPTION + " (business-training trials find small productivity gains)",
                      "productivity gain g of coaching at low spending"),
                _coef("saturation_share", 0.005, "share of GPP", (1e-5, 1.0), ASSUMPTION,
                      "spending share s_sat at which the gain per THB has halved"),
                _coef("attractiveness_gain", 3.0, "per unit of GPP spent", (0.0, 100.0),
                      ASSUMPTION, "rise a_f of financial attractiveness f_i (fades at δ_f)"),
            ),
            _enterprise_coaching,
        ),
        Lever(
            "local_development_fund", "finance",
            "local development funds and civic crowdfunding",
            "I_i += spend; pooled private co-finance crowd_in·spend to i; "
            "h_i += k_h·s_i·(1 − h_i) (fades at δ_h)",
            BY_POPULATION, (
                _coef("crowd_in", 0.5, "MTHB per MTHB", (0.0, 5.0), ASSUMPTION,
                      "private savings crowded in from the national pool per MTHB of fund"),
                _coef("home_share_gain", 2.0, "per unit of GPP spent", (0.0, 50.0), ASSUMPTION,
                      "rise k_h of the home-investment share"),
            ),
            _local_development_fund,
        ),
        Lever(
            "micro_ppp", "finance",
            "small public–private partnerships",
            "I_i += spend·(1 + leverage), the private part drawn from the national pool",
            BY_POPULATION, (
                _coef("private_leverage", 1.0, "MTHB per MTHB", (0.0, 10.0),
                      ASSUMPTION + " (PPP co-finance of about one private THB per public THB)",
                      "private investment per MTHB of public money"),
            ),
            _micro_ppp,
        ),
        Lever(
            "fiscal_self_reliance", "finance",
            "local fiscal self-reliance (local tax capacity)",
            "τ_L,i += k_τ·s_i, up to τ_L,max (revenue stays in the province's budget LB_i)",
            BY_POPULATION, (
                _coef("tax_capacity_gain", 0.1, "per unit of GPP spent", (0.0, 5.0), ASSUMPTION,
                      "rise k_τ of the local tax rate per unit of spending share"),
                _coef("local_tax_cap", 0.05, "share of GPP", (0.0, 0.3), ASSUMPTION,
                      "highest local tax rate the lever can reach"),
            ),
            _fiscal_self_reliance,
        ),
        Lever(
            "precision_poverty", "poverty",
            "precision poverty targeting (TPMAP)",
            "accuracy·spend paid to poor persons (headcount after transfers, §9); "
            "the rest leaks to the non-poor as income",
            BY_POOR_PERSONS, (
                _coef("targeting_accuracy", 0.8, "share of budget", (0.0, 1.0), ASSUMPTION,
                      "share of the transfers that reaches poor persons"),
            ),
            _precision_poverty,
        ),
        Lever(
            "livable_secondary_city", "migration",
            "secondary-city growth poles and livable cities",
            "amenity share·spend → ln B_i (e_B); the rest → I_i",
            BY_POPULATION, (
                _coef("amenity_share", 0.5, "share of budget", (0.0, 1.0), ASSUMPTION,
                      "part of the budget spent on amenities (the rest: investment)"),
            ),
            _livable_secondary_city,
        ),
        Lever(
            "transport_corridor", "trade, migration",
            "transport corridors linking secondary cities",
            "r_ij = r_max·(1 − e^(−cumulative link spending/cost scale)) on consecutive pairs "
            "of the route; D_ij·(1 − r_ij) enters φ and moving costs",
            BY_LINK_LENGTH, (
                _coef("max_reduction", 0.3, "share of distance", (0.0, 0.9), ASSUMPTION,
                      "largest cut r_max of effective distance on a link"),
                _coef("cost_scale_mthb", 100_000.0, "MTHB per link", (1.0, 1e7),
                      "order of magnitude of the Bangkok–Nakhon Ratchasima high-speed rail "
                      "(phase 1, 253 km, about 179 bn THB)",
                      "cumulative spending on a link that gives 63% of r_max"),
            ),
            _transport_corridor,
            needs_route=True,
        ),
        Lever(
            "special_economic_zone", "trade, finance",
            "border special economic zones (trade and investment channel)",
            "Ext_i += x·spend (fades at δ_X); f_i += a_f·s_i (fades at δ_f)",
            BY_POPULATION, (
                _coef("export_gain", 0.2, "MTHB of yearly external demand per MTHB", (0.0, 5.0),
                      ASSUMPTION, "external demand won per MTHB spent"),
                _coef("attractiveness_gain", 3.0, "per unit of GPP spent", (0.0, 100.0),
                      ASSUMPTION, "rise a_f of financial attractiveness f_i"),
            ),
            _special_economic_zone,
        ),
        Lever(
            "creative_economy_district", "trade",
            "creative-economy districts and cultural markets",
            "Ext_i += x·spend (visitors' spending; fades at δ_X)",
            BY_POPULATION, (
                _coef("visitor_gain", 0.25, "MTHB of yearly external demand per MTHB",
                      (0.0, 5.0), ASSUMPTION, "visitors' spending won per MTHB spent"),
            ),
            _creative_economy_district,
        ),
    )
}  # fmt: skip


def get_lever(name: str) -> Lever:
    """The lever called `name`; unknown names list the allowed ones."""
    try:
        return LEVERS[name]
    except KeyError:
        raise LeverError(f"unknown lever {name!r}; allowed: {', '.join(LEVERS)}") from None


def lever_table() -> list[dict[str, Any]]:
    """Rows (lever, channel, allocation, coefficient, default, unit, bounds, source) for the ODD."""
    rows = []
    for lever in LEVERS.values():
        for c in lever.coefficients:
            rows.append(
                {
                    "lever": lever.name,
                    "channel": lever.channel,
                    "allocation": lever.allocation,
                    "coefficient": c.name,
                    "default": c.default,
                    "unit": c.unit,
                    "bounds": c.bounds,
                    "doc": c.doc,
                    "source": c.source,
                }
            )
    return rows
