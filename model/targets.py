"""Target sets of the policy levers (spec §8): which provinces a policy spends in.

A target is a selector or a union of selectors, written as text in scenario files:

- ``all``; ``region:<name>`` (English or Thai NESDC region name, case-insensitive);
- ``provinces:[<code or English/Thai name>, …]`` (order kept: it is a route for corridors);
- ``bottom:<k>`` / ``top:<k>`` by GPP per capita, fixed when the policy starts or re-evaluated
  every year (the policy's ``reselect``);
- ``border``, ``secondary_cities``, ``eec``, ``sez``, ``sez_phase1``, ``sez_phase2`` (named lists
  from the bundled data, SOURCES.md);
- ``route:<name>`` (a transport corridor of ``corridors.csv``, in travel order);
- unions: ``"region:Northern + border"`` or a list of selectors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from .geography import REGIONS_TH, Geography, load_corridors, named_province_lists

NAMED_LISTS = ("border", "secondary_cities", "eec", "sez", "sez_phase1", "sez_phase2")
SELECTOR_FORMS = (
    "all",
    "region:<name>",
    "provinces:[<codes or names>]",
    "bottom:<k>",
    "top:<k>",
    *NAMED_LISTS,
    "route:<name>",
)


class TargetError(ValueError):
    """A target selector that does not name provinces of this geography."""


@cache
def corridors() -> dict[str, list[int]]:
    """The named transport routes of the bundled data (province codes in travel order)."""
    return load_corridors()


@dataclass(frozen=True, eq=False)
class Target:
    """A parsed target: static provinces plus ranked selectors resolved against GPP per capita."""

    text: str
    static: np.ndarray  # bool mask of provinces selected whatever the year
    ranked: tuple[tuple[str, int], ...]  # ("bottom" | "top", k)
    route: tuple[int, ...] | None  # province indices in order, when the target is one route

    @property
    def dynamic(self) -> bool:
        """Whether the selection depends on GPP per capita (bottom/top)."""
        return bool(self.ranked)

    def mask(self, gpp_per_capita: np.ndarray) -> np.ndarray:
        """Provinces selected given this year's GPP per capita."""
        selected = self.static.copy()
        order = np.argsort(gpp_per_capita, kind="stable")
        for kind, k in self.ranked:
            selected[order[:k] if kind == "bottom" else order[::-1][:k]] = True
        return selected


def _province_index(geo: Geography, item: str) -> int:
    text = item.strip().strip("'\"")
    if re.fullmatch(r"\d+", text):
        hits = np.flatnonzero(geo.codes == int(text))
        if len(hits):
            return int(hits[0])
        raise TargetError(f"no province has code {text}; codes are {_code_hint(geo)}")
    folded = text.casefold()
    for i, (en, th) in enumerate(zip(geo.name_en, geo.name_th, strict=True)):
        if folded == en.casefold() or text == th:
            return i
    close = [en for en in geo.name_en if en.casefold().startswith(folded[:3])][:5]
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise TargetError(
        f"unknown province {text!r}{hint}; use a province code or its English or Thai name"
    )


def _code_hint(geo: Geography) -> str:
    codes = sorted(int(c) for c in geo.codes)
    return f"{codes[0]}–{codes[-1]} (not all numbers in between)"


def _region_index(geo: Geography, name: str) -> int:
    folded = name.strip().casefold().replace("_", " ").replace("-", " ")
    for k, region in enumerate(geo.region_names):
        if folded == region.casefold() or name.strip() == REGIONS_TH[k]:
            return k
    raise TargetError(f"unknown region {name.strip()!r}; allowed: {', '.join(geo.region_names)}")


def _split_union(spec: str | Sequence[str]) -> list[str]:
    if isinstance(spec, str):
        parts = [p.strip() for p in re.split(r"\s\+\s|\s*\|\s*", spec)]
    else:
        parts = []
        for item in spec:
            if not isinstance(item, str):
                raise TargetError(f"each target in a list must be text, got {item!r}")
            parts.extend(_split_union(item))
    return parts


def parse_target(spec: str | Sequence[str], geo: Geography) -> Target:
    """Parse a selector or union of selectors; raises `TargetError` naming what is allowed."""
    if not isinstance(spec, str | list | tuple):
        raise TargetError(f"a target must be text or a list of texts, got {spec!r}")
    parts = _split_union(spec)
    if not parts or any(not p for p in parts):
        raise TargetError(f"empty target; allowed: {', '.join(SELECTOR_FORMS)}")
    static = np.zeros(geo.n, dtype=bool)
    ranked: list[tuple[str, int]] = []
    routes: list[tuple[int, ...]] = []
    lists = named_province_lists(geo)
    for part in parts:
        kind, _, arg = part.partition(":")
        kind = kind.strip().lower()
        if kind == "all" and not arg:
            static[:] = True
        elif kind == "region" and arg:
            static |= geo.region == _region_index(geo, arg)
        elif kind == "provinces" and arg:
            inner = arg.strip()
            if not (inner.startswith("[") and inner.endswith("]")):
                raise TargetError(
                    f"{part!r}: write the provinces in brackets, e.g. provinces:[40, Khon Kaen]"
                )
            items = [x for x in inner[1:-1].split(",") if x.strip()]
            if not items:
                raise TargetError(f"{part!r} lists no provinces")
            indices = tuple(_province_index(geo, x) for x in items)
            if len(set(indices)) != len(indices):
                raise TargetError(f"{part!r} names a province twice")
            static[list(indices)] = True
            routes.append(indices)
        elif kind in ("bottom", "top") and arg:
            try:
                k = int(arg.strip())
            except ValueError:
                raise TargetError(f"{part!r}: k must be a whole number from 1 to {geo.n}") from None
            if not 1 <= k <= geo.n:
                raise TargetError(f"{part!r}: k must be from 1 to {geo.n}")
            ranked.append((kind, k))
        elif kind == "border" and not arg:
            static |= geo.border
        elif kind in NAMED_LISTS and not arg:
            if kind not in lists:
                raise TargetError(
                    f"the named list {kind!r} exists only for the bundled Thai provinces"
                )
            static |= np.isin(geo.codes, lists[kind])
        elif kind == "route" and arg:
            if geo.source != "thailand":
                raise TargetError("named routes exist only for the bundled Thai provinces")
            name = arg.strip()
            if name not in corridors():
                raise TargetError(
                    f"unknown route {name!r}; allowed: {', '.join(sorted(corridors()))}"
                )
            indices = tuple(geo.index_of(c) for c in corridors()[name])
            static[list(indices)] = True
            routes.append(indices)
        else:
            raise TargetError(f"unknown target {part!r}; allowed: {', '.join(SELECTOR_FORMS)}")
    route = routes[0] if len(routes) == 1 and len(parts) == 1 else None
    text = spec if isinstance(spec, str) else " + ".join(spec)
    return Target(text, static, tuple(ranked), route)
