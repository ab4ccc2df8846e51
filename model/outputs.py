"""Step 8: yearly snapshots into the model table and the province panel (spec §10).

Each year's `YearRecord` is kept as-is (NumPy arrays, no copies); the pandas tables are built
once, on request, with the inequality metrics of `model.metrics`.

The tables are assembled block by block (`_frame`): `pd.DataFrame(dict)` infers and
consolidates every column on its own, which cost about 0.3 ms a table, a fifth of what a run
with all outputs spends beyond the bare core (benchmarks/bench_model.py).
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


def _by_year(records: list[YearRecord], attr: str) -> np.ndarray:
    """T × N array of one province field over the years (np.stack costs 3× more here)."""
    return np.concatenate([getattr(r, attr) for r in records]).reshape(len(records), -1)


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


def model_table(records: list[YearRecord], geo: Geography) -> pd.DataFrame:
    """One row per year: national aggregates, inequality, poverty, fiscal and flow totals."""
    years = np.array([r.year for r in records])
    gpp = _by_year(records, "gpp")
    pop = _by_year(records, "population")
    pov = _by_year(records, "poverty_headcount")
    gpp_pc = gpp / pop * 1e6
    gdp = gpp.sum(axis=1)
    total_pop = pop.sum(axis=1)
    bv = geo.bangkok_vicinity
    growth = np.full(len(years), np.nan)
    growth[1:] = (gdp[1:] / gdp[:-1] - 1.0) * 100.0
    rows: dict[str, np.ndarray | list] = {
        "year": years,
        "gdp_mthb": gdp,
        "gdp_growth_pct": growth,
        "gdp_per_capita_thb": gdp / total_pop * 1e6,
        "population": total_pop,
    }
    inequality = metrics.inequality_rows(gpp_pc, pop, geo.region)
    inequality["sigma_log_gpp_per_capita"] = inequality.pop("sigma_log")
    rows.update(inequality)
    rows["bv_share_gdp"] = gpp[:, bv].sum(axis=1) / gdp
    rows["bv_share_population"] = pop[:, bv].sum(axis=1) / total_pop
    poor = pov * pop
    rows["poverty_pct"] = poor.sum(axis=1) / total_pop * 100.0
    member = np.eye(len(geo.region_names))[geo.region]  # N × regions, 1 where i is in g
    poor_g, pop_g = poor @ member, pop @ member
    for g, name in enumerate(geo.region_names):
        if member[:, g].any():
            rows[f"poverty_pct_{region_slug(name)}"] = poor_g[:, g] / pop_g[:, g] * 100.0
    rows["tax_rate"] = np.array([r.tax_rate for r in records])
    rows["fiscal_cost_mthb"] = np.array([r.policy_spending for r in records])
    for column, attr in _NATIONAL_TOTALS.items():
        rows[column] = _by_year(records, attr).sum(axis=1)
    rows["trade_iterations"] = np.array([r.trade_iterations for r in records])
    return _frame(rows, len(years))


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
def _text_labels(geo: Geography, years: int) -> dict[str, pd.api.extensions.ExtensionArray]:
    """The province labels in pandas' string dtype, repeated for `years` years: converted
    once per geography and length (converting N·T Python strings would dominate the panel's
    cost). Shared by panels of the same shape; pandas copies on write, so that is safe."""
    repeat = np.tile(np.arange(geo.n), years)
    labels = {
        "name_en": np.asarray(geo.name_en, dtype=object),
        "name_th": np.asarray(geo.name_th, dtype=object),
        "region": np.array(geo.region_names, dtype=object)[geo.region],
    }
    return {column: pd.array(values, dtype="str").take(repeat) for column, values in labels.items()}


def province_panel(records: list[YearRecord], geo: Geography) -> pd.DataFrame:
    """One row per province and year (long format), sorted by year then province."""
    n, t = geo.n, len(records)
    names = _panel_float_columns()
    floats = np.empty((len(names), n * t))  # one row per column, filled in place
    column = dict(zip(names, floats, strict=True))
    for name, (attr, scale) in _PANEL_FIELDS.items():
        np.concatenate([getattr(r, attr) for r in records], out=column[name])
        if scale != 1.0:
            column[name] *= scale
    np.divide(column["gpp_mthb"], column["population"], out=column["gpp_per_capita_thb"])
    column["gpp_per_capita_thb"] *= 1e6
    np.subtract(column["arrivals"], column["departures"], out=column["net_migration"])
    floats[-len(MIX_NAMES) :] = np.concatenate([r.mix for r in records]).T
    return _frame(
        {
            "year": np.repeat([r.year for r in records], n),
            "code": np.tile(geo.codes, t),
            **_text_labels(geo, t),
            names: floats,
        },
        n * t,
    )


def _panel_float_columns() -> tuple[str, ...]:
    """The panel's float columns, in order: the record fields, two derived, the budget mix."""
    return (
        *_PANEL_FIELDS,
        "gpp_per_capita_thb",
        "net_migration",
        *(f"mix_{name}" for name in MIX_NAMES),
    )
