"""Map geometry for the browser: the 77 provinces as SVG path strings, built once per process.

The boundaries of `viz.maps.province_paths` are projected (equirectangular at Thailand's
middle latitude, like the matplotlib maps) onto a canvas 400 units wide and written as compact
path strings in the model's province order. The browser keeps them; every year only the 77
fill colours travel, which is what keeps a redraw to a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from model.geography import load_thailand

from ..maps import province_paths

WIDTH = 400.0  # canvas units across the country
MARGIN = 6.0
_MOVETO, _LINETO, _CLOSE = 1, 2, 79


@dataclass(frozen=True)
class MapGeometry:
    """SVG geometry of the provinces in the model's order, and where each capital is drawn."""

    codes: tuple[int, ...]
    paths: tuple[str, ...]  # one SVG path (d attribute) per province
    view_box: str
    x: np.ndarray  # capital (lon/lat of the data) projected, canvas units
    y: np.ndarray

    def arrow(self, i: int, j: int, bend: float = 0.2) -> str:
        """A curved arrow path from province i to j (bent to the right, so i→j and j→i part)."""
        x0, y0, x1, y1 = self.x[i], self.y[i], self.x[j], self.y[j]
        mx, my = (x0 + x1) / 2 - bend * (y1 - y0), (y0 + y1) / 2 + bend * (x1 - x0)
        return f"M{x0:.1f} {y0:.1f}Q{mx:.1f} {my:.1f} {x1:.1f} {y1:.1f}"


def _path_string(vertices: np.ndarray, codes: np.ndarray | None) -> str:
    parts: list[str] = []
    if codes is None:
        codes = np.full(len(vertices), _LINETO)
        codes[0] = _MOVETO
    for (x, y), code in zip(vertices, codes, strict=True):
        if code == _CLOSE:
            parts.append("Z")
        elif code == _MOVETO:
            parts.append(f"M{x:.1f} {y:.1f}")
        else:
            parts.append(f"L{x:.1f} {y:.1f}")
    return "".join(parts)


@cache
def map_geometry() -> MapGeometry:
    """The projected provinces (cached: every session shares these immutable strings)."""
    boundary_codes, paths = province_paths()
    geo = load_thailand()
    vertices = np.concatenate([p.vertices for p in paths])
    lat_mid = (vertices[:, 1].min() + vertices[:, 1].max()) / 2
    squeeze = np.cos(np.radians(lat_mid))
    lon0, lat1 = vertices[:, 0].min(), vertices[:, 1].max()
    scale = WIDTH / ((vertices[:, 0].max() - lon0) * squeeze)

    def project(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return MARGIN + (lon - lon0) * squeeze * scale, MARGIN + (lat1 - lat) * scale

    by_code = {int(c): p for c, p in zip(boundary_codes, paths, strict=True)}
    strings = []
    for code in geo.codes:
        path = by_code[int(code)]
        x, y = project(path.vertices[:, 0], path.vertices[:, 1])
        strings.append(_path_string(np.column_stack([x, y]), path.codes))
    height = (vertices[:, 1].max() - vertices[:, 1].min()) * scale
    x, y = project(np.asarray(geo.lon, float), np.asarray(geo.lat, float))
    return MapGeometry(
        codes=tuple(int(c) for c in geo.codes),
        paths=tuple(strings),
        view_box=f"0 0 {WIDTH + 2 * MARGIN:.0f} {height + 2 * MARGIN:.0f}",
        x=x,
        y=y,
    )
