"""Experiment files: the shipped ones load; malformed ones fail with file, line, field and what
is allowed, before anything is written."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from decentra.cli import main
from experiments.design import expected_points, make_design
from experiments.schema import (
    SUMMARY_METRICS,
    ExperimentError,
    load_experiment,
    shipped_experiments,
)
from model import Parameters
from model.policies import LEVERS

HEAD = """\
name = "t"
scenario = "balanced_mix"
seed = 1
"""
LHS = """
[design]
method = "lhs"
samples = 4
"""


def write(tmp_path, text: str, name: str = "exp.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_shipped_files_load_and_have_the_promised_designs():
    files = {p.stem: load_experiment(p) for p in shipped_experiments()}
    assert {"sobol_headline", "morris_all", "budget_by_lever", "tiny", "ishigami"} <= set(files)
    sobol = files["sobol_headline"]
    assert sobol.design.method == "sobol" and 12 <= len(sobol.variables) <= 18
    assert set(sobol.outputs.metrics) == set(SUMMARY_METRICS)
    grid = files["budget_by_lever"]
    assert grid.design.method == "grid" and grid.outputs.effects
    assert {v.name for v in grid.variables} == {"policy[1].lever", "policy[1].budget_mthb"}
    assert expected_points(grid) == len(make_design(grid).values) == 50


def test_morris_file_covers_every_numeric_parameter_and_the_mix_coefficients():
    morris = load_experiment(next(p for p in shipped_experiments() if p.stem == "morris_all"))
    numeric = {f.name for f in dataclasses.fields(Parameters) if f.type not in ("bool", bool)}
    varied = {v.target for v in morris.variables if v.kind == "parameter"}
    assert varied == numeric
    levers = {p.lever for p in morris.scenarios[0].policies}
    coefficients = {f"{name}.{c.name}" for name in levers for c in LEVERS[name].coefficients}
    assert {v.target for v in morris.variables if v.kind == "coefficient"} == coefficients


def test_a_full_file_parses(tmp_path):
    path = write(tmp_path, HEAD + """
        replications = 2
        common_seeds = true
        [design]
        method = "grid"
        levels = 3
        [vary]
        sigma = { low = 4, high = 6 }
        local_development_fund.crowd_in = [0.2, 0.8]
        "policy[2].lever" = ["micro_ppp", "local_development_fund"]
        "policy[1].budget_mthb" = { low = 1000, high = 9000, scale = "log", levels = 2 }
        [fixed]
        shocks = false
        [outputs]
        metrics = ["gini_end"]
        series = ["gdp_mthb"]
        effects = true
    """)  # fmt: skip
    e = load_experiment(path)
    assert [v.kind for v in e.variables] == ["parameter", "coefficient", "policy", "policy"]
    assert e.variables[0].target == "elasticity_substitution"
    assert dict(e.fixed) == {"shocks": False}
    design = make_design(e)
    assert len(design.values) == 3 * 2 * 2 * 2
    assert sorted(set(design.values["policy[1].budget_mthb"].round(6))) == [1000.0, 9000.0]


@pytest.mark.parametrize(
    ("body", "line", "fragments"),
    [
        (HEAD + "[design]\nmethod = \"sobol\"\nsamples = 100\n[vary]\n"
         "sigma = { low = 3, high = 8 }\n"
         "mu = { low = 0.3, high = 0.4 }\n",
         6, ["design.samples", "not a power of 2", "64 or 128"]),
        (HEAD + LHS + "[vary]\nsgima = { low = 3, high = 8 }\n",
         9, ["vary.sgima", "did you mean 'sigma'", "'<lever>.<coefficient>'"]),
        (HEAD + LHS + "[vary]\nsigma = { low = 3, high = 30 }\n",
         9, ["vary.sigma.high", "allowed: 1.5 ≤ elasticity_substitution ≤ 20"]),
        (HEAD + LHS + "[vary]\nsigma = { low = 6, high = 3 }\n",
         9, ["high 3 must be above low 6"]),
        (HEAD + LHS + "[vary]\n\"policy[7].budget_mthb\" = [1000, 2000]\n",
         9, ['vary."policy[7].budget_mthb"', "has 4 policies", "policy[1] … policy[4]"]),
        (HEAD + LHS + "[vary]\n\"policy[1].start\" = [2025, 2030]\n",
         9, ["cannot be varied", "policy[k].budget_mthb, policy[k].lever"]),
        (HEAD + LHS + "[vary]\n\"micro_ppp.private_leverage\" = { low = 0, high = 2 }\n",
         9, ["no policy of scenario 'balanced_mix' uses lever 'micro_ppp'"]),
        (HEAD + LHS + "[vary]\nlocal_development_fund.crowd_inn = { low = 0, high = 1 }\n",
         9, ["has no coefficient 'crowd_inn'", "did you mean 'crowd_in'"]),
        (HEAD + LHS + "[vary]\n\"policy[1].lever\" = [\"transport_corridor\"]\n",
         9, ["needs one ordered route", "bottom:38"]),
        (HEAD + LHS + "[vary]\n\"policy[1].lever\" = [\"micro_pp\"]\n",
         9, ["'micro_pp' is not a lever", "did you mean 'micro_ppp'"]),
        (HEAD + LHS + "[vary]\nsigma = { low = 1.6, high = 8 }\nmu = { low = 0.3, high = 0.6 }\n",
         9, ["some runs would be invalid", "(σ−1)/σ"]),
        (HEAD + LHS + "[vary]\nshocks = { low = 0, high = 1 }\n",
         9, ["takes a list of values"]),
        (HEAD + LHS + "[vary]\nsigma = []\n", 9, ["an empty list"]),
        (HEAD + LHS + "[vary]\nsigma = [4, 4]\n", 9, ["repeats a value"]),
        (HEAD + LHS + "[vary]\nsigma = { low = 4, hihg = 6 }\n",
         9, ["unknown field", "did you mean 'high'"]),
        (HEAD + LHS + "[vary]\nsigma = [4, 5]\n[outputs]\nmetrics = [\"gini_2050\"]\n",
         11, ["unknown metric 'gini_2050'", "gini_end"]),
        (HEAD + LHS + "[vary]\nsigma = [4, 5]\n[outputs]\nseries = [\"gdp\"]\n",
         11, ["unknown series 'gdp'", "gdp_mthb"]),
        (HEAD + "[design]\nmethod = \"latin\"\nsamples = 4\n[vary]\nsigma = [4, 5]\n",
         5, ["'latin' is not allowed", "grid, lhs, sobol, morris"]),
        (HEAD + "[design]\nmethod = \"lhs\"\n[vary]\nsigma = [4, 5]\n",
         4, ["design.samples: missing"]),
        (HEAD + "[design]\nmethod = \"grid\"\n[vary]\nsigma = { low = 4, high = 6 }\n",
         7, ["a grid needs the levels of a range"]),
        (HEAD.replace('"balanced_mix"', '"balanced_mixx"') + LHS + "[vary]\nsigma = [4, 5]\n",
         2, ["did you mean 'balanced_mix'", "or a path to a scenario file"]),
        (HEAD.replace("seed = 1\n", "") + LHS + "[vary]\nsigma = [4, 5]\n",
         None, ["seed: missing; this field is required"]),
        (HEAD + "replicatons = 3\n" + LHS + "[vary]\nsigma = [4, 5]\n",
         4, ["unknown field (did you mean 'replications'?)"]),
        ("name = \"t\"\nseed = 1\n[scenario]\nname = \"s\"\n[[scenario.policy]]\n"
         "lever = \"micro_ppp\"\nbudget_mthb = 10\ntarget = \"region:Nowhere\"\nstart = 2025\n"
         "end = 2030\n" + LHS + "[vary]\nsigma = [4, 5]\n",
         8, ["scenario.policy[1].target", "unknown region 'Nowhere'"]),
        ("name = \"t\"\nscenario = \"balanced_mix\n", 2, ["not valid TOML"]),
    ],
)  # fmt: skip
def test_malformed_files_name_file_line_field_and_what_is_allowed(tmp_path, body, line, fragments):
    path = write(tmp_path, body)
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert info.value.line == line, message
    for fragment in fragments:
        assert fragment in message, message


def test_cli_reports_a_bad_file_on_one_line_and_writes_nothing(tmp_path, capsys):
    path = write(tmp_path, HEAD + LHS + "[vary]\nsigma = { low = 3, high = 30 }\n")
    out = tmp_path / "results"
    assert main(["sweep", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("decentra: error:") and "line 9" in err and "vary.sigma.high" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()
    assert main(["sweep", str(tmp_path / "missing.toml"), "--out", str(out)]) == 2
    assert "no such experiment file" in capsys.readouterr().err


def test_overrides_are_checked(tmp_path):
    e = load_experiment(next(p for p in shipped_experiments() if p.stem == "sobol_headline"))
    assert e.with_overrides(samples=8, years=5).design.samples == 8
    with pytest.raises(ExperimentError, match="not a power of 2"):
        e.with_overrides(samples=10)
    with pytest.raises(ExperimentError, match="out of range"):
        e.with_overrides(years=0)
    assert e.with_overrides(samples=8).identity() != e.identity()


def test_the_readme_example_is_a_valid_file(tmp_path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = readme.split("## Batch experiments", 1)[1].split("```toml\n", 1)[1].split("```")[0]
    e = load_experiment(write(tmp_path, block, "readme_example.toml"))
    assert e.design.method == "sobol" and len(e.variables) == 5
    assert e.outputs.effects and e.outputs.series == ("gdp_mthb",)
