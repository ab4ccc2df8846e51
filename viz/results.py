"""Readers for result folders: a single run, a scenario comparison or an experiment.

The scenario and experiment code writes these folders; this module reads them by the agreed
schemas only. Optional files that are missing are simply absent from `Results.tables`, so the
report leaves the corresponding section out instead of failing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

KINDS = ("run", "comparison", "experiment")

#: table name → file, for every Parquet file a result folder may hold.
FILES = {
    "model": "model.parquet",
    "provinces": "provinces.parquet",
    "runs": "runs.parquet",
    "comparison": "comparison.parquet",
    "attribution": "attribution.parquet",
    "sobol": "sensitivity_sobol.parquet",
    "morris": "sensitivity_morris.parquet",
}
#: Files without which a folder of that kind cannot be reported.
REQUIRED = {
    "run": ("model", "provinces"),
    "comparison": ("runs", "comparison"),
    "experiment": (),
}


class ResultError(ValueError):
    """A result folder that cannot be read: the message names the path and what is expected."""


@dataclass
class Results:
    """One result folder: its kind, manifest and whichever tables it holds."""

    path: Path
    kind: str
    manifest: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return str(self.manifest.get("run_id") or self.manifest.get("id") or self.path.name)

    def table(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def scenario_names(self, lang: str = "en") -> dict[str, str]:
        """Scenario key → display name in `lang`, from the manifest or comparison.parquet."""
        column = "name_th" if lang == "th" else "name"
        names: dict[str, str] = {}
        comparison = self.tables.get("comparison")
        if comparison is not None and "scenario" in comparison:
            table_col = "name_th" if lang == "th" else "name_en"
            if table_col in comparison:
                for key, name in zip(comparison["scenario"], comparison[table_col], strict=True):
                    if isinstance(name, str) and name:
                        names[str(key)] = name
        for entry in scenario_entries(self.manifest):
            name = entry.get(column) or entry.get("name")
            if entry.get("key") and name:
                names.setdefault(str(entry["key"]), str(name))
        return names


def scenario_entries(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """The manifest's scenario descriptions as a list of dicts (key, name, name_th, …).

    A comparison lists them under "scenarios"; a run may name its scenario by a string (the key)
    or describe it by a dict.
    """
    entries = manifest.get("scenarios")
    if isinstance(entries, list):
        return [e for e in entries if isinstance(e, dict)]
    scenario = manifest.get("scenario")
    if isinstance(scenario, dict):
        return [{"key": scenario.get("key") or scenario.get("name"), **scenario}]
    if isinstance(scenario, str):
        return [{"key": scenario, "name": scenario}]
    return []


def load_results(path: Path | str) -> Results:
    """Read a result folder written by `decentra run`, a comparison or an experiment."""
    folder = Path(path)
    if not folder.is_dir():
        raise ResultError(f"{folder}: no such result folder; expected results/<id>/")
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise ResultError(
            f"{folder}: not a result folder (no manifest.json); expected a folder written by "
            "'decentra run', a scenario comparison or an experiment"
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ResultError(f"{manifest_path}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict):
        raise ResultError(f"{manifest_path}: expected a JSON object")
    kind = manifest.get("kind") or "run"
    if kind not in KINDS:
        raise ResultError(
            f"{manifest_path}: kind {kind!r} is not known; allowed: {', '.join(KINDS)}"
        )
    results = Results(path=folder, kind=kind, manifest=manifest)
    for name, filename in FILES.items():
        file = folder / filename
        if not file.is_file():
            continue
        try:
            results.tables[name] = pd.read_parquet(file)
        except (OSError, ValueError) as exc:
            raise ResultError(f"{file}: cannot be read as Parquet ({exc})") from None
    missing = [FILES[n] for n in REQUIRED[kind] if n not in results.tables]
    if missing:
        raise ResultError(f"{folder}: a {kind} folder needs {', '.join(missing)}; not found")
    return results
