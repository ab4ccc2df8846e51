"""Scenario files: the shipped ones load and run; every malformed one fails with its message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from scenarios import (
    ScenarioError,
    baseline,
    load_scenario,
    parse_scenario,
    shipped_scenarios,
)
from scenarios.loader import _line_of

MALFORMED = sorted((Path(__file__).parent / "malformed_scenarios").glob("*.toml"))
SHIPPED = shipped_scenarios()
EXPECTED_SHIPPED = {
    "baseline",
    "precision_poverty",
    "local_enterprise",
    "local_finance",
    "learning_livable_cities",
    "digital_local_government",
    "trade_corridors",
    "balanced_mix",
    "bangkok_first",
}


def _expectations(path: Path) -> list[str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: …'"
    return [part.strip() for part in first.removeprefix("# expect: ").split(" | ")]


def test_there_are_at_least_twenty_malformed_files():
    assert len(MALFORMED) >= 20


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_malformed_file_gives_its_message(path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    for part in _expectations(path):
        if part.startswith("line "):
            assert f", {part}:" in message, message
        else:
            assert part in message, f"{part!r} not in {message!r}"


def test_file_errors_name_the_file(tmp_path):
    with pytest.raises(ScenarioError, match=r"must be a \.toml file"):
        load_scenario(tmp_path / "x.yaml")
    with pytest.raises(ScenarioError, match="cannot read the file"):
        load_scenario(tmp_path / "missing.toml")
    bad = tmp_path / "latin1.toml"
    bad.write_bytes('name = "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(bad)


def test_line_locator_finds_nested_fields():
    text = (
        'name = "x"\n\n[parameters]\nsigma = 4\n\n[[policy]]\nlever = "a"\n\n'
        '[[policy]]\nlever = "b"\ntarget = "all"\n[policy.effects]\ncrowd_in = 2\n'
    )
    assert _line_of(text, "name") == 1
    assert _line_of(text, "parameters.sigma") == 4
    assert _line_of(text, "policy[1].lever") == 7
    assert _line_of(text, "policy[2].lever") == 10
    assert _line_of(text, "policy[2].target") == 11
    assert _line_of(text, "policy[2].effects.crowd_in") == 13
    assert _line_of(text, "policy[2].start") == 9  # missing field: the block's header


def test_shipped_scenarios_are_the_nine_of_the_issue():
    assert {p.stem for p in SHIPPED} == EXPECTED_SHIPPED
    assert SHIPPED[0].stem == "baseline"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_loads_runs_and_spends_its_budget(path):
    scenario = load_scenario(path)
    assert scenario.name and scenario.description and scenario.name_th
    model = scenario.run()
    table = model.model_table()
    assert table["year"].iloc[-1] == 2050
    assert table[["gdp_mthb", "gini_weighted", "poverty_pct"]].notna().all().all()
    spending = table.set_index("year")["fiscal_cost_mthb"]
    if scenario.key == "baseline":
        assert not scenario.policies and spending.eq(0).all()
        return
    # every shipped scenario spends the same 50,000 MTHB a year in 2025–2044 and nothing else
    assert scenario.total_budget_mthb() == 50_000 * 20
    assert spending.loc[2025:2044].eq(50_000).all()
    assert spending.drop(range(2025, 2045)).eq(0).all()
    assert "Plan" in scenario.description or "Counterfactual" in scenario.description


def test_scenario_without_policies_equals_the_plain_model(thailand):
    from model import DecentraModel

    a = baseline(years=5).run()
    b = DecentraModel(thailand, seed=42)
    for _ in range(5):
        b.step()
    pd.testing.assert_frame_equal(a.model_table(), b.model_table(), check_exact=True)


def test_parameters_and_channels_reach_the_model():
    s = parse_scenario(
        {"name": "x", "parameters": {"sigma": 4.5}, "channels": {"migration": False}}
    )
    p = s.model_parameters()
    assert p.elasticity_substitution == 4.5 and p.migration_channel is False
    assert s.key == "x"


def test_cli_run_with_a_scenario_writes_its_provenance(tmp_path):
    import json

    out = subprocess.run(
        [sys.executable, "-m", "decentra.cli", "run", "scenarios/local_finance.toml",
         "--years", "7", "--out", str(tmp_path), "--run-id", "lf", "--quiet"],
        capture_output=True, text=True, cwd=Path(__file__).parents[1],
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    manifest = json.loads((tmp_path / "lf" / "manifest.json").read_text())
    assert manifest["scenario"]["key"] == "local_finance"
    assert len(manifest["scenario"]["policies"]) == 4
    assert manifest["scenario"]["file_sha256"]
    spent = manifest["policy_spending_mthb"]["North-East development funds"]
    assert spent == {"2025": 20000.0, "2026": 20000.0}


def test_cli_bad_scenario_exits_2_and_writes_nothing(tmp_path):
    bad = MALFORMED[0]
    for command in (["run", str(bad)], ["compare", str(SHIPPED[1]), str(bad)]):
        out = subprocess.run(
            [sys.executable, "-m", "decentra.cli", *command, "--out", str(tmp_path)],
            capture_output=True, text=True, cwd=Path(__file__).parents[1],
        )  # fmt: skip
        assert out.returncode == 2
        assert out.stderr.startswith("decentra: error: ") and str(bad) in out.stderr
        assert "Traceback" not in out.stderr
        assert list(tmp_path.iterdir()) == []
