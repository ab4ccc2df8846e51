"""Step 8: yearly snapshots into the model table and the province panel (spec §10).

Each year's `YearRecord` is kept as-is (NumPy arrays, no copies); the pandas tables are built
once, on request, with the inequality metrics of `model.metrics`.

The tables are assembled block by block (`_frame`): `pd.DataFrame(dict)` infers and
consolidates every column on its own, which cost about 0.3 ms a table, a fifth of what a run
with all outputs spends beyond the bare core (benchmarks/bench_model.py). The model table's
float columns come from one compiled call (`_national_rows`): 0.48 → 0.21 ms a 32-year table.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray
from pandas.api.internals import create_dataframe_from_blocks

from . import metrics
from .economy import YearRecord
from .geography import Geography
from .government import MIX_NAMES
from .jit import kernel


def region_slug(name: str) -> str:
    return name.lower().replace(" ", "_")


#: Model-table columns that are national totals of a record's province array.
_NATIONAL_TOTALS = {
    "transfers_mthb": "transfers",
    "remittances_mthb": "remittances_sent",
    "pooled_finance_mthb": "pooled_out",
    "investment_mthb": "investment",
    "migrants": "arrivals",
}


@functools.lru_cache(maxsize=64)
def _column_index(names: tuple[str, ...]) -> pd.Index:
    """The column labels as a pandas Index, made once per set of names (immutable, shared)."""
    return pd.Index(names)


def _frame(
    columns: dict[str | tuple[str, ...], np.ndarray | ExtensionArray], rows: int
) -> pd.DataFrame:
    """A DataFrame of `columns`, in order: one block for each NumPy dtype, one per extension
    array (pandas' block constructor, pandas.api.internals).

    A name maps to a 1-D column of `rows` values, copied into its block, so the frame shares
    no memory with the records or with cached labels. A tuple of names maps to a 2-D array of
    shape (len(names), rows), one row per column, which becomes a block as it is: the caller
    hands it over (the panel fills one in place, which saves copying every column twice).
    """
    names: list[str] = []
    by_dtype: dict[np.dtype, tuple[list[np.ndarray], list[int]]] = {}
    blocks: list[tuple[np.ndarray | ExtensionArray, np.ndarray]] = []
    for key, column in columns.items():
        if isinstance(key, tuple):
            if column.shape != (len(key), rows):
                raise ValueError(f"columns {key} have shape {column.shape}, not {(len(key), rows)}")
            blocks.append((column, np.arange(len(names), len(names) + len(key))))
            names.extend(key)
            continue
        if column.shape != (rows,):
            raise ValueError(f"column {key!r} has shape {column.shape}, not ({rows},)")
        if isinstance(column, np.ndarray):
            same = by_dtype.setdefault(column.dtype, ([], []))
            same[0].append(column)
            same[1].append(len(names))
        else:
            blocks.append((column.copy(), np.array([len(names)])))
        names.append(key)
    for arrays, where in by_dtype.values():
        blocks.append((np.stack(arrays), np.array(where)))
    return create_dataframe_from_blocks(
        blocks, index=pd.RangeIndex(rows), columns=_column_index(tuple(names))
    )


#: Record fields the model table reads, gathered in one pass: GPP, population, headcount, then
#: the province arrays whose national totals are columns (`_NATIONAL_TOTALS`).
_TABLE_FIELDS = ("gpp", "population", "poverty_headcount", *_NATIONAL_TOTALS.values())


@functools.lru_cache(maxsize=16)
def _table_layout(geo: Geography) -> tuple[np.ndarray, int, tuple[str, ...]]:
    """Per geography: the 0-based group of each province's region among the regions that have
    provinces (as `metrics.inequality_rows` numbers them), the number of such regions (each
    has a poverty column) and the model table's float columns in order."""
    present = np.unique(geo.region)
    group = np.searchsorted(present, geo.region).astype(np.int64)
    names = (
        "gdp_mthb", "gdp_growth_pct", "gdp_per_capita_thb", "population",
        *("sigma_log_gpp_per_capita" if n == "sigma_log" else n for n in metrics.INEQUALITY_ROWS),
        "bv_share_gdp", "bv_share_population", "poverty_pct",
        *(f"poverty_pct_{region_slug(geo.region_names[g])}" for g in present),
        "tax_rate", "fiscal_cost_mthb", *_NATIONAL_TOTALS,
    )  # fmt: skip
    return group, len(present), names


def national_columns(records: list[YearRecord], geo: Geography) -> dict[str, np.ndarray]:
    """The model table's float columns for `records`, as NumPy arrays (no DataFrame): for code
    that wants a few numbers of a few years, such as a sweep's summary metrics. Growth is
    between consecutive records, as given."""
    return dict(zip(*_national(records, geo), strict=True))


def _national(records: list[YearRecord], geo: Geography) -> tuple[tuple[str, ...], np.ndarray]:
    """The model table's float column names and their values, one row each."""
    t = len(records)
    fields = np.concatenate([getattr(r, attr) for attr in _TABLE_FIELDS for r in records]).reshape(
        len(_TABLE_FIELDS), t, geo.n
    )
    group, n_groups, names = _table_layout(geo)
    ok, rows = _national_rows(
        fields,
        np.array([r.tax_rate for r in records], dtype=float),
        np.array([r.policy_spending for r in records], dtype=float),
        group,
        n_groups,
        geo.bangkok_vicinity,
    )
    if not ok:  # the checks of metrics.inequality_rows failed: it says which, readably
        with np.errstate(divide="ignore", invalid="ignore"):
            per_capita = fields[0] / fields[1] * 1e6
        metrics.inequality_rows(per_capita, fields[1], geo.region)
        raise RuntimeError("model table: GPP per capita or population failed a check")
    return names, rows


def model_table(records: list[YearRecord], geo: Geography) -> pd.DataFrame:
    """One row per year: national aggregates, inequality, poverty, fiscal and flow totals."""
    names, rows = _national(records, geo)
    return _frame(
        {
            "year": np.array([r.year for r in records]),
            names: rows,
            "trade_iterations": np.array([r.trade_iterations for r in records]),
        },
        len(records),
    )


@kernel
def _national_rows(fields, tax_rate, policy_spending, group, n_groups, bv):
    """The model table's float columns (`_table_layout` names them), one row each, from the T×N
    arrays of `_TABLE_FIELDS` (compiled: a few dozen NumPy calls in one). Returns (False, ·)
    if GPP per capita or population fail the checks of `metrics.inequality_rows`."""
    gpp, pop, pov = fields[0], fields[1], fields[2]
    t, n = gpp.shape
    per_capita = gpp / pop * 1e6  # THB per person
    for r in range(t):
        total = 0.0
        for i in range(n):
            x, w = per_capita[r, i], pop[r, i]
            if not (np.isfinite(x) and x > 0.0 and np.isfinite(w) and w >= 0.0):
                return False, np.empty((0, t))
            total += w
        if not total > 0.0:
            return False, np.empty((0, t))
    inequality = metrics._inequality_rows(per_capita, pop, group, n_groups)
    n_totals = len(fields) - 3
    out = np.empty((4 + len(inequality) + 3 + n_groups + 2 + n_totals, t))
    poor_g, pop_g = np.empty(n_groups), np.empty(n_groups)
    for r in range(t):
        gdp = total_pop = gdp_bv = pop_bv = poor = 0.0
        poor_g[:] = 0.0
        pop_g[:] = 0.0
        for i in range(n):
            gdp += gpp[r, i]
            total_pop += pop[r, i]
            poor_i = pov[r, i] * pop[r, i]
            poor += poor_i
            poor_g[group[i]] += poor_i
            pop_g[group[i]] += pop[r, i]
            if bv[i]:
                gdp_bv += gpp[r, i]
                pop_bv += pop[r, i]
        out[0, r] = gdp
        out[1, r] = (gdp / out[0, r - 1] - 1.0) * 100.0 if r > 0 else np.nan  # growth, %
        out[2, r] = gdp / total_pop * 1e6
        out[3, r] = total_pop
        k = 4 + len(inequality)
        out[4:k, r] = inequality[:, r]
        out[k, r] = gdp_bv / gdp
        out[k + 1, r] = pop_bv / total_pop
        out[k + 2, r] = poor / total_pop * 100.0
        k += 3
        for g in range(n_groups):
            out[k + g, r] = poor_g[g] / pop_g[g] * 100.0
        k += n_groups
        out[k, r] = tax_rate[r]
        out[k + 1, r] = policy_spending[r]
        k += 2
        for f in range(n_totals):
            out[k + f, r] = fields[3 + f, r].sum()
    return True, out


#: Province-panel columns: name → (record attribute, scale). Units are in the names.
_PANEL_FIELDS = {
    "gpp_mthb": ("gpp", 1.0),
    "population": ("population", 1.0),
    "population_mobile": ("mobile", 1.0),
    "population_local": ("local", 1.0),
    "capital_mthb": ("capital", 1.0),
    "productivity": ("productivity", 1.0),
    "capacity": ("capacity", 1.0),
    "home_share": ("home_share", 1.0),
    "financial_attractiveness": ("attractiveness", 1.0),
    "amenity": ("amenity", 1.0),
    "poverty_headcount": ("poverty_headcount", 1.0),
    "arrivals": ("arrivals", 1.0),
    "departures": ("departures", 1.0),
    "modern_wage_thb": ("modern_wage", 1e6),
    "log_real_income": ("log_real_income", 1.0),
    "disposable_income_mthb": ("disposable_income", 1.0),
    "transfers_mthb": ("transfers", 1.0),
    "local_budget_mthb": ("local_budget", 1.0),
    "remittances_received_mthb": ("remittances_received", 1.0),
    "remittances_sent_mthb": ("remittances_sent", 1.0),
    "savings_mthb": ("savings", 1.0),
    "investment_mthb": ("investment", 1.0),
}


@functools.lru_cache(maxsize=16)
def _province_labels(geo: Geography, years: int) -> dict[str, np.ndarray | ExtensionArray]:
    """The province columns (code, names, region) repeated for `years` years, names in pandas'
    string dtype: made once per geography and length (converting N·T Python strings would
    dominate the panel's cost). `_frame` copies them into each panel."""
    repeat = np.tile(np.arange(geo.n), years)
    labels = {
        "name_en": np.asarray(geo.name_en, dtype=object),
        "name_th": np.asarray(geo.name_th, dtype=object),
        "region": np.array(geo.region_names, dtype=object)[geo.region],
    }
    return {
        "code": geo.codes[repeat],
        **{column: pd.array(values, dtype="str").take(repeat) for column, values in labels.items()},
    }


def province_panel(records: list[YearRecord], geo: Geography) -> pd.DataFrame:
    """One row per province and year (long format), sorted by year then province."""
    n, t = geo.n, len(records)
    floats = np.empty((len(_PANEL_FLOAT_COLUMNS), n * t))  # one row per column, filled in place
    # Every record field at once, field by field: one call instead of one per column.
    np.concatenate(
        [getattr(r, attr) for attr in _PANEL_ATTRS for r in records],
        out=floats[: len(_PANEL_ATTRS)].reshape(-1),
    )
    for scaled, scale in _PANEL_SCALED:
        floats[scaled] *= scale
    row = _PANEL_ROW
    per_capita, net_migration = floats[row["gpp_per_capita_thb"]], floats[row["net_migration"]]
    np.divide(floats[row["gpp_mthb"]], floats[row["population"]], out=per_capita)
    per_capita *= 1e6
    np.subtract(floats[row["arrivals"]], floats[row["departures"]], out=net_migration)
    floats[-len(MIX_NAMES) :] = np.concatenate([r.mix for r in records]).T
    return _frame(
        {
            "year": np.repeat(np.array([r.year for r in records]), n),
            **_province_labels(geo, t),
            _PANEL_FLOAT_COLUMNS: floats,
        },
        n * t,
    )


#: The panel's float columns, in order: the record fields, two derived, the budget mix.
_PANEL_FLOAT_COLUMNS = (
    *_PANEL_FIELDS,
    "gpp_per_capita_thb",
    "net_migration",
    *(f"mix_{name}" for name in MIX_NAMES),
)
_PANEL_ROW = {name: row for row, name in enumerate(_PANEL_FLOAT_COLUMNS)}
_PANEL_ATTRS = tuple(attr for attr, _ in _PANEL_FIELDS.values())
_PANEL_SCALED = tuple(
    (_PANEL_ROW[name], scale) for name, (_, scale) in _PANEL_FIELDS.items() if scale != 1.0
)
