"""Fair comparisons of scenarios with the baseline: common random numbers, replications, intervals.

Replication r of every scenario uses the same seed (a `SeedSequence` child of the master seed),
so scenario-minus-baseline differences are paired and the shocks cancel out of them. Effects are
reported as the mean paired difference with a 95% t-interval of that mean over replications.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import threading
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from model.economy import BASE_YEAR
from model.jit import warm_up
from model.trade import EquilibriumError
from scenarios import Scenario

from .storage import _atomic_write, now_iso, provenance, write_json

DISCOUNT_RATE = 0.03  # per year, for the present value of GDP gains (to 2019, the base year)
SNAPSHOT_YEARS = (2035, 2050)
#: Summary metrics of a run: name → (model-table column, how to read it). "level" metrics are
#: differences of a level in a year; gdp_gain_pv is the discounted sum of yearly GDP gains.
LEVEL_METRICS = {
    "gdp": ("gdp_mthb", "MTHB"),
    "gini": ("gini_weighted", "points of the population-weighted Gini"),
    "williamson": ("williamson_cv", "Williamson CV"),
    "bv_share": ("bv_share_gdp", "share of GDP"),
    "poverty": ("poverty_pct", "percentage points of persons"),
}
FRONTIER_X = "gdp_gain_pv_mthb"  # more is better
FRONTIER_Y = "d_gini_2050"  # less is better


def metric_names() -> list[str]:
    """Columns of the comparison table, growth first."""
    names = [f"d_gdp_{y}_mthb" for y in SNAPSHOT_YEARS] + ["gdp_gain_pv_mthb"]
    for key in ("gini", "williamson", "bv_share"):
        names += [f"d_{key}_{y}" for y in SNAPSHOT_YEARS]
    names += [f"d_poverty_{y}_pct" for y in SNAPSHOT_YEARS]
    return names


def replication_seeds(master_seed: int, replications: int) -> list[int]:
    """One seed per replication from the master seed (NumPy SeedSequence children)."""
    children = np.random.SeedSequence(master_seed).spawn(replications)
    return [int(c.generate_state(1, dtype=np.uint64)[0]) for c in children]


# ---------------------------------------------------------------------------- one run
@dataclass
class RunOutput:
    """What a worker sends back: the model table, the province panel, or the error."""

    key: str
    replication: int
    seed: int
    table: pd.DataFrame | None = None
    panel: pd.DataFrame | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def run_one(
    scenario: Scenario,
    replication: int,
    seed: int,
    years: int | None = None,
    overrides: dict[str, Any] | None = None,
    with_panel: bool = True,
    tag: str | None = None,
) -> RunOutput:
    """Run one scenario with one seed (module-level so process pools can pickle it)."""
    key = tag or scenario.key
    try:
        model = scenario.run(seed=seed, years=years, headless=True, **(overrides or {}))
    except EquilibriumError as exc:
        return RunOutput(key, replication, seed, error=str(exc))
    panel = model.province_panel() if with_panel else None
    return RunOutput(key, replication, seed, model.model_table(), panel)


def execute(
    jobs: Sequence[dict[str, Any]],
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Iterable[RunOutput]:
    """Run `run_one(**job)` for every job, serially or in a process pool, yielding as they end."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            out = run_one(**job)
            if progress:
                progress(1)
            yield out
        return
    pool, _ = start_pool(workers)
    with pool:
        futures = [pool.submit(run_one, **job) for job in jobs]
        for future in as_completed(futures):
            out = future.result()
            if progress:
                progress(1)
            yield out


START_METHOD_VARIABLE = "DECENTRA_START_METHOD"
START_METHODS = ("fork", "forkserver", "spawn")


def pool_context(preload: str = "experiments.warm") -> multiprocessing.context.BaseContext:
    """The start method of every process pool here (chosen explicitly, so whatever another
    library set globally does not apply: mesa.batch_run forces spawn).

    fork where that is safe: this process runs no Python thread but the main one, so no
    Python-level lock can be held at the fork. Workers then start in milliseconds with all
    this process has imported; `start_pool` loads the compiled kernels here first so they
    inherit those too. The native threads libraries keep here (jemalloc's background thread
    behind pandas/pyarrow, OpenBLAS's pool) are fork-safe: both re-initialise in the child
    through pthread_atfork. Otherwise (a notebook kernel, Dask or any other thread running)
    forkserver, which first imports `preload` (by default `experiments.warm`: the runners and
    the kernels) into a fresh interpreter, about 2.7 s here before the first worker starts;
    spawn where neither exists. DECENTRA_START_METHOD=fork|forkserver|spawn overrides the
    choice.
    """
    chosen = os.environ.get(START_METHOD_VARIABLE, "").strip()
    if chosen and chosen not in START_METHODS:
        raise ValueError(
            f"environment variable {START_METHOD_VARIABLE}={chosen!r}: allowed values are "
            f"{', '.join(START_METHODS)}"
        )
    available = multiprocessing.get_all_start_methods()
    if not chosen:
        if "fork" in available and threading.active_count() == 1:
            chosen = "fork"
        else:
            chosen = "forkserver" if "forkserver" in available else "spawn"
    ctx = multiprocessing.get_context(chosen)
    if chosen == "forkserver":
        ctx.set_forkserver_preload([preload])
    return ctx


def start_pool(
    workers: int, initializer: Callable[[], None] | None = None
) -> tuple[ProcessPoolExecutor, str]:
    """A process pool of `workers` processes, all started before it is returned, and its start
    method (see `pool_context`)."""
    context = pool_context()
    method = context.get_start_method()
    if method == "fork":
        warm_up()  # the workers inherit the loaded kernels (about 10 ms once they are loaded)
        gc.freeze()  # what exists now is shared: the workers' collections never touch it
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=initializer)
    try:
        with warnings.catch_warnings():
            # Python 3.12 warns at every fork of a process with more than one OS thread; the
            # only others here are the fork-safe native ones `pool_context` checked for.
            warnings.filterwarnings("ignore", r".*multi-threaded, use of fork", DeprecationWarning)
            # one trivial task per worker: a pool starts processes only as tasks wait
            for started in [pool.submit(int) for _ in range(workers)]:
                started.result()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        if method == "fork":
            gc.unfreeze()
    return pool, method


def progress_bar(total: int, description: str, quiet: bool):
    """A tqdm bar on stderr (runs done, runs/s, ETA), or nothing when quiet."""
    if quiet:
        return None
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread, so a process pool started later may fork
    return tqdm(total=total, desc=description, unit="run", dynamic_ncols=True, leave=False)


# ---------------------------------------------------------------------------- statistics
def mean_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and the t-interval of the mean; a single value has a zero-width interval."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if len(values) < 2:
        return mean, mean, mean
    half = float(stats.t.ppf(0.5 + level / 2, len(values) - 1) * values.std(ddof=1))
    half /= math.sqrt(len(values))
    return mean, mean - half, mean + half


def run_effects(scenario_table: pd.DataFrame, baseline_table: pd.DataFrame) -> dict[str, float]:
    """Paired effects of one replication: scenario minus baseline (same seed)."""
    s = scenario_table.set_index("year")
    b = baseline_table.set_index("year")
    years = s.index.intersection(b.index)
    effects: dict[str, float] = {}
    for y in SNAPSHOT_YEARS:
        for key, (column, _) in LEVEL_METRICS.items():
            name = {"gdp": f"d_gdp_{y}_mthb", "poverty": f"d_poverty_{y}_pct"}.get(
                key, f"d_{key}_{y}"
            )
            effects[name] = float(s.at[y, column] - b.at[y, column]) if y in years else math.nan
    gain = (s.loc[years, "gdp_mthb"] - b.loc[years, "gdp_mthb"]).to_numpy()
    discount = (1.0 + DISCOUNT_RATE) ** -(years.to_numpy() - BASE_YEAR)
    effects["gdp_gain_pv_mthb"] = float(gain @ discount)
    return effects


def pareto_frontier(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Points not dominated: no other point has x at least as high and y at least as low, and
    one of them strictly better (x: GDP gain, more is better; y: inequality change, less)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    better_or_equal = (x[None, :] >= x[:, None]) & (y[None, :] <= y[:, None])
    strictly = (x[None, :] > x[:, None]) | (y[None, :] < y[:, None])
    dominated = (better_or_equal & strictly).any(axis=1)
    return ~dominated & np.isfinite(x) & np.isfinite(y)


# ---------------------------------------------------------------------------- the comparison
@dataclass
class Comparison:
    """The result of `compare`: the table and the runs it summarises."""

    table: pd.DataFrame  # one row per scenario
    runs: pd.DataFrame  # model tables stacked, with scenario / replication / seed
    provinces: pd.DataFrame  # province panel averaged over replications, per scenario
    effects: pd.DataFrame  # paired effects per scenario and replication
    scenarios: list[Scenario]
    seeds: list[int]
    failures: list[dict[str, Any]]


def compare(
    scenarios: Sequence[Scenario],
    replications: int = 30,
    *,
    workers: int = 1,
    master_seed: int | None = None,
    years: int | None = None,
    quiet: bool = True,
    baseline: Scenario | None = None,
) -> Comparison:
    """Run every scenario and the baseline `replications` times with common random numbers."""
    from scenarios import baseline as make_baseline

    if replications < 1:
        raise ValueError(f"replications must be ≥ 1, got {replications}")
    chosen = [s for s in scenarios if s.key != "baseline"]
    keys = [s.key for s in chosen]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"two scenarios share the file name {duplicates[0]!r}; rename one")
    base = baseline or next((s for s in scenarios if s.key == "baseline"), None)
    horizon = years if years is not None else max([s.years for s in scenarios] + [31])
    base = base or make_baseline(horizon)
    seed = master_seed if master_seed is not None else base.seed
    seeds = replication_seeds(seed, replications)
    everything = [base, *chosen]
    jobs = [
        {"scenario": s, "replication": r, "seed": seeds[r], "years": horizon}
        for r in range(replications)
        for s in everything
    ]
    bar = progress_bar(len(jobs), "compare", quiet)
    tables: dict[tuple[str, int], pd.DataFrame] = {}
    panel_sums: dict[str, pd.DataFrame] = {}  # numeric columns summed over replications
    panel_labels: dict[str, pd.DataFrame] = {}  # year, code, names, region
    panel_counts: dict[str, int] = {}
    failures: list[dict[str, Any]] = []
    try:
        for out in execute(jobs, workers, bar.update if bar else None):
            if out.error:
                failures.append(
                    {"scenario": out.key, "replication": out.replication, "seed": out.seed,
                     "error": out.error}
                )  # fmt: skip
                continue
            tables[(out.key, out.replication)] = out.table
            numeric = out.panel.select_dtypes("number")
            if out.key in panel_sums:
                panel_sums[out.key] += numeric
                panel_counts[out.key] += 1
            else:
                panel_sums[out.key] = numeric.copy()
                panel_counts[out.key] = 1
                panel_labels[out.key] = out.panel.select_dtypes(exclude="number")
    finally:
        if bar:
            bar.close()

    runs = pd.concat(
        [
            t.assign(scenario=k, replication=r, seed=seeds[r])
            for (k, r), t in sorted(tables.items(), key=lambda kv: keys_order(kv[0], everything))
        ],
        ignore_index=True,
    )
    front = ["scenario", "replication", "seed"]
    runs = runs[front + [c for c in runs.columns if c not in front]]

    provinces = []
    for s in everything:
        if s.key not in panel_sums:
            continue
        mean = panel_sums[s.key] / panel_counts[s.key]
        provinces.append(pd.concat([panel_labels[s.key], mean], axis=1).assign(scenario=s.key))
    province_table = pd.concat(provinces, ignore_index=True) if provinces else pd.DataFrame()

    effect_rows = []
    for s in everything:
        for r in range(replications):
            if (s.key, r) in tables and (base.key, r) in tables:
                row = run_effects(tables[(s.key, r)], tables[(base.key, r)])
                effect_rows.append({"scenario": s.key, "replication": r, **row})
    effects = pd.DataFrame(effect_rows)
    table = summarise(effects, everything, horizon)
    return Comparison(table, runs, province_table, effects, list(everything), seeds, failures)


def keys_order(key: tuple[str, int], everything: Sequence[Scenario]) -> tuple[int, int]:
    order = {s.key: k for k, s in enumerate(everything)}
    return order.get(key[0], len(order)), key[1]


def summarise(effects: pd.DataFrame, scenarios: Sequence[Scenario], years: int) -> pd.DataFrame:
    """One row per scenario: mean effects with 95% intervals, effect per 1,000 MTHB, frontier."""
    rows = []
    for s in scenarios:
        budget = s.total_budget_mthb(years)
        row: dict[str, Any] = {
            "scenario": s.key,
            "name_en": s.name,
            "name_th": s.name_th,
            "total_budget_mthb": budget,
            "replications": 0,
        }
        part = effects[effects["scenario"] == s.key] if len(effects) else effects
        row["replications"] = len(part)
        for m in metric_names():
            values = part[m].to_numpy() if len(part) else np.array([])
            mean, lo, hi = mean_interval(values)
            row[m], row[f"{m}_lo"], row[f"{m}_hi"] = mean, lo, hi
            row[f"{m}_per_1000mthb"] = mean / budget * 1000.0 if budget > 0 else math.nan
        rows.append(row)
    table = pd.DataFrame(rows)
    y = frontier_y(table)
    table["on_frontier"] = pareto_frontier(table[FRONTIER_X], table[y])
    table.attrs["frontier_y"] = y
    return table


def frontier_y(table: pd.DataFrame) -> str:
    """The inequality axis of the frontier: Gini in 2050, or in 2035 for shorter runs."""
    return FRONTIER_Y if table[FRONTIER_Y].notna().any() else "d_gini_2035"


# ---------------------------------------------------------------------------- storage
def write_comparison(
    out_dir: Path | str,
    result: Comparison,
    *,
    command: str = "",
    started: str = "",
    attribution: pd.DataFrame | None = None,
    attribution_replications: int = 0,
) -> Path:
    """Write comparison, runs, provinces and effects (.parquet) and the manifest, atomically."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in (
        ("comparison", result.table),
        ("runs", result.runs),
        ("provinces", result.provinces),
        ("effects", result.effects),
    ):
        _atomic_write(out / f"{name}.parquet", lambda p, f=frame: f.to_parquet(p, index=False))
    if attribution is not None:
        _atomic_write(out / "attribution.parquet", lambda p: attribution.to_parquet(p, index=False))
    manifest = provenance(
        kind="comparison",
        scenarios=[s.to_dict() for s in result.scenarios],
        replications=len(result.seeds),
        seeds=result.seeds,
        discount_rate=DISCOUNT_RATE,
        frontier={"x": FRONTIER_X, "y": frontier_y(result.table)},
        interval="95% t-interval of the mean paired difference over replications",
        failures=result.failures,
        attribution_replications=attribution_replications or None,
        status="completed" if not result.failures else "completed with failed runs",
        command=command,
        started=started,
        finished=now_iso(),
        workers_note="results do not depend on the number of workers",
    )
    write_json(out / "manifest.json", manifest)
    return out


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)
