"""Benchmark of the sweep runner: runs/s of a 2,000-run LHS sweep of the 77-province model.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_sweep.py              # 2,000 runs of 31 years (~10 min)
    .venv/bin/python benchmarks/bench_sweep.py --runs 200   # a quick look

The same sweep (an LHS design over five parameters of the baseline, every run 2019–2050 with
its own seed, the summary metrics kept) is run four ways, each timed from the call to the
returned table, start-up of workers and writing of results included:

1. `experiments.run_sweep`, serial (one process);
2. `experiments.run_sweep`, a process pool of 2;
3. `experiments.run_sweep`, a Dask LocalCluster of 2 worker processes;
   (1.–3. run each point as a `model.HeadlessModel`: the Mesa model's economy and records
   without its agents and scheduler, the same numbers bit for bit;)
4. `mesa.batch_run` with `number_processes=2`, in a subprocess (it forces the spawn start method
   on the whole process), on a Mesa model class that runs the same point with the same seed
   on decentra's Mesa model (`DecentraModel`) and reports the same metrics through a
   DataCollector, collected once at the end from decentra's own records (`SweepPoint`): what
   batch_run and Mesa cost;
5. the same, with the outputs collected the way Mesa's examples collect them (`MesaWayPoint`):
   model reporters that read the 77 province agents (once a year, shared by the reporters), a
   DataCollector called every year, and the summary metrics computed from the collected
   yearly table at the end: what decentra's
   runner and NumPy records save over writing the sweep the standard Mesa way.

Their results are checked against the sweep's: the same model, values and seeds must give the
same numbers (5. up to round-off). BLAS/OpenMP pools are limited to one thread per process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # before NumPy loads: one thread per process, workers fill the cores

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import mesa  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from machine import probe_line  # noqa: E402

from model import metrics  # noqa: E402

TARGET_RUNS_PER_S = 150.0
TARGET_RATIO = 3.0
EXPERIMENT = """\
name = "Benchmark: LHS over five parameters"
scenario = "baseline"
years = {years}
seed = 2026
[design]
method = "lhs"
samples = {runs}
[vary]
sigma = {{ low = 4.0, high = 6.0 }}
tfp_growth = {{ low = 0.01, high = 0.03 }}
spillover_rate = {{ low = 0.01, high = 0.05 }}
migration_rate = {{ low = 0.03, high = 0.07 }}
shock_sd = {{ low = 0.01, high = 0.03 }}
"""


# ---------------------------------------------------------------------------------- mesa.batch_run
class SweepPoint(mesa.Model):
    """One design point for `mesa.batch_run`: builds the same decentra model as the sweep."""

    def __init__(self, point: int = 0, seed: int | None = None, plan_file: str = "") -> None:
        super().__init__(rng=seed)
        from experiments.sweep import summary_metrics
        from scenarios import baseline

        plan = _plan(plan_file)
        values = {k: float(plan[k].iat[point]) for k in _VARIED}
        seed = int(plan["seed"].iat[point])  # by column: a row of mixed dtypes would be float
        self.inner = baseline().build_model(seed=seed, **values)
        self.years = int(plan["years"].iat[point])
        self._summary = summary_metrics
        self.datacollector = mesa.DataCollector(
            model_reporters={"metrics": lambda m: m._summary(m.inner)}
        )

    def step(self) -> None:
        self.inner.step()
        if self.inner.year - 2019 >= self.years:
            self.datacollector.collect(self)
            self.running = False


def _provinces(m: MesaWayPoint) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """GPP (MTHB), population and poverty headcount of every province, read from the agents
    once a year and shared by the reporters (so the Mesa way is not charged for reading them
    once per reporter)."""
    if m.read_year != m.inner.year:
        agents = m.inner.provinces
        m.read = (
            np.array([a.gpp for a in agents]),
            np.array([a.population for a in agents]),
            np.array([a.poverty_headcount for a in agents]),
        )
        m.read_year = m.inner.year
    return m.read


def _gdp(m: MesaWayPoint) -> float:
    return float(_provinces(m)[0].sum())


def _gini(m: MesaWayPoint) -> float:
    gpp, population, _ = _provinces(m)
    return metrics.gini(gpp / population * 1e6, population)


def _williamson(m: MesaWayPoint) -> float:
    gpp, population, _ = _provinces(m)
    return metrics.williamson_cv(gpp / population * 1e6, population)


def _bv_share(m: MesaWayPoint) -> float:
    gpp = _provinces(m)[0]
    return float(gpp[m.inner.geography.bangkok_vicinity].sum() / gpp.sum())


def _poverty(m: MesaWayPoint) -> float:
    _, population, headcount = _provinces(m)
    return float((headcount * population).sum() / population.sum() * 100.0)


class MesaWayPoint(mesa.Model):
    """One design point with its outputs collected as Mesa's examples collect them: model
    reporters that read the province agents (once a year, shared), a DataCollector called at
    every step, and the summary metrics computed from the collected yearly table when the run
    ends. The same metrics as the sweep's (up to round-off: NumPy sums instead of the
    compiled table's)."""

    def __init__(self, point: int = 0, seed: int | None = None, plan_file: str = "") -> None:
        super().__init__(rng=seed)
        from scenarios import baseline

        plan = _plan(plan_file)
        values = {k: float(plan[k].iat[point]) for k in _VARIED}
        self.inner = baseline().build_model(seed=int(plan["seed"].iat[point]), **values)
        self.years = int(plan["years"].iat[point])
        self.read_year, self.read = -1, ()  # the agents' values, read once a year
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "year": lambda m: m.inner.year,
                "gdp_mthb": _gdp,
                "gini_weighted": _gini,
                "williamson_cv": _williamson,
                "bv_share_gdp": _bv_share,
                "poverty_pct": _poverty,
                # Last: DataCollector.collect runs the reporters in order, so the yearly
                # columns above already hold the final year when the run has ended.
                "metrics": lambda m: None if m.running else _summary_of_yearly(m.datacollector),
            }
        )
        self.datacollector.collect(self)

    def step(self) -> None:
        self.inner.step()
        if self.inner.year - 2019 >= self.years:
            self.running = False
        self.datacollector.collect(self)


def _summary_of_yearly(collector: mesa.DataCollector) -> dict[str, float]:
    """The sweep's summary metrics (experiments.sweep.summary_metrics) from the yearly figures
    the collector holds."""
    yearly = pd.DataFrame({k: v for k, v in collector.model_vars.items() if k != "metrics"})
    first, last = yearly.iloc[0], yearly.iloc[-1]
    years = last["year"] - first["year"]
    at_2035 = yearly[yearly["year"] == 2035]
    return {
        "gdp_end_mthb": last["gdp_mthb"],
        "growth_pct_per_year": ((last["gdp_mthb"] / first["gdp_mthb"]) ** (1.0 / years) - 1.0)
        * 100.0,
        "gini_end": last["gini_weighted"],
        "gini_change": last["gini_weighted"] - first["gini_weighted"],
        "williamson_end": last["williamson_cv"],
        "bv_share_end": last["bv_share_gdp"],
        "poverty_2035_pct": at_2035["poverty_pct"].iat[0] if len(at_2035) else np.nan,
        "poverty_end_pct": last["poverty_pct"],
    }


_VARIED = ("sigma", "tfp_growth", "spillover_rate", "migration_rate", "shock_sd")
_MODELS = {"decentra": "SweepPoint", "mesa-way": "MesaWayPoint"}
_PLANS: dict[str, pd.DataFrame] = {}


def _plan(path: str) -> pd.DataFrame:
    if path not in _PLANS:
        _PLANS[path] = pd.read_parquet(path)
    return _PLANS[path]


def batch_run_child(plan_file: str, processes: int, out_file: str, kind: str) -> None:
    """Run the plan with mesa.batch_run (in its own process) and save metrics and timing."""
    plan = _plan(plan_file)
    started = time.perf_counter()
    results = mesa.batch_run(
        globals()[_MODELS[kind]],
        parameters={"point": list(range(len(plan))), "plan_file": plan_file},
        number_processes=processes,
        rng=[0],
        data_collection_period=-1,
        max_steps=10_000,
        display_progress=False,
    )
    seconds = time.perf_counter() - started
    rows = [{"point": r["point"], **r["metrics"]} for r in results]
    pd.DataFrame(rows).sort_values("point").to_parquet(out_file, index=False)
    Path(out_file).with_suffix(".json").write_text(json.dumps({"seconds": seconds}))


# ---------------------------------------------------------------------------------- the benchmark
def timed_sweep(path: Path, out: Path, **kwargs) -> tuple[float, pd.DataFrame]:
    from experiments import run_sweep

    started = time.perf_counter()
    runs = run_sweep(path, out=out, progress=False, force=True, **kwargs)
    return time.perf_counter() - started, runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2000, help="LHS points (default 2000)")
    parser.add_argument("--years", type=int, default=31, help="years per run (default 31)")
    parser.add_argument("--workers", type=int, default=2, help="pool and Dask workers (2)")
    parser.add_argument("--batch-run-child", nargs=4, metavar=("PLAN", "PROCESSES", "OUT", "KIND"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args(argv)
    if args.batch_run_child:
        plan_file, processes, out_file, kind = args.batch_run_child
        batch_run_child(plan_file, int(processes), out_file, kind)
        return 0

    w = args.workers
    print("decentra sweep benchmark (benchmarks/bench_sweep.py)")
    print(f"target: ≥ {TARGET_RUNS_PER_S:.0f} runs/s on 2 cores and ≥ {TARGET_RATIO:.0f}× "
          "mesa.batch_run")  # fmt: skip
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, Mesa {mesa.__version__}, "
          f"pandas {pd.__version__}; {platform.platform()}")  # fmt: skip
    print(f"os.cpu_count() = {os.cpu_count()}")
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"load average before: {load} (other work on the machine slows every case)")
    except OSError:
        pass
    print(probe_line("before"))
    print(f"sweep: LHS, {args.runs} points × 1 replication, baseline, {args.years} years each, "
          "5 parameters varied, 8 summary metrics kept; BLAS threads = 1 per process")  # fmt: skip
    print(flush=True)

    with tempfile.TemporaryDirectory(prefix="bench_sweep_") as tmp:
        tmp_path = Path(tmp)
        path = tmp_path / "bench.toml"
        path.write_text(EXPERIMENT.format(runs=args.runs, years=args.years))
        cases: list[tuple[str, float, pd.DataFrame, str]] = []
        for label, kwargs in (
            ("run_sweep, serial", {"workers": 1}),
            (f"run_sweep, process pool of {w}", {"workers": w}),
            (f"run_sweep, Dask LocalCluster of {w}", {"workers": w, "dask": "local"}),
        ):
            print(f"  ... {label}", file=sys.stderr, flush=True)
            seconds, runs = timed_sweep(path, tmp_path / label.split(",")[1].strip(), **kwargs)
            manifest = json.loads((Path(runs.attrs["folder"]) / "manifest.json").read_text())
            timing = manifest["timing"]
            note = (
                f"a run in a worker: {timing['run_seconds_mean'] * 1e3:.1f} ms wall, "
                f"{timing['run_cpu_seconds_mean'] * 1e3:.1f} ms CPU"
            )
            cases.append((label, seconds, runs, note))

        reference = cases[0][2]
        for label, _, runs, _ in cases[1:]:
            pd.testing.assert_frame_equal(runs, reference, obj=label)

        plan = reference[["point", "seed", *_VARIED]].copy()
        plan["years"] = args.years
        plan_file = tmp_path / "plan.parquet"
        plan.to_parquet(plan_file, index=False)
        batch_runs: dict[str, tuple[float, float, float]] = {}  # kind → call s, wall s, diff
        for kind in _MODELS:
            out_file = tmp_path / f"batch_run_{kind}.parquet"
            print(f"  ... mesa.batch_run ({kind}), {w} processes (subprocess)", file=sys.stderr,
                  flush=True)  # fmt: skip
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, __file__, "--batch-run-child", str(plan_file), str(w),
                 str(out_file), kind],
                check=True,
            )  # fmt: skip
            wall = time.perf_counter() - started
            inner = json.loads(out_file.with_suffix(".json").read_text())["seconds"]
            batch = pd.read_parquet(out_file)
            columns = [c for c in batch.columns if c != "point"]
            ours = reference.set_index("point").loc[batch["point"], columns].to_numpy()
            theirs = batch[columns].to_numpy()
            diff = np.nanmax(np.abs(theirs - ours) / np.maximum(np.abs(ours), 1e-300))
            batch_runs[kind] = (inner, wall, diff)

    rates = {kind: args.runs / inner for kind, (inner, _, _) in batch_runs.items()}
    print(f"{'engine':<44} {'runs':>6} {'seconds':>9} {'runs/s':>8} "
          f"{'× batch_run':>12} {'× Mesa way':>11}  notes")  # fmt: skip
    for label, seconds, _, note in cases:
        rate = args.runs / seconds
        ratios = f"{rate / rates['decentra']:>12.2f} {rate / rates['mesa-way']:>11.2f}"
        print(f"{label:<44} {args.runs:>6} {seconds:>9.1f} {rate:>8.2f} {ratios}  {note}")
    for kind, (inner, wall, _) in batch_runs.items():
        label = f"mesa.batch_run, {w} processes, {kind}"
        print(f"{label:<44} {args.runs:>6} {inner:>9.1f} {rates[kind]:>8.2f} "
              f"{rates[kind] / rates['decentra']:>12.2f} {rates[kind] / rates['mesa-way']:>11.2f}"
              f"  batch_run call only (subprocess with imports: {wall:.1f} s)")  # fmt: skip
    print()
    print("batch_run, decentra: decentra's model and recording, its summary metrics collected once")
    print("batch_run, Mesa way: model reporters that read the agents, collected every year by a")
    print("  DataCollector; the summary from the collected yearly table (as Mesa's examples do)")
    for kind, (_, _, diff) in batch_runs.items():
        print(f"mesa.batch_run ({kind}) metrics vs the sweep's (same values and seeds): largest "
              f"relative difference {diff:.3g}")  # fmt: skip
    best = max(args.runs / s for label, s, _, _ in cases[1:])
    print(probe_line("after"))
    print("Verdict:")
    print(f"  best 2-worker rate = {best:.1f} runs/s (target ≥ {TARGET_RUNS_PER_S:.0f}): "
          f"{'MET' if best >= TARGET_RUNS_PER_S else 'NOT MET'}")  # fmt: skip
    for kind, rate in rates.items():
        print(f"  vs mesa.batch_run ({kind}) = {best / rate:.2f}× (target ≥ {TARGET_RATIO:.0f}×): "
              f"{'MET' if best / rate >= TARGET_RATIO else 'NOT MET'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
