"""Which channel carries a scenario's effect: Shapley decomposition over the 16 on/off combinations.

For every subset S of the four channels the scenario and the baseline are run with exactly the
channels in S switched on (each such world recalibrated to 2019, model.economy) and with common
random numbers; v(S) is the mean paired effect. The Shapley value of channel k averages its
marginal contribution v(S ∪ {k}) − v(S) over the orderings of the channels, so
v(all) = v(none) + Σ_k φ_k: the effect with every channel on is the "direct" local effect that
needs no channel (v(none)) plus one share per channel. Shapley values are linear in v, so they are
computed per replication and reported with a 95% t-interval over replications.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from model.model import CHANNELS
from scenarios import Scenario
from scenarios.schema import CHANNEL_SWITCHES

from .compare import (
    execute,
    mean_interval,
    metric_names,
    progress_bar,
    replication_seeds,
    run_effects,
)
from .storage import _atomic_write, now_iso, provenance, write_json

COALITIONS: tuple[frozenset[str], ...] = tuple(
    frozenset(c) for n in range(len(CHANNELS) + 1) for c in itertools.combinations(CHANNELS, n)
)
DIRECT = "direct"  # the effect with every channel off


def shapley_values(value: dict[frozenset[str], float]) -> dict[str, float]:
    """φ_k = Σ_{S ∌ k} |S|!(n−|S|−1)!/n! · (v(S ∪ {k}) − v(S)) for each channel k."""
    n = len(CHANNELS)
    out = {}
    for k in CHANNELS:
        total = 0.0
        for s in COALITIONS:
            if k in s:
                continue
            weight = math.factorial(len(s)) * math.factorial(n - len(s) - 1) / math.factorial(n)
            total += weight * (value[s | {k}] - value[s])
        out[k] = total
    return out


def _switches(on: frozenset[str]) -> dict[str, bool]:
    return {CHANNEL_SWITCHES[c]: c in on for c in CHANNELS}


@dataclass
class Attribution:
    table: pd.DataFrame  # metric × component (direct, four channels, total) with intervals
    coalition_effects: pd.DataFrame  # replication × coalition × metric effects
    scenario: Scenario
    seeds: list[int]
    failures: list[dict[str, Any]]


def attribute(
    scenario: Scenario,
    replications: int = 10,
    *,
    workers: int = 1,
    master_seed: int | None = None,
    years: int | None = None,
    metrics: Sequence[str] | None = None,
    quiet: bool = True,
) -> Attribution:
    """Shapley attribution of the scenario's effects (vs the baseline) to the four channels."""
    return attribute_all(
        [scenario],
        replications,
        workers=workers,
        master_seed=master_seed,
        years=years,
        metrics=metrics,
        quiet=quiet,
    )[0]


def attribute_all(
    scenarios: Sequence[Scenario],
    replications: int = 10,
    *,
    workers: int = 1,
    master_seed: int | None = None,
    years: int | None = None,
    metrics: Sequence[str] | None = None,
    quiet: bool = True,
) -> list[Attribution]:
    """`attribute` for several scenarios; the 16 baseline worlds of a seed and horizon are run
    once and shared, not once per scenario."""
    from scenarios import baseline

    if replications < 1:
        raise ValueError(f"replications must be ≥ 1, got {replications}")
    plans = []  # (scenario, baseline tag, scenario tag, seeds)
    jobs: dict[tuple[str, int], dict[str, Any]] = {}
    for scenario in scenarios:
        horizon = years if years is not None else scenario.years
        master = master_seed if master_seed is not None else scenario.seed
        seeds = replication_seeds(master, replications)
        base_tag, own_tag = f"baseline@{master}/{horizon}", f"scenario:{scenario.key}"
        plans.append((scenario, base_tag, own_tag, seeds))
        for r in range(replications):
            for coalition in COALITIONS:
                for runner, tag in ((baseline(horizon), base_tag), (scenario, own_tag)):
                    key = f"{tag}|{_coalition_tag(coalition)}"
                    jobs.setdefault(
                        (key, r),
                        {
                            "scenario": runner,
                            "replication": r,
                            "seed": seeds[r],
                            "years": horizon,
                            "overrides": _switches(coalition),
                            "with_panel": False,
                            "tag": key,
                        },
                    )
    bar = progress_bar(len(jobs), "attribute", quiet)
    tables: dict[tuple[str, int], pd.DataFrame] = {}
    failures: list[dict[str, Any]] = []
    try:
        for out in execute(list(jobs.values()), workers, bar.update if bar else None):
            if out.error:
                failures.append(
                    {"run": out.key, "replication": out.replication, "error": out.error}
                )
            else:
                tables[(out.key, out.replication)] = out.table
    finally:
        if bar:
            bar.close()
    chosen = list(metrics or metric_names())
    return [
        _summarise(scenario, base_tag, own_tag, seeds, tables, failures, chosen)
        for scenario, base_tag, own_tag, seeds in plans
    ]


def _coalition_tag(coalition: frozenset[str]) -> str:
    return ",".join(sorted(coalition)) or "none"


def _summarise(
    scenario: Scenario,
    base_tag: str,
    own_tag: str,
    seeds: list[int],
    tables: dict[tuple[str, int], pd.DataFrame],
    failures: list[dict[str, Any]],
    chosen: list[str],
) -> Attribution:
    """Shapley values per replication, then their means and intervals."""
    rows = []
    per_rep: dict[str, list[dict[str, float]]] = {m: [] for m in chosen}
    for r in range(len(seeds)):
        value: dict[str, dict[frozenset[str], float]] = {m: {} for m in chosen}
        complete = True
        for coalition in COALITIONS:
            tag = _coalition_tag(coalition)
            s_key, b_key = (f"{own_tag}|{tag}", r), (f"{base_tag}|{tag}", r)
            if s_key not in tables or b_key not in tables:
                complete = False
                break
            effects = run_effects(tables[s_key], tables[b_key])
            for m in chosen:
                value[m][coalition] = effects[m]
                rows.append({"replication": r, "coalition": tag, "metric": m, "effect": effects[m]})
        if not complete:
            continue
        for m in chosen:
            phi = shapley_values(value[m])
            per_rep[m].append(
                {DIRECT: value[m][frozenset()], **phi, "total": value[m][frozenset(CHANNELS)]}
            )
    summary = []
    for m in chosen:
        frame = pd.DataFrame(per_rep[m])
        for component in [DIRECT, *CHANNELS, "total"]:
            values = frame[component].to_numpy() if len(frame) else np.array([])
            mean, lo, hi = mean_interval(values)
            summary.append(
                {
                    "scenario": scenario.key,
                    "metric": m,
                    "channel": component,
                    "shapley": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "replications": len(values),
                }
            )
    own = [f for f in failures if f["run"].startswith((f"{own_tag}|", f"{base_tag}|"))]
    return Attribution(pd.DataFrame(summary), pd.DataFrame(rows), scenario, seeds, own)


def write_attribution(
    out_dir: Path | str, result: Attribution, *, command: str = "", started: str = ""
) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _atomic_write(out / "attribution.parquet", lambda p: result.table.to_parquet(p, index=False))
    _atomic_write(
        out / "coalitions.parquet", lambda p: result.coalition_effects.to_parquet(p, index=False)
    )
    write_json(
        out / "manifest.json",
        provenance(
            kind="attribution",
            scenario=result.scenario.to_dict(),
            replications=len(result.seeds),
            seeds=result.seeds,
            coalitions=[sorted(c) for c in COALITIONS],
            method="Shapley values over the 16 on/off combinations of the four channels; "
            "'direct' is the effect with every channel off",
            failures=result.failures,
            status="completed" if not result.failures else "completed with failed runs",
            command=command,
            started=started,
            finished=now_iso(),
        ),
    )
    return out
