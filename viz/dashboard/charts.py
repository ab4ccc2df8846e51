"""Small SVG line charts, written as text: a year costs well under a millisecond to redraw.

A matplotlib figure costs 150–220 ms to render on the workshop laptops, which would miss the
100 ms budget of a simulated year; these charts are a few kilobytes of SVG that the browser
draws with the page's fonts (Sarabun for Thai).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ..labels import fmt_number
from .indicators import nice_step, nice_ticks


@dataclass(frozen=True)
class Line:
    """One series: its legend label, colour, dashes and values (one per year from the start)."""

    label: str
    colour: str
    values: Sequence[float]
    dashed: bool = False


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
    """An SVG chart of `lines` over first_year…last_year (the x axis is fixed for the run)."""
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

    parts = [
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}">',
        f'<text x="4" y="15" class="dchart-title">{escape(title)}</text>',
    ]
    x_legend = 4.0
    for line in lines:
        dash = ' stroke-dasharray="4 3"' if line.dashed else ""
        parts.append(
            f'<line x1="{x_legend:.0f}" y1="28" x2="{x_legend + 14:.0f}" y2="28" '
            f'stroke="{line.colour}" stroke-width="2"{dash}/>'
            f'<text x="{x_legend + 17:.0f}" y="32" class="dchart-legend">'
            f"{escape(line.label)}</text>"
        )
        x_legend += 26 + 6.4 * len(line.label)
    ticks = nice_ticks(low, high, 5)
    tick_digits = decimals(nice_step(low, high, 5))
    for value in ticks:
        y = sy(value)
        parts.append(
            f'<line x1="{left:.0f}" y1="{y:.1f}" x2="{width - right:.0f}" y2="{y:.1f}" '
            'class="dchart-grid"/>'
            f'<text x="{left - 4:.0f}" y="{y + 3.5:.1f}" text-anchor="end" class="dchart-tick">'
            f"{fmt_number(value, tick_digits)}</text>"
        )
    decade = 10 if span_years > 15 else 5
    for year in range(first_year + (-first_year) % decade, last_year + 1, decade):
        x = sx(year)
        parts.append(
            f'<text x="{x:.1f}" y="{height - 6:.0f}" text-anchor="middle" class="dchart-tick">'
            f"{year}</text>"
        )
    for line in lines:
        points = [
            f"{sx(first_year + k):.1f},{sy(v):.1f}"
            for k, v in enumerate(line.values)
            if v is not None and math.isfinite(v)
        ]
        if not points:
            continue
        dash = ' stroke-dasharray="4 3"' if line.dashed else ""
        parts.append(
            f'<polyline points="{" ".join(points)}" fill="none" stroke="{line.colour}" '
            f'stroke-width="2"{dash}/>'
        )
        last = points[-1].split(",")
        parts.append(f'<circle cx="{last[0]}" cy="{last[1]}" r="2.6" fill="{line.colour}"/>')
    parts.append("</svg>")
    return "".join(parts)


def decimals(step: float) -> int:
    """Digits after the point that tell ticks `step` apart (0.25 → 2, 5 → 0)."""
    for digits in range(7):
        scaled = step * 10**digits
        if abs(scaled - round(scaled)) < 1e-6 * max(1.0, scaled):
            return digits
    return 6
