"""Experiment files (`experiments/*.toml`): one schema, validated like scenario files.

An experiment says which scenario(s) to start from, what to vary and how (the design), how often
(replications), what to keep (outputs) and the master seed. Every error names the file, the
line, the field path (``vary."policy[1].budget_mthb".high``) and what is allowed; nothing is
run or written before a file has passed. The format, in short::

    name = "Budget size × lever"            # required
    description = "…"                      # optional
    scenario = "balanced_mix"              # "baseline", a shipped key, a path, or a [scenario]
    years = 31                             # optional: default the scenario's
    seed = 20250601                        # master seed of designs and runs (required)
    replications = 5                       # runs per design point (default 1)
    common_seeds = true                    # replication r uses one seed at every point
    [design]
    method = "sobol"                       # grid | lhs | sobol (Saltelli) | morris
    samples = 512                          # lhs points, Sobol base N (2^k), Morris trajectories
    [vary]                                 # what changes between runs
    sigma = { low = 3, high = 8 }          # a model parameter (name or alias): a range
    "local_development_fund.crowd_in" = { low = 0, high = 2 }   # a lever coefficient
    "policy[1].budget_mthb" = [5000, 20000, 50000]              # a policy field: a list
    [fixed]                                # optional: set once for every run
    shocks = false
    [outputs]
    metrics = ["gdp_end_mthb", "gini_end"] # default: every summary metric
    series = ["gdp_mthb"]                  # yearly series of the model table (default none)
    effects = true                         # paired effects vs the no-policy baseline, same seed

Instead of a scenario, ``model = "package.module:function"`` runs a plain Python function
``f(values: dict, seed: int) -> dict[str, float]`` through the same pipeline (used to check it
on test functions with known answers, e.g. `experiments.reference:ishigami`).
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import importlib
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from model.economy import BASE_YEAR
from model.geography import load_thailand
from model.parameters import ParameterError, Parameters
from model.policies import BUDGET_MAX_MTHB, LEVERS, LeverError, get_lever
from model.targets import TargetError, parse_target
from scenarios import Scenario, ScenarioError, baseline, load_scenario, parse_scenario
from scenarios.loader import SCENARIO_DIR, read_toml
from scenarios.schema import MAX_YEARS, Field

EXPERIMENT_DIR = Path(__file__).resolve().parent
METHODS = ("grid", "lhs", "sobol", "morris")
SCALES = ("linear", "log")
POLICY_VARIABLES = ("budget_mthb", "lever")
MAX_REPLICATIONS = 10_000
MAX_SAMPLES = 10_000_000

#: Summary metrics kept for every run by default: name → what it is. "end" is the last simulated
#: year (2050 for the usual 31 years; the manifest says which).
SUMMARY_METRICS: dict[str, str] = {
    "gdp_end_mthb": "GDP in the last year, MTHB at 2019 prices",
    "growth_pct_per_year": "mean GDP growth from 2019 to the last year, % a year (compound)",
    "gini_end": "population-weighted Gini of GPP per capita across provinces, last year",
    "gini_change": "change of that Gini from 2019 to the last year",
    "williamson_end": "Williamson's population-weighted CV of GPP per capita, last year",
    "bv_share_end": "Bangkok-and-Vicinity share of GDP, last year",
    "poverty_2035_pct": "national poverty headcount in 2035, % of persons (NaN if not reached)",
    "poverty_end_pct": "national poverty headcount in the last year, % of persons",
}


class ExperimentError(ValueError):
    """An experiment file that cannot be used: says where and what is allowed."""

    def __init__(self, path: Path | str | None, line: int | None, field: str, message: str):
        self.path, self.line, self.field, self.message = path, line, field, message
        where = str(path) if path is not None else "<experiment>"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


# ---------------------------------------------------------------------------- the schema
EXPERIMENT_FIELDS: dict[str, Field] = {
    "name": Field("text", "experiment name shown in tables and figures", required=True),
    "description": Field("text", "what the experiment is for", default=""),
    "scenario": Field(
        "scenario", "the scenario to start from: 'baseline', a shipped key, a path or a table"
    ),
    "scenarios": Field("list", "several scenarios: the design is run under each"),
    "model": Field("text", "instead of a scenario: a Python function 'module:function'"),
    "years": Field(
        "integer", "years simulated after 2019 (default: the scenario's)", bounds=(1, MAX_YEARS)
    ),
    "seed": Field(
        "integer", "master seed of the design and the runs", required=True, bounds=(0, 2**63 - 1)
    ),
    "replications": Field(
        "integer", "runs per design point", default=1, bounds=(1, MAX_REPLICATIONS)
    ),
    "common_seeds": Field(
        "boolean",
        "true: replication r has the same seed at every point (common random numbers)",
        default=False,
    ),
    "design": Field("table", "the design: method, samples, …", required=True),
    "vary": Field("table", "the variables and their ranges or values", required=True),
    "fixed": Field("table", "values set once for every run", default={}),
    "outputs": Field("table", "what to keep: metrics, series, effects", default={}),
}

DESIGN_FIELDS: dict[str, Field] = {
    "method": Field("text", "the design", required=True, allowed=METHODS),
    "samples": Field(
        "integer",
        "LHS points, Sobol base sample N (a power of 2), Morris trajectories; grid: at most "
        "this many values of each variable",
        bounds=(1, MAX_SAMPLES),
    ),
    "levels": Field(
        "integer", "Morris grid levels (even), or grid levels of each range", bounds=(2, 1000)
    ),
    "second_order": Field("boolean", "Sobol: also second-order indices", default=False),
}

OUTPUT_FIELDS: dict[str, Field] = {
    "metrics": Field("list", "summary metrics per run (default: all)"),
    "series": Field("list", "yearly series (columns of the model table), default none"),
    "effects": Field(
        "boolean", "paired effects vs the same scenario without policies, same seed", default=False
    ),
}

RANGE_FIELDS = ("low", "high", "scale", "levels")


# ---------------------------------------------------------------------------- the objects
@dataclass(frozen=True)
class Variable:
    """One thing that varies between runs: a model parameter, a lever coefficient, a policy
    field (`policy[k].budget_mthb`, `policy[k].lever`), or a free input of a Python model."""

    name: str  # as written in the file (the column name in the results)
    kind: str  # "parameter" | "coefficient" | "policy" | "input"
    target: str  # parameter name | "<lever>.<coefficient>" | "policy[k].<field>" | name
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None  # a list of values instead of a range
    scale: str = "linear"
    integer: bool = False
    levels: int | None = None  # grid levels of a range
    lever: str | None = None
    coefficient: str | None = None
    policy: int | None = None  # 1-based
    policy_field: str | None = None

    @property
    def discrete(self) -> bool:
        return self.values is not None

    def salib_bounds(self) -> list[float]:
        """The variable's interval in SALib's sample space (list index, log or plain value)."""
        if self.values is not None:
            return [0.0, float(len(self.values))]
        assert self.low is not None and self.high is not None
        if self.scale == "log":
            return [math.log(self.low), math.log(self.high)]
        return [float(self.low), float(self.high)]

    def value_at(self, x: float) -> Any:
        """The run's value for a point `x` of the sample space (inverse of `salib_bounds`)."""
        if self.values is not None:
            return self.values[min(max(math.floor(x), 0), len(self.values) - 1)]
        assert self.low is not None and self.high is not None
        value = math.exp(x) if self.scale == "log" else float(x)
        value = min(max(value, self.low), self.high)  # sample arithmetic can overshoot by 1 ulp
        return round(value) if self.integer else value

    def grid_values(self, levels: int) -> tuple[Any, ...]:
        """Values of a full-factorial grid: the list, or `levels` points spanning the range."""
        if self.values is not None:
            return self.values
        assert self.low is not None and self.high is not None
        n = self.levels or levels
        lo, hi = self.salib_bounds()
        points = [lo + (hi - lo) * k / (n - 1) for k in range(n)] if n > 1 else [lo]
        out = [self.value_at(x) for x in points]
        return tuple(dict.fromkeys(out))  # integers may collapse

    def describe(self) -> dict[str, Any]:
        d = {"name": self.name, "kind": self.kind, "target": self.target}
        if self.values is not None:
            d["values"] = list(self.values)
        else:
            d.update(low=self.low, high=self.high, scale=self.scale)
            if self.levels:
                d["levels"] = self.levels
        return d


@dataclass(frozen=True)
class Design:
    """How points are drawn: method, sample size and method options."""

    method: str
    samples: int | None = None
    levels: int | None = None
    second_order: bool = False


@dataclass(frozen=True)
class Outputs:
    """What each run keeps."""

    metrics: tuple[str, ...]
    series: tuple[str, ...] = ()
    effects: bool = False


@dataclass(frozen=True)
class Experiment:
    """A validated experiment file, ready to design and run."""

    name: str
    key: str  # results/<key>/: the file name without .toml
    description: str
    scenarios: tuple[Scenario, ...]
    variables: tuple[Variable, ...]
    design: Design
    outputs: Outputs
    seed: int
    replications: int = 1
    common_seeds: bool = False
    years: int = 31
    fixed: tuple[tuple[str, Any], ...] = ()  # model-parameter overrides for every run
    model: str | None = None  # "module:function" instead of the decentra model
    path: str | None = None
    text: str = ""
    overrides: tuple[tuple[str, int], ...] = ()  # --samples / --years given on the command line

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def end_year(self) -> int:
        return BASE_YEAR + self.years

    def identity(self) -> str:
        """Hash of everything that decides the runs: a results folder belongs to one identity."""
        payload = {
            "text": self.text,
            "scenarios": [s.text_sha256 or s.key for s in self.scenarios],
            "overrides": dict(self.overrides),
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def problem(self) -> dict[str, Any]:
        """SALib's problem dictionary: one entry per variable, in file order."""
        return {
            "num_vars": len(self.variables),
            "names": [v.name for v in self.variables],
            "bounds": [v.salib_bounds() for v in self.variables],
        }

    def with_overrides(self, samples: int | None = None, years: int | None = None) -> Experiment:
        """The same experiment with `--samples` / `--years` from the command line (validated)."""
        if samples is None and years is None:
            return self
        where = self.path
        design, horizon = self.design, self.years
        extra = dict(self.overrides)
        if samples is not None:
            _check_samples(design.method, samples, where, "--samples", None)
            design = dataclasses.replace(design, samples=samples)
            extra["samples"] = samples
        if years is not None:
            if self.model is not None:
                raise ExperimentError(where, None, "--years", "a Python model has no years")
            if not 1 <= years <= MAX_YEARS:
                raise ExperimentError(
                    where, None, "--years", f"{years} is out of range; allowed: 1 to {MAX_YEARS}"
                )
            horizon = years
            extra["years"] = years
        return dataclasses.replace(
            self, design=design, years=horizon, overrides=tuple(extra.items())
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "key": self.key,
            "description": self.description,
            "file": self.path,
            "file_sha256": self.text_sha256,
            "identity": self.identity(),
            "overrides": dict(self.overrides),
            "model": self.model or "decentra",
            "scenarios": [s.to_dict() for s in self.scenarios],
            "fixed": dict(self.fixed),
            "variables": [v.describe() for v in self.variables],
            "design": dataclasses.asdict(self.design),
            "replications": self.replications,
            "common_seeds": self.common_seeds,
            "master_seed": self.seed,
            "years": self.years if self.model is None else None,
            "end_year": self.end_year if self.model is None else None,
            "outputs": {
                "metrics": {m: SUMMARY_METRICS.get(m, "") for m in self.outputs.metrics},
                "series": list(self.outputs.series),
                "effects": self.outputs.effects,
            },
        }


# ---------------------------------------------------------------------------- applying values
def apply_policy_values(scenario: Scenario, values: Mapping[Variable, Any]) -> Scenario:
    """The scenario with policy fields and lever coefficients set (model parameters are not
    part of a scenario's policies: pass them as overrides to `Scenario.run`)."""
    policies = list(scenario.policies)
    for var, value in values.items():
        if var.kind == "policy":
            k = (var.policy or 1) - 1
            spec = policies[k]
            if var.policy_field == "lever" and value != spec.lever:
                spec = dataclasses.replace(spec, lever=value, effects=())  # new lever's defaults
            elif var.policy_field == "budget_mthb":
                spec = dataclasses.replace(spec, budget_mthb=float(value))
            policies[k] = spec
    for var, value in values.items():
        if var.kind == "coefficient":
            for k, spec in enumerate(policies):
                if spec.lever == var.lever:
                    effects = {**dict(spec.effects), var.coefficient: float(value)}
                    policies[k] = dataclasses.replace(spec, effects=tuple(effects.items()))
    return dataclasses.replace(scenario, policies=tuple(policies))


def model_overrides(values: Mapping[Variable, Any]) -> dict[str, Any]:
    """Model-parameter values as keyword overrides of `Parameters`."""
    return {v.target: value for v, value in values.items() if v.kind == "parameter"}


# ---------------------------------------------------------------------------- locating lines
_BARE = re.compile(r"^[A-Za-z0-9_-]+$")
_TOKEN = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'([^']*)'|([A-Za-z0-9_-]+)")


def show_path(path: tuple[str | int, ...]) -> str:
    """A field path as text: ``scenario.policy[2].target``, ``vary."policy[1].lever"``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if _BARE.match(part) else json.dumps(part, ensure_ascii=False)
            out += f".{text}" if out else text
    return out


def _key_parts(text: str) -> tuple[str, ...]:
    """The parts of a (dotted, possibly quoted) TOML key."""
    return tuple(m.group(1) or m.group(2) or m.group(3) or "" for m in _TOKEN.finditer(text))


def _key_text(line: str) -> str | None:
    """The key of a `key = value` line (None when the line has no top-level `=`)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return None
        elif ch == "=":
            return line[:i].strip() or None
    return None


def _line_index(text: str) -> dict[tuple[str | int, ...], int]:
    """Line of every table header and key in a TOML text (first occurrence)."""
    index: dict[tuple[str | int, ...], int] = {}
    counts: dict[tuple[str, ...], int] = {}
    table: tuple[str | int, ...] = ()
    in_string = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
            was = in_string
            in_string = not in_string
            if was:
                continue
        elif in_string:
            continue
        stripped = line.strip()
        if stripped.startswith("[["):
            parts = _key_parts(stripped[2 : stripped.find("]]")])
            counts[parts] = counts.get(parts, 0) + 1
            table = (*parts, counts[parts])
            index.setdefault(table, number)
            index.setdefault(parts, number)
            continue
        if stripped.startswith("["):
            parts = _key_parts(stripped[1 : stripped.find("]")])
            resolved: list[str | int] = []
            for k in range(len(parts)):  # [scenario.policy.effects] → inside the last [[…]]
                resolved.append(parts[k])
                if parts[: k + 1] in counts:
                    resolved.append(counts[parts[: k + 1]])
            table = tuple(resolved)
            index.setdefault(table, number)
            continue
        key = _key_text(line)
        if key:
            index.setdefault((*table, *_key_parts(key)), number)
    return index


def _locate(text: str, path: tuple[str | int, ...]) -> int | None:
    """Line of the longest prefix of `path` that the text has (a key or a table header)."""
    if not text:
        return None
    index = _line_index(text)
    for n in range(len(path), 0, -1):
        if path[:n] in index:
            return index[path[:n]]
    return None


def _parse_field(field_text: str) -> tuple[str | int, ...]:
    """``policy[2].effects.crowd_in`` → ("policy", 2, "effects", "crowd_in")."""
    out: list[str | int] = []
    for name, index in re.findall(r"([A-Za-z0-9_]+)(?:\[(\d+)\])?", field_text):
        out.append(name)
        if index:
            out.append(int(index))
    return tuple(out)


# ---------------------------------------------------------------------------- validation
class _Checker:
    def __init__(self, path: Path | str | None, text: str):
        self.path, self.text = path, text

    def fail(self, path: tuple[str | int, ...], message: str) -> ExperimentError:
        return ExperimentError(self.path, _locate(self.text, path), show_path(path), message)

    def unknown_keys(
        self, table: Mapping[str, Any], allowed: Mapping[str, Any] | tuple[str, ...], at: tuple
    ) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, list(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.fail((*at, key), f"unknown field{hint}; allowed: {', '.join(allowed)}")

    def value(self, table: Mapping[str, Any], name: str, spec: Field, at: tuple) -> Any:
        where = (*at, name)
        if name not in table:
            if spec.required:
                raise self.fail(where, f"missing; this field is required ({_describe(spec)})")
            return spec.default
        value = table[name]
        ok = {
            "text": isinstance(value, str),
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "boolean": isinstance(value, bool),
            "table": isinstance(value, dict),
            "list": isinstance(value, list),
            "scenario": isinstance(value, str | dict),
        }[spec.kind]
        if not ok:
            raise self.fail(where, f"{value!r} has the wrong type; allowed: {_describe(spec)}")
        if spec.allowed is not None and value not in spec.allowed:
            close = difflib.get_close_matches(str(value), list(spec.allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise self.fail(where, f"{value!r} is not allowed{hint}; allowed: {_describe(spec)}")
        if spec.bounds is not None and not (spec.bounds[0] <= value <= spec.bounds[1]):
            raise self.fail(where, f"{value!r} is out of range; allowed: {_describe(spec)}")
        if spec.kind == "text" and spec.required and not value.strip():
            raise self.fail(where, "must not be empty")
        return value


def _describe(spec: Field) -> str:
    if spec.kind == "scenario":
        return "'baseline', a shipped scenario key, a path to a .toml file, or a [scenario] table"
    if spec.kind == "list":
        return "a list [ … ]"
    return spec.describe()


def _check_samples(method: str, samples: int, path: Any, where: str, line: int | None) -> None:
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ExperimentError(path, line, where, f"{samples!r} must be a whole number ≥ 1")
    if method == "sobol" and samples & (samples - 1):
        lower = 1 << (samples.bit_length() - 1)
        raise ExperimentError(
            path, line, where,
            f"{samples} is not a power of 2; Sobol' sequences need N = 2^k "
            f"(e.g. {lower} or {lower * 2})",
        )  # fmt: skip
    if method == "morris" and samples < 2:
        raise ExperimentError(path, line, where, "Morris needs at least 2 trajectories")


def shipped_scenario_keys() -> list[str]:
    return [
        "baseline",
        *sorted(p.stem for p in SCENARIO_DIR.glob("*.toml") if p.stem != "baseline"),
    ]


def _resolve_scenario(check: _Checker, ref: Any, at: tuple, base_dir: Path | None) -> Scenario:
    """A scenario named in the file: 'baseline', a shipped key, a path, or an inline table."""
    if isinstance(ref, dict):
        try:
            return parse_scenario(ref)
        except ScenarioError as err:
            inner = _parse_field(err.field)
            raise check.fail((*at, *inner), err.message) from None
    if not isinstance(ref, str) or not ref.strip():
        raise check.fail(
            at, f"{ref!r} is not a scenario; allowed: {_describe(Field('scenario', ''))}"
        )
    if ref == "baseline":
        return baseline()
    candidates: list[Path] = []
    p = Path(ref)
    if p.suffix == ".toml":
        if p.is_absolute():
            candidates.append(p)
        else:
            if base_dir is not None:
                candidates.append(base_dir / p)
            candidates.append(Path.cwd() / p)
    else:
        candidates.append(SCENARIO_DIR / f"{ref}.toml")
    for candidate in candidates:
        if candidate.is_file():
            return load_scenario(candidate)  # its own errors name its own file and line
    keys = shipped_scenario_keys()
    close = difflib.get_close_matches(ref, keys, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise check.fail(
        at,
        f"{ref!r} is neither a shipped scenario nor an existing .toml file{hint}; allowed: "
        f"{', '.join(keys)}, or a path to a scenario file",
    )


def _flatten_vary(table: Mapping[str, Any], at: tuple) -> list[tuple[str, tuple, Any]]:
    """(name, path in the file, spec) for every entry; `lever.coef = …` written as a bare dotted
    key arrives as a nested table and is flattened back to "lever.coef"."""
    out = []
    for key, value in table.items():
        if key in LEVERS and isinstance(value, dict) and not set(value) & set(RANGE_FIELDS):
            for sub, spec in value.items():
                out.append((f"{key}.{sub}", (*at, key, sub), spec))
        else:
            out.append((key, (*at, key), value))
    return out


@dataclass
class _Target:
    kind: str
    target: str
    bounds: tuple[float, float] | None
    integer: bool = False
    boolean: bool = False
    lever: str | None = None
    coefficient: str | None = None
    policy: int | None = None
    policy_field: str | None = None
    categorical: tuple[str, ...] | None = None  # allowed text values (lever names)


VARIABLE_FORMS = (
    "a model parameter by name or alias (docs/ODD.md)",
    "'<lever>.<coefficient>'",
    "'policy[k].budget_mthb'",
    "'policy[k].lever'",
)


def _target_of(
    check: _Checker, name: str, where: tuple, scenarios: tuple[Scenario, ...]
) -> _Target:
    """What a variable name refers to, checked against the parameters, levers and policies."""
    m = re.fullmatch(r"policy\[(\d+)\]\.(\w+)", name)
    if m:
        k, fname = int(m.group(1)), m.group(2)
        if fname not in POLICY_VARIABLES:
            close = difflib.get_close_matches(fname, POLICY_VARIABLES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise check.fail(
                where, f"policy field {fname!r} cannot be varied{hint}; allowed: "
                + ", ".join(f"policy[k].{f}" for f in POLICY_VARIABLES)
            )  # fmt: skip
        for s in scenarios:
            if not 1 <= k <= len(s.policies):
                have = f"policy[1] … policy[{len(s.policies)}]" if s.policies else "no policies"
                raise check.fail(
                    where, f"scenario {s.key!r} has {len(s.policies)} policies; allowed: {have}"
                )
        if fname == "lever":
            return _Target("policy", name, None, policy=k, policy_field="lever",
                           categorical=tuple(LEVERS))  # fmt: skip
        return _Target("policy", name, (0.0, BUDGET_MAX_MTHB), policy=k, policy_field=fname)
    if "." in name:
        lever_name, _, coef = name.partition(".")
        if lever_name not in LEVERS:
            close = difflib.get_close_matches(lever_name, list(LEVERS), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise check.fail(
                where, f"unknown lever {lever_name!r}{hint}; allowed: {', '.join(LEVERS)}"
            )
        lever = LEVERS[lever_name]
        known = {c.name: c for c in lever.coefficients}
        if coef not in known:
            close = difflib.get_close_matches(coef, list(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise check.fail(
                where,
                f"lever {lever_name!r} has no coefficient {coef!r}{hint}; allowed: "
                + ", ".join(f"{lever_name}.{c}" for c in known),
            )
        return _Target("coefficient", name, known[coef].bounds, lever=lever_name, coefficient=coef)
    try:
        real = Parameters.resolve_name(name)
    except ParameterError:
        names = [f.name for f in dataclasses.fields(Parameters)]
        aliases = [
            f.metadata["alias"] for f in dataclasses.fields(Parameters) if f.metadata["alias"]
        ]
        close = difflib.get_close_matches(name, names + aliases, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise check.fail(
            where, f"unknown variable {name!r}{hint}; allowed: " + ", ".join(VARIABLE_FORMS)
        ) from None
    f = {f.name: f for f in dataclasses.fields(Parameters)}[real]
    boolean = f.type in ("bool", bool)
    return _Target(
        "parameter", real, None if boolean else f.metadata["bounds"],
        integer=f.metadata["integer"], boolean=boolean,
    )  # fmt: skip


def _check_value(check: _Checker, t: _Target, value: Any, where: tuple, name: str) -> Any:
    """One value of a variable: type and bounds, with the model's own messages."""
    if t.categorical is not None:
        if not isinstance(value, str) or value not in t.categorical:
            close = difflib.get_close_matches(str(value), list(t.categorical), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise check.fail(
                where, f"{value!r} is not a lever{hint}; allowed: {', '.join(t.categorical)}"
            )
        return value
    if t.boolean:
        if not isinstance(value, bool):
            raise check.fail(where, f"{value!r} must be true or false ({name} is a switch)")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise check.fail(where, f"{value!r} must be a number")
    if t.integer and float(value) != int(value):
        raise check.fail(where, f"{value!r} must be a whole number ({name} counts years)")
    assert t.bounds is not None
    low, high = t.bounds
    if not low <= value <= high:
        raise check.fail(where, f"{value!r} is out of bounds; allowed: {low:g} ≤ {name} ≤ {high:g}")
    return int(value) if t.integer else value


def _variable(
    check: _Checker, name: str, where: tuple, spec: Any, scenarios: tuple[Scenario, ...],
    free: bool,
) -> Variable:  # fmt: skip
    t = (
        _Target("input", name, (-math.inf, math.inf))
        if free
        else _target_of(check, name, where, scenarios)
    )
    label = t.target if t.kind == "parameter" else name
    if isinstance(spec, list):
        if not spec:
            raise check.fail(where, "an empty list; allowed: a list of at least one value")
        values = tuple(_check_value(check, t, v, where, label) for v in spec)
        if len(set(values)) != len(values):
            raise check.fail(where, f"{list(spec)!r} repeats a value; allowed: distinct values")
        return Variable(name, t.kind, t.target, values=values, integer=t.integer,
                        lever=t.lever, coefficient=t.coefficient, policy=t.policy,
                        policy_field=t.policy_field)  # fmt: skip
    if not isinstance(spec, dict):
        raise check.fail(
            where,
            f"{spec!r} is neither a range nor a list; allowed: {{ low = …, high = … }} "
            "or a list of values [ … ]",
        )
    if t.boolean or t.categorical is not None:
        raise check.fail(where, f"{name} takes a list of values, not a range")
    check.unknown_keys(spec, RANGE_FIELDS, where)
    for key in ("low", "high"):
        if key not in spec:
            raise check.fail((*where, key), "missing; a range needs low and high")
    low = _check_value(check, t, spec["low"], (*where, "low"), label)
    high = _check_value(check, t, spec["high"], (*where, "high"), label)
    if not low < high:
        raise check.fail((*where, "high"), f"high {high!r} must be above low {low!r}")
    scale = spec.get("scale", "linear")
    if scale not in SCALES:
        raise check.fail(
            (*where, "scale"), f"{scale!r} is not allowed; allowed: {', '.join(SCALES)}"
        )
    if scale == "log" and low <= 0:
        raise check.fail((*where, "low"), f"a log scale needs low > 0, got {low!r}")
    levels = spec.get("levels")
    if levels is not None and (
        isinstance(levels, bool) or not isinstance(levels, int) or levels < 2
    ):
        raise check.fail((*where, "levels"), f"{levels!r} must be a whole number ≥ 2")
    return Variable(name, t.kind, t.target, low=float(low), high=float(high), scale=scale,
                    integer=t.integer, levels=levels, lever=t.lever, coefficient=t.coefficient,
                    policy=t.policy, policy_field=t.policy_field)  # fmt: skip


def _check_policy_variables(
    check: _Checker, variables: list[Variable], wheres: dict[str, tuple], scenarios
) -> None:
    """Lever coefficients must reach some policy; swapped levers must fit their targets."""
    levers_possible: set[str] = set()
    for s in scenarios:
        levers_possible |= {p.lever for p in s.policies}
        for v in variables:
            if v.kind == "policy" and v.policy_field == "lever":
                spec = s.policies[(v.policy or 1) - 1]
                levers_possible |= set(v.values or ())
                target = parse_target(spec.target, s.geography or load_thailand())
                for lever_name in v.values or ():
                    lever = get_lever(lever_name)
                    if lever.needs_route and target.route is None:
                        raise check.fail(
                            wheres[v.name],
                            f"{lever_name!r} needs one ordered route but policy[{v.policy}] of "
                            f"{s.key!r} targets {spec.target!r}; allowed: levers without a route",
                        )
    for v in variables:
        if v.kind == "coefficient" and v.lever not in levers_possible:
            there = ", ".join(sorted(levers_possible)) or "none"
            which = f"scenario {scenarios[0].key!r}" if len(scenarios) == 1 else "the scenarios"
            raise check.fail(
                wheres[v.name],
                f"no policy of {which} uses lever {v.lever!r}, so the coefficient would "
                f"change nothing; levers there: {there}",
            )


def _check_sigma_mu(check: _Checker, variables, fixed: dict[str, Any], scenarios) -> None:
    """The one joint constraint of `Parameters` (μ < (σ−1)/σ) at the worst corner of the ranges."""
    by_target = {v.target: v for v in variables if v.kind == "parameter"}
    for s in scenarios:
        worst = {**s.parameter_overrides(), **fixed}
        for name, pick in (("elasticity_substitution", min), ("modern_share", max)):
            v = by_target.get(name)
            if v is not None:
                worst[name] = (
                    pick(v.values) if v.values is not None else (v.low if pick is min else v.high)
                )
        try:
            Parameters().replace(**worst)
        except ParameterError as err:
            names = [v.name for n, v in by_target.items()
                     if n in ("elasticity_substitution", "modern_share")]  # fmt: skip
            at = ("vary", names[0]) if names else ("fixed",)
            raise check.fail(at, f"some runs would be invalid: {err}") from None


def _check_model_function(check: _Checker, ref: str) -> Callable[..., Any]:
    module, sep, func = ref.partition(":")
    if not sep or not module or not func:
        raise check.fail(("model",), f"{ref!r}: allowed: 'package.module:function'")
    try:
        return getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError) as err:
        raise check.fail(("model",), f"{ref!r} cannot be imported ({err})") from None


@cache
def series_columns() -> tuple[str, ...]:
    """Columns of the model table that can be kept as yearly series."""
    from model import HeadlessModel

    return tuple(c for c in HeadlessModel(seed=0).model_table().columns if c != "year")


def parse_experiment(
    data: Mapping[str, Any], *, path: Path | str | None = None, text: str = ""
) -> Experiment:
    """Validate an experiment given as a dict; see `load_experiment`."""
    check = _Checker(path, text)
    check.unknown_keys(data, EXPERIMENT_FIELDS, ())
    top = {name: check.value(data, name, spec, ()) for name, spec in EXPERIMENT_FIELDS.items()}
    base_dir = Path(path).resolve().parent if path is not None else None

    # --- what is run: scenario(s) or a Python function
    given = [k for k in ("scenario", "scenarios", "model") if k in data]
    if len(given) != 1:
        raise check.fail(
            (given[1],) if len(given) > 1 else (),
            "give exactly one of scenario, scenarios or model"
            + (f" (found {', '.join(given)})" if given else ""),
        )
    model_ref: str | None = top["model"]
    scenarios: tuple[Scenario, ...] = ()
    if model_ref is not None:
        _check_model_function(check, model_ref)
    elif top["scenario"] is not None:
        scenarios = (_resolve_scenario(check, top["scenario"], ("scenario",), base_dir),)
    else:
        refs = top["scenarios"]
        if not refs:
            raise check.fail(("scenarios",), "an empty list; allowed: one or more scenarios")
        scenarios = tuple(_resolve_scenario(check, ref, ("scenarios",), base_dir) for ref in refs)
        keys = [s.key for s in scenarios]
        dup = next((k for k in keys if keys.count(k) > 1), None)
        if dup:
            raise check.fail(("scenarios",), f"scenario {dup!r} is listed twice")
    if model_ref is None:
        horizons = {s.years for s in scenarios}
        if top["years"] is None and len(horizons) > 1:
            raise check.fail(
                ("scenarios",), f"the scenarios run for different years {sorted(horizons)}; "
                "set years = … in the experiment"
            )  # fmt: skip
        years = top["years"] if top["years"] is not None else scenarios[0].years
    else:
        if top["years"] is not None:
            raise check.fail(("years",), "a Python model has no years; remove this field")
        years = 0

    # --- design
    check.unknown_keys(top["design"], DESIGN_FIELDS, ("design",))
    d = {k: check.value(top["design"], k, s, ("design",)) for k, s in DESIGN_FIELDS.items()}
    method = d["method"]
    if method in ("lhs", "sobol", "morris") and d["samples"] is None:
        raise check.fail(("design", "samples"), f"missing; the {method} design needs a sample size")
    if d["samples"] is not None:
        _check_samples(method, d["samples"], path, show_path(("design", "samples")),
                       _locate(text, ("design", "samples")))  # fmt: skip
    if d["levels"] is not None and method == "morris" and d["levels"] % 2:
        raise check.fail(("design", "levels"), f"{d['levels']} is odd; Morris needs an even number")
    if d["levels"] is not None and method not in ("morris", "grid"):
        raise check.fail(
            ("design", "levels"), f"levels is for morris and grid designs, not {method}"
        )
    if d["second_order"] and method != "sobol":
        raise check.fail(("design", "second_order"), "second_order is for sobol designs")
    levels = d["levels"] or (4 if method == "morris" else None)
    design = Design(method, d["samples"], levels, d["second_order"])

    # --- variables
    free = model_ref is not None
    variables: list[Variable] = []
    wheres: dict[str, tuple] = {}
    targets_seen: dict[str, str] = {}
    entries = _flatten_vary(top["vary"], ("vary",))
    if not entries:
        raise check.fail(("vary",), "nothing to vary; allowed: " + ", ".join(VARIABLE_FORMS))
    for name, where, spec in entries:
        v = _variable(check, name, where, spec, scenarios, free)
        if v.target in targets_seen:
            raise check.fail(where, f"{v.target} is already varied as {targets_seen[v.target]!r}")
        targets_seen[v.target] = name
        if method == "grid" and not v.discrete and not (v.levels or levels or d["samples"]):
            raise check.fail(
                where, "a grid needs the levels of a range: add levels = k here or in [design], "
                "or give a list of values"
            )  # fmt: skip
        variables.append(v)
        wheres[name] = where
    if method == "sobol" and len(variables) < 2:
        raise check.fail(("vary",), "a Sobol analysis needs at least two variables")

    # --- fixed values
    fixed: dict[str, Any] = {}
    fixed_policy: dict[Variable, Any] = {}
    for name, where, value in _flatten_vary(top["fixed"], ("fixed",)):
        if free:
            raise check.fail(where, "a Python model takes only varied inputs")
        t = _target_of(check, name, where, scenarios)
        if t.target in targets_seen:
            raise check.fail(where, f"{name} is also varied in [vary]; keep one")
        value = _check_value(check, t, value, where, t.target if t.kind == "parameter" else name)
        if t.kind == "parameter":
            fixed[t.target] = value
        else:
            fixed_policy[Variable(name, t.kind, t.target, values=(value,), lever=t.lever,
                                  coefficient=t.coefficient, policy=t.policy,
                                  policy_field=t.policy_field)] = value  # fmt: skip
    if fixed_policy:
        scenarios = tuple(apply_policy_values(s, fixed_policy) for s in scenarios)
    if not free:
        _check_policy_variables(check, variables, wheres, scenarios)
        _check_sigma_mu(check, variables, fixed, scenarios)
        for s in scenarios:
            try:
                Parameters().replace(**{**s.parameter_overrides(), **fixed})
            except ParameterError as err:
                raise check.fail(("fixed",), str(err)) from None

    # --- outputs
    outputs_table = top["outputs"]
    check.unknown_keys(outputs_table, OUTPUT_FIELDS, ("outputs",))
    o = {k: check.value(outputs_table, k, s, ("outputs",)) for k, s in OUTPUT_FIELDS.items()}
    if free:
        if o["series"] or o["effects"]:
            key = "series" if o["series"] else "effects"
            raise check.fail(("outputs", key), "a Python model returns summary values only")
        metrics = tuple(o["metrics"] or ())
        for m in metrics:
            if not isinstance(m, str):
                raise check.fail(("outputs", "metrics"), f"{m!r} must be text")
    else:
        metrics = tuple(o["metrics"]) if o["metrics"] is not None else tuple(SUMMARY_METRICS)
        _check_names(check, metrics, tuple(SUMMARY_METRICS), ("outputs", "metrics"), "metric")
        series = tuple(o["series"] or ())
        if series:
            _check_names(check, series, series_columns(), ("outputs", "series"), "series")
        if (
            o["effects"]
            and not any(s.policies for s in scenarios)
            and not any(v.kind == "policy" for v in variables)
        ):
            raise check.fail(
                ("outputs", "effects"),
                "the scenario has no policies, so every effect would be zero; allowed: false",
            )
    if not free and not metrics and not o["effects"]:
        raise check.fail(("outputs", "metrics"), "keep at least one metric or set effects = true")
    outputs = Outputs(metrics, tuple(o["series"] or ()) if not free else (), bool(o["effects"]))

    key = Path(path).stem if path is not None else re.sub(r"\W+", "_", top["name"]).lower()
    return Experiment(
        name=top["name"],
        key=key,
        description=top["description"],
        scenarios=scenarios,
        variables=tuple(variables),
        design=design,
        outputs=outputs,
        seed=top["seed"],
        replications=top["replications"],
        common_seeds=top["common_seeds"],
        years=years,
        fixed=tuple(fixed.items()),
        model=model_ref,
        path=str(path) if path is not None else None,
        text=text,
    )


def _check_names(
    check: _Checker, names: tuple, allowed: tuple[str, ...], at: tuple, noun: str
) -> None:
    seen = set()
    for name in names:
        if not isinstance(name, str) or name not in allowed:
            close = difflib.get_close_matches(str(name), list(allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise check.fail(at, f"unknown {noun} {name!r}{hint}; allowed: {', '.join(allowed)}")
        if name in seen:
            raise check.fail(at, f"{name!r} is listed twice")
        seen.add(name)


def load_experiment(path: Path | str) -> Experiment:
    """Read and validate one experiment file; raises `ExperimentError` naming file, line, field."""
    path = Path(path)
    data, text = read_toml(path, ExperimentError, "an experiment file")
    try:
        return parse_experiment(data, path=path, text=text)
    except (LeverError, TargetError) as err:  # a safety net: should be caught above
        raise ExperimentError(path, None, "", str(err)) from None


def shipped_experiments() -> list[Path]:
    """The experiment files bundled with decentra."""
    return sorted(EXPERIMENT_DIR.glob("*.toml"))


__all__ = [
    "METHODS",
    "SUMMARY_METRICS",
    "Design",
    "Experiment",
    "ExperimentError",
    "Outputs",
    "Variable",
    "apply_policy_values",
    "load_experiment",
    "model_overrides",
    "parse_experiment",
    "shipped_experiments",
]
