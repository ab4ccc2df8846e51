"""Print the ODD parameter table (Markdown) from `model.parameters.parameter_table()`.

The table in `docs/ODD.md` sits between the markers `<!-- parameter-table:start -->` and
`<!-- parameter-table:end -->` and must equal `markdown_table()` exactly (`tests/test_docs.py`).

Usage, from the project root::

    python docs/parameter_table.py           # print the table
    python docs/parameter_table.py --write   # replace the block in docs/ODD.md
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ODD_PATH = ROOT / "docs" / "ODD.md"
START = "<!-- parameter-table:start -->"
END = "<!-- parameter-table:end -->"
HEADER = (
    "| name | alias (`--set`) | symbol | default | unit | bounds | meaning | source |",
    "|---|---|---|---|---|---|---|---|",
)


def _rows() -> list[dict[str, Any]]:
    if str(ROOT) not in sys.path:  # run as a script from anywhere
        sys.path.insert(0, str(ROOT))
    from model.parameters import parameter_table

    return parameter_table()


def format_value(value: Any) -> str:
    """A default or a bound as people read it: 5, 0.35, 33,144, 16,898,086, true."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    number = float(value)
    if number.is_integer():
        return f"{number:,.0f}"
    return f"{number:g}"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def format_bounds(bounds: tuple[Any, Any], default: Any) -> str:
    low, high = bounds
    if isinstance(default, bool):
        return "false or true"
    return f"{format_value(low)} to {format_value(high)}"


def markdown_table() -> str:
    """The Markdown table, one row per field of `Parameters`, without a trailing newline."""
    lines = list(HEADER)
    for row in _rows():
        cells = (
            f"`{row['name']}`",
            f"`{row['alias']}`" if row["alias"] else "—",
            row["symbol"],
            format_value(row["default"]),
            row["unit"],
            format_bounds(row["bounds"], row["default"]),
            row["doc"],
            row["source"],
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def splice(text: str, table: str) -> str:
    """`text` with the block between the markers replaced by `table`."""
    if START not in text or END not in text:
        raise ValueError(f"markers {START} and {END} not found")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    table = markdown_table()
    if args == ["--write"]:
        ODD_PATH.write_text(splice(ODD_PATH.read_text(encoding="utf-8"), table), encoding="utf-8")
        print(f"updated the parameter table in {ODD_PATH}")
        return 0
    if args:
        print("usage: python docs/parameter_table.py [--write]", file=sys.stderr)
        return 2
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
