"""Province agents: thin, readable views of one row of the model's arrays.

The numerics of a year run vectorised in `Economy.cycle` (77×77 channel matrices are cheap,
77 Python `step` calls are not), so an agent has no `step`: it names its province and reads its
row of the latest year's record and of the current state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

if TYPE_CHECKING:
    from .model import DecentraModel


class ProvinceAgent(mesa.Agent):
    """One province; every attribute is read from the model's arrays (latest simulated year)."""

    model: DecentraModel

    def __init__(self, model: DecentraModel, index: int) -> None:
        super().__init__(model)
        self.index = index  # the province's row in the geography and in every record

    # Names are read from the geography, not copied: a run creates 77 agents, reads few names.
    @property
    def code(self) -> int:
        """Thai province code (10 = Bangkok)."""
        return int(self.model.geography.codes[self.index])

    @property
    def name_en(self) -> str:
        return self.model.geography.name_en[self.index]

    @property
    def name_th(self) -> str:
        return self.model.geography.name_th[self.index]

    @property
    def region(self) -> str:
        geo = self.model.geography
        return geo.region_names[geo.region[self.index]]

    @property
    def _record(self):
        return self.model.economy.last

    @property
    def year(self) -> int:
        return self._record.year

    @property
    def gpp(self) -> float:
        """Gross provincial product, MTHB per year."""
        return float(self._record.gpp[self.index])

    @property
    def population(self) -> float:
        """Persons."""
        return float(self._record.population[self.index])

    @property
    def gpp_per_capita(self) -> float:
        """THB per person per year."""
        return self.gpp / self.population * 1e6

    @property
    def capital(self) -> float:
        """Modern capital stock, MTHB."""
        return float(self._record.capital[self.index])

    @property
    def productivity(self) -> float:
        """Modern productivity A_i (population-weighted geometric mean 1 in 2019)."""
        return float(self._record.productivity[self.index])

    @property
    def capacity(self) -> float:
        """Absorptive capacity c_i in [0, 1]."""
        return float(self._record.capacity[self.index])

    @property
    def amenity(self) -> float:
        """Amenity B_i (index)."""
        return float(self._record.amenity[self.index])

    @property
    def home_share(self) -> float:
        return float(self._record.home_share[self.index])

    @property
    def budget_mix(self) -> tuple[float, float, float]:
        """Local government's split of its budget: (invest, capacity, amenity)."""
        return tuple(float(x) for x in self._record.mix[self.index])

    @property
    def poverty_headcount(self) -> float:
        """Share of persons below the poverty line."""
        return float(self._record.poverty_headcount[self.index])

    @property
    def net_migration(self) -> float:
        """Persons arriving minus leaving during the year."""
        r = self._record
        return float(r.arrivals[self.index] - r.departures[self.index])

    def partners(self, channel: str, k: int = 5) -> list[tuple[str, float]]:
        """The k largest partners on a channel (outgoing plus incoming flow), by English name."""
        flows = self.model.channel_matrix(channel)
        total = flows[self.index, :] + flows[:, self.index]
        total[self.index] = 0.0
        order = np.argsort(total)[::-1][:k]
        return [(self.model.geography.name_en[j], float(total[j])) for j in order]
