"""The widgets a simulated year redraws, updated in place rather than re-rendered.

Re-rendering through Solara's component tree walks the whole page (sidebar included) and cost
about 20 ms a year in-process and 50–70 ms on a loaded server. Instead a year sets the data
of three widgets: the year badge, the message (only when it changes) and `LiveWidget`, one
template holding every panel, whose browser side patches the attributes and texts that moved
(77 fills, a few polylines, the figures). On a two-core machine shared by ten browser tabs and
the server, the browsers' work per year counts as much as the server's: replacing HTML cost
them restyling, layout and paint of hundreds of new elements a year. `LiveViews.refresh` is
the one place that draws a year; the components only lay the widgets out and call it when the
language, the view options or the selection change.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ipyvue
import ipyvuetify
import traitlets

from ..labels import t
from . import timing
from .geometry import map_geometry
from .panels import (
    ViewOptions,
    header_data,
    lines_data,
    map_props,
    map_scale,
    panel_keys,
    province_data,
)
from .session import Session

_CHART_TEMPLATE = (Path(__file__).parent / "chart.vue").read_text(encoding="utf-8")


class LiveWidget(ipyvue.VueTemplate):
    """Every view a year redraws, in one template (`live.vue`): key figures, maps, charts and
    the selected province of one or two panels.

    One widget means one message a year, and the template keeps its elements: a year changes
    attributes and texts (fills, points, figures) instead of replacing HTML, so the browser
    restyles and repaints only what moved. The geometry travels once; names when the language
    changes.
    """

    template_file = (__file__, "live.vue")
    components = traitlets.Dict({"dchart": _CHART_TEMPLATE}).tag(sync=True)
    view_box = traitlets.Unicode("").tag(sync=True)
    paths = traitlets.List().tag(sync=True)
    codes = traitlets.List().tag(sync=True)
    names = traitlets.List().tag(sync=True)
    #: The year's panels and selected province as JSON: {"panels": [...], "province": ...}.
    #: One string rather than nested lists and dicts, because ipyvue deep-copies, deep-compares
    #: and Vue makes reactive every nested value of a trait, which cost the browser more than
    #: drawing the year; parsed in the template, the data is plain.
    frame = traitlets.Unicode('{"panels": [], "province": null}').tag(sync=True)

    def __init__(self, on_select: Callable[[int], None] | None = None, **kwargs: Any) -> None:
        geometry = map_geometry()
        super().__init__(
            paths=list(geometry.paths),
            codes=list(geometry.codes),
            view_box=geometry.view_box,
            **kwargs,
        )
        self.on_select = on_select

    def vue_select(self, index: int) -> None:
        """A click on a province (from the browser)."""
        if self.on_select is not None:
            self.on_select(int(index))


class YearBadge(ipyvue.VueTemplate):
    """The year shown beside the run buttons ("Year 2031 of 2050"): two texts, no HTML."""

    template = traitlets.Unicode(
        '<template><div class="decentra-year">{{ text }} '
        '<span class="decentra-muted">{{ of }}</span></div></template>'
        "<script>module.exports = {};</script>"
    ).tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    of = traitlets.Unicode("").tag(sync=True)


class NoticeBlock(ipyvuetify.VuetifyTemplate):
    """The message of the moment (refusal, error, end of run), or nothing."""

    template = traitlets.Unicode(
        '<template><v-alert v-if="text" :type="kind" dense text '
        ":class=\"'decentra-message' + (kind === 'error' ? ' decentra-refused' : '')\">"
        "{{ text }}</v-alert></template><script>module.exports = {};</script>"
    ).tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    kind = traitlets.Unicode("info").tag(sync=True)


@dataclass
class LiveViews:
    """One tab's year-dependent widgets and what they should show (language, view, province)."""

    on_select: Callable[[int], None] | None = None
    lang: str = "en"
    view: ViewOptions = field(default_factory=ViewOptions)
    province: int = -1
    year: YearBadge = field(default_factory=YearBadge)
    notice: NoticeBlock = field(default_factory=NoticeBlock)
    live: LiveWidget = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.live = LiveWidget(on_select=self._select)

    def _select(self, index: int) -> None:
        if self.on_select is not None:
            self.on_select(index)

    def configure(self, lang: str, view: ViewOptions, province: int) -> None:
        self.lang, self.view, self.province = lang, view, province

    def refresh(self, session: Session) -> None:
        """Draw the run's current year into every widget (thread-safe: play loop or a click).

        Everything is computed first and then set in one go, one message per widget, so the
        browser gets the year in one piece and draws it in one frame. The snapshot is taken
        under the lock, so a slower caller never draws an older year over a newer one.
        """
        with self._lock:
            started = time.perf_counter()
            snap = session.run.snapshot()
            lang, view, index = self.lang, self.view, self.province
            message = session.message
            series, scale = map_scale(snap, view)
            panels = [
                {
                    "key": key,
                    "header": header_data(snap, key, lang),
                    "map": map_props(snap, key, series[key][-1], scale, view, index, lang),
                    "charts": lines_data(snap, key, lang),
                }
                for key in panel_keys(snap)
            ]
            geo = snap.model("a").geography
            names = list(geo.name_th if lang == "th" else geo.name_en)
            province = province_data(snap, index, lang) if index >= 0 else None
            with self.year.hold_sync():
                self.year.text = t("year_now", lang, year=snap.year)
                self.year.of = t("year_of", lang, last=session.run.last_year)
            with self.notice.hold_sync():
                self.notice.text = t(message.key, lang, **message.fields) if message else ""
                self.notice.kind = message.kind if message else "info"
            frame = json.dumps({"panels": panels, "province": province}, ensure_ascii=False)
            with self.live.hold_sync():
                self.live.names = names
                self.live.frame = frame
            timing.record("redraw", time.perf_counter() - started)
