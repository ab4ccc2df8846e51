"""Sensitivity (SALib) and scenario discovery (PRIM) of finished sweeps."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from decentra.cli import main
from experiments import AnalysisError, discover, run_sweep, sensitivity
from experiments.reference import ishigami_indices

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ishigami(tmp_path_factory) -> Path:
    """The shipped Ishigami experiment (N = 1024, 5,120 runs) through the sweep runner."""
    out = tmp_path_factory.mktemp("ishigami")
    run_sweep(ROOT / "experiments" / "ishigami.toml", out=out, workers=1, progress=False)
    return out / "ishigami"


def test_sobol_pipeline_recovers_the_ishigami_indices(ishigami):
    table, notes = sensitivity(ishigami)
    assert notes == []
    assert list(table.columns[:6]) == ["output", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    assert list(table["parameter"]) == ["x1", "x2", "x3"]
    truth = ishigami_indices()
    for index in ("S1", "ST"):
        for k, row in enumerate(table.itertuples()):
            estimate, half_width = getattr(row, index), getattr(row, f"{index}_conf")
            assert abs(estimate - truth[index][k]) <= half_width, (index, row.parameter)
            assert half_width < 0.1
    assert truth["S1"] == pytest.approx([0.314, 0.442, 0.0], abs=1e-3)
    assert truth["ST"] == pytest.approx([0.558, 0.442, 0.244], abs=1e-3)
    written = pd.read_parquet(ishigami / "sensitivity_sobol.parquet")
    pd.testing.assert_frame_equal(written, table, check_like=True)
    again, _ = sensitivity(ishigami, write=False)
    pd.testing.assert_frame_equal(again, table)  # bootstrap seeded: the same intervals


def test_morris_on_the_model(tmp_path):
    path = tmp_path / "morris.toml"
    path.write_text(textwrap.dedent("""
        name = "morris"
        scenario = "balanced_mix"
        years = 3
        seed = 11
        common_seeds = true
        [design]
        method = "morris"
        samples = 3
        [vary]
        tfp_growth = { low = 0.0, high = 0.04 }
        sigma = { low = 4, high = 6 }
        university_weight = { low = 0.25, high = 1.0 }
        [outputs]
        metrics = ["gdp_end_mthb", "gini_end"]
    """))  # fmt: skip
    runs = run_sweep(path, out=tmp_path, workers=1, progress=False)
    assert len(runs) == 3 * 4
    table, notes = sensitivity(tmp_path / "morris")
    assert notes == []
    columns = ["output", "parameter", "mu_star", "mu_star_conf", "sigma"]
    assert list(table.columns[:5]) == columns
    assert len(table) == 2 * 3
    gdp = table[table["output"] == "gdp_end_mthb"].set_index("parameter")
    assert gdp["mu_star"].idxmax() == "tfp_growth"  # common growth moves GDP most in 3 years
    assert (tmp_path / "morris" / "sensitivity_morris.parquet").exists()


def test_prim_finds_a_known_box(tmp_path):
    path = tmp_path / "box.toml"
    path.write_text(textwrap.dedent("""
        name = "box"
        model = "sweep_models:box"
        seed = 9
        [design]
        method = "lhs"
        samples = 600
        [vary]
        x1 = { low = 0, high = 1 }
        x2 = { low = 0, high = 1 }
        x3 = { low = 0, high = 1 }
    """))  # fmt: skip
    run_sweep(path, out=tmp_path, workers=1, progress=False)
    found = discover(tmp_path / "box", "y", 0.5)
    limits = found.limits.set_index("parameter")
    assert set(limits.index) == {"x1", "x2"}  # x3 plays no part
    assert limits.at["x1", "low"] == pytest.approx(0.2, abs=0.05)
    assert limits.at["x1", "high"] == pytest.approx(0.6, abs=0.05)
    assert limits.at["x2", "low"] == pytest.approx(0.5, abs=0.05)
    assert found.box["density"] >= 0.8 and found.box["coverage"] >= 0.8
    assert (tmp_path / "box" / "discover_y.parquet").exists()
    with pytest.raises(AnalysisError, match="no run has y ≥ 2"):
        discover(tmp_path / "box", "y", 2.0)
    with pytest.raises(AnalysisError, match="unknown outcome"):
        discover(tmp_path / "box", "z", 0.5)
    with pytest.raises(AnalysisError, match="has no SALib sensitivity analysis"):
        sensitivity(tmp_path / "box")


def test_cli_sensitivity_and_discover(ishigami, tmp_path, capsys):
    assert main(["sensitivity", str(ishigami)]) == 0
    out = capsys.readouterr().out
    assert "Sobol' indices" in out and "x1" in out and "sensitivity_sobol.parquet" in out
    assert main(["discover", str(ishigami), "--outcome", "y", "--threshold", "10"]) == 0
    out = capsys.readouterr().out
    assert "PRIM:" in out and "coverage" in out and "density" in out
    assert main(["sensitivity", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err
    assert "no manifest.json" in err and err.count("\n") == 1
    assert main(["discover", str(ishigami), "--outcome", "y", "--threshold", "99"]) == 2
    assert "no run has y ≥ 99" in capsys.readouterr().err


def test_failed_points_are_reported_not_analysed(tmp_path):
    path = tmp_path / "fragile.toml"
    path.write_text(textwrap.dedent("""
        name = "fragile"
        model = "sweep_models:fragile"
        seed = 3
        [design]
        method = "sobol"
        samples = 8
        [vary]
        x = { low = 0, high = 1 }
        unused = { low = 0, high = 1 }
        [outputs]
        metrics = ["y"]
    """))  # fmt: skip
    runs = run_sweep(path, out=tmp_path, workers=1, progress=False)
    assert (runs["status"] == "failed").any()
    table, notes = sensitivity(tmp_path / "fragile", write=False)
    assert table.empty and "design points have no successful run" in notes[0]
    assert np.isnan(runs.loc[runs["status"] == "failed", "y"]).all()
