"""The `decentra` command: a thin layer over the public functions of model/ and experiments/."""

from __future__ import annotations

import argparse
import math
import sys
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from experiments.storage import now_iso, provenance, write_run
from model import (
    BASE_YEAR,
    DataError,
    EquilibriumError,
    ParameterError,
    Parameters,
)
from scenarios import Scenario, ScenarioError, baseline, load_scenario

EXIT_USAGE = 2


class CliError(Exception):
    """A user error: printed as one line, exit status 2."""


def _parse_set(items: list[str]) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise CliError(f"--set {item!r}: expected NAME=VALUE, e.g. --set sigma=4")
        overrides[Parameters.resolve_name(name.strip())] = value.strip()
    return overrides


def _summary(table: pd.DataFrame) -> str:
    lines = [
        f"{'year':>4}  {'GDP tn THB':>10}  {'growth %':>8}  {'Gini':>6}  {'Williamson':>10}  "
        f"{'BKK+vic %':>9}  {'poverty %':>9}"
    ]
    for row in table.itertuples(index=False):
        growth = "" if math.isnan(row.gdp_growth_pct) else f"{row.gdp_growth_pct:8.2f}"
        lines.append(
            f"{row.year:>4}  {row.gdp_mthb / 1e6:>10.2f}  {growth:>8}  {row.gini_weighted:>6.3f}  "
            f"{row.williamson_cv:>10.3f}  {100 * row.bv_share_gdp:>9.1f}  {row.poverty_pct:>9.2f}"
        )
    return "\n".join(lines)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S")


def _load(path: str) -> Scenario:
    if not Path(path).exists():
        raise CliError(f"{path}: no such scenario file (the shipped ones are in scenarios/)")
    return load_scenario(path)


def cmd_run(args: argparse.Namespace) -> int:
    scenario = _load(args.scenario) if args.scenario else baseline()
    years = scenario.years if args.years is None else args.years
    seed = scenario.seed if args.seed is None else args.seed
    if years < 0:
        raise CliError(f"--years must be ≥ 0, got {years}")
    overrides = _parse_set(args.set or [])
    parameters = scenario.model_parameters(**overrides)
    started = now_iso()
    run_id = args.run_id or f"{scenario.key}-seed{seed}-{_stamp()}"
    out_dir = Path(args.out) / run_id
    model = scenario.build_model(seed=seed, **overrides)
    error: str | None = None
    try:
        for _ in range(years):
            model.step()
    except EquilibriumError as exc:  # keep the years already simulated
        error = str(exc)
    national, provinces = model.model_table(), model.province_panel()
    manifest = provenance(
        run_id=run_id,
        kind="run",
        scenario=scenario.to_dict(),
        seed=seed,
        years_requested=years,
        first_year=BASE_YEAR,
        last_year=int(national["year"].iloc[-1]),
        parameters=parameters.to_dict(),
        overrides=overrides,
        policy_spending_mthb={
            p.label or p.lever.name: p.spent_mthb for p in model.economy.policies
        },
        command=" ".join(["decentra", *sys.argv[1:]]),
        started=started,
        finished=now_iso(),
        status="failed" if error else "completed",
        error=error,
    )
    write_run(out_dir, national, provinces, manifest)
    if not args.quiet:
        print(_summary(national))
        print(f"\nwrote {out_dir}/ (model.parquet, provinces.parquet, manifest.json)")
    else:
        print(out_dir)
    if error:
        raise CliError(f"{error}; the years before it were written to {out_dir}")
    return 0


def _interval(mean: float, lo: float, hi: float, scale: float, digits: int) -> str:
    if math.isnan(mean):
        return "n/a"
    return f"{mean * scale:.{digits}f} [{lo * scale:.{digits}f}, {hi * scale:.{digits}f}]"


COMPARE_COLUMNS = (  # metric, heading, display scale, digits, unit of the per-1,000 figure
    ("d_gdp_2035_mthb", "ΔGDP 2035 bn THB", 1e-3, 1, "MTHB"),
    ("d_gdp_2050_mthb", "ΔGDP 2050 bn THB", 1e-3, 1, "MTHB"),
    ("gdp_gain_pv_mthb", "PV gain bn THB", 1e-3, 0, "MTHB"),
    ("d_gini_2050", "ΔGini 2050 ×1000", 1e3, 2, "Gini"),
    ("d_williamson_2050", "ΔWilliamson 2050 ×1000", 1e3, 2, "CV"),
    ("d_bv_share_2050", "ΔBKK+vic share 2050 pp", 100.0, 3, "share"),
    ("d_poverty_2035_pct", "Δpoverty 2035 pp", 1.0, 3, "pp"),
    ("d_poverty_2050_pct", "Δpoverty 2050 pp", 1.0, 3, "pp"),
)


def format_comparison(table: pd.DataFrame) -> str:
    """The comparison as text: one block per scenario, 95% intervals in brackets."""
    lines = []
    for row in table.to_dict("records"):
        if row["scenario"] == "baseline":
            continue
        budget = row["total_budget_mthb"]
        mark = "  ★ on the growth–inequality frontier" if row["on_frontier"] else ""
        lines.append(
            f"{row['scenario']} — {row['name_en']}: {budget / 1e3:,.0f} bn THB spent, "
            f"{row['replications']} replications{mark}"
        )
        lines.append(f"    {'':<24} {'mean [95% interval]':<28} per 1,000 MTHB spent")
        for metric, heading, scale, digits, unit in COMPARE_COLUMNS:
            text = _interval(row[metric], row[f"{metric}_lo"], row[f"{metric}_hi"], scale, digits)
            per = row[f"{metric}_per_1000mthb"]
            per_text = "" if math.isnan(per) else f"{per:.3g} {unit}"
            lines.append(f"    {heading:<24} {text:<28} {per_text}")
    frontier = ", ".join(table.loc[table["on_frontier"], "scenario"]) or "none"
    y = table.attrs.get("frontier_y", "d_gini_2050")
    lines.append(f"frontier (PV of GDP gains up, {y} down): {frontier}")
    return "\n".join(lines)


def cmd_compare(args: argparse.Namespace) -> int:
    from experiments.compare import compare, default_workers, write_comparison

    scenarios = [_load(path) for path in args.scenarios]  # all validated before any run
    if args.replications < 1:
        raise CliError(f"--replications must be ≥ 1, got {args.replications}")
    if args.attribute < 0:
        raise CliError(f"--attribute must be ≥ 0, got {args.attribute}")
    workers = args.workers or default_workers()
    started = now_iso()
    result = compare(
        scenarios,
        args.replications,
        workers=workers,
        master_seed=args.seed,
        years=args.years,
        quiet=args.quiet,
    )
    attribution = None
    if args.attribute:
        from experiments.attribute import attribute_all

        chosen = [s for s in scenarios if s.key != "baseline"]
        parts = [
            a.table
            for a in attribute_all(
                chosen,
                args.attribute,
                workers=workers,
                master_seed=args.seed,
                years=args.years,
                metrics=[m for m, *_ in COMPARE_COLUMNS],
                quiet=args.quiet,
            )
        ]
        attribution = pd.concat(parts, ignore_index=True) if parts else None
    run_id = args.run_id or f"compare-{_stamp()}"
    out = write_comparison(
        Path(args.out) / run_id,
        result,
        command=" ".join(["decentra", *sys.argv[1:]]),
        started=started,
        attribution=attribution,
        attribution_replications=args.attribute,
    )
    if not args.quiet:
        print(format_comparison(result.table))
        extra = "attribution.parquet, " if attribution is not None else ""
        print(f"\nwrote {out}/ (comparison.parquet, runs.parquet, provinces.parquet, "
              f"effects.parquet, {extra}manifest.json)")  # fmt: skip
    else:
        print(out)
    if result.failures:
        raise CliError(
            f"{len(result.failures)} runs failed (listed in {out}/manifest.json); "
            "the others were compared and written"
        )
    return 0


def format_attribution(table: pd.DataFrame) -> str:
    lines = []
    scales = {m: (scale, digits, heading) for m, heading, scale, digits, _ in COMPARE_COLUMNS}
    for metric, part in table.groupby("metric", sort=False):
        scale, digits, heading = scales.get(metric, (1.0, 4, metric))
        lines.append(f"{heading}:")
        for row in part.to_dict("records"):
            text = _interval(row["shapley"], row["ci_low"], row["ci_high"], scale, digits)
            name = "direct (no channel)" if row["channel"] == "direct" else row["channel"]
            lines.append(f"    {name:<22} {text}")
    return "\n".join(lines)


def cmd_attribute(args: argparse.Namespace) -> int:
    from experiments.attribute import attribute, write_attribution
    from experiments.compare import default_workers, metric_names

    scenario = _load(args.scenario)
    if args.replications < 1:
        raise CliError(f"--replications must be ≥ 1, got {args.replications}")
    metrics = args.metric or [m for m, *_ in COMPARE_COLUMNS]
    unknown = [m for m in metrics if m not in metric_names()]
    if unknown:
        raise CliError(f"--metric {unknown[0]!r} is unknown; allowed: {', '.join(metric_names())}")
    started = now_iso()
    result = attribute(
        scenario,
        args.replications,
        workers=args.workers or default_workers(),
        master_seed=args.seed,
        years=args.years,
        metrics=metrics,
        quiet=args.quiet,
    )
    run_id = args.run_id or f"attribute-{scenario.key}-{_stamp()}"
    out = write_attribution(
        Path(args.out) / run_id,
        result,
        command=" ".join(["decentra", *sys.argv[1:]]),
        started=started,
    )
    if not args.quiet:
        print(f"{scenario.key}: effect vs baseline split by channel (Shapley, 16 combinations, "
              f"{args.replications} replications; 95% intervals)")  # fmt: skip
        print(format_attribution(result.table))
        print(f"\nwrote {out}/ (attribution.parquet, coalitions.parquet, manifest.json)")
    else:
        print(out)
    return 0


def _sweep_errors():
    """The error types of the experiments layer, reported like every user error."""
    from experiments.analysis import AnalysisError
    from experiments.schema import ExperimentError
    from experiments.sweep import SweepError

    return (ExperimentError, SweepError, AnalysisError)


def cmd_sweep(args: argparse.Namespace) -> int:
    from experiments.sweep import SweepInterrupted, run_sweep

    if not Path(args.experiment).exists():
        raise CliError(
            f"{args.experiment}: no such experiment file (the shipped ones are in experiments/)"
        )
    try:
        runs = run_sweep(
            args.experiment,
            workers=args.workers,
            dask=args.dask,
            resume=args.resume,
            force=args.force,
            out=args.out,
            samples=args.samples,
            years=args.years,
            quiet=args.quiet,
            chunk_size=args.chunk_size,
            command=" ".join(["decentra", *sys.argv[1:]]),
        )
    except SweepInterrupted as exc:
        print(f"decentra: {exc}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:  # while the workers were starting: nothing ran yet
        print("decentra: interrupted", file=sys.stderr)
        return 130
    except _sweep_errors() as exc:
        raise CliError(str(exc)) from None
    info = runs.attrs
    folder = info["folder"]
    if args.quiet:
        print(folder)
    else:
        ok = info["runs"] - info["failed"]
        rate = info["runs_per_second"]
        speed = f", {rate:.1f} runs/s" if info["ran_now"] and rate == rate else ""
        print(
            f"{Path(folder).name}: {info['runs']} runs ({ok} ok, {info['failed']} failed), "
            f"{info['ran_now']} run now in {info['seconds']:.1f} s{speed} ({info['engine']})"
        )
        print(f"wrote {folder}/ (runs.parquet, design.parquet, manifest.json, parts/)")
        if info["failed"]:
            print(f"failed runs, with their errors and parameters: {folder}/manifest.json")
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from experiments.analysis import format_sensitivity, sensitivity

    try:
        table, notes = sensitivity(args.results, outputs=args.output)
    except _sweep_errors() as exc:
        raise CliError(str(exc)) from None
    name = "sensitivity_sobol" if table.attrs.get("method") == "sobol" else "sensitivity_morris"
    written = Path(args.results) / f"{name}.parquet"
    if args.quiet:
        print(written if not table.empty else "")
    else:
        print(format_sensitivity(table))
        for note in notes:
            print(f"note: {note}")
        if not table.empty:
            print(f"\nwrote {written}")
    if table.empty:
        raise CliError("no output could be analysed: " + "; ".join(notes))
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    from experiments.analysis import discover, format_discovery

    try:
        result = discover(
            args.results,
            args.outcome,
            args.threshold,
            below=args.below,
            min_density=args.min_density,
            scenario=args.scenario,
        )
    except _sweep_errors() as exc:
        raise CliError(str(exc)) from None
    written = Path(args.results) / f"discover_{args.outcome}.parquet"
    if args.quiet:
        print(written)
    else:
        print(format_discovery(result))
        print(f"\nwrote {written} (and _trajectory.parquet)")
    return 0


def _add_common(p: argparse.ArgumentParser, run_id_default: str) -> None:
    p.add_argument(
        "--out", default="results", help="directory for result folders (default results/)"
    )
    p.add_argument("--run-id", help=f"name of the result folder (default {run_id_default})")
    p.add_argument(
        "--quiet", action="store_true", help="no progress bar or table; print the result folder"
    )


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML (and Excel) report of a result folder; viz is imported only here."""
    if args.lang not in ("en", "th"):
        raise CliError(f"--lang {args.lang!r}: allowed: en, th")
    from viz.report import ReportError, write_report

    try:
        html = write_report(args.result_dir, lang=args.lang, excel=args.excel)
    except ReportError as exc:
        raise CliError(str(exc)) from None
    print(html)
    if args.excel:
        print(html.with_suffix(".xlsx"))
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    """Serve the live dashboard; viz and Solara are imported only here."""
    if args.lang not in ("en", "th"):
        raise CliError(f"--lang {args.lang!r}: allowed: en, th")
    from viz.dashboard.server import ServeError, check_port, serve

    try:
        check_port(args.host, args.port)
    except ServeError as exc:
        raise CliError(str(exc)) from None
    print(f"decentra dashboard: http://{args.host}:{args.port}/  (Ctrl+C stops it)", flush=True)
    try:
        serve(args.host, args.port, args.lang)
    except ServeError as exc:
        raise CliError(str(exc)) from None
    except KeyboardInterrupt:
        pass
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="decentra",
        description="Simulate spreading growth out of Bangkok across Thailand's 77 provinces.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run the baseline or a scenario file from 2019 and write results/<run-id>/",
        description=(
            "Run the model from the 2019 data (calibrated exactly) for --years years, print a "
            "yearly summary (GDP, growth, Gini, Williamson CV, Bangkok-and-Vicinity share, "
            "poverty) and write model.parquet, provinces.parquet and manifest.json. With a "
            "scenario file, its parameters, channel switches and policies apply."
        ),
    )
    run.add_argument(
        "scenario", nargs="?", help="a scenario file, e.g. scenarios/local_finance.toml "
        "(default: the baseline)"
    )  # fmt: skip
    run.add_argument(
        "--years", type=int, default=None,
        help="years simulated after 2019 (default: the file's, or 31: to 2050)",
    )  # fmt: skip
    run.add_argument(
        "--seed", type=int, default=None,
        help="seed of the model's random generator (default: the file's, or 42)",
    )  # fmt: skip
    run.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="override a parameter by name or alias, e.g. --set sigma=4 (repeatable); "
        "names, units and bounds are in docs/ODD.md",
    )
    run.add_argument(
        "--out", default="results", help="directory for result folders (default results/)"
    )
    run.add_argument(
        "--run-id", help="name of the result folder (default <scenario>-seed<S>-<time>)"
    )
    run.add_argument(
        "--quiet", action="store_true", help="print only the result folder, no yearly summary"
    )
    run.set_defaults(func=cmd_run)

    cmp = sub.add_parser(
        "compare",
        help="compare scenarios with the baseline over replications (common random numbers)",
        description=(
            "Run the baseline and every scenario --replications times with the same seeds "
            "(common random numbers) and print, for each scenario, the difference from the "
            "baseline in GDP 2035 and 2050, the present value of GDP gains (3%% a year, to "
            "2019), weighted Gini, Williamson CV, Bangkok-and-Vicinity share and poverty, each "
            "with a 95%% interval of the mean over replications, the effect per 1,000 MTHB "
            "spent, and which scenarios are on the growth-inequality frontier. Writes "
            "comparison.parquet, runs.parquet, provinces.parquet, effects.parquet, "
            "manifest.json."
        ),
    )
    cmp.add_argument("scenarios", nargs="+", help="scenario files, e.g. scenarios/*.toml")
    cmp.add_argument(
        "--replications", type=int, default=30, help="replications per scenario (default 30)"
    )
    cmp.add_argument(
        "--workers", type=int, default=None,
        help="worker processes (default: all cores); results do not depend on it",
    )  # fmt: skip
    cmp.add_argument(
        "--seed", type=int, default=None,
        help="master seed of the replications (default: the baseline's, 42)",
    )  # fmt: skip
    cmp.add_argument(
        "--years", type=int, default=None, help="years after 2019 (default: the files', 31)"
    )
    cmp.add_argument(
        "--attribute", type=int, default=0, metavar="R",
        help="also split each scenario's effects over the channels (Shapley, 16 combinations) "
        "with R replications and write attribution.parquet (default 0: off)",
    )  # fmt: skip
    _add_common(cmp, "compare-<time>")
    cmp.set_defaults(func=cmd_compare)

    att = sub.add_parser(
        "attribute",
        help="split a scenario's effect over the four channels (Shapley, 16 combinations)",
        description=(
            "Run the scenario and the baseline with every on/off combination of the trade, "
            "finance, migration and knowledge channels (16, each recalibrated to 2019) and "
            "--replications seeds, and attribute each effect to the channels by Shapley "
            "decomposition: effect = direct (all channels off) + one share per channel. "
            "Writes attribution.parquet, coalitions.parquet and manifest.json."
        ),
    )
    att.add_argument("scenario", help="a scenario file, e.g. scenarios/trade_corridors.toml")
    att.add_argument(
        "--replications", type=int, default=10, help="replications (default 10; 32 runs each)"
    )
    att.add_argument("--workers", type=int, default=None, help="worker processes (default: all)")
    att.add_argument("--seed", type=int, default=None, help="master seed (default: the file's)")
    att.add_argument("--years", type=int, default=None, help="years after 2019 (default 31)")
    att.add_argument(
        "--metric", action="append",
        help="an effect to attribute (repeatable; default: the compare table's columns)",
    )  # fmt: skip
    _add_common(att, "attribute-<scenario>-<time>")
    att.set_defaults(func=cmd_attribute)
    report = sub.add_parser(
        "report",
        help="write an HTML (and Excel) report of results/<dir>/",
        description=(
            "Write report_<lang>.html into a result folder (a run, a scenario comparison or an "
            "experiment): key figures, scenario descriptions, figures and maps, parameters that "
            "differ from the defaults, and the provenance manifest. The file is self-contained "
            "(figures embedded, no links)."
        ),
    )
    report.add_argument("result_dir", metavar="RESULT_DIR", help="a folder under results/")
    report.add_argument(
        "--lang", default="en", metavar="{en,th}", help="language of the report (default en)"
    )
    report.add_argument(
        "--excel", action="store_true", help="also write report_<lang>.xlsx, one sheet per table"
    )
    report.set_defaults(func=cmd_report)

    swp = sub.add_parser(
        "sweep",
        help="run a batch experiment (grid, LHS, Sobol, Morris) into results/<experiment>/",
        description=(
            "Run every point of an experiment file's design (grid, Latin hypercube, Sobol' "
            "(Saltelli) or Morris) with its replications, on a process pool or a Dask cluster, "
            "and write results/<experiment>/: Parquet parts as runs finish, then runs.parquet "
            "(one row per run) and manifest.json. Seeds come from the master seed and the run "
            "index, so results do not depend on the workers or the engine. Rerunning the same "
            "command after a crash or Ctrl-C resumes where it stopped."
        ),
    )
    swp.add_argument("experiment", help="an experiment file, e.g. experiments/sobol_headline.toml")
    swp.add_argument(
        "--workers", type=int, default=None,
        help="worker processes, or workers of --dask local (default: all cores; 1 = serial); "
        "a --dask ADDRESS cluster uses all its workers",
    )  # fmt: skip
    swp.add_argument(
        "--dask", metavar="ADDRESS|local", default=None,
        help="run on Dask: a scheduler address (tcp://host:8786) or 'local' for a LocalCluster",
    )  # fmt: skip
    again = swp.add_mutually_exclusive_group()
    again.add_argument(
        "--resume", action="store_true",
        help="continue earlier results (an error if there are none); a compatible folder is "
        "resumed anyway",
    )  # fmt: skip
    again.add_argument(
        "--force", action="store_true", help="discard earlier results of this experiment"
    )
    swp.add_argument(
        "--samples", type=int, default=None,
        help="override the design's sample size (grid: values per variable) for a quick try",
    )  # fmt: skip
    swp.add_argument("--years", type=int, default=None, help="override the years simulated")
    swp.add_argument(
        "--chunk-size", type=int, default=None,
        help="runs per task sent to a worker (default: about 2 s of work, adapted as it goes)",
    )  # fmt: skip
    swp.add_argument(
        "--out", default="results", help="directory for result folders (default results/)"
    )
    swp.add_argument(
        "--quiet", action="store_true",
        help="log lines instead of a progress bar; print only the result folder",
    )  # fmt: skip
    swp.set_defaults(func=cmd_sweep)

    sen = sub.add_parser(
        "sensitivity",
        help="Sobol S1/ST or Morris mu*/sigma of a finished sweep (SALib)",
        description=(
            "Compute sensitivity indices of every output of a finished Sobol or Morris sweep "
            "with SALib: Sobol' first-order and total indices with 95%% confidence intervals, "
            "or Morris mu* (with its interval) and sigma. With replications, each point's mean "
            "is analysed. Prints the tables and writes sensitivity_sobol.parquet or "
            "sensitivity_morris.parquet into the results folder."
        ),
    )
    sen.add_argument("results", help="a sweep's results folder, e.g. results/sobol_headline")
    sen.add_argument(
        "--output", action="append", help="an output to analyse (repeatable; default: all)"
    )
    sen.add_argument("--quiet", action="store_true", help="print only the written table")
    sen.set_defaults(func=cmd_sensitivity)

    dis = sub.add_parser(
        "discover",
        help="scenario discovery: parameter boxes where an outcome is met (PRIM)",
        description=(
            "Find, with PRIM (EMA Workbench), the box of varied inputs in which the runs of a "
            "finished sweep meet a condition on one outcome (>= threshold, or <= with "
            "--below). Of PRIM's peeling trajectory, the box with the highest coverage among "
            "those with density >= --min-density is shown. Writes discover_<outcome>.parquet."
        ),
    )
    dis.add_argument("results", help="a sweep's results folder, e.g. results/budget_by_lever")
    dis.add_argument("--outcome", required=True, help="an output column of runs.parquet")
    dis.add_argument("--threshold", type=float, required=True, help="the value to reach")
    dis.add_argument("--below", action="store_true", help="the condition is outcome <= threshold")
    dis.add_argument(
        "--min-density", type=float, default=0.8,
        help="share of runs in the box that must meet the condition (default 0.8)",
    )  # fmt: skip
    dis.add_argument("--scenario", help="only the runs of this scenario (several scenarios)")
    dis.add_argument("--quiet", action="store_true", help="print only the written table")
    dis.set_defaults(func=cmd_discover)

    app = sub.add_parser(
        "app",
        help="serve the live dashboard (workshop use; offline, one browser tab = one model)",
        description=(
            "Serve the live dashboard in the browser: pick a scenario, set the budget, step or "
            "play year by year and watch the map of Thailand and the growth and inequality "
            "lines. Every browser tab gets its own model. Works without a network; listens on "
            "127.0.0.1 only unless --host says otherwise."
        ),
    )
    app.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    app.add_argument(
        "--host", default="127.0.0.1",
        help="address to listen on (default 127.0.0.1: this computer only; 0.0.0.0 for the "
        "room's network)",
    )  # fmt: skip
    app.add_argument(
        "--lang", default="en", metavar="{th,en}", help="starting language (default en)"
    )
    app.set_defaults(func=cmd_app)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (CliError, ScenarioError, ParameterError, DataError, EquilibriumError, OSError) as exc:
        print(f"decentra: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
