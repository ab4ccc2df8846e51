"""`decentra run`: what it prints and writes, and one readable line for each error."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from decentra.cli import main


def test_run_writes_tables_and_manifest(tmp_path, capsys):
    assert main(["run", "--years", "3", "--seed", "5", "--out", str(tmp_path),
                 "--run-id", "r1", "--set", "sigma=4.5"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "GDP tn THB" in out and "2022" in out and "wrote" in out
    folder = tmp_path / "r1"
    national = pd.read_parquet(folder / "model.parquet")
    provinces = pd.read_parquet(folder / "provinces.parquet")
    assert list(national["year"]) == [2019, 2020, 2021, 2022]
    assert len(provinces) == 4 * 77
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["seed"] == 5 and manifest["status"] == "completed"
    assert manifest["parameters"]["elasticity_substitution"] == 4.5
    assert manifest["overrides"] == {"elasticity_substitution": "4.5"}
    assert manifest["packages"]["mesa"] == "3.5.1"
    assert manifest["code_version"]["package"]
    assert manifest["started"] <= manifest["finished"]


def test_quiet_prints_only_the_folder(tmp_path, capsys):
    assert main(["run", "--years", "1", "--out", str(tmp_path), "--run-id", "q", "--quiet"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "q")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--set", "sigma"], "expected NAME=VALUE"),
        (["run", "--set", "nope=1"], "unknown parameter 'nope'; allowed names:"),
        (["run", "--set", "mu=0.9"], "must be below (σ−1)/σ"),
        (["run", "--set", "tax_rate=2"], "out of bounds; allowed: 0 ≤ tax_rate ≤ 0.6"),
        (["run", "--years", "-1"], "--years must be ≥ 0"),
    ],
)
def test_errors_exit_2_with_one_line(tmp_path, capsys, argv, message):
    assert main([*argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("decentra: error:") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not any(tmp_path.iterdir())  # nothing written


def test_installed_entry_point_help_and_error(tmp_path):
    exe = Path(sys.executable).with_name("decentra")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    help_text = subprocess.run([exe, "run", "--help"], capture_output=True, text=True, env=env)
    assert help_text.returncode == 0
    for option in ("--years", "--seed", "--set", "--out", "--quiet"):
        assert option in help_text.stdout
    bad = subprocess.run([exe, "run", "--set", "x=1"], capture_output=True, text=True,
                         cwd=tmp_path, env=env)  # fmt: skip
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
