"""Fonts and figure theme: Thai is drawn with Sarabun from its PyPI package, never a system font.

Figures are built with `matplotlib.figure.Figure` rather than pyplot, so the dashboard can make
many of them without pyplot's global registry keeping them alive. The rc settings (fonts, sizes)
are applied while a figure's artists are created, which is when a Text artist fixes its font.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import fontpkg_sarabun
import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .labels import check_lang

THAI_FAMILY = "Sarabun"
#: Sarabun has no Greek letters (μ*, σ in the sensitivity plots): matplotlib falls back per glyph.
FALLBACK_FAMILY = "DejaVu Sans"
_SARABUN_FILES = ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf", "Sarabun-Italic.ttf")

#: One colour per channel, shared by the network maps and the attribution bars.
CHANNEL_COLORS = {
    "trade": "#1b9e77",
    "finance": "#d95f02",
    "migration": "#7570b3",
    "knowledge": "#e7298a",
}
BASELINE_COLOR = "#222222"
SCENARIO_COLORS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#17becf",
    "#e377c2",
    "#bcbd22",
    "#7f7f7f",
)


@cache
def thai_font_file() -> Path:
    """Register the Sarabun files with matplotlib (once) and return the regular one."""
    files = Path(fontpkg_sarabun.ROOT) / "files"
    for name in _SARABUN_FILES:
        font_manager.fontManager.addfont(str(files / name))
    return files / "Sarabun-Regular.ttf"


def theme(lang: str = "en") -> dict[str, object]:
    """rc parameters for a figure in `lang` (Sarabun first for Thai, slightly larger)."""
    rc: dict[str, object] = {
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.labelsize": 9.5,
        "xtick.labelsize": 8.5,
        "ytick.labelsize": 8.5,
        "legend.fontsize": 8.5,
        "legend.frameon": False,
        "figure.titlesize": 13,
        "figure.titleweight": "bold",
        "figure.dpi": 100,
        "savefig.dpi": 110,
        "text.parse_math": False,  # '$' and '_' in names from data are literal
    }
    if check_lang(lang) == "th":
        thai_font_file()
        rc["font.family"] = [THAI_FAMILY, FALLBACK_FAMILY]
        # Sarabun's x-height is small: one point more reads like DejaVu at the English size.
        for key in ("axes.titlesize", "axes.labelsize", "xtick.labelsize", "ytick.labelsize"):
            rc[key] = float(rc[key]) + 1.0  # type: ignore[arg-type]
        rc["legend.fontsize"] = 9.5
        rc["figure.titlesize"] = 14
    else:
        rc["font.family"] = [FALLBACK_FAMILY]
    return rc


@contextlib.contextmanager
def styled(lang: str = "en") -> Iterator[None]:
    """Apply the theme while a figure's artists are created."""
    with mpl.rc_context(theme(lang)):
        yield


def new_figure(width: float, height: float, *, constrained: bool = True) -> Figure:
    """A pyplot-free figure on an Agg canvas (call inside `styled`).

    Constrained layout suits charts; maps use fixed axes instead, so that label positions can be
    worked out before the first draw (see `viz.maps.place_labels`).
    """
    fig = Figure(figsize=(width, height), layout="constrained" if constrained else None)
    FigureCanvasAgg(fig)
    return fig
