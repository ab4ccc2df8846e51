"""Small SVG line charts: their geometry as data for the page, or as SVG text.

A matplotlib figure costs 150–220 ms to render on the workshop laptops, which would miss the
100 ms budget of a simulated year; these charts are a few kilobytes of SVG that the browser
draws with the page's fonts (Sarabun for Thai).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from ..labels import fmt_number
from .indicators import nice_step, nice_ticks


@dataclass(frozen=True)
class Line:
    """One series: its legend label, colour, dashes and values (one per year from the start)."""

    label: str
    colour: str
    values: Sequence[float]
    dashed: bool = False


def chart_data(
    title: str,
    first_year: int,
    last_year: int,
    lines: Sequence[Line],
    *,
    width: int = 320,
    height: int = 170,
) -> dict[str, Any]:
    """The geometry of a chart of `lines` over first_year…last_year (the x axis is fixed).

    Plain data for the page's chart template (`live.vue`), which keeps its SVG elements and
    updates only the attributes that moved (a new point, the y ticks) instead of replacing the
    chart; `line_chart` writes the same drawing as SVG text.
    """
    left, right, top, bottom = 46.0, 12.0, 40.0, 22.0
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for line in lines for v in line.values if v is not None and math.isfinite(v)]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    if high - low < 1e-12 * max(1.0, abs(high)):
        pad = max(abs(high) * 0.01, 1e-6)
        low, high = low - pad, high + pad
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad
    span_years = max(last_year - first_year, 1)

    def sx(year: float) -> float:
        return left + (year - first_year) / span_years * plot_w

    def sy(value: float) -> float:
        return top + (high - value) / (high - low) * plot_h

    legend = []
    x_legend = 4.0
    for line in lines:
        legend.append(
            {
                "x": round(x_legend),
                "label": line.label,
                "colour": line.colour,
                "dashed": line.dashed,
            }
        )
        x_legend += 26 + 6.4 * len(line.label)
    tick_digits = decimals(nice_step(low, high, 5))
    y_ticks = [
        {"y": round(sy(value), 1), "label": fmt_number(value, tick_digits)}
        for value in nice_ticks(low, high, 5)
    ]
    decade = 10 if span_years > 15 else 5
    x_ticks = [
        {"x": round(sx(year), 1), "label": str(year)}
        for year in range(first_year + (-first_year) % decade, last_year + 1, decade)
    ]
    drawn = []
    for line in lines:
        points = [
            (round(sx(first_year + k), 1), round(sy(v), 1))
            for k, v in enumerate(line.values)
            if v is not None and math.isfinite(v)
        ]
        if points:
            drawn.append(
                {
                    "points": " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                    "colour": line.colour,
                    "dashed": line.dashed,
                    "cx": points[-1][0],
                    "cy": points[-1][1],
                }
            )
    return {
        "title": title,
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "legend": legend,
        "y_ticks": y_ticks,
        "x_ticks": x_ticks,
        "lines": drawn,
    }


def line_chart(
    title: str,
    first_year: int,
    last_year: int,
    lines: Sequence[Line],
    *,
    width: int = 320,
    height: int = 170,
    css_class: str = "dchart",
) -> str:
    """An SVG chart of `lines` over first_year…last_year, as text (the drawing of `chart_data`)."""
    chart = chart_data(title, first_year, last_year, lines, width=width, height=height)
    dash = ' stroke-dasharray="4 3"'
    parts = [
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="4" y="15" class="dchart-title">{escape(title)}</text>',
    ]
    for item in chart["legend"]:
        x = item["x"]
        parts.append(
            f'<line x1="{x}" y1="28" x2="{x + 14}" y2="28" stroke="{item["colour"]}" '
            f'stroke-width="2"{dash if item["dashed"] else ""}/>'
            f'<text x="{x + 17}" y="32" class="dchart-legend">{escape(item["label"])}</text>'
        )
    for tick in chart["y_ticks"]:
        y = tick["y"]
        parts.append(
            f'<line x1="{chart["left"]:.0f}" y1="{y:.1f}" x2="{chart["right"]:.0f}" y2="{y:.1f}" '
            'class="dchart-grid"/>'
            f'<text x="{chart["left"] - 4:.0f}" y="{y + 3.5:.1f}" text-anchor="end" '
            f'class="dchart-tick">{tick["label"]}</text>'
        )
    for tick in chart["x_ticks"]:
        parts.append(
            f'<text x="{tick["x"]:.1f}" y="{height - 6}" text-anchor="middle" '
            f'class="dchart-tick">{tick["label"]}</text>'
        )
    for line in chart["lines"]:
        parts.append(
            f'<polyline points="{line["points"]}" fill="none" stroke="{line["colour"]}" '
            f'stroke-width="2"{dash if line["dashed"] else ""}/>'
            f'<circle cx="{line["cx"]:.1f}" cy="{line["cy"]:.1f}" r="2.6" fill="{line["colour"]}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def decimals(step: float) -> int:
    """Digits after the point that tell ticks `step` apart (0.25 → 2, 5 → 0)."""
    for digits in range(7):
        scaled = step * 10**digits
        if abs(scaled - round(scaled)) < 1e-6 * max(1.0, scaled):
            return digits
    return 6
