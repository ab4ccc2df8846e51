"""Analyses of a finished sweep: SALib sensitivity indices and PRIM scenario discovery.

Both read a results folder (`manifest.json`, `design.parquet`, `runs.parquet`) and write tables
next to it; neither runs the model. Sobol' S1/ST (with bootstrap confidence intervals) and
Morris μ*/σ are SALib's own `analyze` functions, fed with the very samples SALib drew for the
design. PRIM is the EMA Workbench's implementation (`ema_workbench.analysis.prim`).

With several replications per point the analysis uses each point's mean over its (successful)
replications: the indices then describe the expected outcome, the shocks averaged out.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .storage import _atomic_write

CONF_LEVEL = 0.95
NUM_RESAMPLES = 1000
NON_OUTPUTS = ("run", "scenario", "point", "replication", "seed", "status", "error")


class AnalysisError(ValueError):
    """A results folder that cannot be analysed as asked (says why and what would work)."""


@dataclass
class SweepResults:
    """A finished sweep read back: manifest, design samples and the runs table."""

    folder: Path
    manifest: dict[str, Any]
    design: pd.DataFrame
    runs: pd.DataFrame

    @property
    def variables(self) -> list[str]:
        return list(self.manifest["problem"]["names"])

    @property
    def outputs(self) -> list[str]:
        skip = {*NON_OUTPUTS, *self.variables}
        return [c for c in self.runs.columns if c not in skip]

    @property
    def method(self) -> str:
        return self.manifest["design"]["method"]

    def analysis_seed(self) -> int:
        """Bootstrap seed of the analysis, from the master seed: tables are reproducible."""
        master = self.manifest["experiment"]["master_seed"]
        child = np.random.SeedSequence(master, spawn_key=(2**32 - 1,))  # not a run's key
        return int(child.generate_state(1, dtype=np.uint32)[0])


def read_results(folder: Path | str) -> SweepResults:
    """Read a sweep's results folder (consolidated: the sweep has finished)."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise AnalysisError(f"{folder}: no manifest.json; run `decentra sweep <file>` first")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("kind") != "experiment":
        raise AnalysisError(
            f"{folder}: holds a {manifest.get('kind')!r}, not an experiment (decentra sweep)"
        )
    if not (folder / "runs.parquet").is_file():
        raise AnalysisError(
            f"{folder}: the sweep has not finished (status {manifest.get('status')!r}); run the "
            "same `decentra sweep` command again to resume it"
        )
    return SweepResults(
        folder,
        manifest,
        pd.read_parquet(folder / "design.parquet"),
        pd.read_parquet(folder / "runs.parquet"),
    )


def point_means(results: SweepResults, output: str, scenario: str) -> tuple[np.ndarray, int]:
    """Each design point's mean of `output` over its successful replications; NaN where none
    succeeded. Also the number of failed or non-finite runs."""
    runs = results.runs[results.runs["scenario"] == scenario]
    ok = (runs["status"] == "ok") & np.isfinite(runs[output].to_numpy(dtype=float))
    means = runs[ok].groupby("point")[output].mean()
    y = means.reindex(np.arange(len(results.design))).to_numpy(dtype=float)
    return y, int((~ok).sum())


def _problem(results: SweepResults) -> dict[str, Any]:
    p = results.manifest["problem"]
    return {"num_vars": p["num_vars"], "names": p["names"], "bounds": p["bounds"]}


def sensitivity(
    folder: Path | str, outputs: list[str] | None = None, write: bool = True
) -> tuple[pd.DataFrame, list[str]]:
    """SALib indices for each output (and scenario): Sobol' S1/ST with confidence intervals, or
    Morris μ*/σ, depending on the design. Writes `sensitivity_sobol.parquet` or
    `sensitivity_morris.parquet` (and `sensitivity_sobol_s2.parquet` for second order).

    Returns the table and notes on outputs that could not be analysed (failed runs, constant).
    """
    results = read_results(folder)
    method = results.method
    if method not in ("sobol", "morris"):
        raise AnalysisError(
            f"{results.folder}: a {method} design has no SALib sensitivity analysis here; use "
            "a sobol or morris design, or `decentra discover` for scenario discovery"
        )
    chosen = outputs or results.outputs
    unknown = [o for o in chosen if o not in results.outputs]
    if unknown:
        raise AnalysisError(f"unknown output {unknown[0]!r}; allowed: {', '.join(results.outputs)}")
    problem = _problem(results)
    design = results.manifest["design"]
    x = results.design[problem["names"]].to_numpy(dtype=float)
    seed = results.analysis_seed()
    rows: list[dict[str, Any]] = []
    second: list[dict[str, Any]] = []
    notes: list[str] = []
    scenarios = list(dict.fromkeys(results.runs["scenario"]))
    for scenario in scenarios:
        label = f"{scenario}: " if len(scenarios) > 1 else ""
        for output in chosen:
            y, bad = point_means(results, output, scenario)
            if np.isnan(y).any():
                missing = int(np.isnan(y).sum())
                notes.append(
                    f"{label}{output}: not analysed, {missing} design points have no successful "
                    f"run ({bad} runs failed or gave NaN); SALib needs every point"
                )
                continue
            if np.ptp(y) == 0:
                notes.append(f"{label}{output}: not analysed, the same value in every run")
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                if method == "sobol":
                    from SALib.analyze import sobol

                    res = sobol.analyze(
                        problem, y, calc_second_order=bool(design["second_order"]),
                        num_resamples=NUM_RESAMPLES, conf_level=CONF_LEVEL, seed=seed,
                    )  # fmt: skip
                else:
                    from SALib.analyze import morris

                    res = morris.analyze(
                        problem, x, y, num_resamples=NUM_RESAMPLES, conf_level=CONF_LEVEL,
                        num_levels=int(design["levels"]), seed=seed,
                    )  # fmt: skip
            for k, name in enumerate(problem["names"]):
                row: dict[str, Any] = {"output": output, "parameter": name}
                if method == "sobol":
                    row.update(
                        S1=float(res["S1"][k]), S1_conf=float(res["S1_conf"][k]),
                        ST=float(res["ST"][k]), ST_conf=float(res["ST_conf"][k]),
                    )  # fmt: skip
                else:
                    row.update(
                        mu_star=float(res["mu_star"][k]),
                        mu_star_conf=float(res["mu_star_conf"][k]),
                        sigma=float(res["sigma"][k]),
                        mu=float(res["mu"][k]),
                    )
                row["scenario"] = scenario
                rows.append(row)
            if method == "sobol" and design["second_order"]:
                names = problem["names"]
                for i in range(len(names)):
                    for j in range(i + 1, len(names)):
                        second.append({
                            "output": output, "parameter_1": names[i], "parameter_2": names[j],
                            "S2": float(res["S2"][i, j]), "S2_conf": float(res["S2_conf"][i, j]),
                            "scenario": scenario,
                        })  # fmt: skip
    table = pd.DataFrame(rows)
    if write and not table.empty:
        name = "sensitivity_sobol" if method == "sobol" else "sensitivity_morris"
        _atomic_write(
            results.folder / f"{name}.parquet", lambda p: table.to_parquet(p, index=False)
        )
        if second:
            s2 = pd.DataFrame(second)
            _atomic_write(
                results.folder / "sensitivity_sobol_s2.parquet",
                lambda p: s2.to_parquet(p, index=False),
            )
    table.attrs.update(method=method, notes=notes, runs=len(results.runs),
                       points=len(results.design))  # fmt: skip
    return table, notes


def format_sensitivity(table: pd.DataFrame) -> str:
    """The indices as text, one block per output, most influential first."""
    if table.empty:
        return "no output could be analysed"
    method = table.attrs.get("method", "sobol" if "S1" in table else "morris")
    lines = []
    several = table["scenario"].nunique() > 1
    for (scenario, output), part in table.groupby(["scenario", "output"], sort=False):
        title = f"{scenario}: {output}" if several else output
        if method == "sobol":
            lines.append(f"{title} (Sobol' indices, ± half-width of the 95% interval)")
            lines.append(f"    {'parameter':<36} {'S1':>16} {'ST':>16}")
            for r in part.sort_values("ST", ascending=False).itertuples():
                lines.append(
                    f"    {r.parameter:<36} {r.S1:>7.3f} ± {r.S1_conf:<6.3f} "
                    f"{r.ST:>7.3f} ± {r.ST_conf:<6.3f}"
                )
        else:
            lines.append(f"{title} (Morris elementary effects, ± half-width of the 95% interval)")
            lines.append(f"    {'parameter':<36} {'mu_star':>22} {'sigma':>11}")
            for r in part.sort_values("mu_star", ascending=False).itertuples():
                lines.append(
                    f"    {r.parameter:<36} {r.mu_star:>11.4g} ± {r.mu_star_conf:<8.3g} "
                    f"{r.sigma:>11.4g}"
                )
    return "\n".join(lines)


# ---------------------------------------------------------------------------- PRIM
@dataclass
class Discovery:
    """PRIM's result: the chosen box, the peeling trajectory and what the cases were."""

    limits: pd.DataFrame  # parameter, low, high (or values), full range, quasi-p
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim per peeling step
    box: dict[str, Any]  # coverage, density, mass, res_dim, index on the trajectory
    cases: int  # runs analysed
    of_interest: int  # runs meeting the condition
    condition: str


def discover(
    folder: Path | str,
    outcome: str,
    threshold: float,
    *,
    below: bool = False,
    min_density: float = 0.8,
    scenario: str | None = None,
    write: bool = True,
) -> Discovery:
    """Parameter boxes where `outcome` ≥ `threshold` (or ≤ with `below`), by PRIM.

    Of PRIM's peeling trajectory the box chosen is the one with the highest coverage among those
    whose density (share of runs in the box that meet the condition) is at least `min_density`;
    if none reaches it, the densest box.
    """
    results = read_results(folder)
    if outcome not in results.outputs:
        raise AnalysisError(f"unknown outcome {outcome!r}; allowed: {', '.join(results.outputs)}")
    if not 0 < min_density <= 1:
        raise AnalysisError(f"--min-density must be in (0, 1], got {min_density}")
    runs = results.runs
    if scenario is not None:
        if scenario not in set(runs["scenario"]):
            allowed = ", ".join(dict.fromkeys(runs["scenario"]))
            raise AnalysisError(f"unknown scenario {scenario!r}; allowed: {allowed}")
        runs = runs[runs["scenario"] == scenario]
    runs = runs[(runs["status"] == "ok") & np.isfinite(runs[outcome].to_numpy(dtype=float))]
    names = results.variables
    varied = [n for n in names if runs[n].nunique() > 1]
    if runs["scenario"].nunique() > 1:
        varied.append("scenario")
    if not varied:
        raise AnalysisError("nothing varies between the runs; PRIM needs varied inputs")
    x = runs[varied].reset_index(drop=True).copy()
    for column in x.columns:
        if x[column].dtype == bool or not pd.api.types.is_numeric_dtype(x[column]):
            x[column] = x[column].astype(str).astype(object)
        elif pd.api.types.is_integer_dtype(x[column]):
            x[column] = x[column].astype(np.int64)
        else:
            x[column] = x[column].astype(np.float64)
    if "scenario" in x:  # PRIM drops a column called "scenario": keep it under another name
        x = x.rename(columns={"scenario": "scenario_file"})
    y_values = runs[outcome].to_numpy(dtype=float)
    y = y_values <= threshold if below else y_values >= threshold
    condition = f"{outcome} {'≤' if below else '≥'} {threshold:g}"
    if not y.any():
        raise AnalysisError(
            f"no run has {condition} (range {y_values.min():.4g} to {y_values.max():.4g}); "
            "choose another threshold"
        )
    if y.all():
        raise AnalysisError(f"every run has {condition}; there is nothing to discover")

    prim = _prim_module()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        algorithm = prim.Prim(x, y, peel_alpha=0.05, paste_alpha=0.05, mass_min=0.05)
        box = algorithm.find_box()
    trajectory = box.peeling_trajectory.copy()
    meets = trajectory[trajectory["density"] >= min_density]
    index = (
        int(meets.sort_values(["coverage", "density"], ascending=False).index[0])
        if len(meets)
        else int(trajectory["density"].idxmax())
    )
    limits = _box_limits(algorithm, box, index, x)
    chosen = trajectory.loc[index]
    info = {
        "index": index,
        "coverage": float(chosen["coverage"]),
        "density": float(chosen["density"]),
        "mass": float(chosen["mass"]),
        "res_dim": int(chosen["res_dim"]),
        "min_density": min_density,
        "met_min_density": bool(len(meets)),
    }
    result = Discovery(limits, trajectory, info, len(y), int(y.sum()), condition)
    if write:
        stem = f"discover_{outcome}"
        box_table = limits.assign(condition=condition, **{k: v for k, v in info.items()})
        _atomic_write(results.folder / f"{stem}.parquet", lambda p: box_table.to_parquet(p))
        traj = trajectory.assign(condition=condition)
        _atomic_write(
            results.folder / f"{stem}_trajectory.parquet",
            lambda p: traj.to_parquet(p, index=False),
        )
    return result


def _prim_module() -> Any:
    """ema_workbench's PRIM, imported quietly (the package warns about optional extras)."""
    import logging

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
    logging.getLogger("EMA").setLevel(logging.ERROR)
    return prim


def _box_limits(algorithm: Any, box: Any, index: int, x: pd.DataFrame) -> pd.DataFrame:
    """The restricted dimensions of box `index` with the full ranges and PRIM's quasi-p values."""
    lims = box.box_lims[index]
    init = algorithm.box_init
    qp = box.p_values[index] if index < len(box.p_values) else {}
    rows = []
    for column in lims.columns:
        low, high = lims[column].iloc[0], lims[column].iloc[1]
        full_low, full_high = init[column].iloc[0], init[column].iloc[1]
        if isinstance(low, set):  # a categorical input: the kept values
            if low == full_low:
                continue
            rows.append({"parameter": column, "low": math.nan, "high": math.nan,
                         "values": ", ".join(sorted(map(str, low))),
                         "full_low": math.nan, "full_high": math.nan,
                         "full_values": ", ".join(sorted(map(str, full_low)))})  # fmt: skip
        else:
            if low == full_low and high == full_high:
                continue
            rows.append({"parameter": column, "low": float(low), "high": float(high),
                         "values": "", "full_low": float(full_low),
                         "full_high": float(full_high), "full_values": ""})  # fmt: skip
        p = qp.get(column) if isinstance(qp, dict) else None
        rows[-1]["quasi_p"] = _quasi_p(p)
    columns = ["parameter", "low", "high", "values", "full_low", "full_high", "full_values",
               "quasi_p"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _quasi_p(value: Any) -> float:
    """PRIM's quasi-p value of a restriction (the larger of the two sides when there are two)."""
    if value is None:
        return math.nan
    values = [v for v in np.atleast_1d(np.asarray(value, dtype=float)) if np.isfinite(v)]
    return float(max(values)) if values else math.nan


def format_discovery(d: Discovery) -> str:
    """The chosen box as text."""
    b = d.box
    lines = [
        f"PRIM: {d.of_interest} of {d.cases} runs have {d.condition}.",
        f"box {b['index']} of the peeling trajectory: coverage {b['coverage']:.2f} (share of "
        f"those runs inside the box), density {b['density']:.2f} (share of runs in the box "
        f"that meet it), mass {b['mass']:.2f}, {b['res_dim']} restricted dimensions",
    ]
    if not b["met_min_density"]:
        lines.append(f"  (no box reached density {b['min_density']:.2f}: the densest is shown)")
    if d.limits.empty:
        lines.append("  no restriction: the whole space")
    for r in d.limits.itertuples():
        if r.values:
            lines.append(f"  {r.parameter:<36} in {{{r.values}}}   (of {{{r.full_values}}})")
        else:
            qp = "" if math.isnan(r.quasi_p) else f"   quasi-p {r.quasi_p:.2g}"
            lines.append(
                f"  {r.parameter:<36} {r.low:.4g} … {r.high:.4g}   "
                f"(full {r.full_low:.4g} … {r.full_high:.4g}){qp}"
            )
    return "\n".join(lines)
