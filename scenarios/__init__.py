"""Scenario files: the one schema that reads them (`schema`), the loader, and the shipped files.

from scenarios import load_scenario
model = load_scenario("scenarios/local_finance.toml").run()
"""

from .loader import (
    SCENARIO_DIR,
    Scenario,
    ScenarioError,
    baseline,
    load_scenario,
    parse_scenario,
    shipped_scenarios,
)
from .schema import POLICY_FIELDS, SCENARIO_FIELDS, PolicySpec

__all__ = [
    "POLICY_FIELDS",
    "SCENARIO_DIR",
    "SCENARIO_FIELDS",
    "PolicySpec",
    "Scenario",
    "ScenarioError",
    "baseline",
    "load_scenario",
    "parse_scenario",
    "shipped_scenarios",
]
