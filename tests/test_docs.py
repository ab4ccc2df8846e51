"""Keep the ODD description (docs/ODD.md) in step with the code.

If a test here fails after a change to the model: regenerate the parameter table with
`python docs/parameter_table.py --write`, then update the text of docs/ODD.md.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from model import DecentraModel, Parameters, load_thailand
from model.economy import Economy

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"
SCRIPT = ROOT / "docs" / "parameter_table.py"

DESIGN_CONCEPTS = (
    "Basic principles",
    "Emergence",
    "Adaptation",
    "Objectives",
    "Learning",
    "Prediction",
    "Sensing",
    "Interaction",
    "Stochasticity",
    "Collectives",
    "Observation",
)
ODD_ELEMENTS = (
    "Purpose and patterns",
    "Entities, state variables and scales",
    "Process overview and scheduling",
    "Design concepts",
    "Initialization",
    "Input data",
    "Submodels",
)


@pytest.fixture(scope="module")
def odd() -> str:
    return ODD.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def table_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_parameter_table", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _headings(text: str) -> list[str]:
    """Heading titles without the leading #'s and section numbers ("4.1 Basic principles")."""
    titles = []
    for line in text.splitlines():
        match = re.match(r"^#{1,6}\s+(?:[\d.]+\s+)?(.*?)\s*$", line)
        if match:
            titles.append(match.group(1))
    return titles


def _outside_table(text: str, script: ModuleType) -> str:
    head, rest = text.split(script.START, 1)
    return head + rest.split(script.END, 1)[1]


def _section(text: str, title: str) -> str:
    """The text from the heading `title` to the next heading of the same or a higher level."""
    lines = text.splitlines()
    for k, line in enumerate(lines):
        match = re.match(r"^(#{1,6})\s+(?:[\d.]+\s+)?(.*?)\s*$", line)
        if match and match.group(2) == title:
            level = len(match.group(1))
            end = len(lines)
            for j in range(k + 1, len(lines)):
                other = re.match(r"^(#{1,6})\s", lines[j])
                if other and len(other.group(1)) <= level:
                    end = j
                    break
            return "\n".join(lines[k:end])
    raise AssertionError(f"docs/ODD.md has no heading {title!r}")


# ---------------------------------------------------------------------- the parameter table
def test_parameter_table_block_equals_generated_table(odd, table_script):
    assert odd.count(table_script.START) == 1, "exactly one parameter-table start marker"
    assert odd.count(table_script.END) == 1, "exactly one parameter-table end marker"
    block = odd.split(table_script.START, 1)[1].split(table_script.END, 1)[0]
    expected = "\n" + table_script.markdown_table() + "\n"
    assert block == expected, (
        "the parameter table in docs/ODD.md is out of date; "
        "run `python docs/parameter_table.py --write`"
    )


def test_generated_table_has_one_row_per_parameter(table_script):
    lines = table_script.markdown_table().splitlines()
    assert lines[:2] == list(table_script.HEADER)
    rows = lines[2:]
    assert [re.match(r"^\| `(\w+)` \|", r).group(1) for r in rows] == Parameters.names()
    n_columns = len(table_script.HEADER[0].split(" | "))
    for row in rows:  # no stray '|' in a cell would shift the columns
        assert len(re.split(r"(?<!\\)\|", row)) == n_columns + 2, row


def test_script_prints_the_table(table_script):
    out = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert (
        out == table_script.markdown_table() + "\n\n" + table_script.markdown_lever_table() + "\n"
    )


def test_lever_table_block_equals_generated_table(odd, table_script):
    assert odd.count(table_script.LEVER_START) == 1 and odd.count(table_script.LEVER_END) == 1
    block = odd.split(table_script.LEVER_START, 1)[1].split(table_script.LEVER_END, 1)[0]
    assert block == "\n" + table_script.markdown_lever_table() + "\n", (
        "the lever table in docs/ODD.md is out of date; "
        "run `python docs/parameter_table.py --write`"
    )


def test_every_lever_and_coefficient_is_described_in_the_text(odd, table_script):
    from model.policies import LEVERS

    text = odd.split(table_script.LEVER_START, 1)[0] + odd.split(table_script.LEVER_END, 1)[1]
    missing = [
        name
        for lever in LEVERS.values()
        for name in (lever.name, *(c.name for c in lever.coefficients))
        if f"`{name}`" not in text
    ]
    assert not missing, f"levers or coefficients not described outside the table: {missing}"


def test_splice_replaces_only_the_block(table_script):
    text = f"before\n{table_script.START}\nold\n{table_script.END}\nafter\n"
    new = table_script.splice(text, "| t |")
    assert new == f"before\n{table_script.START}\n| t |\n{table_script.END}\nafter\n"


def test_format_value(table_script):
    fmt = table_script.format_value
    assert (fmt(5.0), fmt(0.0624), fmt(16_898_086.0), fmt(True), fmt(5)) == (
        "5",
        "0.0624",
        "16,898,086",
        "true",
        "5",
    )


# ---------------------------------------------------------------------- parameter names
def test_every_parameter_name_is_in_the_odd(odd):
    missing = [name for name in Parameters.names() if name not in odd]
    assert not missing, f"parameters missing from docs/ODD.md: {missing}"


def test_every_parameter_is_named_in_the_text_not_only_in_the_table(odd, table_script):
    text = _outside_table(odd, table_script)
    missing = [n for n in Parameters.names() if not re.search(rf"\b{re.escape(n)}\b", text)]
    assert not missing, (
        f"parameters named only in the generated table, not in the text of docs/ODD.md: {missing}"
    )


# ---------------------------------------------------------------------- ODD structure
@pytest.mark.parametrize("part", ["Overview", "Design concepts", "Details"])
def test_odd_has_its_three_parts(odd, part):
    assert part in _headings(odd), f"docs/ODD.md has no heading for the ODD part {part!r}"


@pytest.mark.parametrize("element", ODD_ELEMENTS)
def test_odd_has_the_seven_elements(odd, element):
    assert element in _headings(odd), f"docs/ODD.md has no heading {element!r}"


@pytest.mark.parametrize("concept", DESIGN_CONCEPTS)
def test_all_eleven_design_concepts_are_headings(odd, concept):
    concepts = _section(odd, "Design concepts")
    assert concept in _headings(concepts), f"design concept {concept!r} has no heading"


def test_parts_come_in_odd_order(odd):
    titles = _headings(odd)
    order = [titles.index(t) for t in ("Overview", "Design concepts", "Details", "References")]
    assert order == sorted(order)


# ---------------------------------------------------------------------- references to code
def _resolve(dotted: str) -> object:
    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:k]))
        except ModuleNotFoundError:
            continue
        for attr in parts[k:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(dotted)


def test_code_references_resolve(odd):
    names = sorted(set(re.findall(r"`(model(?:\.[A-Za-z_]\w*)+)", odd)))
    assert len(names) > 20
    broken = []
    for name in names:
        try:
            _resolve(name)
        except (ImportError, AttributeError):
            broken.append(name)
    assert not broken, f"docs/ODD.md names code that does not exist: {broken}"


def test_file_references_exist(odd):
    paths = sorted(set(re.findall(r"`((?:model|docs|tests)/[\w./-]+)`", odd)))
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert not missing, f"docs/ODD.md names files that do not exist: {missing}"


def test_state_variable_code_names_are_economy_attributes(odd):
    table = _section(odd, "State variables of a province")
    rows = [line for line in table.splitlines() if line.startswith("| ")][2:]
    assert len(rows) >= 10
    economy = Economy(load_thailand(), Parameters(), np.random.default_rng(0))
    missing = []
    for row in rows:
        code_cell = row.split(" | ")[1]
        for name in re.findall(r"`(\w+)`", code_cell):
            if not hasattr(economy, name):
                missing.append(name)
    assert not missing, f"state variables in docs/ODD.md that Economy does not have: {missing}"


# ---------------------------------------------------------------------- outputs
@pytest.fixture(scope="module")
def one_year_tables():
    model = DecentraModel(load_thailand(), seed=0)
    return model.model_table(), model.province_panel()


def test_every_model_table_column_is_documented(odd, one_year_tables):
    outputs = _section(odd, "Model table (`DecentraModel.model_table()`, one row per year)")
    documented = set(re.findall(r"`(\w+)`", outputs))
    missing = [c for c in one_year_tables[0].columns if c not in documented]
    assert not missing, f"model-table columns not documented in section 9: {missing}"


def test_every_province_panel_column_is_documented(odd, one_year_tables):
    outputs = _section(
        odd, "Province panel (`DecentraModel.province_panel()`, one row per province and year)"
    )
    documented = set(re.findall(r"`(\w+)`", outputs))
    missing = [c for c in one_year_tables[1].columns if c not in documented]
    assert not missing, f"province-panel columns not documented in section 9: {missing}"


def test_documented_columns_exist(odd, one_year_tables):
    """The reverse: no column in the output tables of section 9 that the code does not make."""
    for title, table in (
        ("Model table (`DecentraModel.model_table()`, one row per year)", one_year_tables[0]),
        (
            "Province panel (`DecentraModel.province_panel()`, one row per province and year)",
            one_year_tables[1],
        ),
    ):
        rows = [line for line in _section(odd, title).splitlines() if line.startswith("| `")]
        documented = {n for row in rows for n in re.findall(r"`(\w+)`", row.split(" | ")[0])}
        extra = sorted(documented - set(table.columns))
        assert not extra, f"{title}: documented columns the code does not produce: {extra}"


def test_documented_channels_are_the_models(odd):
    from model import CHANNELS

    graphs = _section(odd, "Channel graphs")
    documented = re.findall(r"^\| `(\w+)` \|", graphs, flags=re.MULTILINE)
    assert documented == list(CHANNELS)
