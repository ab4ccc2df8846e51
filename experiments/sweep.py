"""Run an experiment: thousands of runs on a process pool or a Dask cluster, crash-safe.

Every run's seed comes from the master seed and the run's index (NumPy `SeedSequence`), and a
run depends on nothing else, so serial, pool and Dask give bit-identical results in any order
of completion. Runs are sent to workers in chunks (about `TARGET_CHUNK_S` seconds of work each,
so the per-task overhead stays small); each finished chunk is written at once as a Parquet part
(temporary file, then rename). Killed at any moment, a sweep loses at most the chunks in flight;
running the same command again resumes: it skips the runs that have a part and, at the end,
consolidates the parts into `runs.parquet`, equal to an uninterrupted sweep's.

Layout of `results/<experiment>/`: `manifest.json` (the experiment file and its hash, code and
package versions, seeds, per-run status and timings), `design.parquet` (the points in SALib's
sample space), `parts/` (one Parquet file per finished chunk), `runs.parquet` (one row per run:
run, scenario, point, replication, seed, the varied values, the outputs, status, error),
`series.parquet` (yearly series, when asked for).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import math
import os
import shutil
import socket
import sys
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.jit import warm_up
from model.outputs import national_columns
from scenarios import Scenario

from .compare import start_pool
from .design import DesignMatrix, make_design
from .schema import Experiment, Variable, apply_policy_values, load_experiment, model_overrides
from .storage import _atomic_write, _package_version, now_iso, provenance, write_json

TARGET_CHUNK_S = 2.0  # seconds of work per task: small overhead, little lost on a kill
FIRST_CHUNK = 2  # runs per task until the run time is known
MAX_CHUNK = 2_000
LOG_EVERY_S = 10.0  # --quiet: a log line at most this often
SWEEP_PACKAGES = ("SALib", "dask", "distributed", "ema_workbench", "tqdm")
PLAN_COLUMNS = ("run", "scenario", "point", "replication", "seed")
POVERTY_YEAR = 2035
SEED_RULE = (
    "seed of run i = SeedSequence(master_seed, spawn_key=(i,)).generate_state(1, uint64)[0] "
    "(child i of SeedSequence(master_seed).spawn); with common_seeds, i is the replication"
)


class SweepError(RuntimeError):
    """A sweep that cannot start or go on (folder in use, other experiment, worker lost)."""


class SweepInterrupted(SweepError):
    """Stopped by the user (Ctrl-C); the finished runs are kept for a resume."""


# ---------------------------------------------------------------------------- seeds and plan
def run_seed(master_seed: int, index: int) -> int:
    """The seed of run `index`: child `index` of the master `SeedSequence` (as in `compare`)."""
    child = np.random.SeedSequence(master_seed, spawn_key=(index,))
    return int(child.generate_state(1, dtype=np.uint64)[0])


def build_plan(experiment: Experiment, design: DesignMatrix) -> pd.DataFrame:
    """One row per run (scenario-major, then point, then replication) with seed and values."""
    n_scen = max(1, len(experiment.scenarios))
    reps, points = experiment.replications, design.points
    total = n_scen * points * reps
    run = np.arange(total)
    scenario_index = run // (points * reps)
    point = (run // reps) % points
    replication = run % reps
    keys = (
        [s.key for s in experiment.scenarios]
        if experiment.scenarios
        else [str(experiment.model).rpartition(":")[2]]
    )
    seed_index = replication if experiment.common_seeds else run
    seeds = {int(i): run_seed(experiment.seed, int(i)) for i in np.unique(seed_index)}
    plan = pd.DataFrame(
        {
            "run": run,
            "scenario": [keys[i] for i in scenario_index],
            "point": point,
            "replication": replication,
            "seed": np.array([seeds[int(i)] for i in seed_index], dtype=np.uint64),
        }
    )
    values = design.values.iloc[point].reset_index(drop=True)
    plan = pd.concat([plan, values], axis=1)
    plan.attrs["scenario_index"] = scenario_index
    return plan


# ---------------------------------------------------------------------------- one run
def summary_metrics(model: Any) -> dict[str, float]:
    """The summary metrics of a finished run: the model table's columns (the same compiled
    code, `model.outputs.national_columns`) of its first year, 2035 and last year only."""
    records = model.records
    first, last = records[0], records[-1]
    at_2035 = next((r for r in records if r.year == POVERTY_YEAR), None)
    table = national_columns([first, last] if at_2035 is None else [first, last, at_2035],
                             model.geography)  # fmt: skip
    years = last.year - first.year
    gdp0, gdp1 = float(table["gdp_mthb"][0]), float(table["gdp_mthb"][1])
    gini0, gini1 = float(table["gini_weighted"][0]), float(table["gini_weighted"][1])
    return {
        "gdp_end_mthb": gdp1,
        "growth_pct_per_year": ((gdp1 / gdp0) ** (1.0 / years) - 1.0) * 100.0
        if years > 0
        else math.nan,
        "gini_end": gini1,
        "gini_change": gini1 - gini0,
        "williamson_end": float(table["williamson_cv"][1]),
        "bv_share_end": float(table["bv_share_gdp"][1]),
        "poverty_2035_pct": float(table["poverty_pct"][2]) if at_2035 is not None else math.nan,
        "poverty_end_pct": float(table["poverty_pct"][1]),
    }


_BASELINES: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_BASELINE_CACHE = 32
_FUNCTIONS: dict[str, Callable[..., Any]] = {}


def _baseline_table(
    scenario: Scenario, overrides: dict[str, Any], seed: int, years: int
) -> pd.DataFrame:
    """The same scenario without policies, same parameters and seed (cached per process)."""
    key = (scenario.parameters, scenario.channels, tuple(sorted(overrides.items())), seed, years)
    table = _BASELINES.get(key)
    if table is None:
        base = Scenario(
            name="no policy",
            key="no_policy",
            years=years,
            parameters=scenario.parameters,
            channels=scenario.channels,
        )
        table = base.run(seed=seed, years=years, headless=True, **overrides).model_table()
        _BASELINES[key] = table
        if len(_BASELINES) > _BASELINE_CACHE:
            _BASELINES.popitem(last=False)
    else:
        _BASELINES.move_to_end(key)
    return table


def _function(ref: str) -> Callable[..., Any]:
    func = _FUNCTIONS.get(ref)
    if func is None:
        module, _, name = ref.partition(":")
        func = _FUNCTIONS[ref] = getattr(importlib.import_module(module), name)
    return func


def evaluate(
    experiment: Experiment, scenario_index: int, values: dict[Variable, Any], seed: int
) -> tuple[dict[str, float], pd.DataFrame | None]:
    """Run one point of the experiment with one seed: its outputs and (optionally) series."""
    if experiment.model is not None:
        result = _function(experiment.model)({v.name: x for v, x in values.items()}, seed)
        names = experiment.outputs.metrics or tuple(sorted(result))
        return {name: float(result[name]) for name in names}, None
    from .compare import run_effects

    scenario = apply_policy_values(experiment.scenarios[scenario_index], values)
    overrides = {**dict(experiment.fixed), **model_overrides(values)}
    model = scenario.run(seed=seed, years=experiment.years, headless=True, **overrides)
    summary = summary_metrics(model)
    out = {name: summary[name] for name in experiment.outputs.metrics}
    series = None
    if experiment.outputs.series or experiment.outputs.effects:
        table = model.model_table()
        if experiment.outputs.series:
            series = table[["year", *experiment.outputs.series]]
        if experiment.outputs.effects:
            base = _baseline_table(scenario, overrides, seed, experiment.years)
            out.update(run_effects(table, base))
    return out, series


@dataclass(frozen=True)
class Task:
    """One run as sent to a worker: its index, scenario, seed and the values of the variables."""

    run: int
    scenario: int
    seed: int
    values: tuple[Any, ...]


def _one_line(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return text if len(text) <= 500 else text[:497] + "..."


def run_chunk(experiment: Experiment, tasks: Sequence[Task]) -> list[dict[str, Any]]:
    """Run several runs on a worker (module-level, so pools and Dask can ship it).

    A run that raises is returned with status "failed" and its error; the others go on.
    """
    worker = f"{socket.gethostname()}:{os.getpid()}"
    out = []
    for task in tasks:
        values = dict(zip(experiment.variables, task.values, strict=True))
        started, cpu = time.perf_counter(), time.process_time()
        row: dict[str, Any] = {"run": task.run}
        series = None
        try:
            outputs, series = evaluate(experiment, task.scenario, values, task.seed)
            row.update(outputs)
            row.update(status="ok", error=None)
        except Exception as exc:  # a failed run is a result too: recorded, the sweep goes on
            row.update(status="failed", error=_one_line(exc))
            row["traceback"] = traceback.format_exc(limit=-3)
        row.update(
            seconds=time.perf_counter() - started,
            cpu_seconds=time.process_time() - cpu,
            worker=worker,
        )
        if series is not None:
            row["series"] = series
        out.append(row)
    return out


def _limit_threads() -> None:
    """One BLAS thread per worker process: workers already fill the cores."""
    with contextlib.suppress(ImportError):
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)


# ---------------------------------------------------------------------------- engines
class _Engine:
    """Where chunks run: `slots` chunks at a time, `submit` returns a future."""

    name = "serial"
    slots = 1

    def submit(self, experiment: Any, tasks: list[Task]) -> Future:
        future: Future = Future()
        try:
            future.set_result(run_chunk(experiment, tasks))
        except BaseException as exc:  # KeyboardInterrupt must reach the caller
            if not isinstance(exc, Exception):
                raise
            future.set_exception(exc)
        return future

    def wait(self, futures: list[Any]) -> list[Any]:
        return [f for f in futures if f.done()]

    def share(self, experiment: Experiment) -> Any:
        return experiment

    def close(self) -> None:
        pass


class _PoolEngine(_Engine):
    name = "pool"

    def __init__(self, workers: int) -> None:
        self.slots = workers
        self.pool, self.method = start_pool(workers, initializer=_limit_threads)

    def submit(self, experiment: Any, tasks: list[Task]) -> Future:
        return self.pool.submit(run_chunk, experiment, tasks)

    def wait(self, futures: list[Any]) -> list[Any]:
        return list(wait_futures(futures, return_when=FIRST_COMPLETED).done)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class _DaskEngine(_Engine):
    name = "dask"

    def __init__(self, address: str, workers: int) -> None:
        from distributed import Client, LocalCluster

        for name in ("distributed", "tornado", "bokeh"):
            logging.getLogger(name).setLevel(logging.ERROR)
        self.cluster = None
        if address == "local":
            self.cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
            self.name = f"dask LocalCluster ({workers} workers)"
        else:
            try:
                self.client = Client(address, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise SweepError(f"--dask {address}: cannot reach the scheduler ({exc})") from None
            self.name = f"dask {address}"
        try:
            self.client.run(_limit_threads)
            self.client.run(warm_up)  # every worker loads the compiled kernels now, at once
        except Exception as exc:
            self.close()
            raise SweepError(
                f"the Dask workers cannot run decentra ({_one_line(exc)}); install decentra in "
                "the workers' environment (pip install -e .)"
            ) from None
        self.slots = max(1, sum(self.client.nthreads().values()))

    def share(self, experiment: Experiment) -> Any:
        return self.client.scatter(experiment, broadcast=True)

    def submit(self, experiment: Any, tasks: list[Task]) -> Any:
        return self.client.submit(run_chunk, experiment, tasks, pure=False)

    def wait(self, futures: list[Any]) -> list[Any]:
        from distributed import wait

        return list(wait(futures, return_when="FIRST_COMPLETED").done)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()


def make_engine(workers: int, dask: str | None) -> _Engine:
    """Serial for one worker, a process pool for more, or Dask (`local` or an address)."""
    if dask:
        return _DaskEngine(dask, workers)
    if workers <= 1:
        return _Engine()
    return _PoolEngine(workers)


# ---------------------------------------------------------------------------- the results folder
class ResultFolder:
    """`results/<experiment>/`: parts, manifest, lock and the consolidated tables."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.parts = self.root / "parts"
        self.manifest_path = self.root / "manifest.json"
        self.lock_path = self.root / "sweep.lock"
        self.runs_path = self.root / "runs.parquet"
        self.series_path = self.root / "series.parquet"
        self.design_path = self.root / "design.parquet"

    def read_manifest(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.manifest_path.read_text())
        except FileNotFoundError:
            return None
        except json.JSONDecodeError as exc:
            raise SweepError(f"{self.manifest_path} is not valid JSON ({exc})") from None

    # -- lock: one sweep writes a folder at a time
    def check_lock(self) -> None:
        """Refuse a folder that another live sweep is writing."""
        if not self.lock_path.exists():
            return
        try:
            info = json.loads(self.lock_path.read_text())
        except (OSError, json.JSONDecodeError):
            return
        pid, other = info.get("pid"), info.get("host")
        if other and other != socket.gethostname():
            raise SweepError(
                f"{self.root} is being written by a sweep on {other} (pid {pid}); if it no "
                f"longer runs, delete {self.lock_path}"
            )
        if isinstance(pid, int) and pid != os.getpid() and _alive(pid):
            raise SweepError(f"{self.root} is being written by another sweep (pid {pid})")

    def acquire(self) -> None:
        self.check_lock()
        host = socket.gethostname()
        write_json(self.lock_path, {"pid": os.getpid(), "host": host, "started": now_iso()})

    def release(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.lock_path.unlink()

    # -- parts
    def clean(self) -> None:
        """Remove temporary files of killed writes and series parts without their run part."""
        for tmp in self.root.glob(".*.tmp-*"):
            tmp.unlink(missing_ok=True)
        if not self.parts.exists():
            return
        for tmp in self.parts.glob(".*.tmp-*"):
            tmp.unlink(missing_ok=True)
        for series in self.parts.glob("series-*.parquet"):
            if not (self.parts / series.name.replace("series-", "part-", 1)).exists():
                series.unlink(missing_ok=True)

    def done_runs(self) -> set[int]:
        import pyarrow.parquet as pq

        done: set[int] = set()
        for part in sorted(self.parts.glob("part-*.parquet")):
            done.update(pq.read_table(part, columns=["run"]).column("run").to_pylist())
        return done

    def write_part(self, rows: list[dict[str, Any]], plan: pd.DataFrame) -> None:
        """One finished chunk: its series first, then its runs (the runs part marks it done)."""
        self.parts.mkdir(parents=True, exist_ok=True)
        runs = [r["run"] for r in rows]
        stem = f"{min(runs):09d}-{max(runs):09d}-{len(runs)}"
        frames = [r["series"].assign(run=r["run"]) for r in rows if "series" in r]
        if frames:
            series = pd.concat(frames, ignore_index=True)
            series = series[["run", *[c for c in series.columns if c != "run"]]]
            _atomic_write(
                self.parts / f"series-{stem}.parquet",
                lambda p: series.to_parquet(p, index=False),
            )
        table = pd.DataFrame([{k: v for k, v in r.items() if k != "series"} for r in rows])
        table = plan.iloc[runs].reset_index(drop=True).merge(table, on="run")
        _atomic_write(
            self.parts / f"part-{stem}.parquet", lambda p: table.to_parquet(p, index=False)
        )

    def read_parts(self) -> pd.DataFrame:
        frames = [pd.read_parquet(p) for p in sorted(self.parts.glob("part-*.parquet"))]
        if not frames:
            return pd.DataFrame({"run": pd.Series(dtype=np.int64)})
        parts = pd.concat(frames, ignore_index=True)
        return parts.drop_duplicates("run").sort_values("run", ignore_index=True)

    def read_series(self, runs: set[int]) -> pd.DataFrame | None:
        files = sorted(self.parts.glob("series-*.parquet"))
        if not files:
            return None
        series = pd.concat([pd.read_parquet(p) for p in files], ignore_index=True)
        series = series[series["run"].isin(runs)].drop_duplicates(["run", "year"])
        return series.sort_values(["run", "year"], ignore_index=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def output_names(experiment: Experiment, parts: pd.DataFrame) -> list[str]:
    """Output columns in a fixed order (metrics, then effects), whatever the chunking."""
    from .compare import metric_names

    names = list(experiment.outputs.metrics)
    if experiment.model is not None and not names:
        skip = {*PLAN_COLUMNS, *(v.name for v in experiment.variables)}
        skip |= {"status", "error", "traceback", "seconds", "cpu_seconds", "worker"}
        names = sorted(c for c in parts.columns if c not in skip)
    if experiment.outputs.effects:
        names += metric_names()
    return names


def consolidate(experiment: Experiment, plan: pd.DataFrame, parts: pd.DataFrame) -> pd.DataFrame:
    """runs.parquet's table: the plan (exact, from the design) joined with the outputs."""
    names = output_names(experiment, parts)
    outputs = pd.DataFrame({"run": plan["run"]})
    outputs = outputs.merge(parts.reindex(columns=["run", *names, "status", "error"]), on="run",
                            how="left")  # fmt: skip
    runs = plan.copy()
    for name in names:
        runs[name] = pd.to_numeric(outputs[name], errors="coerce").astype(float).to_numpy()
    runs["status"] = outputs["status"].fillna("missing").astype(object).to_numpy()
    errors = outputs["error"].astype(object)
    runs["error"] = errors.where(errors.notna(), None).to_numpy()
    runs.attrs = {}
    return runs


# ---------------------------------------------------------------------------- progress
class _Progress:
    """A tqdm bar (runs done, runs/s, ETA), or plain log lines with --quiet."""

    def __init__(self, key: str, total: int, done: int, quiet: bool, enabled: bool = True):
        self.key, self.total, self.done, self.quiet = key, total, done, quiet
        self.enabled = enabled
        self.start = time.perf_counter()
        self.new = 0
        self.failed = 0
        self.last_log = self.start
        self.bar = None
        if enabled and not quiet:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total, initial=done, desc=key, unit="run", dynamic_ncols=True,
                smoothing=0.05, file=sys.stderr,
            )  # fmt: skip

    def log(self, message: str) -> None:
        if self.enabled and self.quiet:
            stamp = time.strftime("%H:%M:%S")
            print(f"[{stamp}] {self.key}: {message}", file=sys.stderr, flush=True)

    def update(self, n: int, failed: int) -> None:
        self.done += n
        self.new += n
        self.failed += failed
        if self.bar is not None:
            self.bar.update(n)
            if self.failed:
                self.bar.set_postfix(failed=self.failed, refresh=False)
        now = time.perf_counter()
        if self.quiet and (now - self.last_log >= LOG_EVERY_S or self.done == self.total):
            self.last_log = now
            rate = self.new / max(now - self.start, 1e-9)
            left = (self.total - self.done) / rate if rate > 0 else math.inf
            eta = f"{left / 60:.1f} min" if math.isfinite(left) else "?"
            self.log(
                f"{self.done}/{self.total} runs ({100 * self.done / self.total:.0f}%), "
                f"{rate:.1f} runs/s, ETA {eta}" + (f", {self.failed} failed" if self.failed else "")
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# ---------------------------------------------------------------------------- the sweep
def _chunks(
    todo: list[Task], engine: _Engine, measured: Callable[[], float | None], fixed: int | None
) -> Iterator[list[Task]]:
    """Chunks of about TARGET_CHUNK_S seconds of work, sized from the runs measured so far."""
    position = 0
    while position < len(todo):
        if fixed:
            size = fixed
        else:
            per_run = measured()
            size = FIRST_CHUNK if per_run is None else int(TARGET_CHUNK_S / max(per_run, 1e-6))
            left = len(todo) - position
            size = max(1, min(size, MAX_CHUNK, math.ceil(left / engine.slots)))
        yield todo[position : position + size]
        position += size


def _prepare_folder(
    folder: ResultFolder, experiment: Experiment, resume: bool, force: bool
) -> dict[str, Any] | None:
    """Check the folder belongs to this experiment (or clear it with force); the old manifest."""
    folder.check_lock()
    manifest = folder.read_manifest()
    if folder.root.exists() and manifest is None and any(folder.root.iterdir()):
        raise SweepError(
            f"{folder.root} exists and is not a sweep result folder; choose another --out"
        )
    if manifest is not None and manifest.get("kind") != "experiment":
        raise SweepError(
            f"{folder.root} holds results of a {manifest.get('kind')!r}, not of an experiment; "
            "choose another --out"
        )
    if force and manifest is not None:
        folder.acquire()  # refuses while another sweep writes there
        shutil.rmtree(folder.root)
        return None
    if manifest is None:
        if resume:
            raise SweepError(f"--resume: nothing to resume in {folder.root}")
        return None
    identity = manifest.get("experiment", {}).get("identity")
    if identity != experiment.identity():
        raise SweepError(
            f"{folder.root} holds results of a different version of the experiment (its file, "
            "scenario files, --samples or --years differ); use --force to start again, or "
            "--out for another folder"
        )
    return manifest


def run_sweep(
    path: Path | str | Experiment,
    *,
    workers: int | None = None,
    dask: str | None = None,
    resume: bool = False,
    force: bool = False,
    out: Path | str = "results",
    samples: int | None = None,
    years: int | None = None,
    quiet: bool = False,
    progress: bool = True,
    chunk_size: int | None = None,
    command: str = "",
) -> pd.DataFrame:
    """Run (or resume) an experiment into `out/<experiment>/` and return its runs table.

    `workers`: processes (default all cores; 1 = serial in this process) or Dask workers of a
    `dask="local"` LocalCluster; `dask` may also be a scheduler address. `resume` requires
    earlier results to continue; without it a compatible folder is resumed anyway and a new one
    started. `force` discards earlier results. `samples`/`years` override the file for a quick
    small try. The returned frame's `attrs` hold the folder, counts and timings.
    """
    if resume and force:
        raise SweepError("--resume and --force exclude each other")
    experiment = path if isinstance(path, Experiment) else load_experiment(path)
    experiment = experiment.with_overrides(samples=samples, years=years)
    if workers is None:
        workers = os.cpu_count() or 1
    if workers < 1:
        raise SweepError(f"--workers must be ≥ 1, got {workers}")
    if chunk_size is not None and chunk_size < 1:
        raise SweepError(f"--chunk-size must be ≥ 1, got {chunk_size}")
    design = make_design(experiment)
    plan = build_plan(experiment, design)
    scenario_index = plan.attrs.pop("scenario_index")
    folder = ResultFolder(Path(out) / experiment.key)
    previous = _prepare_folder(folder, experiment, resume, force)
    design_table = _design_frame(design, experiment)
    if previous is not None and not pd.read_parquet(folder.design_path).equals(design_table):
        raise SweepError(
            f"the design drawn now differs from the stored {folder.design_path} (another "
            "SALib version?); use --force to start again"
        )
    done = folder.done_runs() if previous is not None else set()
    # Start the workers before writing anything: a wrong address leaves no folder behind.
    engine = make_engine(workers, dask) if len(done) < len(plan) else _Engine()
    try:
        folder.root.mkdir(parents=True, exist_ok=True)
        folder.acquire()
        try:
            return _sweep(
                experiment, design_table, plan, scenario_index, folder, previous, engine,
                workers=workers, quiet=quiet, progress=progress, chunk_size=chunk_size,
                command=command, points=design.points,
            )  # fmt: skip
        finally:
            folder.release()
    finally:
        engine.close()


def _design_frame(design: DesignMatrix, experiment: Experiment) -> pd.DataFrame:
    frame = pd.DataFrame(design.samples, columns=[v.name for v in experiment.variables])
    frame.insert(0, "point", np.arange(len(frame)))
    return frame


def _sweep(
    experiment: Experiment,
    design_table: pd.DataFrame,
    plan: pd.DataFrame,
    scenario_index: np.ndarray,
    folder: ResultFolder,
    previous: dict[str, Any] | None,
    engine: _Engine,
    *,
    workers: int,
    quiet: bool,
    progress: bool,
    chunk_size: int | None,
    command: str,
    points: int,
) -> pd.DataFrame:
    if previous is None:
        _atomic_write(folder.design_path, lambda p: design_table.to_parquet(p, index=False))
    folder.clean()
    done = folder.done_runs()
    sessions = list(previous.get("sessions", [])) if previous else []
    session: dict[str, Any] = {
        "started": now_iso(),
        "host": socket.gethostname(),
        "code_version": provenance()["code_version"],
        "runs_done_before": len(done),
        "command": command,
    }
    before = sessions[-1].get("code_version") if sessions else None
    if done and before and before != session["code_version"] and progress:
        print(
            f"warning: resuming {folder.root} with another code version ({before} then "
            f"{session['code_version']}): its runs come from both; --force starts afresh",
            file=sys.stderr,
        )
    manifest = _manifest(experiment, plan, points, [*sessions, session], status="running")
    write_json(folder.manifest_path, manifest)

    columns = [plan[v.name].tolist() for v in experiment.variables]  # native Python values
    values = list(zip(*columns, strict=True)) if columns else [()] * len(plan)
    seeds = [int(s) for s in plan["seed"]]
    todo = [
        Task(r, int(scenario_index[r]), seeds[r], values[r])
        for r in range(len(plan))
        if r not in done
    ]
    wall = time.perf_counter()
    engine_name = engine.name
    if isinstance(engine, _PoolEngine):
        engine_name = f"pool of {workers} processes ({engine.method})"
    session["engine"] = engine_name
    bar = _Progress(experiment.key, len(plan), len(done), quiet, progress)
    run_seconds: list[float] = []
    status = "running"
    try:
        if todo:
            bar.log(f"{len(todo)} of {len(plan)} runs to do on {engine_name}")
            _drive(engine, experiment, todo, plan, folder, bar, run_seconds, chunk_size)
        status = "completed"
    except KeyboardInterrupt:
        status = "interrupted"
        raise SweepInterrupted(
            f"interrupted after {bar.done} of {len(plan)} runs; the finished runs are in "
            f"{folder.parts}; run the same command to resume"
        ) from None
    except SweepError:
        status = "stopped"
        raise
    finally:
        bar.close()
        session.update(
            finished=now_iso(),
            engine=engine_name,
            workers=workers,
            runs_done=len(run_seconds),
            wall_seconds=round(time.perf_counter() - wall, 3),
        )
        if status != "completed":
            manifest = _manifest(experiment, plan, points, [*sessions, session], status=status)
            write_json(folder.manifest_path, manifest)

    parts = folder.read_parts()
    runs = consolidate(experiment, plan, parts)
    _atomic_write(folder.runs_path, lambda p: runs.to_parquet(p, index=False))
    if experiment.outputs.series:
        series = folder.read_series(set(runs["run"]))
        if series is not None:
            _atomic_write(folder.series_path, lambda p: series.to_parquet(p, index=False))
    failed = runs[runs["status"] != "ok"]
    final = "completed" if failed.empty else f"completed with {len(failed)} failed runs"
    manifest = _manifest(
        experiment, plan, points, [*sessions, session], status=final, parts=parts,
        failed=failed,
    )  # fmt: skip
    write_json(folder.manifest_path, manifest)
    result = pd.read_parquet(folder.runs_path)
    elapsed = session["wall_seconds"]
    result.attrs.update(
        folder=str(folder.root),
        runs=len(result),
        ran_now=len(run_seconds),
        failed=len(failed),
        seconds=elapsed,
        runs_per_second=len(run_seconds) / elapsed if elapsed > 0 else math.nan,
        engine=engine_name,
        status=final,
    )
    return result


def _drive(
    engine: _Engine,
    experiment: Experiment,
    todo: list[Task],
    plan: pd.DataFrame,
    folder: ResultFolder,
    bar: _Progress,
    run_seconds: list[float],
    chunk_size: int | None,
) -> None:
    """Keep every worker busy with chunks; write each finished chunk as it arrives."""
    shared = engine.share(experiment)

    def measured() -> float | None:
        return float(np.mean(run_seconds[-200:])) if run_seconds else None

    chunks = _chunks(todo, engine, measured, chunk_size)
    pending: dict[Any, list[Task]] = {}
    in_flight = 2 * engine.slots
    exhausted = False
    while True:
        while not exhausted and len(pending) < in_flight:
            chunk = next(chunks, None)
            if chunk is None:
                exhausted = True
                break
            pending[engine.submit(shared, chunk)] = chunk
        if not pending:
            return
        for future in engine.wait(list(pending)):
            pending.pop(future)
            try:
                rows = future.result()
            except Exception as exc:
                raise SweepError(
                    f"a worker failed ({_one_line(exc)}); the finished runs are kept, run the "
                    "same command to resume"
                ) from None
            folder.write_part(rows, plan)
            run_seconds.extend(r["seconds"] for r in rows)
            bar.update(len(rows), sum(r["status"] != "ok" for r in rows))


def _manifest(
    experiment: Experiment,
    plan: pd.DataFrame,
    points: int,
    sessions: list[dict[str, Any]],
    *,
    status: str,
    parts: pd.DataFrame | None = None,
    failed: pd.DataFrame | None = None,
) -> dict[str, Any]:
    manifest = provenance(
        kind="experiment",
        experiment=experiment.to_dict(),
        experiment_text=experiment.text,
        problem=experiment.problem(),
        design={
            "method": experiment.design.method,
            "samples": experiment.design.samples,
            "levels": experiment.design.levels,
            "second_order": experiment.design.second_order,
            "points": points,
            "sampler": "SALib" if experiment.design.method != "grid" else "full factorial",
        },
        runs_total=len(plan),
        seed_rule=SEED_RULE,
        status=status,
        started=sessions[0]["started"],
        finished=sessions[-1].get("finished") if status != "running" else None,
        sessions=sessions,
    )
    manifest["packages"].update({name: _package_version(name) for name in SWEEP_PACKAGES})
    if parts is not None:
        merged = plan[["run", "seed"]].merge(
            parts.reindex(columns=["run", "status", "seconds", "worker"]), on="run", how="left"
        )
        manifest["runs"] = {
            "run": merged["run"].tolist(),
            "seed": [int(s) for s in merged["seed"]],
            "status": merged["status"].fillna("missing").tolist(),
            "seconds": [round(float(s), 4) for s in merged["seconds"].fillna(math.nan)],
            "worker": merged["worker"].fillna("").tolist(),
        }
        seconds = merged["seconds"].dropna()
        cpu = parts["cpu_seconds"].dropna() if "cpu_seconds" in parts else pd.Series(dtype=float)
        manifest["timing"] = {
            "run_seconds_total": round(float(seconds.sum()), 3),
            "run_seconds_mean": round(float(seconds.mean()), 5) if len(seconds) else None,
            "run_cpu_seconds_mean": round(float(cpu.mean()), 5) if len(cpu) else None,
            "wall_seconds": round(sum(s.get("wall_seconds", 0.0) for s in sessions), 3),
        }
    if failed is not None:
        names = ["run", "seed", "scenario", *[v.name for v in experiment.variables]]
        tracebacks = {}
        if parts is not None and "traceback" in parts:
            tracebacks = parts.set_index("run")["traceback"].dropna().to_dict()
        manifest["failures"] = [
            {**{k: _plain(row[k]) for k in names}, "error": row["error"],
             "traceback": tracebacks.get(row["run"])}
            for row in failed.to_dict("records")
        ]  # fmt: skip
    return manifest


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


__all__ = [
    "ResultFolder",
    "SweepError",
    "SweepInterrupted",
    "build_plan",
    "evaluate",
    "run_chunk",
    "run_seed",
    "run_sweep",
    "summary_metrics",
]
