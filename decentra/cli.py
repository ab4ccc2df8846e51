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
    DecentraModel,
    EquilibriumError,
    ParameterError,
    Parameters,
)

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


def cmd_run(args: argparse.Namespace) -> int:
    if args.years < 0:
        raise CliError(f"--years must be ≥ 0, got {args.years}")
    overrides = _parse_set(args.set or [])
    parameters = Parameters().replace(**overrides)
    started = now_iso()
    run_id = args.run_id or (
        f"baseline-seed{args.seed}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}"
    )
    out_dir = Path(args.out) / run_id
    model = DecentraModel(parameters=parameters, seed=args.seed)
    error: str | None = None
    try:
        for _ in range(args.years):
            model.step()
    except EquilibriumError as exc:  # keep the years already simulated
        error = str(exc)
    national, provinces = model.model_table(), model.province_panel()
    manifest = provenance(
        run_id=run_id,
        kind="run",
        scenario="baseline",
        seed=args.seed,
        years_requested=args.years,
        first_year=BASE_YEAR,
        last_year=int(national["year"].iloc[-1]),
        parameters=parameters.to_dict(),
        overrides=overrides,
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="decentra",
        description="Simulate spreading growth out of Bangkok across Thailand's 77 provinces.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run the baseline from 2019 and write results/<run-id>/",
        description=(
            "Run the model from the 2019 data (calibrated exactly) for --years years, print a "
            "yearly summary (GDP, growth, Gini, Williamson CV, Bangkok-and-Vicinity share, "
            "poverty) and write model.parquet, provinces.parquet and manifest.json."
        ),
    )
    run.add_argument(
        "--years", type=int, default=31, help="years simulated after 2019 (default 31: to 2050)"
    )
    run.add_argument(
        "--seed", type=int, default=42, help="seed of the model's random generator (default 42)"
    )
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
    run.add_argument("--run-id", help="name of the result folder (default baseline-seed<S>-<time>)")
    run.add_argument(
        "--quiet", action="store_true", help="print only the result folder, no yearly summary"
    )
    run.set_defaults(func=cmd_run)
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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (CliError, ParameterError, DataError, EquilibriumError, OSError) as exc:
        print(f"decentra: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
