"""The Mesa model: 77 province agents linked by four channel networks (spec §1–§10).

`DecentraModel` is the Mesa model; `HeadlessModel` runs the same economy and records without
Mesa's agents and scheduler, for batch runs that read only the tables (experiments/).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import mesa
import networkx as nx
import numpy as np
import pandas as pd

from . import finance, knowledge, outputs, trade
from .agents import ProvinceAgent
from .economy import BASE_YEAR, Economy, Policy, YearRecord
from .geography import Geography, load_thailand
from .parameters import Parameters

CHANNELS = ("trade", "finance", "migration", "knowledge")
CHANNEL_UNITS = {
    "trade": "MTHB per year (modern goods from i sold in j)",
    "finance": (
        "MTHB per year (savings of i pooled and lent in j, plus remittances sent home to j "
        "by migrants living in i)"
    ),
    "migration": "persons per year (moving from i to j)",
    "knowledge": "log points per year (productivity spillover from j into i, drawn j → i)",
}


class _Simulation:
    """What a decentra model is without Mesa: the economy (state arrays and the yearly cycle),
    its yearly records, and the tables and channel networks built from them.

    `DecentraModel` adds Mesa's province agents and scheduler; `HeadlessModel` is this alone.
    `keep_matrices`: see `DecentraModel`.
    """

    keep_matrices: bool = True
    rng: np.random.Generator

    def _start(
        self,
        geography: Geography | None,
        parameters: Parameters | None,
        seed: int | None,
        policies: Iterable[Policy],
        overrides: dict[str, Any],
    ) -> None:
        """Calibrate 2019 and record it; `self.rng` is already seeded."""
        self.seed = seed
        self.geography = geography if geography is not None else load_thailand()
        self.parameters = (parameters or Parameters.defaults()).replace(**overrides)
        self.economy = Economy(self.geography, self.parameters, self.rng, policies, BASE_YEAR)
        self.records: list[YearRecord] = []
        self._collect(self.economy.cycle())

    def step(self) -> None:
        """Simulate one year (spec §2) and record it."""
        self._collect(self.economy.cycle())

    def _collect(self, record: YearRecord) -> None:
        if not self.keep_matrices and self.records:
            self.records[-1].migrant_stocks = None  # type: ignore[assignment]  # see class doc
        self.records.append(record)

    def record_bytes(self) -> int:
        """Bytes of the arrays the records keep (what a long-lived model grows by per year)."""
        return sum(
            value.nbytes
            for record in self.records
            for value in vars(record).values()
            if isinstance(value, np.ndarray)
        )

    # ------------------------------------------------------------------ outputs
    @property
    def year(self) -> int:
        """The latest simulated year."""
        return self.records[-1].year

    def model_table(self) -> pd.DataFrame:
        """Yearly national table (one row per year), spec §10."""
        return outputs.model_table(self.records, self.geography)

    def province_panel(self) -> pd.DataFrame:
        """Yearly province panel (one row per province and year), spec §10."""
        return outputs.province_panel(self.records, self.geography)

    def channel_matrix(self, channel: str) -> np.ndarray:
        """The latest year's N×N flows of a channel (units in `CHANNEL_UNITS`)."""
        eco, record = self.economy, self.records[-1]
        if channel == "trade":
            return trade.trade_flows(eco.last_solution, eco.phi)
        if channel == "finance":
            flows = finance.pooled_finance_flows(record.pooled_out, eco.last_pool_shares)
            if not eco.params.finance_channel:
                return flows
            sent = finance.remittances(
                record.migrant_stocks,
                eco.migrant_income(record.modern_wage, record.tax_rate),
                eco.params.remittance_share,
            )
            return flows + sent.T
        if channel == "migration":
            return eco.last_migration_flows.copy()
        if channel == "knowledge":
            if not eco.params.knowledge_channel:
                return np.zeros((self.geography.n, self.geography.n))
            into_i_from_j = knowledge.spillover_matrix(
                np.log(record.productivity),
                eco.capacity,
                eco.knowledge_weights,
                eco.params.spillover_rate,
            )
            return into_i_from_j.T
        raise ValueError(f"unknown channel {channel!r}; allowed: {', '.join(CHANNELS)}")

    def channel_graph(self, channel: str, min_flow: float = 0.0) -> nx.DiGraph:
        """The latest year's flows of a channel as a networkx DiGraph (no self-loops).

        Nodes are province codes with attributes name_en, name_th, region, lat, lon; each edge
        carries `weight` (the flow, units in the graph's `unit` attribute).
        """
        flows = self.channel_matrix(channel)
        geo = self.geography
        graph = nx.DiGraph(channel=channel, year=self.year, unit=CHANNEL_UNITS[channel])
        for i in range(geo.n):
            graph.add_node(
                int(geo.codes[i]),
                name_en=geo.name_en[i],
                name_th=geo.name_th[i],
                region=geo.region_names[geo.region[i]],
                lat=float(geo.lat[i]),
                lon=float(geo.lon[i]),
            )
        np.fill_diagonal(flows, 0.0)
        src, dst = np.nonzero(flows > min_flow)
        graph.add_weighted_edges_from(
            zip(
                geo.codes[src].tolist(),
                geo.codes[dst].tolist(),
                flows[src, dst].tolist(),
                strict=True,
            )
        )
        return graph


class DecentraModel(_Simulation, mesa.Model):
    """Thailand's provinces as agents; the model owns the state arrays, schedule and records.

    Construction calibrates 2019 exactly and runs the 2019 year, so the first row of the tables
    is the data; each `step()` simulates one more year.

    Args:
        geography: provinces (default: the bundled 77 Thai provinces).
        parameters: a `Parameters` object (default: spec §11 values).
        seed: seeds the model's one random generator; the same seed gives the same run.
        policies: objects with `apply(economy)`, called at the start of every year (§8).
        **overrides: parameter overrides by name or alias, e.g. ``sigma=4``.

    Attributes:
        provinces: one `ProvinceAgent` per province, in the geography's order.
        keep_matrices: whether every year's record keeps its N×N migrant stocks (True, the
            default). A long-lived model that needs only the latest year's matrices (the live
            dashboard: channel flows, partners) sets it False, and each record then drops
            its `migrant_stocks` (sets it to None) once a newer year is recorded: about 47 kB a
            year for 77 provinces, three quarters of a record. Tables and panels do not use
            them.
    """

    def __init__(
        self,
        geography: Geography | None = None,
        parameters: Parameters | None = None,
        *,
        seed: int | None = 42,
        policies: Iterable[Policy] = (),
        **overrides: Any,
    ) -> None:
        super().__init__(rng=seed)  # mesa.Model: self.rng = np.random.default_rng(seed)
        self._start(geography, parameters, seed, policies, overrides)
        self.provinces = [ProvinceAgent(self, i) for i in range(self.geography.n)]


class HeadlessModel(_Simulation):
    """`DecentraModel` without Mesa's agents and scheduler: the same economy, records, tables
    and channel networks, bit for bit for the same seed. A 31-year run without the tables
    takes about three quarters of the time (no agent registry, no event list around each
    year). For batch work that only reads the records: sweeps and scenario comparisons
    (experiments/). Same arguments as `DecentraModel`.
    """

    def __init__(
        self,
        geography: Geography | None = None,
        parameters: Parameters | None = None,
        *,
        seed: int | None = 42,
        policies: Iterable[Policy] = (),
        **overrides: Any,
    ) -> None:
        self.rng = np.random.default_rng(seed)  # what mesa.Model makes of an int rng=seed
        self._start(geography, parameters, seed, policies, overrides)
