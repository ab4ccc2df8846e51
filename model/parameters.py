"""The one parameter object: every parameter of the model, with default, unit, bounds and source.

Each field's metadata is the single source of truth used by validation, the CLI (`--set`), the
ODD parameter table and (later) scenario files and the dashboard. Symbols follow
`shared/design/model-v1.md` §11; names say what the parameter is in the domain.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


class ParameterError(ValueError):
    """An unknown parameter name or a value outside its allowed range."""


def _p(
    default: float,
    *,
    symbol: str,
    unit: str,
    bounds: tuple[float, float],
    source: str,
    doc: str,
    alias: str | None = None,
    integer: bool = False,
) -> Any:
    return field(
        default=default,
        metadata={
            "symbol": symbol,
            "unit": unit,
            "bounds": bounds,
            "source": source,
            "doc": doc,
            "alias": alias,
            "integer": integer,
        },
    )


ASSUMPTION = "assumption"


@dataclass(frozen=True)
class Parameters:
    """All model parameters (spec §11). Immutable: use `replace(**overrides)` to change some."""

    # --- trade channel (§3) ---
    elasticity_substitution: float = _p(
        5.0, symbol="σ", unit="-", bounds=(1.5, 20.0), alias="sigma",
        source="FKV (1999) ch. 5 benchmark; trade elasticities σ−1 ≈ 4 (Head & Mayer 2014)",
        doc="elasticity of substitution between modern varieties")  # fmt: skip
    modern_share: float = _p(
        0.4, symbol="μ", unit="share of spending", bounds=(0.01, 0.95), alias="mu",
        source=ASSUMPTION + " (tradable modern share of expenditure); needs μ < (σ−1)/σ",
        doc="share of spending on traded modern goods")  # fmt: skip
    distance_elasticity: float = _p(
        1.0, symbol="θ", unit="-", bounds=(0.1, 2.0), alias="theta",
        source="Disdier & Head (2008) meta-analysis: distance elasticity ≈ 0.9–1.1",
        doc="elasticity of freeness of trade to effective distance")  # fmt: skip
    distance_scale_km: float = _p(
        10.0, symbol="D0", unit="km", bounds=(1.0, 50.0), alias="d0",
        source=ASSUMPTION + " (distance below which trade is free)",
        doc="distance scale of the freeness of trade")  # fmt: skip
    capital_share: float = _p(
        0.35, symbol="α", unit="-", bounds=(0.0, 0.9), alias="alpha",
        source="PWT 11.0 labour share 0.45 (2019) → capital share ≈ 0.35–0.55; NESDC CE 44% of NI",
        doc="capital share in modern value added")  # fmt: skip
    capital_output_ratio: float = _p(
        3.0, symbol="κ_K", unit="years of GPP", bounds=(0.5, 8.0), alias="kappa_k",
        source="PWT 11.0 (2019) K/Y = 3.7 (rnna/rgdpna), PWT 10.0 4.7: uncertain; spec uses 3",
        doc="initial capital stock per unit of GPP")  # fmt: skip
    # --- government and transfers (§4) ---
    tax_rate: float = _p(
        0.15, symbol="τ", unit="share of GPP", bounds=(0.0, 0.6), alias="tau",
        source="Thai central revenue ≈ 15–17% of GDP (FY2019 budget 3.0 tn THB / GDP 16.9 tn)",
        doc="central tax rate on GPP before policy financing")  # fmt: skip
    local_tax_rate: float = _p(
        0.01, symbol="τ_L", unit="share of GPP", bounds=(0.0, 0.2), alias="tau_l",
        source="LAO own revenue ≈ 1% of GDP (ODLOC FY2018 via KPI)",
        doc="local governments' own revenue")  # fmt: skip
    transfer_share: float = _p(
        0.3, symbol="ς", unit="share of central revenue", bounds=(0.0, 1.0), alias="varsigma",
        source="LAO revenue 29.4% of net government revenue (ODLOC FY2018 via KPI)",
        doc="share of central revenue transferred to local governments")  # fmt: skip
    equalization_elasticity: float = _p(
        0.5, symbol="ε_eq", unit="-", bounds=(0.0, 3.0), alias="eps_eq",
        source=ASSUMPTION,
        doc="how strongly transfers favour poorer provinces")  # fmt: skip
    # --- financial channel (§5) ---
    depreciation: float = _p(
        0.06, symbol="δ", unit="1/year", bounds=(0.0, 0.3), alias="delta",
        source="PWT 11.0 (2019) δ = 0.069", doc="depreciation rate of capital")  # fmt: skip
    saving_rate: float = _p(
        0.24, symbol="s", unit="share of disposable income", bounds=(0.0, 0.6), alias="s",
        source="NESDC 2019: GFCF 22.6%, GCF 23.8% of GDP (SYB 2023 T10.13)",
        doc="saving rate out of disposable income")  # fmt: skip
    home_bias: float = _p(
        0.2, symbol="h", unit="share of savings", bounds=(0.0, 1.0), alias="h",
        source="Feldstein–Horioka ≈ 0 across regions of a country; Bangkok holds 62.6% of deposits",
        doc="initial share of savings invested in the home province")  # fmt: skip
    return_elasticity: float = _p(
        2.0, symbol="η", unit="-", bounds=(0.0, 10.0), alias="eta",
        source=ASSUMPTION,
        doc="sensitivity of the national pool to relative returns")  # fmt: skip
    financial_attractiveness: float = _p(
        1.0, symbol="f", unit="-", bounds=(0.01, 100.0), alias="f",
        source=ASSUMPTION + " (1 everywhere at start; raised by policies)",
        doc="initial financial attractiveness of every province")  # fmt: skip
    remittance_share: float = _p(
        0.1, symbol="ρ_rem", unit="share of migrant income", bounds=(0.0, 1.0), alias="rho_rem",
        source=ASSUMPTION,
        doc="share of a migrant's income sent to the province of origin")  # fmt: skip
    # --- knowledge channel (§6) ---
    tfp_growth: float = _p(
        0.02, symbol="g_A", unit="1/year", bounds=(-0.05, 0.1), alias="g_a",
        source=ASSUMPTION + " (Thai TFP growth ≈ 1–2%/yr)",
        doc="common productivity growth")  # fmt: skip
    spillover_rate: float = _p(
        0.03, symbol="λ_K", unit="1/year", bounds=(0.0, 0.5), alias="lambda_k",
        source=ASSUMPTION,
        doc="speed of catch-up to better-off neighbours")  # fmt: skip
    spillover_half_distance_km: float = _p(
        300.0, symbol="H_K", unit="km", bounds=(10.0, 5000.0), alias="h_k",
        source=ASSUMPTION + " (knowledge spillovers halve every few hundred km)",
        doc="distance at which a knowledge link's weight halves")  # fmt: skip
    university_weight: float = _p(
        0.5, symbol="u", unit="-", bounds=(0.0, 5.0), alias="u",
        source=ASSUMPTION,
        doc="extra weight of a province hosting a research university")  # fmt: skip
    shock_sd: float = _p(
        0.02, symbol="σ_A", unit="log points/year", bounds=(0.0, 0.2), alias="sigma_a",
        source=ASSUMPTION,
        doc="standard deviation of productivity shocks")  # fmt: skip
    shock_regional_correlation: float = _p(
        0.5, symbol="ρ_A", unit="-", bounds=(0.0, 1.0), alias="rho_a",
        source=ASSUMPTION,
        doc="share of a shock common to the region (as a correlation)")  # fmt: skip
    capacity_floor: float = _p(
        0.1, symbol="c_min", unit="-", bounds=(0.0, 1.0), alias="c_min",
        source=ASSUMPTION,
        doc="absorptive capacity with no spending")  # fmt: skip
    capacity_floor_university: float = _p(
        0.2, symbol="c_U", unit="-", bounds=(0.0, 1.0), alias="c_u",
        source=ASSUMPTION,
        doc="rise of the capacity floor where a research university is")  # fmt: skip
    capacity_decay: float = _p(
        0.05, symbol="δ_c", unit="1/year", bounds=(0.0, 1.0), alias="delta_c",
        source=ASSUMPTION,
        doc="decay of capacity towards its floor")  # fmt: skip
    capacity_effect: float = _p(
        5.0, symbol="e_c", unit="per (spending/GPP)", bounds=(0.0, 50.0), alias="e_c",
        source=ASSUMPTION,
        doc="capacity gained per unit of capacity spending over GPP")  # fmt: skip
    # --- local governments (§7) ---
    amenity_effect: float = _p(
        5.0, symbol="e_B", unit="log points per (spending/GPP)", bounds=(0.0, 50.0), alias="e_b",
        source=ASSUMPTION,
        doc="amenity gained per unit of amenity spending over GPP")  # fmt: skip
    amenity_decay: float = _p(
        0.05, symbol="δ_B", unit="1/year", bounds=(0.001, 1.0), alias="delta_b",
        source=ASSUMPTION,
        doc="decay of policy-made amenity")  # fmt: skip
    learning_probability: float = _p(
        0.2, symbol="p_learn", unit="1/year", bounds=(0.0, 1.0), alias="p_learn",
        source=ASSUMPTION,
        doc="chance a local government compares itself with a peer")  # fmt: skip
    learning_rate: float = _p(
        0.3, symbol="ℓ", unit="-", bounds=(0.0, 1.0), alias="ell",
        source=ASSUMPTION,
        doc="step towards a better-performing peer's budget mix")  # fmt: skip
    learning_window_years: int = _p(
        5, symbol="—", unit="years", bounds=(1, 30), alias=None, integer=True,
        source="spec §7 (growth over the last 5 years)",
        doc="window over which peers' GPP-per-capita growth is compared")  # fmt: skip
    learning_noise: float = _p(
        0.02, symbol="—", unit="-", bounds=(0.0, 0.5), alias=None,
        source=ASSUMPTION + " (weight of the Dirichlet(1,1,1) draw mixed into a learned mix)",
        doc="size of the Dirichlet noise added when a local government learns")  # fmt: skip
    initial_mix_noise: float = _p(
        0.1, symbol="—", unit="-", bounds=(0.0, 1.0), alias=None,
        source=ASSUMPTION + " (weight of a Dirichlet(1,1,1) draw mixed into (1/3, 1/3, 1/3))",
        doc="perturbation of the initial budget mixes")  # fmt: skip
    # --- migration and demography (§7b) ---
    migration_rate: float = _p(
        0.05, symbol="ρ_m", unit="1/year", bounds=(0.0, 1.0), alias="rho_m",
        source=ASSUMPTION + " (NSO Migration Survey 2019: 0.98% of people moved in a year)",
        doc="share of mobile workers who reconsider where to live each year")  # fmt: skip
    migration_choice_sensitivity: float = _p(
        2.0, symbol="β", unit="-", bounds=(0.05, 20.0), alias="beta",
        source=ASSUMPTION + " (β·m_1 ≈ 1, the distance elasticity of migration)",
        doc="logit sensitivity of location choice")  # fmt: skip
    migration_cost_fixed: float = _p(
        1.0, symbol="m_0", unit="log utility", bounds=(0.0, 10.0), alias="m0",
        source=ASSUMPTION,
        doc="fixed cost of moving to another province")  # fmt: skip
    migration_cost_distance: float = _p(
        0.5, symbol="m_1", unit="log utility per ln(km)", bounds=(0.0, 5.0), alias="m1",
        source=ASSUMPTION,
        doc="moving cost per log of effective distance")  # fmt: skip
    congestion: float = _p(
        0.1, symbol="ψ", unit="-", bounds=(0.0, 5.0), alias="psi",
        source=ASSUMPTION,
        doc="disutility of a province's growth in population")  # fmt: skip
    natural_growth: float = _p(
        0.002, symbol="n", unit="1/year", bounds=(-0.05, 0.05), alias="n",
        source="NSO SYB 2022 T1.9: natural increase 1.54 per 1,000 (2019); UN WPP 0.3%/yr",
        doc="natural population growth")  # fmt: skip
    # --- poverty (§9) ---
    household_gini: float = _p(
        0.43, symbol="G", unit="-", bounds=(0.05, 0.9), alias="g_hh",
        source="NSO SES 2019 household income Gini ≈ 0.43",
        doc="within-province household-income Gini")  # fmt: skip
    poverty_line_thb_year: float = _p(
        2762.0 * 12, symbol="z", unit="THB per person per year", bounds=(1000.0, 1e6),
        alias="z", source="NESDC official poverty line 2019: 2,762 THB per person per month",
        doc="poverty line")  # fmt: skip
    poverty_rate_2019: float = _p(
        0.0624, symbol="H_0", unit="share of persons", bounds=(0.001, 0.9), alias=None,
        source="NESDC official poverty headcount 2019: 6.24%",
        doc="national headcount that calibrates ζ")  # fmt: skip
    gdp_2019_mthb: float = _p(
        16_898_086.0, symbol="—", unit="MTHB", bounds=(1e4, 1e9), alias=None,
        source="NESDC 2019 GDP at current prices (NSO Thai Economic Indicators 2021)",
        doc="national GDP the provincial GPP distribution is scaled to")  # fmt: skip
    # --- persistence of policy effects (§8) ---
    external_demand_decay: float = _p(
        0.1, symbol="δ_X", unit="1/year", bounds=(0.0, 1.0), alias="delta_x",
        source=ASSUMPTION + " (external demand won by SEZ/creative policies fades over ~10 years)",
        doc="yearly decay of policy-made external demand Ext_i")  # fmt: skip
    attractiveness_decay: float = _p(
        0.1, symbol="δ_f", unit="1/year", bounds=(0.0, 1.0), alias="delta_f",
        source=ASSUMPTION,
        doc="yearly return of financial attractiveness f_i towards its default")  # fmt: skip
    home_share_decay: float = _p(
        0.1, symbol="δ_h", unit="1/year", bounds=(0.0, 1.0), alias="delta_h",
        source=ASSUMPTION,
        doc="yearly return of the home-investment share h_i towards its default")  # fmt: skip
    # --- channel switches (§2; for attribution and teaching) ---
    trade_channel: bool = _p(
        True, symbol="—", unit="on/off", bounds=(0, 1), alias="trade",
        source="switch: off = no trade between provinces (φ_ij = 0 for i ≠ j, recalibrated)",
        doc="trade & investment channel on")  # fmt: skip
    finance_channel: bool = _p(
        True, symbol="—", unit="on/off", bounds=(0, 1), alias="finance",
        source="switch: off = all savings invested at home, no remittances, no pooled co-finance",
        doc="financial channel on")  # fmt: skip
    migration_channel: bool = _p(
        True, symbol="—", unit="on/off", bounds=(0, 1), alias="migration",
        source="switch: off = nobody moves between provinces (natural growth only)",
        doc="migration channel on")  # fmt: skip
    knowledge_channel: bool = _p(
        True, symbol="—", unit="on/off", bounds=(0, 1), alias="knowledge",
        source="switch: off = no productivity spillovers between provinces",
        doc="knowledge & technology channel on")  # fmt: skip
    shocks: bool = _p(
        True, symbol="—", unit="on/off", bounds=(0, 1), alias=None,
        source="switch: off gives a deterministic run (expected-value learning, no noise)",
        doc="stochastic elements on (shocks, noisy mixes, random learning)")  # fmt: skip

    def __post_init__(self) -> None:
        for name, low, high, integer, number_only, symbol, unit in _CHECKS:
            value = getattr(self, name)
            if number_only and isinstance(value, bool):
                raise ParameterError(f"parameter {name!r} must be a number, got {value!r}")
            if integer and float(value) != int(value):
                raise ParameterError(f"parameter {name!r} must be a whole number, got {value!r}")
            if not (low <= float(value) <= high):
                raise ParameterError(
                    f"parameter {name!r} ({symbol}) = {value!r} is out of bounds; "
                    f"allowed: {low:g} ≤ {name} ≤ {high:g} {unit}"
                )
        sigma, mu = self.elasticity_substitution, self.modern_share
        if mu >= (sigma - 1.0) / sigma:
            raise ParameterError(
                f"modern_share μ = {mu:g} must be below (σ−1)/σ = {(sigma - 1) / sigma:.4g} "
                f"for elasticity_substitution σ = {sigma:g} (no-black-hole condition)"
            )

    # ------------------------------------------------------------------ construction
    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def resolve_name(cls, name: str) -> str:
        """Map a name or its ASCII alias (e.g. ``sigma``) to the parameter's name."""
        if name in _FIELDS:
            return name
        if name in _ALIASES:
            return _ALIASES[name]
        allowed = ", ".join(sorted(_FIELDS))
        raise ParameterError(f"unknown parameter {name!r}; allowed names: {allowed}")

    @classmethod
    def defaults(cls) -> Parameters:
        """The defaults: one shared object (immutable), made once instead of per model."""
        return _DEFAULTS

    def replace(self, **overrides: Any) -> Parameters:
        """A copy with some parameters changed (names or aliases), validated (itself when
        nothing changes: a `Parameters` is immutable and was validated when made)."""
        if not overrides:
            return self
        resolved: dict[str, Any] = {}
        for name, value in overrides.items():
            real = self.resolve_name(name)
            resolved[real] = _coerce(real, value)
        return dataclasses.replace(self, **resolved)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


#: Each parameter's field by name, and the name of each alias (made once: building them per
#: lookup cost more than a sweep run's other set-up).
_FIELDS: dict[str, dataclasses.Field] = {f.name: f for f in dataclasses.fields(Parameters)}
_ALIASES: dict[str, str] = {
    f.metadata["alias"]: f.name for f in _FIELDS.values() if f.metadata["alias"]
}
#: What `Parameters.__post_init__` checks for each field: name, bounds, whole number, whether a
#: bool is refused (number fields), symbol and unit for the message.
_CHECKS: tuple[tuple[str, float, float, bool, bool, str, str], ...] = tuple(
    (
        f.name, *f.metadata["bounds"], f.metadata["integer"], f.type not in ("bool", bool),
        f.metadata["symbol"], f.metadata["unit"],
    )
    for f in _FIELDS.values()
)  # fmt: skip


_DEFAULTS = Parameters()


def _coerce(name: str, value: Any) -> Any:
    """Turn a CLI string or a number into the parameter's type, with a clear error."""
    f = _FIELDS[name]
    if f.type in ("bool", bool):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise ParameterError(f"parameter {name!r} must be true or false, got {value!r}")
    if isinstance(value, bool):
        raise ParameterError(f"parameter {name!r} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"parameter {name!r} must be a number, got {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ParameterError(f"parameter {name!r} must be finite, got {value!r}")
    if f.metadata["integer"]:
        if number != int(number):
            raise ParameterError(f"parameter {name!r} must be a whole number, got {value!r}")
        return int(number)
    return number


def parameter_table() -> list[dict[str, Any]]:
    """Rows (name, symbol, default, unit, bounds, source) for the ODD and the CLI help."""
    rows = []
    for f in dataclasses.fields(Parameters):
        m = f.metadata
        rows.append(
            {
                "name": f.name,
                "alias": m["alias"] or "",
                "symbol": m["symbol"],
                "default": f.default,
                "unit": m["unit"],
                "bounds": m["bounds"],
                "doc": m["doc"],
                "source": m["source"],
            }
        )
    return rows
