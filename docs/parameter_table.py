"""Print the ODD parameter and lever tables (Markdown) from the code's single sources of truth.

The parameter table (`model.parameters.parameter_table()`) sits in `docs/ODD.md` between the
markers `<!-- parameter-table:start -->` and `<!-- parameter-table:end -->`; the lever
coefficient table (`model.policies.lever_table()`) between `<!-- lever-table:start -->` and
`<!-- lever-table:end -->`. Both must equal what this script generates (`tests/test_docs.py`).

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
LEVER_START = "<!-- lever-table:start -->"
LEVER_END = "<!-- lever-table:end -->"
LEVER_HEADER = (
    "| lever | channel | budget spread by | coefficient | default | unit | bounds | meaning "
    "| source |",
    "|---|---|---|---|---|---|---|---|---|",
)
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
    return _markdown(
        HEADER,
        (
            (
                f"`{row['name']}`",
                f"`{row['alias']}`" if row["alias"] else "—",
                row["symbol"],
                *_value_cells(row),
            )
            for row in _rows()
        ),
    )


def _value_cells(row: dict[str, Any]) -> tuple[str, ...]:
    """default, unit, bounds, meaning, source: the columns both tables share."""
    return (
        format_value(row["default"]),
        row["unit"],
        format_bounds(row["bounds"], row["default"]),
        row["doc"],
        row["source"],
    )


def _markdown(header: tuple[str, str], rows: Any) -> str:
    lines = list(header)
    lines += ["| " + " | ".join(_cell(c) for c in cells) + " |" for cells in rows]
    return "\n".join(lines)


def markdown_lever_table() -> str:
    """One row per lever coefficient (`model.policies.lever_table()`), no trailing newline."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from model.policies import lever_table

    return _markdown(
        LEVER_HEADER,
        (
            (
                f"`{row['lever']}`",
                row["channel"],
                row["allocation"],
                f"`{row['coefficient']}`",
                *_value_cells(row),
            )
            for row in lever_table()
        ),
    )


def splice(text: str, table: str, start: str = START, end: str = END) -> str:
    """`text` with the block between the markers replaced by `table`."""
    if start not in text or end not in text:
        raise ValueError(f"markers {start} and {end} not found")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{table}\n{end}{tail}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    table = markdown_table()
    if args == ["--write"]:
        text = splice(ODD_PATH.read_text(encoding="utf-8"), table)
        text = splice(text, markdown_lever_table(), LEVER_START, LEVER_END)
        ODD_PATH.write_text(text, encoding="utf-8")
        print(f"updated the parameter and lever tables in {ODD_PATH}")
        return 0
    if args:
        print("usage: python docs/parameter_table.py [--write]", file=sys.stderr)
        return 2
    print(table)
    print()
    print(markdown_lever_table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
