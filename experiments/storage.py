"""Result storage: Parquet tables written atomically, with a provenance manifest.

A result directory holds `model.parquet` (one row per year), `provinces.parquet` (one row per
province and year) and `manifest.json` (what produced them: parameters, seed, code and
package versions, start and end time, status).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pandas as pd

PACKAGES = ("decentra", "mesa", "numpy", "scipy", "pandas", "pyarrow", "networkx")
_REPO = Path(__file__).resolve().parent.parent


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def code_version() -> dict[str, Any]:
    """The git commit of the code (and whether the tree had uncommitted changes)."""
    info: dict[str, Any] = {"package": _package_version("decentra")}
    try:
        commit = subprocess.run(
            ["git", "-C", str(_REPO), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(_REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=5, check=True,
        ).stdout.strip()  # fmt: skip
        info.update(git_commit=commit, git_dirty=bool(dirty))
    except (OSError, subprocess.SubprocessError):
        info.update(git_commit=None, git_dirty=None)
    return info


def _package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def provenance(**extra: Any) -> dict[str, Any]:
    """Code version, package versions and platform, plus whatever the caller adds."""
    return {
        "code_version": code_version(),
        "packages": {name: _package_version(name) for name in PACKAGES},
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        **extra,
    }


def _atomic_write(path: Path, write) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_json(path: Path, data: dict[str, Any]) -> None:
    def write(tmp: Path) -> None:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")

    _atomic_write(path, write)


def write_run(
    out_dir: Path | str,
    national: pd.DataFrame,
    provinces: pd.DataFrame,
    manifest: dict[str, Any],
) -> Path:
    """Write the two tables and the manifest into `out_dir` (created), each file atomically."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _atomic_write(out / "model.parquet", lambda p: national.to_parquet(p, index=False))
    _atomic_write(out / "provinces.parquet", lambda p: provinces.to_parquet(p, index=False))
    write_json(out / "manifest.json", manifest)
    return out
