"""The sweep runner: same results whatever the engine, resumable after a kill, failures kept."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from decentra.cli import main
from experiments import run_sweep
from experiments.compare import replication_seeds
from experiments.schema import SUMMARY_METRICS
from experiments.sweep import SweepError, run_seed, summary_metrics
from scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "experiments" / "tiny.toml"


def sweep(tmp_path: Path, name: str, **kwargs) -> pd.DataFrame:
    kwargs.setdefault("progress", False)
    return run_sweep(kwargs.pop("path", TINY), out=tmp_path / name, **kwargs)


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> pd.DataFrame:
    """The tiny experiment run serially in this process: the reference."""
    return sweep(tmp_path_factory.mktemp("serial"), "s", workers=1)


def test_runs_table_has_plan_values_outputs_and_status(serial):
    assert len(serial) == 8 * 2  # 8 LHS points × 2 replications
    front = ["run", "scenario", "point", "replication", "seed"]
    varied = ["sigma", "tfp_growth", "local_development_fund.crowd_in"]
    assert list(serial.columns) == [*front, *varied, *SUMMARY_METRICS, "status", "error"]
    assert list(serial["run"]) == list(range(16))
    assert (serial["status"] == "ok").all() and serial["error"].isna().all()
    assert serial["seed"].tolist() == [run_seed(7, i) for i in range(16)]
    assert serial["sigma"].between(4, 6).all()
    assert serial["poverty_2035_pct"].isna().all()  # 3 years: 2035 is not reached
    # replications of a point share the values, not the seed
    assert serial.groupby("point")["sigma"].nunique().eq(1).all()
    assert serial["seed"].nunique() == 16


def test_seeds_are_seedsequence_children_of_the_master_seed():
    assert [run_seed(42, i) for i in range(5)] == replication_seeds(42, 5)


def test_summary_metrics_equal_the_model_table(thailand):
    model = load_scenario(ROOT / "scenarios" / "balanced_mix.toml").run(seed=3, years=17)
    table = model.model_table().set_index("year")
    got = summary_metrics(model)
    expected = {
        "gdp_end_mthb": table.at[2036, "gdp_mthb"],
        "gini_end": table.at[2036, "gini_weighted"],
        "gini_change": table.at[2036, "gini_weighted"] - table.at[2019, "gini_weighted"],
        "williamson_end": table.at[2036, "williamson_cv"],
        "bv_share_end": table.at[2036, "bv_share_gdp"],
        "poverty_2035_pct": table.at[2035, "poverty_pct"],
        "poverty_end_pct": table.at[2036, "poverty_pct"],
        "growth_pct_per_year": (
            (table.at[2036, "gdp_mthb"] / table.at[2019, "gdp_mthb"]) ** (1 / 17) - 1
        )
        * 100,
    }
    assert set(got) == set(SUMMARY_METRICS)
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, rel=1e-12, abs=1e-15), name
    for name in ("gdp_end_mthb", "gini_end", "williamson_end", "bv_share_end", "poverty_end_pct"):
        assert got[name] == expected[name], name  # the table's own code, on fewer years


def test_serial_pool_and_dask_give_identical_results(serial, tmp_path):
    pool = sweep(tmp_path, "pool", workers=2, chunk_size=3)
    pd.testing.assert_frame_equal(pool, serial)
    assert pool.attrs["engine"].startswith("pool of 2")
    dask = sweep(tmp_path, "dask", workers=2, dask="local")
    pd.testing.assert_frame_equal(dask, serial)
    assert dask.attrs["engine"].startswith("dask LocalCluster")
    a = (tmp_path / "pool" / "tiny" / "runs.parquet").read_bytes()
    b = (tmp_path / "dask" / "tiny" / "runs.parquet").read_bytes()
    assert a == b  # the files themselves, not only the values


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_pool_start_methods_give_identical_results(serial, tmp_path, monkeypatch, method):
    monkeypatch.setenv("DECENTRA_START_METHOD", method)
    runs = sweep(tmp_path, method, workers=2)
    assert runs.attrs["engine"] == f"pool of 2 processes ({method})"
    pd.testing.assert_frame_equal(runs, serial)


def test_pools_fork_only_where_no_other_python_thread_runs(monkeypatch):
    """fork where this process runs one Python thread; forkserver beside others (a notebook
    kernel, Dask's threads); the environment variable overrides, and a wrong value is named."""
    import threading

    from experiments.compare import pool_context

    monkeypatch.delenv("DECENTRA_START_METHOD", raising=False)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert pool_context().get_start_method() == "fork"
    monkeypatch.setattr(threading, "active_count", lambda: 3)
    assert pool_context().get_start_method() == "forkserver"
    monkeypatch.setenv("DECENTRA_START_METHOD", "spawn")
    assert pool_context().get_start_method() == "spawn"
    monkeypatch.setenv("DECENTRA_START_METHOD", "fork-please")
    with pytest.raises(ValueError, match=r"DECENTRA_START_METHOD='fork-please'.*fork, forkserver"):
        pool_context()


def test_manifest_has_provenance_seeds_and_per_run_status(serial):
    folder = Path(serial.attrs["folder"])
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["kind"] == "experiment" and manifest["status"] == "completed"
    assert manifest["experiment_text"] == TINY.read_text()
    assert len(manifest["experiment"]["file_sha256"]) == 64
    assert manifest["experiment"]["master_seed"] == 7 and manifest["runs_total"] == 16
    for package in ("mesa", "numpy", "SALib", "dask", "distributed", "pandas"):
        assert manifest["packages"][package], package
    assert "git_commit" in manifest["code_version"]
    runs = manifest["runs"]
    assert runs["run"] == list(range(16)) and runs["status"] == ["ok"] * 16
    assert runs["seed"] == serial["seed"].tolist()
    assert all(s > 0 for s in runs["seconds"])
    assert manifest["design"]["points"] == 8 and manifest["problem"]["num_vars"] == 3
    assert (folder / "design.parquet").exists() and list((folder / "parts").glob("part-*"))


def test_a_killed_sweep_resumes_to_the_uninterrupted_result(tmp_path):
    """Kill a sweep in a subprocess part-way (SIGKILL: no clean-up), resume it, compare."""
    out = tmp_path / "killed"
    args = ["--samples", "30", "--years", "5", "--out", str(out)]
    command = [sys.executable, "-m", "decentra.cli", "sweep", str(TINY), "--workers", "1",
               "--chunk-size", "1", "--quiet", *args]  # fmt: skip
    proc = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    parts = out / "tiny" / "parts"
    deadline = time.monotonic() + 120
    try:
        while len(list(parts.glob("part-*.parquet"))) < 8:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "no parts written in time"
            time.sleep(0.01)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    done = len(list(parts.glob("part-*.parquet")))
    assert 8 <= done < 60
    manifest = json.loads((out / "tiny" / "manifest.json").read_text())
    assert manifest["status"] == "running"  # it never got to say anything else
    assert not (out / "tiny" / "runs.parquet").exists()

    resumed = run_sweep(TINY, samples=30, years=5, out=out, workers=2, progress=False)
    assert resumed.attrs["ran_now"] == 60 - done  # finished runs were skipped
    whole = run_sweep(TINY, samples=30, years=5, out=tmp_path / "whole", workers=1,
                      progress=False)  # fmt: skip
    pd.testing.assert_frame_equal(resumed, whole)
    manifest = json.loads((out / "tiny" / "manifest.json").read_text())
    assert manifest["status"] == "completed" and len(manifest["sessions"]) == 2
    assert manifest["sessions"][1]["runs_done_before"] == done

    again = run_sweep(TINY, samples=30, years=5, out=out, workers=1, progress=False)
    assert again.attrs["ran_now"] == 0  # everything was done: nothing runs
    pd.testing.assert_frame_equal(again, whole)


def test_a_folder_belongs_to_one_experiment(serial, tmp_path):
    folder = Path(serial.attrs["folder"]).parent
    with pytest.raises(SweepError, match="different version of the experiment"):
        run_sweep(TINY, out=folder, samples=4, workers=1, progress=False)
    forced = run_sweep(TINY, out=tmp_path, samples=4, workers=1, progress=False, force=True)
    assert len(forced) == 8
    with pytest.raises(SweepError, match="nothing to resume"):
        run_sweep(TINY, out=tmp_path / "empty", workers=1, progress=False, resume=True)
    lock = {"pid": os.getppid(), "host": socket.gethostname()}  # a live process, not this one
    (tmp_path / "tiny" / "sweep.lock").write_text(json.dumps(lock))
    with pytest.raises(SweepError, match="being written by another sweep"):
        run_sweep(TINY, out=tmp_path, samples=4, workers=1, progress=False)
    with pytest.raises(SweepError, match="being written by another sweep"):
        run_sweep(TINY, out=tmp_path, workers=1, progress=False, force=True)


def test_a_run_that_raises_is_recorded_and_the_sweep_goes_on(tmp_path):
    path = tmp_path / "fragile.toml"
    path.write_text(textwrap.dedent("""
        name = "fragile"
        model = "sweep_models:fragile"
        seed = 3
        [design]
        method = "lhs"
        samples = 20
        [vary]
        x = { low = 0, high = 1 }
    """))  # fmt: skip
    runs = run_sweep(path, out=tmp_path / "r", workers=1, progress=False)
    failed = runs[runs["status"] == "failed"]
    assert 0 < len(failed) < len(runs)
    assert (failed["x"] > 0.7).all() and (runs.loc[runs["status"] == "ok", "x"] <= 0.7).all()
    assert failed["y"].isna().all() and failed["error"].str.contains("too high").all()
    manifest = json.loads((tmp_path / "r" / "fragile" / "manifest.json").read_text())
    assert manifest["status"] == f"completed with {len(failed)} failed runs"
    assert {f["run"] for f in manifest["failures"]} == set(failed["run"])
    assert all("x" in f and "too high" in f["error"] for f in manifest["failures"])


def test_effects_and_series_on_request(tmp_path):
    path = tmp_path / "grid.toml"
    path.write_text(textwrap.dedent("""
        name = "grid"
        seed = 5
        years = 8
        replications = 2
        common_seeds = true
        [scenario]
        name = "one policy"
        [[scenario.policy]]
        lever = "micro_ppp"
        budget_mthb = 10000
        target = "bottom:38"
        start = 2022
        end = 2026
        [design]
        method = "grid"
        [vary]
        "policy[1].lever" = ["micro_ppp", "precision_poverty"]
        "policy[1].budget_mthb" = [10000, 100000]
        [outputs]
        metrics = ["gdp_end_mthb", "poverty_end_pct"]
        series = ["gdp_mthb", "poverty_pct"]
        effects = true
    """))  # fmt: skip
    runs = run_sweep(path, out=tmp_path / "r", workers=1, progress=False)
    assert len(runs) == 2 * 2 * 2
    assert runs.groupby("replication")["seed"].nunique().eq(1).all()  # common seeds
    assert np.isfinite(runs["gdp_gain_pv_mthb"]).all() and (runs["gdp_gain_pv_mthb"] != 0).all()
    assert runs["d_gdp_2050_mthb"].isna().all()  # 2050 is not reached in 8 years
    big = runs[runs["policy[1].budget_mthb"] == 100000]
    small = runs[runs["policy[1].budget_mthb"] == 10000]
    assert big["gdp_gain_pv_mthb"].abs().mean() > small["gdp_gain_pv_mthb"].abs().mean()
    series = pd.read_parquet(tmp_path / "r" / "grid" / "series.parquet")
    assert list(series.columns) == ["run", "year", "gdp_mthb", "poverty_pct"]
    assert len(series) == 8 * 9 and series["year"].max() == 2027


def test_cli_sweep_quiet_prints_the_folder_and_logs(tmp_path, capsys):
    argv = ["sweep", str(TINY), "--workers", "1", "--samples", "2", "--out", str(tmp_path),
            "--quiet"]  # fmt: skip
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(tmp_path / "tiny")
    assert "4/4 runs (100%)" in captured.err and "runs/s" in captured.err
    assert main(["sweep", str(TINY), "--workers", "1", "--out", str(tmp_path)]) == 2
    assert "--force" in capsys.readouterr().err
