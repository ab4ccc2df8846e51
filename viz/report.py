"""Self-contained HTML (and optional Excel) report of a result folder, in English or Thai.

The HTML embeds every figure as a base64 PNG and its CSS inline, and links to nothing, so it can
be mailed or opened offline in the workshop room; a Thai report also embeds the Sarabun font so
Thai renders the same on a machine without Thai fonts. The report dispatches on the manifest's
kind (run, comparison, experiment) and leaves out sections whose optional files are missing.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from model import DecentraModel, Parameters
from model.parameters import ParameterError

from . import charts, maps
from .labels import (
    COMPARISON_METRICS,
    METRIC_SCALE,
    SERIES,
    SERIES_SCALE,
    check_lang,
    fmt_interval,
    fmt_number,
    label,
    t,
)
from .results import FILES, ResultError, Results, load_results, scenario_entries
from .style import thai_font_file

_URL = re.compile(r"(?i)\b(?:https?|ftp)://")


class ReportError(ResultError):
    """A result folder that cannot be reported (the message names the path)."""


@dataclass
class FigureSpec:
    """A figure of the report: built only when rendered, so one figure is in memory at a time."""

    slug: str
    caption: str
    build: Callable[[], Figure]


# ------------------------------------------------------------------------------ tables
def key_figures(results: Results, lang: str = "en") -> pd.DataFrame:
    """The headline numbers, as numbers (the HTML formats them, the Excel sheet keeps them)."""
    if results.kind == "run":
        return _run_key_figures(results.tables["model"], lang)
    if results.kind == "comparison":
        return _comparison_key_figures(results, lang)
    return _experiment_key_figures(results, lang)


def _run_key_figures(model: pd.DataFrame, lang: str) -> pd.DataFrame:
    table = model.set_index("year")
    years = charts.default_years(table.index.tolist())
    rows = {}
    for column in SERIES:
        scale = SERIES_SCALE.get(column, 1.0)
        values = {str(y): float(table.loc[y, column]) / scale for y in years}
        if len(years) > 1:
            values[t("change", lang)] = values[str(years[-1])] - values[str(years[0])]
        rows[label(column, lang)] = values
    if len(years) > 1:
        span = years[-1] - years[0]
        growth = (table.loc[years[-1], "gdp_mthb"] / table.loc[years[0], "gdp_mthb"]) ** (1 / span)
        rows[label("gdp_growth_pct", lang)] = {t("change", lang): (growth - 1) * 100}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = t("indicator", lang)
    return frame


def _comparison_key_figures(results: Results, lang: str) -> pd.DataFrame:
    comparison = results.tables["comparison"]
    names = results.scenario_names(lang)
    order = charts.scenario_order(comparison["scenario"].astype(str).tolist())
    table = comparison.set_index(comparison["scenario"].astype(str)).loc[order]
    frame = pd.DataFrame(index=[names.get(k, k) for k in order])
    frame.index.name = t("scenario", lang)
    if "total_budget_mthb" in table:
        frame[t("budget", lang)] = table["total_budget_mthb"].to_numpy()
    for metric in COMPARISON_METRICS:
        if metric in table:
            frame[label(metric, lang)] = table[metric].to_numpy() / METRIC_SCALE.get(metric, 1.0)
    if "on_frontier" in table:
        frame[t("on_frontier", lang)] = table["on_frontier"].astype(bool).to_numpy()
    return frame


def _experiment_key_figures(results: Results, lang: str) -> pd.DataFrame:
    frames = []
    sobol = results.tables.get("sobol")
    if sobol is not None:
        frames.append(sobol.set_index(["output", "parameter"])[["S1", "S1_conf", "ST", "ST_conf"]])
    morris = results.tables.get("morris")
    if morris is not None:
        frames.append(
            morris.set_index(["output", "parameter"])[["mu_star", "mu_star_conf", "sigma"]]
        )
    if not frames:
        return pd.DataFrame()
    frame = pd.concat(frames, axis=1).reset_index()
    frame["output"] = [label(o, lang) for o in frame["output"]]
    return frame.rename(
        columns={"output": t("output_col", lang), "parameter": t("parameter", lang)}
    )


def changed_parameters(parameters: dict[str, Any] | None, lang: str = "en") -> pd.DataFrame | None:
    """Parameters whose value differs from the default (None when none were recorded)."""
    if not isinstance(parameters, dict):
        return None
    defaults = Parameters().to_dict()
    fields = {f.name: f for f in dataclasses.fields(Parameters)}
    rows = []
    for name, value in parameters.items():
        if name not in defaults:
            rows.append((name, "", "", None, value))
            continue
        default = defaults[name]
        same = value == default or (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and np.isclose(float(value), float(default), rtol=1e-12, atol=0.0)
        )
        if not same:
            meta = fields[name].metadata
            rows.append((name, meta["symbol"], meta["unit"], default, value))
    return pd.DataFrame(
        rows,
        columns=[t(c, lang) for c in ("parameter", "symbol", "unit", "default", "value")],
    )


def _scenario_table(results: Results, lang: str) -> pd.DataFrame | None:
    entries = scenario_entries(results.manifest)
    if not entries:
        return None
    names = results.scenario_names(lang)
    rows = []
    for entry in entries:
        key = str(entry.get("key") or "")
        description = entry.get(f"description_{lang}") or entry.get("description") or ""
        budget = entry.get("total_budget_mthb")
        rows.append((key, names.get(key, key), description, budget))
    frame = pd.DataFrame(
        rows, columns=["key", t("name", lang), t("description", lang), t("budget", lang)]
    )
    if frame[t("budget", lang)].isna().all():
        frame = frame.drop(columns=t("budget", lang))
    return frame


# ------------------------------------------------------------------------------ figures
def report_figures(results: Results, lang: str = "en") -> list[FigureSpec]:
    """The report's figures for this kind of result, in reading order (built lazily)."""
    check_lang(lang)
    if results.kind == "run":
        return _run_figures(results, lang)
    if results.kind == "comparison":
        return _comparison_figures(results, lang)
    return _experiment_figures(results, lang)


def _map_specs(provinces: pd.DataFrame, lang: str, scenario: str | None = None) -> list[FigureSpec]:
    panel = maps._panel(provinces, scenario)
    years = sorted(panel["year"].unique())
    first, last = int(years[0]), int(years[-1])
    specs = []
    for variable in maps.MAP_VARIABLES:
        if first == last and variable != "gpp_per_capita" and variable != "poverty":
            continue  # a change needs two years
        specs.append(
            FigureSpec(
                f"map_{variable}",
                maps.map_title(variable, last, first, lang),
                lambda v=variable: maps.province_map(panel, v, lang=lang),
            )
        )
    return specs


def _run_figures(results: Results, lang: str) -> list[FigureSpec]:
    model, provinces = results.tables["model"], results.tables["provinces"]
    names = results.scenario_names(lang)
    specs = [
        FigureSpec(
            "time_series",
            t("time_series_title", lang),
            lambda: charts.time_series(model, names=names or None, lang=lang),
        ),
        *_map_specs(provinces, lang),
        FigureSpec(
            "lorenz", t("lorenz_title", lang), lambda: charts.lorenz_curves(provinces, lang=lang)
        ),
    ]
    rebuilt = reproduce(results.manifest.get("parameters"), results.manifest.get("seed"), model)
    if rebuilt is not None:
        specs.append(
            FigureSpec(
                "channel_networks",
                f"{t('networks_title', lang, year=rebuilt.year)}. {t('networks_caption', lang)}",
                lambda: maps.channel_networks(rebuilt, lang=lang),
            )
        )
    return specs


def _comparison_figures(results: Results, lang: str) -> list[FigureSpec]:
    runs, comparison = results.tables["runs"], results.tables["comparison"]
    names = results.scenario_names(lang)
    specs = [
        FigureSpec(
            "time_series",
            t("time_series_title", lang),
            lambda: charts.time_series(runs, names=names, lang=lang),
        ),
        FigureSpec(
            "growth_inequality_plane",
            t("plane_title", lang),
            lambda: charts.growth_inequality_plane(comparison, names=names, lang=lang),
        ),
    ]
    attribution = results.tables.get("attribution")
    if attribution is not None and len(attribution):
        specs.append(
            FigureSpec(
                "attribution",
                t("attribution_title", lang),
                lambda: charts.channel_attribution(attribution, names=names, lang=lang),
            )
        )
    provinces = results.tables.get("provinces")
    if provinces is not None and "scenario" in provinces:
        keys = charts.scenario_order(provinces["scenario"].astype(str).tolist())
        baseline = "baseline" if "baseline" in keys else keys[0]
        for key in keys:
            if key == baseline:
                continue
            specs.append(
                FigureSpec(
                    f"difference_{key}",
                    t("diff_title", lang, scenario=names.get(key, key)),
                    lambda k=key: maps.difference_map(
                        provinces, k, baseline=baseline, scenario_name=names.get(k, k), lang=lang
                    ),
                )
            )
        specs.extend(_map_specs(provinces, lang, baseline))
        specs.append(
            FigureSpec(
                "lorenz",
                t("lorenz_title", lang),
                lambda: charts.lorenz_curves(provinces, scenario=baseline, lang=lang),
            )
        )
    baseline_runs = runs[runs["scenario"] == "baseline"] if "scenario" in runs else runs
    if len(baseline_runs) and "seed" in baseline_runs:
        first = baseline_runs[baseline_runs["replication"] == baseline_runs["replication"].min()]
        seed = first["seed"].iloc[0]
        rebuilt = reproduce(results.manifest.get("parameters"), seed, first)
        if rebuilt is not None:
            specs.append(
                FigureSpec(
                    "channel_networks",
                    f"{t('networks_title', lang, year=rebuilt.year)} ({t('baseline', lang)}). "
                    f"{t('networks_caption', lang)}",
                    lambda: maps.channel_networks(rebuilt, lang=lang),
                )
            )
    return specs


def _experiment_figures(results: Results, lang: str) -> list[FigureSpec]:
    specs = []
    sobol, morris = results.tables.get("sobol"), results.tables.get("morris")
    if sobol is not None and len(sobol):
        specs.append(
            FigureSpec(
                "sobol", t("sobol_title", lang), lambda: charts.sobol_indices(sobol, lang=lang)
            )
        )
    if morris is not None and len(morris):
        specs.append(
            FigureSpec(
                "morris",
                t("morris_title", lang),
                lambda: charts.morris_screening(morris, lang=lang),
            )
        )
    return specs


def reproduce(
    parameters: dict[str, Any] | None, seed: Any, expected: pd.DataFrame
) -> DecentraModel | None:
    """Re-run a baseline from its recorded parameters and seed, if it reproduces the table.

    Result folders do not store the channel flow matrices; a baseline run takes well under a
    second, so the report re-simulates it and draws the networks only when the national GDP
    series matches the stored one exactly (a run with policies will not, and is left out).
    """
    if not isinstance(parameters, dict) or seed is None or "gdp_mthb" not in expected:
        return None
    try:
        params = Parameters().replace(**parameters)
        model = DecentraModel(parameters=params, seed=int(seed))
        years = sorted(int(y) for y in expected["year"])
        for _ in range(years[-1] - model.year):
            model.step()
    except (ParameterError, ValueError, TypeError, ArithmeticError):
        return None
    table = model.model_table()
    stored = expected.sort_values("year")["gdp_mthb"].to_numpy()
    if len(table) != len(stored) or not np.allclose(table["gdp_mthb"], stored, rtol=1e-9):
        return None
    return model


def figure_png(fig: Figure, dpi: int = 110) -> bytes:
    """PNG bytes without the 'Software' text chunk (it holds a URL; the report has none)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def save_figures(
    result_dir: Path | str, out_dir: Path | str, lang: str = "en", dpi: int = 110
) -> list[Path]:
    """Render the report's figures to PNG files in `out_dir` (for checking them by eye)."""
    results = _load(result_dir)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for spec in report_figures(results, lang):
        path = out / f"{spec.slug}_{lang}.png"
        path.write_bytes(figure_png(spec.build(), dpi))
        paths.append(path)
    return paths


# ------------------------------------------------------------------------------ HTML
_CSS = """
body{font-family:%(font)s;max-width:1100px;margin:2em auto;padding:0 1.2em;color:#222;
line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid
#ccc;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #ddd;padding:.3em .6em;text-align:right;vertical-align:top}
th{background:#f3f3f3}td.text,th.text{text-align:left}
figure{margin:1.2em 0}figure img{max-width:100%%;height:auto;border:1px solid #eee}
figcaption{font-size:.9em;color:#555}
pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:.8em;white-space:pre-wrap}
.muted{color:#666}
"""


def _font_face() -> str:
    """@font-face rules embedding Sarabun (data: URIs are part of the file, not links)."""
    rules = []
    regular = thai_font_file()
    for path, weight in ((regular, 400), (regular.with_name("Sarabun-Bold.ttf"), 700)):
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        rules.append(
            f"@font-face{{font-family:'Sarabun';font-weight:{weight};"
            f"src:url(data:font/ttf;base64,{data}) format('truetype')}}"
        )
    return "\n".join(rules)


def _text(value: Any) -> str:
    """Escaped text from the data, with any URL scheme removed (the report links to nothing)."""
    return html.escape(_URL.sub("", str(value)))


def _cell(value: Any, lang: str) -> tuple[str, bool]:
    if isinstance(value, bool | np.bool_):
        return t("yes" if value else "no", lang), False
    if isinstance(value, int | np.integer):
        return fmt_number(float(value), 0), False
    if isinstance(value, float | np.floating):
        if np.isnan(value):
            return "–", False
        magnitude = abs(float(value))
        digits = 0 if magnitude >= 1000 else 2 if magnitude >= 1 else 4
        return fmt_number(float(value), digits), False
    if value is None:
        return "–", True
    return _text(value), True


def _table_html(frame: pd.DataFrame, lang: str, *, index: bool = True) -> str:
    head = []
    if index:
        head.append(f'<th class="text">{_text(frame.index.name or "")}</th>')
    head.extend(f"<th>{_text(c)}</th>" for c in frame.columns)
    rows = []
    for key, row in frame.iterrows():
        cells = [f'<th class="text">{_text(key)}</th>'] if index else []
        for value in row.tolist():
            text, is_text = _cell(value, lang)
            cells.append(f'<td class="text">{text}</td>' if is_text else f"<td>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _comparison_table_html(results: Results, lang: str) -> str:
    """Scenario × metric table with each value's 95% interval over replications."""
    comparison = results.tables["comparison"]
    names = results.scenario_names(lang)
    order = charts.scenario_order(comparison["scenario"].astype(str).tolist())
    table = comparison.set_index(comparison["scenario"].astype(str)).loc[order]
    metrics = [m for m in COMPARISON_METRICS if m in table]
    head = [t("scenario", lang), t("budget", lang), *(label(m, lang) for m in metrics)]
    if "on_frontier" in table:
        head.append(t("on_frontier", lang))
    rows = []
    for key, row in table.iterrows():
        cells = [f'<th class="text">{_text(names.get(key, key))}</th>']
        cells.append(f"<td>{fmt_number(row.get('total_budget_mthb'), 0)}</td>")
        for m in metrics:
            scale = METRIC_SCALE.get(m, 1.0)
            digits = 1 if scale > 1 else 2 if m.endswith("_pct") else 4
            value = row[m] / scale
            if f"{m}_lo" in row and f"{m}_hi" in row:
                text = fmt_interval(value, row[f"{m}_lo"] / scale, row[f"{m}_hi"] / scale, digits)
            else:
                text = fmt_number(value, digits, signed=True)
            per = row.get(f"{m}_per_1000mthb")
            if per is not None and not pd.isna(per):
                text += (
                    f'<br><span class="muted">{fmt_number(per / scale, digits, signed=True)} '
                    f"{t('per_1000', lang)}</span>"
                )
            cells.append(f"<td>{text}</td>")
        if "on_frontier" in table:
            cells.append(f"<td>{t('yes' if bool(row['on_frontier']) else 'no', lang)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    header = "".join(f"<th>{_text(h)}</th>" for h in head)
    note = f'<p class="muted">{_text(t("interval", lang))}: [ , ]</p>'
    return f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>{note}"


def _parameters_html(results: Results, lang: str) -> str:
    parts = []
    manifest = results.manifest
    problem = manifest.get("problem")
    if isinstance(problem, dict) and problem.get("names"):
        defaults = Parameters().to_dict()
        bounds = problem.get("bounds") or [None] * len(problem["names"])
        frame = pd.DataFrame(
            {
                t("parameter", lang): [charts.parameter_label(n) for n in problem["names"]],
                t("default", lang): [defaults.get(n) for n in problem["names"]],
                t("bounds", lang): [
                    f"{fmt_number(b[0], 4)} – {fmt_number(b[1], 4)}" if b else "–" for b in bounds
                ],
            }
        )
        parts.append(f"<h3>{_text(t('parameters_varied', lang))}</h3>")
        parts.append(_table_html(frame, lang, index=False))
    changed = changed_parameters(manifest.get("parameters"), lang)
    if changed is None:
        parts.append(f"<p>{_text(t('parameters_unknown', lang))}</p>")
    elif changed.empty:
        parts.append(f"<p>{_text(t('parameters_none', lang))}</p>")
    else:
        parts.append(_table_html(changed, lang, index=False))
    names = results.scenario_names(lang)
    for entry in scenario_entries(manifest):
        overrides = entry.get("parameters") or entry.get("overrides")
        if isinstance(overrides, dict) and overrides:
            full = {**Parameters().to_dict(), **overrides}
            frame = changed_parameters(full, lang)
            if frame is not None and not frame.empty:
                key = str(entry.get("key"))
                parts.append(f"<h3>{_text(names.get(key, key))}</h3>")
                parts.append(_table_html(frame, lang, index=False))
    return "\n".join(parts)


def _header_html(results: Results, lang: str) -> tuple[str, str]:
    title = t(f"report_{results.kind}", lang, id=results.id)
    manifest = results.manifest
    facts = []
    if manifest.get("status"):
        facts.append(f"{t('status', lang)}: {manifest['status']}")
    if manifest.get("seed") is not None:
        facts.append(f"{t('seed', lang)}: {manifest['seed']}")
    if manifest.get("replications"):
        facts.append(f"{t('replications', lang)}: {manifest['replications']}")
    runs = results.tables.get("runs")
    if results.kind == "experiment" and runs is not None:
        facts.append(f"{t('runs', lang)}: {len(runs)}")
    intro = f"<p>{_text(t('report_intro', lang))}</p>"
    description = manifest.get(f"description_{lang}") or manifest.get("description")
    if description:
        intro += f"<p>{_text(description)}</p>"
    if results.kind == "run":
        for entry in scenario_entries(manifest):
            text = entry.get(f"description_{lang}") or entry.get("description")
            name = results.scenario_names(lang).get(str(entry.get("key")), entry.get("key"))
            if name and name != "baseline":
                intro += f"<p><b>{_text(name)}</b>{': ' + _text(text) if text else ''}</p>"
    if facts:
        intro += f'<p class="muted">{_text(" · ".join(facts))}</p>'
    return title, intro


def render_html(results: Results, lang: str = "en", dpi: int = 110) -> str:
    """The whole report as one HTML string (figures rendered one at a time)."""
    check_lang(lang)
    title, intro = _header_html(results, lang)
    body = [f"<h1>{_text(title)}</h1>", intro]
    scenarios = _scenario_table(results, lang) if results.kind == "comparison" else None
    if scenarios is not None:
        body += [
            f"<h2>{_text(t('scenarios', lang))}</h2>",
            _table_html(scenarios, lang, index=False),
        ]
    body.append(f"<h2>{_text(t('key_figures', lang))}</h2>")
    if results.kind == "comparison":
        body.append(_comparison_table_html(results, lang))
    else:
        figures = key_figures(results, lang)
        body.append(_table_html(figures, lang, index=results.kind == "run") if len(figures) else "")
    specs = report_figures(results, lang)
    if specs:
        body.append(f"<h2>{_text(t('figures', lang))}</h2>")
    for spec in specs:
        data = base64.b64encode(figure_png(spec.build(), dpi)).decode("ascii")
        caption = _text(spec.caption)
        body.append(
            f'<figure id="{spec.slug}"><img src="data:image/png;base64,{data}" alt="{caption}">'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    if results.kind == "run" and "parameters" in results.manifest:
        rebuilt = any(s.slug == "channel_networks" for s in specs)
        if not rebuilt:
            body.append(f'<p class="muted">{_text(t("not_reproduced", lang))}</p>')
    body.append(f"<h2>{_text(t('parameters_changed', lang))}</h2>")
    body.append(_parameters_html(results, lang))
    body.append(f"<h2>{_text(t('provenance', lang))}</h2>")
    manifest = json.dumps(results.manifest, indent=2, ensure_ascii=False, default=str)
    body.append(f"<pre>{_text(manifest)}</pre>")
    font = (
        "'Sarabun','Noto Sans Thai',sans-serif"
        if lang == "th"
        else "'DejaVu Sans',Arial,sans-serif"
    )
    style = (_font_face() + "\n" if lang == "th" else "") + _CSS % {"font": font}
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_text(title)}</title>\n<style>\n{style}\n</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
    return _URL.sub("", page)


# ------------------------------------------------------------------------------ Excel
def _flatten(prefix: str, value: Any) -> Iterable[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(f"{prefix}.{key}" if prefix else str(key), item)
    elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        for k, item in enumerate(value):
            yield from _flatten(f"{prefix}[{k}]", item)
    else:
        yield (
            prefix,
            json.dumps(value, ensure_ascii=False, default=str)
            if isinstance(value, list)
            else str(value),
        )


def write_excel(results: Results, path: Path, lang: str = "en") -> Path:
    """One sheet per table: key figures, scenarios, changed parameters, every Parquet table as
    stored (same columns and numbers), and the manifest as key/value rows."""
    sheets: dict[str, pd.DataFrame] = {}
    figures = key_figures(results, lang)
    if len(figures):
        sheets["key_figures"] = figures if results.kind == "experiment" else figures.reset_index()
    scenarios = _scenario_table(results, lang)
    if scenarios is not None:
        sheets["scenarios"] = scenarios
    changed = changed_parameters(results.manifest.get("parameters"), lang)
    if changed is not None:
        sheets["parameters_changed"] = changed
    for name in FILES:
        if name in results.tables:
            sheets[name] = results.tables[name]
    sheets["manifest"] = pd.DataFrame(
        list(_flatten("", results.manifest)), columns=["key", "value"]
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return path


# ------------------------------------------------------------------------------ entry point
def _load(result_dir: Path | str) -> Results:
    try:
        return load_results(result_dir)
    except ReportError:
        raise
    except ResultError as exc:
        raise ReportError(str(exc)) from None


def write_report(
    result_dir: Path | str, lang: str = "en", excel: bool = False, *, dpi: int = 110
) -> Path:
    """Write report_<lang>.html (and report_<lang>.xlsx with `excel`) into the result folder.

    Returns the HTML path. Raises `ReportError` naming the folder if it cannot be read.
    """
    if lang not in ("en", "th"):
        raise ReportError(f"language {lang!r} is not supported; allowed: en, th")
    results = _load(result_dir)
    page = render_html(results, lang, dpi)
    out = results.path / f"report_{lang}.html"
    out.write_text(page, encoding="utf-8")
    if excel:
        write_excel(results, results.path / f"report_{lang}.xlsx", lang)
    return out
