"""Benchmark of the decentra model: runs per second on one core, Mesa/recording overhead, breakdown.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_model.py            # full: 20 repeats, N = 77, 300, 928
    .venv/bin/python benchmarks/bench_model.py --quick    # 5 repeats, N = 77

What is timed (time.perf_counter, gc left on, warm-up runs first, calibration cache warm):

* full run  = ``DecentraModel(geo, seed=s)`` + 31 × ``step()`` + ``model_table()`` +
  ``province_panel()`` (years 2019–2050, all outputs);
* headless run (77 Thai provinces only, for the breakdown) = the same with ``HeadlessModel``,
  the same economy, records and tables without Mesa's agents and scheduler: it splits what the
  full run adds to the bare core into Mesa's part and the records' and tables' part;
* bare core = ``Economy(geo, Parameters(), np.random.default_rng(s))`` + 32 × ``cycle()``
  (the same 32 years, no Mesa, no tables);
* cold calibration = ``calibrate(geo, Parameters())`` right after ``clear_caches()`` (cached
  calibrations and derived matrices, including the migration part of the calibration).

The warm-up runs also compile the numba kernels (model/jit.py) or load them from their cache,
so compilation is never timed.

The target is one core, so the process is pinned to one CPU where the OS allows it and the BLAS /
OpenMP thread pools are limited to one thread before NumPy is imported.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import time
from pathlib import Path

# One core: limit the thread pools before NumPy (and its BLAS) is loaded.
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_NUMPY_ALREADY_LOADED = "numpy" in sys.modules
for _var in THREAD_VARS:
    os.environ[_var] = "1"

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, not installed

import mesa  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from machine import probe_line  # noqa: E402

from model import (  # noqa: E402
    DecentraModel,
    Economy,
    HeadlessModel,
    Parameters,
    load_thailand,
    synthetic_geography,
)
from model.economy import calibrate, clear_caches  # noqa: E402
from model.geography import Geography  # noqa: E402
from model.jit import warm_up  # noqa: E402

YEARS = 31  # steps after the 2019 year recorded by construction: 2019–2050 is 32 cycles
TARGET_RUNS_PER_S = 100.0
TARGET_FULL_OVER_BARE = 1.3
MIN_REPEATS = 5
SLOW_RUN_S = 20.0  # a single run slower than this always gets the minimum number of repeats
SYNTHETIC_SEED = 0
COLD_CALIBRATIONS = 5


# ---------------------------------------------------------------------------------- setup
def pin_to_one_core() -> str:
    """Pin this process to its lowest allowed CPU (Linux); say what happened."""
    if not (hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity")):
        return "not pinned (os.sched_setaffinity unavailable on this platform)"
    allowed = os.sched_getaffinity(0)
    cpu = min(allowed)
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError as exc:
        return f"not pinned ({exc})"
    return f"pinned to CPU {cpu} (of {len(allowed)} allowed) with os.sched_setaffinity"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeats", type=int, default=20, help="timed runs per case (default 20, minimum 5)"
    )
    parser.add_argument(
        "--sizes",
        default="77,300,928",
        help="comma-separated province counts of the synthetic geographies (default 77,300,928)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help="seconds allowed per timed case; slow cases (large N) run fewer repeats, never fewer "
        f"than {MIN_REPEATS} (default 60)",
    )
    parser.add_argument("--quick", action="store_true", help="repeats 5, sizes 77")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.sizes = 5, "77"
    try:
        args.sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be comma-separated integers, got {args.sizes!r}")
    if not args.sizes or min(args.sizes) < 2:
        parser.error("--sizes needs at least one size, each ≥ 2")
    if args.repeats < MIN_REPEATS:
        parser.error(f"--repeats must be ≥ {MIN_REPEATS}")
    return args


# ---------------------------------------------------------------------------------- timing
def full_run(
    geo: Geography | None, seed: int, model_class: type = DecentraModel
) -> dict[str, float]:
    """One 31-year run with all outputs; seconds per phase (and CPU seconds of the whole)."""
    c0 = time.process_time()
    t0 = time.perf_counter()
    model = model_class(geo, seed=seed)
    t1 = time.perf_counter()
    for _ in range(YEARS):
        model.step()
    t2 = time.perf_counter()
    national = model.model_table()
    t3 = time.perf_counter()
    panel = model.province_panel()
    t4 = time.perf_counter()
    cpu = time.process_time() - c0
    n = model.geography.n
    if len(national) != YEARS + 1 or len(panel) != (YEARS + 1) * n:
        raise RuntimeError(f"unexpected table sizes {len(national)}, {len(panel)} for N = {n}")
    return {
        "total": t4 - t0,
        "construct": t1 - t0,
        "steps": t2 - t1,
        "model_table": t3 - t2,
        "province_panel": t4 - t3,
        "cpu": cpu,
    }


def bare_run(geo: Geography, seed: int) -> dict[str, float]:
    """The core alone (NumPy and the compiled kernels) over the same 32 years; seconds."""
    c0 = time.process_time()
    t0 = time.perf_counter()
    economy = Economy(geo, Parameters(), np.random.default_rng(seed))
    for _ in range(YEARS + 1):
        economy.cycle()
    t1 = time.perf_counter()
    cpu = time.process_time() - c0
    if economy.year != 2019 + YEARS + 1:
        raise RuntimeError(f"bare core ended in year {economy.year}")
    return {"total": t1 - t0, "cpu": cpu}


class Case:
    """The timed runs of one kind (full or bare) on one geography, in milliseconds."""

    def __init__(self, samples: list[dict[str, float]], note: str = "") -> None:
        self.repeats = len(samples)
        self.note = note
        self.ms = {k: np.array([s[k] for s in samples]) * 1e3 for k in samples[0]}

    def median(self, key: str = "total") -> float:
        return float(np.median(self.ms[key]))

    def p90(self, key: str = "total") -> float:
        return float(np.percentile(self.ms[key], 90))


def measure(
    geo: Geography, full_geo: Geography | None, repeats: int, budget_s: float, headless: bool
) -> tuple[Case, Case, Case | None]:
    """Full and bare runs (and headless runs if asked) on one geography, alternated seed by
    seed (full, bare, headless, full, …), so
    both see the same machine: on a shared VM the speed drifts by tens of percent within
    minutes, and timing all full runs before all bare runs would fold that drift into their
    ratio. Warm-up runs first (they fill the calibration cache and load the kernels); slow
    geographies run fewer repeats, never fewer than MIN_REPEATS. `full_geo` is None for the
    bundled provinces (the model's default, as a user runs it)."""
    first = full_run(full_geo, 10_000)["total"] + bare_run(geo, 10_000)["total"]
    if first < 1.0:
        first = min(first, full_run(full_geo, 10_001)["total"] + bare_run(geo, 10_001)["total"])
    note = ""
    if first > SLOW_RUN_S:
        repeats = MIN_REPEATS
        note = (
            f"a full and a bare run took {first:.1f} s > {SLOW_RUN_S:.0f} s: {MIN_REPEATS} repeats"
        )
    elif first * repeats > budget_s:
        wanted, repeats = repeats, max(MIN_REPEATS, int(budget_s / first))
        note = (
            f"a full and a bare run took {first:.1f} s; {wanted} repeats would exceed the "
            f"{budget_s:.0f} s budget: {repeats} repeats"
        )
    if headless:
        full_run(full_geo, 10_000, HeadlessModel)
    full, bare, head = [], [], []
    for seed in range(1, repeats + 1):
        full.append(full_run(full_geo, seed))
        bare.append(bare_run(geo, seed))
        if headless:
            head.append(full_run(full_geo, seed, HeadlessModel))
    return Case(full, note), Case(bare, note), Case(head, note) if headless else None


def cold_calibration_ms(geo: Geography, times: int = COLD_CALIBRATIONS) -> np.ndarray:
    """Milliseconds of `calibrate` with an empty cache, `times` times (the cache is refilled)."""
    params = Parameters()
    out = []
    for _ in range(times):
        clear_caches()
        t0 = time.perf_counter()
        calibrate(geo, params)
        out.append(time.perf_counter() - t0)
    return np.array(out) * 1e3


# ---------------------------------------------------------------------------------- report
def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    pinning = pin_to_one_core()
    started = time.perf_counter()

    print("decentra model benchmark (benchmarks/bench_model.py)")
    print(
        f"target: ≥ {TARGET_RUNS_PER_S:.0f} runs/s on one core for 77 provinces, "
        f"full/bare ≤ {TARGET_FULL_OVER_BARE}"
    )
    print(
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"NumPy {np.__version__}, Mesa {mesa.__version__}, pandas {pd.__version__}"
    )
    print(f"platform: {platform.platform()}; os.cpu_count() = {os.cpu_count()}; {pinning}")
    threads = ", ".join(f"{v}=1" for v in THREAD_VARS)
    when = "after NumPy was already imported (no effect!)" if _NUMPY_ALREADY_LOADED else "before"
    print(f"thread pools: {threads} set {when} importing NumPy")
    print(
        f"timer: time.perf_counter; gc {'enabled' if gc.isenabled() else 'DISABLED'}; "
        "warm-up runs (2, or 1 if a run takes > 1 s) before each case; calibration cache warm; "
        "full and bare runs alternate seed by seed; CPU = time.process_time"
    )
    print(
        f"run: years 2019–{2019 + YEARS} (construction records 2019, then {YEARS} × step()); "
        f"seeds 1..repeats; synthetic geographies: synthetic_geography(N, seed={SYNTHETIC_SEED})"
    )
    print(
        f"repeats: {args.repeats} per case (budget {args.budget:.0f} s per case, min {MIN_REPEATS})"
    )
    print(probe_line("before"))
    print(flush=True)

    warm_up()  # compiles the kernels, or loads them from their cache, before anything is timed
    thailand = load_thailand()
    geos: list[tuple[str, Geography]] = [("thailand", thailand)]
    geos += [(f"synthetic N={n}", synthetic_geography(n, SYNTHETIC_SEED)) for n in args.sizes]

    full: dict[str, Case] = {}
    bare: dict[str, Case] = {}
    head: Case | None = None
    cold: dict[str, np.ndarray] = {}
    for label, geo in geos:
        print(f"  ... timing {label}", file=sys.stderr, flush=True)
        full_geo = None if geo is thailand else geo
        full[label], bare[label], headless = measure(
            geo, full_geo, args.repeats, args.budget, headless=geo is thailand
        )
        if headless is not None:
            head = headless
        cold[label] = cold_calibration_ms(geo)
        calibrate(geo, Parameters())  # leave the cache warm again

    header = (
        f"{'geography':<18} {'N':>5} {'runs':>5} {'median ms':>10} {'p90 ms':>10} {'runs/s':>9} "
        f"{'CPU ms':>8}"
    )

    def full_row(label: str, geo: Geography) -> str:
        c = full[label]
        med = c.median()
        return (
            f"{label:<18} {geo.n:>5} {c.repeats:>5} {med:>10.1f} {c.p90():>10.1f} "
            f"{1000.0 / med:>9.2f} {c.median('cpu'):>8.1f}"
        )

    notes: list[str] = []
    for label, _geo in geos:
        for kind, c in (("full", full[label]), ("bare", bare[label])):
            if c.note:
                notes.append(f"  note: {label}, {kind}: {c.note}")

    print("1. Full run, 77 Thai provinces: DecentraModel(seed=s) + 31 × step() + model_table()")
    print("   + province_panel()")
    print(header)
    print(full_row("thailand", thailand))
    print()
    print("2. Full run, synthetic geographies (same work as 1.)")
    print(header)
    for label, geo in geos[1:]:
        print(full_row(label, geo))
    print()
    print("3. Bare core (NumPy + compiled kernels): Economy(geo, Parameters(), default_rng(s))")
    print("   + 32 × cycle()")
    print(
        f"{'geography':<18} {'N':>5} {'runs':>5} {'median ms':>10} {'p90 ms':>10} {'runs/s':>9} "
        f"{'CPU ms':>8} {'full/bare':>10} {'(CPU)':>6}"
    )
    for label, geo in geos:
        b = bare[label]
        med = b.median()
        ratio = full[label].median() / med
        cpu_ratio = full[label].median("cpu") / b.median("cpu")
        print(
            f"{label:<18} {geo.n:>5} {b.repeats:>5} {med:>10.1f} {b.p90():>10.1f} "
            f"{1000.0 / med:>9.2f} {b.median('cpu'):>8.1f} {ratio:>10.3f} {cpu_ratio:>6.3f}"
        )
    print()
    c = full["thailand"]
    print(f"4. Breakdown of the full run, 77 Thai provinces ({c.repeats} runs, medians)")
    print(f"{'phase':<46} {'median ms':>10} {'p90 ms':>10} {'% of total':>11}")
    phases = (
        ("construction (cached calibration + year 2019)", "construct"),
        (f"{YEARS} × step()", "steps"),
        ("model_table()", "model_table"),
        ("province_panel()", "province_panel"),
        ("total (median of the sums)", "total"),
    )
    total = c.median()
    for name, key in phases:
        print(
            f"{name:<46} {c.median(key):>10.2f} {c.p90(key):>10.2f} "
            f"{100.0 * c.median(key) / total:>10.1f}%"
        )
    assert head is not None
    thai_bare = bare["thailand"]
    mesa_part = c.ms["total"] - head.ms["total"]  # per seed: the three runs ran back to back
    records_part = head.ms["total"] - thai_bare.ms["total"]
    print(
        f"What the full run adds to the bare core, split by a headless run (HeadlessModel: the "
        f"same run without Mesa's agents and scheduler), {head.repeats} seeds; the full, bare "
        "and headless runs of a seed run back to back, so the medians of their differences "
        "are steadier than differences of medians:"
    )
    print(f"{'part':<46} {'median ms':>10} {'p25 ms':>10} {'p75 ms':>10}")
    for name, diff in (
        ("Mesa: agents and scheduler (full − headless)", mesa_part),
        ("records and tables (headless − bare)", records_part),
        ("headless run, all outputs", head.ms["total"]),
    ):
        q25, q50, q75 = np.percentile(diff, [25, 50, 75])
        print(f"{name:<46} {q50:>10.2f} {q25:>10.2f} {q75:>10.2f}")
    print()
    print("5. Cold calibration: calibrate(geo, Parameters()) after clear_caches()")
    print(
        f"{'geography':<18} {'N':>5} {'times':>5} {'median ms':>10} {'min ms':>10} {'max ms':>10}"
    )
    for label, geo in geos:
        ms = cold[label]
        print(
            f"{label:<18} {geo.n:>5} {len(ms):>5} {np.median(ms):>10.2f} {ms.min():>10.2f} "
            f"{ms.max():>10.2f}"
        )
    print()
    if notes:
        print("Repeats reduced:")
        print("\n".join(notes))
        print()
    thai_rate = 1000.0 / full["thailand"].median()
    thai_ratio = full["thailand"].median() / bare["thailand"].median()
    print("Verdict (77 Thai provinces):")
    print(
        f"  runs/s   = {thai_rate:7.1f}  (target ≥ {TARGET_RUNS_PER_S:.0f}): "
        f"{verdict(thai_rate >= TARGET_RUNS_PER_S)}"
    )
    print(
        f"  full/bare = {thai_ratio:6.3f}  (target ≤ {TARGET_FULL_OVER_BARE}): "
        f"{verdict(thai_ratio <= TARGET_FULL_OVER_BARE)}"
    )
    full_cpu, bare_cpu = full["thailand"].median("cpu"), bare["thailand"].median("cpu")
    print(
        "  by CPU time (less sensitive to other load): "
        f"{1000.0 / full_cpu:.1f} runs/s, full/bare {full_cpu / bare_cpu:.3f}"
    )
    print(probe_line("after"))
    print(f"benchmark wall time: {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
