"""The scenario file schema, defined once: the loader, the CLI and the dashboard all read it.

A scenario file is TOML::

    name = "Local finance"                 # required
    name_th = "การเงินท้องถิ่น"               # optional
    description = "…"                      # optional
    years = 31                             # years simulated after 2019 (default 31: to 2050)
    seed = 42                              # default 42
    [parameters]                           # overrides of model parameters (names or aliases)
    sigma = 4.5
    [channels]                             # switch channels off (all on by default)
    migration = false
    [[policy]]                             # any number of policies
    lever = "local_development_fund"
    budget_mthb = 20000                    # MTHB per year
    target = "region:Northeastern"         # a selector, "a + b", or a list of selectors
    start = 2025
    end = 2044
    reselect = "start"                     # bottom/top targets: fixed at start, or "yearly"
    name = "NE funds"                      # optional label, unique in the file
    [policy.effects]                       # optional overrides of the lever's coefficients
    crowd_in = 0.8
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from model.economy import BASE_YEAR
from model.policies import BUDGET_MAX_MTHB, LEVERS
from model.targets import SELECTOR_FORMS

MAX_YEARS = 100
FIRST_POLICY_YEAR = BASE_YEAR + 1  # 2019 is the calibration year
LAST_POLICY_YEAR = BASE_YEAR + MAX_YEARS
CHANNEL_SWITCHES = {
    "trade": "trade_channel",
    "finance": "finance_channel",
    "migration": "migration_channel",
    "knowledge": "knowledge_channel",
}
RESELECT = ("start", "yearly")


@dataclass(frozen=True)
class Field:
    """One field of the schema: its TOML type, default, bounds or allowed values, and meaning."""

    kind: str  # "text", "integer", "number", "boolean", "table", "array of tables", "target"
    doc: str
    required: bool = False
    default: Any = None
    bounds: tuple[float, float] | None = None
    allowed: tuple[str, ...] | None = None

    def describe(self) -> str:
        """What is allowed, in words (used in error messages and help)."""
        if self.allowed:
            return "one of " + ", ".join(self.allowed)
        if self.bounds:
            low, high = self.bounds
            what = "a whole number" if self.kind == "integer" else "a number"
            return f"{what} from {low:g} to {high:g}"
        return {
            "text": "text in quotes",
            "boolean": "true or false",
            "table": "a table",
            "array of tables": "[[policy]] tables",
            "target": "a selector (" + ", ".join(SELECTOR_FORMS) + "), 'a + b', or a list of them",
        }.get(self.kind, self.kind)


SCENARIO_FIELDS: dict[str, Field] = {
    "name": Field("text", "scenario name shown in tables and figures", required=True),
    "name_th": Field("text", "Thai name", default=""),
    "description": Field("text", "what the scenario stands for in the plan", default=""),
    "years": Field(
        "integer", "years simulated after 2019 (31: to 2050)", default=31, bounds=(1, MAX_YEARS)
    ),
    "seed": Field(
        "integer", "seed of the model's random generator", default=42, bounds=(0, 2**63 - 1)
    ),
    "parameters": Field("table", "model parameter overrides (names or aliases)", default={}),
    "channels": Field(
        "table",
        "channel switches: trade, finance, migration, knowledge = true/false",
        default={},
    ),
    "policy": Field("array of tables", "the policies ([[policy]])", default=[]),
}

POLICY_FIELDS: dict[str, Field] = {
    "lever": Field("text", "the lever (spec §8)", required=True, allowed=tuple(LEVERS)),
    "budget_mthb": Field(
        "number", "budget in MTHB per year", required=True, bounds=(0.0, BUDGET_MAX_MTHB)
    ),
    "target": Field("target", "the provinces the budget is spent in", required=True),
    "start": Field(
        "integer",
        "first year of spending",
        required=True,
        bounds=(FIRST_POLICY_YEAR, LAST_POLICY_YEAR),
    ),
    "end": Field(
        "integer",
        "last year of spending",
        required=True,
        bounds=(FIRST_POLICY_YEAR, LAST_POLICY_YEAR),
    ),
    "reselect": Field(
        "text",
        "bottom/top targets fixed at start or re-ranked yearly",
        default="start",
        allowed=RESELECT,
    ),
    "name": Field("text", "optional label, unique within the file", default=""),
    "effects": Field("table", "overrides of the lever's coefficients", default={}),
}


@dataclass(frozen=True)
class PolicySpec:
    """One validated `[[policy]]` entry."""

    lever: str
    budget_mthb: float
    target: str | tuple[str, ...]
    start: int
    end: int
    reselect: str = "start"
    name: str = ""
    effects: tuple[tuple[str, float], ...] = ()

    def active_years(self, last_year: int) -> int:
        """Number of years the policy spends within a run ending in `last_year`."""
        return max(0, min(self.end, last_year) - self.start + 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "lever": self.lever,
            "budget_mthb": self.budget_mthb,
            "target": list(self.target) if isinstance(self.target, tuple) else self.target,
            "start": self.start,
            "end": self.end,
            "reselect": self.reselect,
            "name": self.name,
            "effects": dict(self.effects),
        }
