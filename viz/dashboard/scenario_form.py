"""What the controls describe, turned into scenarios through the one scenario schema.

The controls never build a model directly: they write a scenario in the file format of
`scenarios.schema` (the keys of `SCENARIO_FIELDS` and `POLICY_FIELDS`) and hand it to
`scenarios.parse_scenario`, so the dashboard refuses exactly what a scenario file would refuse,
with the same message. The budget typed for a shipped scenario is spread over its policies in
their proportions; the custom scenario is one policy whose lever, budget, target, years and
lever coefficients the facilitator sets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

from model.economy import BASE_YEAR
from model.geography import REGIONS, Geography, load_thailand
from model.parameters import Parameters
from model.policies import LEVERS
from model.targets import corridors
from scenarios import (
    POLICY_FIELDS,
    SCENARIO_FIELDS,
    Scenario,
    ScenarioError,
    load_scenario,
    parse_scenario,
    shipped_scenarios,
)
from scenarios.schema import CHANNEL_SWITCHES, FIRST_POLICY_YEAR

from ..labels import t

CUSTOM = "custom"
#: Model parameters with a slider (bounds, units and meaning from `Parameters` metadata).
KEY_PARAMETERS: tuple[str, ...] = (
    "elasticity_substitution",
    "tfp_growth",
    "spillover_rate",
    "migration_rate",
    "transfer_share",
    "saving_rate",
    "shock_sd",
)
#: The budget slider's top (MTHB a year); larger budgets can be typed, up to the schema's bound.
SLIDER_BUDGET_MAX = 200_000
#: Targets offered for levers that spend in provinces (selectors of `model.targets`).
AREA_TARGETS: tuple[str, ...] = (
    "all",
    "bottom:38",
    *(f"region:{name}" for name in REGIONS),
    "border",
    "secondary_cities",
    "eec",
    "sez",
)


@dataclass(frozen=True)
class Controls:
    """Everything the facilitator has set. Typed fields keep the raw text until validated."""

    scenario: str = "baseline"  # a shipped file's key, or CUSTOM
    budget_mthb: Any = None  # total MTHB a year; None: the file's own budgets
    lever: str = "local_development_fund"  # custom scenario only
    target: str = "bottom:38"
    start: int = 2025
    end: int = 2044
    effects: tuple[tuple[str, float], ...] = ()
    parameters: tuple[tuple[str, Any], ...] = ()
    channels: tuple[tuple[str, bool], ...] = ()
    seed: Any = 42
    compare: str | None = None  # the second scenario of the side-by-side mode

    def replace(self, **changes: Any) -> Controls:
        """A copy with some controls changed (keeps the custom policy consistent)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        if "lever" in changes and changes["lever"] != self.lever:
            values["effects"] = ()
            options = target_options(values["lever"])
            if values["target"] not in options:
                values["target"] = options[0]
        return Controls(**values)

    def parameter(self, name: str) -> Any:
        return dict(self.parameters).get(name, getattr(Parameters(), name))

    def channel(self, name: str) -> bool:
        return dict(self.channels).get(name, True)

    def effect(self, name: str) -> float:
        lever = LEVERS[self.lever]
        return dict(self.effects).get(name, lever.coefficient_values()[name])


@cache
def shipped() -> dict[str, Scenario]:
    """The shipped scenario files by key, baseline first (read once; Scenarios are immutable)."""
    geo = load_thailand()
    return {path.stem: load_scenario(path, geography=geo) for path in shipped_scenarios()}


def target_options(lever: str) -> tuple[str, ...]:
    """Targets that make sense for `lever`: routes for corridors, areas otherwise."""
    if LEVERS[lever].needs_route:
        return tuple(f"route:{name}" for name in corridors())
    return AREA_TARGETS


def policy_years() -> tuple[int, int]:
    """First and last year a policy can spend within the default horizon (2020–2050)."""
    return FIRST_POLICY_YEAR, BASE_YEAR + int(SCENARIO_FIELDS["years"].default)


def file_data(scenario: Scenario) -> dict[str, Any]:
    """A validated scenario back in the file format (what `parse_scenario` reads)."""
    data = scenario.to_dict()
    out = {name: data[name] for name in SCENARIO_FIELDS if name in data}
    out["policy"] = [
        {name: p[name] for name in POLICY_FIELDS if name in p and p[name] not in ("", {})}
        for p in data["policies"]
    ]
    return out


def _budget(value: Any) -> float | None:
    """The typed total budget as a number, refused with the schema's wording."""
    if value is None:
        return None
    spec = POLICY_FIELDS["budget_mthb"]
    try:
        number = float(str(value).replace(",", "").strip()) if isinstance(value, str) else value
    except ValueError:
        raise ScenarioError(None, None, "budget_mthb", f"{value!r} is not a number; allowed: "
                            f"{spec.describe()}") from None  # fmt: skip
    if isinstance(number, bool) or not isinstance(number, int | float) or math.isnan(number):
        raise ScenarioError(None, None, "budget_mthb", f"{value!r} is not a number; allowed: "
                            f"{spec.describe()}")  # fmt: skip
    low, high = spec.bounds  # type: ignore[misc]
    if not low <= number <= high:
        raise ScenarioError(
            None, None, "budget_mthb", f"{number:,.0f} is out of range; allowed: {spec.describe()}"
        )
    return float(number)


def _seed(value: Any) -> Any:
    """Typed seeds arrive as text: whole numbers become ints, the rest goes to the schema."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return value


def scenario_data(controls: Controls, key: str | None = None) -> dict[str, Any]:
    """The scenario `key` (default: the main one) as file data, with the controls applied."""
    key = key or controls.scenario
    budget = _budget(controls.budget_mthb) if key == controls.scenario else None
    if key == CUSTOM:
        data: dict[str, Any] = {
            "name": t("custom_name", "en"),
            "name_th": t("custom_name", "th"),
            "policy": [
                {
                    "lever": controls.lever,
                    "budget_mthb": budget if budget is not None else 10_000.0,
                    "target": controls.target,
                    "start": controls.start,
                    "end": controls.end,
                    "effects": dict(controls.effects),
                }
            ],
        }
    else:
        if key not in shipped():
            raise ScenarioError(None, None, "scenario", f"{key!r} is not a shipped scenario; "
                                f"allowed: {', '.join([*shipped(), CUSTOM])}")  # fmt: skip
        data = file_data(shipped()[key])
        total = sum(p["budget_mthb"] for p in data["policy"])
        if budget is not None and total > 0:
            for p in data["policy"]:
                p["budget_mthb"] = budget * p["budget_mthb"] / total
    data["seed"] = _seed(controls.seed)
    data["parameters"] = {**data.get("parameters", {}), **dict(controls.parameters)}
    data["channels"] = {**data.get("channels", {}), **dict(controls.channels)}
    return data


@dataclass(frozen=True)
class Built:
    """The validated scenarios of a set of controls: the main one and the second, if any."""

    main: Scenario
    second: Scenario | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def build(controls: Controls, geography: Geography | None = None) -> Built:
    """Validate the controls through `parse_scenario`; raises `ScenarioError` on bad input."""
    geo = geography or load_thailand()
    main = parse_scenario(scenario_data(controls), geography=geo)
    second = None
    if controls.compare:
        second = parse_scenario(scenario_data(controls, controls.compare), geography=geo)
    return Built(main, second)


def total_budget(controls: Controls) -> float:
    """The yearly budget the main scenario spends (what the budget control shows)."""
    try:
        data = scenario_data(controls)
    except ScenarioError:
        return 0.0
    return float(sum(p["budget_mthb"] for p in data["policy"]))


def channel_names() -> tuple[str, ...]:
    return tuple(CHANNEL_SWITCHES)
