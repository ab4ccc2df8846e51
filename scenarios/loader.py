"""Read and validate scenario files; build the models they describe.

Every error names the file, the line (where it can be found), the field path (``policy[2].target``,
counting policies from 1 in file order) and what is allowed. Nothing is run or written before a
file has passed.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.economy import BASE_YEAR
from model.geography import Geography, load_thailand
from model.model import DecentraModel, HeadlessModel
from model.parameters import ParameterError, Parameters
from model.policies import LeverError, LeverPolicy, get_lever
from model.targets import TargetError, parse_target

from .schema import CHANNEL_SWITCHES, POLICY_FIELDS, SCENARIO_FIELDS, Field, PolicySpec

SCENARIO_DIR = Path(__file__).resolve().parent


class ScenarioError(ValueError):
    """A scenario file that cannot be used: says where and what is allowed."""

    def __init__(self, path: Path | str | None, line: int | None, field: str, message: str):
        self.path, self.line, self.field, self.message = path, line, field, message
        where = str(path) if path is not None else "<scenario>"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: parameters, channel switches and policies, plus where it came from."""

    name: str
    key: str  # short identifier: the file name without .toml
    name_th: str = ""
    description: str = ""
    years: int = 31
    seed: int = 42
    parameters: tuple[tuple[str, Any], ...] = ()
    channels: tuple[tuple[str, bool], ...] = ()
    policies: tuple[PolicySpec, ...] = ()
    path: str | None = None
    text_sha256: str = ""
    geography: Geography | None = field(default=None, repr=False, compare=False)

    @property
    def last_year(self) -> int:
        return BASE_YEAR + self.years

    def parameter_overrides(self) -> dict[str, Any]:
        """[parameters] and [channels] as keyword overrides of `Parameters`."""
        overrides = dict(self.parameters)
        overrides.update({CHANNEL_SWITCHES[k]: v for k, v in self.channels})
        return overrides

    def model_parameters(self, **extra: Any) -> Parameters:
        return Parameters.defaults().replace(**{**self.parameter_overrides(), **extra})

    def total_budget_mthb(self, years: int | None = None) -> float:
        """MTHB spent by all policies over the run (budget × active years)."""
        last = BASE_YEAR + (years if years is not None else self.years)
        return float(sum(p.budget_mthb * p.active_years(last) for p in self.policies))

    def build_policies(self, geography: Geography | None = None) -> list[LeverPolicy]:
        """Fresh policy objects (they keep per-run state) for one model."""
        geo = geography or self.geography or load_thailand()
        built = []
        for spec in self.policies:
            lever = get_lever(spec.lever)
            built.append(
                LeverPolicy(
                    lever=lever,
                    budget_mthb=spec.budget_mthb,
                    target=parse_target(spec.target, geo),
                    start=spec.start,
                    end=spec.end,
                    coefficients=lever.coefficient_values(dict(spec.effects)),
                    reselect=spec.reselect,
                    label=spec.name,
                )
            )
        return built

    def build_model(
        self,
        seed: int | None = None,
        geography: Geography | None = None,
        *,
        headless: bool = False,
        **overrides: Any,
    ) -> DecentraModel | HeadlessModel:
        """The scenario's model at 2019 (call `step()` `years` times, or use `run`).

        `headless=True` gives a `HeadlessModel`: the same run and tables without Mesa's agents
        and scheduler, for batch work that reads only the tables.
        """
        geo = geography or self.geography or load_thailand()
        return (HeadlessModel if headless else DecentraModel)(
            geo,
            self.model_parameters(**overrides),
            seed=self.seed if seed is None else seed,
            policies=self.build_policies(geo),
        )

    def run(
        self,
        seed: int | None = None,
        years: int | None = None,
        geography: Geography | None = None,
        *,
        headless: bool = False,
        **overrides: Any,
    ) -> DecentraModel | HeadlessModel:
        """Build and run the model for `years` (default: the file's) and return it."""
        model = self.build_model(seed, geography, headless=headless, **overrides)
        for _ in range(self.years if years is None else years):
            model.step()
        return model

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "name_th": self.name_th,
            "description": self.description,
            "years": self.years,
            "seed": self.seed,
            "parameters": dict(self.parameters),
            "channels": dict(self.channels),
            "policies": [p.to_dict() for p in self.policies],
            "file": self.path,
            "file_sha256": self.text_sha256,
            "total_budget_mthb": self.total_budget_mthb(),
        }


def baseline(years: int = 31, seed: int = 42) -> Scenario:
    """The baseline: no policies, default parameters, all channels on."""
    return Scenario(
        name="Baseline",
        key="baseline",
        name_th="กรณีฐาน",
        description="No new policy: the model's baseline.",
        years=years,
        seed=seed,
    )


# ---------------------------------------------------------------------------- locating lines
_HEADER = re.compile(r"^\s*\[(\[)?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def _line_of(text: str, path: str) -> int | None:
    """Best-effort line number of a field path like ``policy[2].effects.crowd_in``."""
    parts = re.findall(r"([A-Za-z0-9_]+)(?:\[(\d+)\])?", path)
    if not parts:
        return None
    lines = text.splitlines()
    # Current table for each line: "" at top level, "parameters", "policy#2", "policy#2.effects".
    tables: list[str] = []
    current, policy_count = "", 0
    header_line: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        m = _HEADER.match(line)
        if m and "=" not in line.split("#")[0].split("]")[0]:
            name = m.group(2).strip()
            if m.group(1) and name == "policy":
                policy_count += 1
                current = f"policy#{policy_count}"
            elif name.startswith("policy.") and policy_count:
                current = f"policy#{policy_count}.{name.split('.', 1)[1]}"
            else:
                current = name
            header_line.setdefault(current, number)
        tables.append(current)

    def find_key(table: str, key: str) -> int | None:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number, (line, t) in enumerate(zip(lines, tables, strict=True), start=1):
            if t == table and pattern.match(line):
                return number
        return None

    table = ""
    for k, (name, index) in enumerate(parts):
        last = k == len(parts) - 1
        if name == "policy" and index:
            table = f"policy#{index}"
            if last:
                return header_line.get(table)
            continue
        if last:
            hit = find_key(table, name)
            if hit is None and table:  # a dotted key or an inline table one level up
                hit = find_key(table.rsplit(".", 1)[0] if "." in table else "", name)
            return (
                hit
                or header_line.get(f"{table}.{name}" if table else name)
                or (header_line.get(table) if table else None)
            )
        sub = f"{table}.{name}" if table else name
        if sub in header_line:
            table = sub
        else:  # inline table `effects = {…}` or dotted key: point at its line
            return find_key(table, name) or header_line.get(table)
    return None


# ---------------------------------------------------------------------------- validation
class _Checker:
    def __init__(self, path: Path | str | None, text: str):
        self.path, self.text = path, text

    def fail(self, field_path: str, message: str) -> ScenarioError:
        return ScenarioError(self.path, _line_of(self.text, field_path), field_path, message)

    def unknown_keys(self, table: Mapping[str, Any], allowed: Mapping[str, Any], prefix: str):
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, list(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.fail(
                    f"{prefix}{key}",
                    f"unknown field{hint}; allowed: {', '.join(allowed)}",
                )

    def value(self, table: Mapping[str, Any], name: str, spec: Field, prefix: str) -> Any:
        where = f"{prefix}{name}"
        if name not in table:
            if spec.required:
                raise self.fail(where, f"missing; this field is required ({spec.describe()})")
            return spec.default
        value = table[name]
        kind = spec.kind
        ok = {
            "text": isinstance(value, str),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
            "table": isinstance(value, dict),
            "array of tables": isinstance(value, list) and all(isinstance(v, dict) for v in value),
            "target": isinstance(value, str) or isinstance(value, list),
        }[kind]
        if not ok:
            raise self.fail(where, f"{value!r} has the wrong type; allowed: {spec.describe()}")
        if spec.allowed is not None and value not in spec.allowed:
            close = difflib.get_close_matches(str(value), list(spec.allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise self.fail(where, f"{value!r} is not allowed{hint}; allowed: {spec.describe()}")
        if spec.bounds is not None:
            low, high = spec.bounds
            if not (low <= value <= high) or value != value:
                raise self.fail(where, f"{value!r} is out of range; allowed: {spec.describe()}")
        if kind == "text" and spec.required and not value.strip():
            raise self.fail(where, "must not be empty")
        return value


def parse_scenario(
    data: Mapping[str, Any],
    *,
    path: Path | str | None = None,
    text: str = "",
    geography: Geography | None = None,
) -> Scenario:
    """Validate a scenario given as a dict (e.g. from the dashboard); see `load_scenario`."""
    check = _Checker(path, text)
    geo = geography or load_thailand()
    check.unknown_keys(data, SCENARIO_FIELDS, "")
    top = {name: check.value(data, name, spec, "") for name, spec in SCENARIO_FIELDS.items()}
    years = top["years"]
    last_year = BASE_YEAR + years

    # [parameters]: every name known, every value valid, and the set valid together (μ < (σ−1)/σ)
    parameters: dict[str, Any] = {}
    for name, value in top["parameters"].items():
        where = f"parameters.{name}"
        try:
            real = Parameters.resolve_name(name)
            if real in CHANNEL_SWITCHES.values():
                raise check.fail(where, "switch channels in the [channels] table instead")
            Parameters().replace(**{real: value})
        except ParameterError as err:
            raise check.fail(where, str(err)) from None
        if isinstance(value, dict | list):
            raise check.fail(where, f"{value!r} must be a single value")
        parameters[real] = value
    channels: dict[str, bool] = {}
    check.unknown_keys(top["channels"], CHANNEL_SWITCHES, "channels.")
    for name, value in top["channels"].items():
        if not isinstance(value, bool):
            raise check.fail(f"channels.{name}", f"{value!r} must be true or false")
        channels[name] = value
    try:
        Parameters().replace(**parameters)
    except ParameterError as err:
        raise check.fail("parameters", str(err)) from None

    policies: list[PolicySpec] = []
    labels: dict[str, int] = {}
    for k, entry in enumerate(top["policy"], start=1):
        prefix = f"policy[{k}]."
        check.unknown_keys(entry, POLICY_FIELDS, prefix)
        values = {
            name: check.value(entry, name, spec, prefix) for name, spec in POLICY_FIELDS.items()
        }
        if values["start"] > values["end"]:
            raise check.fail(
                f"{prefix}end",
                f"end {values['end']} is before start {values['start']}; allowed: end ≥ start",
            )
        if values["start"] > last_year:
            raise check.fail(
                f"{prefix}start",
                f"start {values['start']} is after the last simulated year {last_year} "
                f"(years = {years}); allowed: {BASE_YEAR + 1}–{last_year}",
            )
        lever = get_lever(values["lever"])
        try:
            target = parse_target(values["target"], geo)
        except TargetError as err:
            raise check.fail(f"{prefix}target", str(err)) from None
        if lever.needs_route and target.route is None:
            raise check.fail(
                f"{prefix}target",
                f"{lever.name} needs one ordered route: 'route:<name>' or 'provinces:[a, b, …]' "
                "(at least two provinces)",
            )
        if lever.needs_route and len(target.route or ()) < 2:
            raise check.fail(f"{prefix}target", "a route needs at least two provinces")
        for name, value in values["effects"].items():
            try:
                lever.coefficient_values({name: value})
            except LeverError as err:
                raise check.fail(f"{prefix}effects.{name}", str(err)) from None
        label = values["name"]
        if label:
            if label in labels:
                raise check.fail(
                    f"{prefix}name",
                    f"duplicate policy name {label!r} (also policy[{labels[label]}]); "
                    "allowed: names unique within the file",
                )
            labels[label] = k
        raw_target = values["target"]
        policies.append(
            PolicySpec(
                lever=lever.name,
                budget_mthb=float(values["budget_mthb"]),
                target=tuple(raw_target) if isinstance(raw_target, list) else raw_target,
                start=values["start"],
                end=values["end"],
                reselect=values["reselect"],
                name=label,
                effects=tuple((n, float(v)) for n, v in values["effects"].items()),
            )
        )

    key = Path(path).stem if path is not None else re.sub(r"\W+", "_", top["name"]).lower()
    return Scenario(
        name=top["name"],
        key=key,
        name_th=top["name_th"],
        description=top["description"],
        years=years,
        seed=top["seed"],
        parameters=tuple(parameters.items()),
        channels=tuple(channels.items()),
        policies=tuple(policies),
        path=str(path) if path is not None else None,
        text_sha256=hashlib.sha256(text.encode()).hexdigest() if text else "",
        geography=geography,
    )


def read_toml(path: Path, error: type[ValueError], what: str) -> tuple[dict[str, Any], str]:
    """The parsed TOML and its text; `error(path, line, field, message)` names what is wrong.

    Shared by scenario and experiment files, so both report the same way (TOML's line).
    """
    if path.suffix != ".toml":
        raise error(path, None, "", f"{what} must be a .toml file")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise error(path, None, "", f"cannot read the file ({err.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise error(path, None, "", "the file is not UTF-8 text") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        m = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(m.group(1)) if m else None
        detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        if m:
            detail += f" (column {m.group(2)})"
        raise error(path, line, "", f"not valid TOML: {detail}") from None


def load_scenario(path: Path | str, geography: Geography | None = None) -> Scenario:
    """Read and validate one scenario file; raises `ScenarioError` naming file, line and field."""
    data, text = read_toml(Path(path), ScenarioError, "a scenario file")
    path = Path(path)
    return parse_scenario(data, path=path, text=text, geography=geography)


def shipped_scenarios() -> list[Path]:
    """The scenario files bundled with decentra, baseline first."""
    files = sorted(SCENARIO_DIR.glob("*.toml"))
    return sorted(files, key=lambda p: (p.stem != "baseline", p.stem))
