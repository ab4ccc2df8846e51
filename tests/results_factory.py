"""Small real result folders in the agreed schemas, for the figure and report tests.

Every number comes from real model runs: a "scenario" here is a set of parameter overrides
(the scenario code with real policies is written elsewhere), replications are seeds, and the
comparison metrics, the channel attribution and the sensitivity indices are computed from
those runs. This is test data, not a model result: the short runs (3 years by default) stand in
for 2035 and 2050 in the column names of the schema. `benchmarks/bench_viz.py` uses the same
functions with 31-year runs to render the report's figures for a visual check.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.storage import provenance, write_json, write_run
from model import BASE_YEAR, DecentraModel, Parameters

#: key → (overrides, name, Thai name, description)
SCENARIOS: dict[str, tuple[dict[str, Any], str, str, str]] = {
    "baseline": ({}, "Baseline", "กรณีฐาน", "Today's policies continue."),
    "more_transfers": (
        {"transfer_share": 0.45, "equalization_elasticity": 1.5},
        "More equalising transfers",
        "เงินอุดหนุนเพื่อความเท่าเทียมมากขึ้น",
        "A larger share of central revenue goes to provinces, tilted to poorer ones.",
    ),
    "knowledge_hubs": (
        {"spillover_rate": 0.06, "spillover_half_distance_km": 600.0},
        "Regional knowledge hubs",
        "ศูนย์กลางความรู้ระดับภูมิภาค",
        "Universities and firms pass on know-how faster and farther.",
    ),
}
#: Parameter overrides that switch a channel off (trade cannot be switched off: it is always on).
CHANNEL_OFF = {
    "finance": {"home_bias": 1.0, "remittance_share": 0.0},
    "migration": {"migration_rate": 0.0},
    "knowledge": {"spillover_rate": 0.0},
}
DISCOUNT_RATE = 0.03


def simulate(years: int, seed: int, overrides: Mapping[str, Any]) -> DecentraModel:
    model = DecentraModel(parameters=Parameters().replace(**overrides), seed=seed)
    for _ in range(years):
        model.step()
    return model


def write_run_folder(out: Path, *, years: int = 3, seed: int = 5, **overrides: Any) -> Path:
    """A `decentra run` folder (model.parquet, provinces.parquet, manifest.json)."""
    model = simulate(years, seed, overrides)
    parameters = model.parameters
    national = model.model_table()
    manifest = provenance(
        run_id=out.name,
        kind="run",
        scenario="baseline",
        seed=seed,
        years_requested=years,
        first_year=BASE_YEAR,
        last_year=int(national["year"].iloc[-1]),
        parameters=parameters.to_dict(),
        overrides={k: str(v) for k, v in overrides.items()},
        status="completed",
    )
    return write_run(out, national, model.province_panel(), manifest)


def _metrics(scenario: pd.DataFrame, baseline: pd.DataFrame) -> dict[str, float]:
    """The comparison metrics of one replication (scenario minus baseline, same seed)."""
    s, b = scenario.set_index("year"), baseline.set_index("year")
    last = int(s.index.max())
    mid = min(2035, last)
    gap = s["gdp_mthb"] - b["gdp_mthb"]
    discount = (1.0 + DISCOUNT_RATE) ** -(gap.index.to_numpy() - BASE_YEAR)
    return {
        "d_gdp_2035_mthb": float(gap.loc[mid]),
        "d_gdp_2050_mthb": float(gap.loc[last]),
        "gdp_gain_pv_mthb": float((gap.to_numpy() * discount).sum()),
        "d_gini_2050": float(s.loc[last, "gini_weighted"] - b.loc[last, "gini_weighted"]),
        "d_williamson_2050": float(s.loc[last, "williamson_cv"] - b.loc[last, "williamson_cv"]),
        "d_bv_share_2050": float(s.loc[last, "bv_share_gdp"] - b.loc[last, "bv_share_gdp"]),
        "d_poverty_2050_pct": float(s.loc[last, "poverty_pct"] - b.loc[last, "poverty_pct"]),
    }


def _frontier(gain: np.ndarray, d_gini: np.ndarray) -> np.ndarray:
    """Scenarios that no other scenario beats on both more gain and less inequality."""
    n = len(gain)
    return np.array(
        [
            not any(
                gain[j] >= gain[i] and d_gini[j] <= d_gini[i]
                and (gain[j] > gain[i] or d_gini[j] < d_gini[i])
                for j in range(n)
            )
            for i in range(n)
        ]
    )  # fmt: skip


def _shapley(
    overrides: Mapping[str, Any], years: int, seed: int, metrics: Sequence[str]
) -> dict[tuple[str, str], float]:
    """Shapley values of the switchable channels; trade gets the effect with all others off."""
    players = list(CHANNEL_OFF)
    value: dict[frozenset, dict[str, float]] = {}
    for r in range(len(players) + 1):
        for on in itertools.combinations(players, r):
            off = {k: v for c in players if c not in on for k, v in CHANNEL_OFF[c].items()}
            s = simulate(years, seed, {**overrides, **off}).model_table()
            b = simulate(years, seed, off).model_table()
            value[frozenset(on)] = _metrics(s, b)
    n = len(players)
    out: dict[tuple[str, str], float] = {}
    for metric in metrics:
        out[("trade", metric)] = value[frozenset()][metric]
        for p in players:
            others = [q for q in players if q != p]
            total = 0.0
            for r in range(n):
                for subset in itertools.combinations(others, r):
                    weight = math.factorial(r) * math.factorial(n - r - 1) / math.factorial(n)
                    with_p = value[frozenset((*subset, p))][metric]
                    total += weight * (with_p - value[frozenset(subset)][metric])
            out[(p, metric)] = total
    return out


def write_comparison_folder(
    out: Path,
    *,
    years: int = 3,
    seeds: Sequence[int] = (11, 12),
    scenarios: Mapping[str, tuple[dict[str, Any], str, str, str]] = SCENARIOS,
    attribution: bool = True,
    attribution_seeds: Sequence[int] | None = None,
) -> Path:
    """A comparison folder: runs, provinces (mean over replications), comparison, attribution.

    The attribution's interval is the range over `attribution_seeds` (default: all seeds).
    """
    out.mkdir(parents=True, exist_ok=True)
    runs, panels = [], []
    for key, (overrides, *_rest) in scenarios.items():
        for rep, seed in enumerate(seeds):
            model = simulate(years, seed, overrides)
            runs.append(model.model_table().assign(scenario=key, replication=rep, seed=seed))
            panels.append(model.province_panel().assign(scenario=key, replication=rep))
    runs_df = pd.concat(runs, ignore_index=True)
    panel = pd.concat(panels, ignore_index=True)
    labels = ["scenario", "year", "code", "name_en", "name_th", "region"]
    numeric = [c for c in panel.columns if c not in labels and c != "replication"]
    provinces = panel.groupby(labels, sort=False)[numeric].mean().reset_index()
    rows = []
    for key, (_overrides, name, name_th, _description) in scenarios.items():
        per_rep = []
        for rep in range(len(seeds)):
            s = runs_df[(runs_df.scenario == key) & (runs_df.replication == rep)]
            b = runs_df[(runs_df.scenario == "baseline") & (runs_df.replication == rep)]
            per_rep.append(_metrics(s, b))
        reps = pd.DataFrame(per_rep)
        budget = float(runs_df[runs_df.scenario == key].groupby("replication")["fiscal_cost_mthb"]
                       .sum().mean())  # fmt: skip
        row: dict[str, Any] = {"scenario": key, "name_en": name, "name_th": name_th,
                               "total_budget_mthb": budget}  # fmt: skip
        for metric in reps.columns:
            row[metric] = float(reps[metric].mean())
            row[f"{metric}_lo"] = float(reps[metric].quantile(0.025))
            row[f"{metric}_hi"] = float(reps[metric].quantile(0.975))
            row[f"{metric}_per_1000mthb"] = row[metric] / budget * 1000 if budget > 0 else np.nan
        rows.append(row)
    comparison = pd.DataFrame(rows)
    comparison.insert(
        4,
        "on_frontier",
        _frontier(comparison["gdp_gain_pv_mthb"].to_numpy(), comparison["d_gini_2050"].to_numpy()),
    )
    runs_df.to_parquet(out / "runs.parquet", index=False)
    provinces.to_parquet(out / "provinces.parquet", index=False)
    comparison.to_parquet(out / "comparison.parquet", index=False)
    if attribution:
        metrics = ["d_gdp_2050_mthb", "d_gini_2050"]
        records = []
        for key, (overrides, *_rest) in scenarios.items():
            if key == "baseline":
                continue
            draws = [_shapley(overrides, years, s, metrics) for s in attribution_seeds or seeds]
            for (channel, metric), _ in draws[0].items():
                values = np.array([d[(channel, metric)] for d in draws])
                records.append({"scenario": key, "metric": metric, "channel": channel,
                                "shapley": float(values.mean()), "ci_low": float(values.min()),
                                "ci_high": float(values.max())})  # fmt: skip
        pd.DataFrame(records).to_parquet(out / "attribution.parquet", index=False)
    manifest = provenance(
        id=out.name,
        kind="comparison",
        scenarios=[_scenario_entry(k, v, comparison) for k, v in scenarios.items()],
        replications=len(seeds),
        seeds=list(seeds),
        years=years,
        parameters=Parameters().to_dict(),
        note="test data: parameter overrides stand in for policy scenarios",
    )
    write_json(out / "manifest.json", manifest)
    return out


def _scenario_entry(key: str, spec: tuple, comparison: pd.DataFrame) -> dict[str, Any]:
    overrides, name, name_th, description = spec
    budget = float(comparison.set_index("scenario").loc[key, "total_budget_mthb"])
    return {"key": key, "name": name, "name_th": name_th, "description": description,
            "file": f"scenarios/{key}.toml", "parameters": overrides,
            "total_budget_mthb": budget}  # fmt: skip


#: The parameters the test experiment varies, with their ranges.
PROBLEM = {
    "num_vars": 3,
    "names": ["transfer_share", "spillover_rate", "migration_rate"],
    "bounds": [[0.1, 0.5], [0.0, 0.08], [0.0, 0.1]],
}
OUTPUTS = ("gini_weighted", "gdp_mthb")


def write_experiment_folder(
    out: Path,
    *,
    years: int = 2,
    sobol_n: int = 8,
    morris_trajectories: int = 4,
    seed: int = 3,
    problem: Mapping[str, Any] = PROBLEM,
) -> Path:
    """An experiment folder with real Sobol and Morris indices (SALib) of final-year outputs."""
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    out.mkdir(parents=True, exist_ok=True)
    problem = dict(problem)

    def evaluate(x: np.ndarray, method: str, start: int) -> tuple[np.ndarray, list[dict]]:
        outputs, rows = [], []
        for k, values in enumerate(x):
            overrides = dict(zip(problem["names"], values.tolist(), strict=True))
            table = simulate(years, seed, overrides).model_table()
            final = {o: float(table[o].iloc[-1]) for o in OUTPUTS}
            outputs.append([final[o] for o in OUTPUTS])
            rows.append({"run": start + k, "method": method, **overrides, **final})
        return np.array(outputs), rows

    x_sobol = sobol_sample.sample(problem, sobol_n, calc_second_order=False, seed=seed)
    y_sobol, rows_sobol = evaluate(x_sobol, "sobol", 0)
    x_morris = morris_sample.sample(problem, morris_trajectories, seed=seed)
    y_morris, rows_morris = evaluate(x_morris, "morris", len(rows_sobol))
    sobol_rows, morris_rows = [], []
    for k, output in enumerate(OUTPUTS):
        si = sobol_analyze.analyze(problem, y_sobol[:, k], calc_second_order=False, seed=seed)
        mi = morris_analyze.analyze(problem, x_morris, y_morris[:, k], seed=seed)
        for p, name in enumerate(problem["names"]):
            sobol_rows.append({"output": output, "parameter": name, "S1": si["S1"][p],
                               "S1_conf": si["S1_conf"][p], "ST": si["ST"][p],
                               "ST_conf": si["ST_conf"][p]})  # fmt: skip
            morris_rows.append({"output": output, "parameter": name,
                                "mu_star": mi["mu_star"][p],
                                "mu_star_conf": mi["mu_star_conf"][p],
                                "sigma": mi["sigma"][p]})  # fmt: skip
    pd.DataFrame(sobol_rows).to_parquet(out / "sensitivity_sobol.parquet", index=False)
    pd.DataFrame(morris_rows).to_parquet(out / "sensitivity_morris.parquet", index=False)
    pd.DataFrame(rows_sobol + rows_morris).to_parquet(out / "runs.parquet", index=False)
    manifest = provenance(
        id=out.name,
        kind="experiment",
        description="Sobol and Morris sensitivity of final-year Gini and GDP (test data).",
        problem=problem,
        outputs=list(OUTPUTS),
        years=years,
        seed=seed,
        sobol_n=sobol_n,
        morris_trajectories=morris_trajectories,
        parameters=Parameters().to_dict(),
    )
    write_json(out / "manifest.json", manifest)
    return out
