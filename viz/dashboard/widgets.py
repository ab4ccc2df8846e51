"""The widgets a simulated year redraws, updated in place rather than re-rendered.

Re-rendering through Solara's component tree walks the whole page (sidebar included) and cost
about 20 ms a year in-process and 50–70 ms on a loaded server; setting a few traits on these
widgets sends only what changed (the 77 fill colours, a few kB of chart SVG) in well under
10 ms. `LiveViews.refresh` is the one place that draws a year; the components only lay the
widgets out and call it when the language, the view options or the selection change.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ipyvue
import ipyvuetify
import traitlets

from ..labels import t
from . import timing
from .geometry import map_geometry
from .panels import (
    PANEL_KEYS,
    ViewOptions,
    header_html,
    lines_html,
    map_props,
    map_scale,
    panel_keys,
    province_html,
)
from .session import Session


class MapWidget(ipyvue.VueTemplate):
    """The SVG map of `map.vue`: geometry set once, colours and labels every year."""

    template_file = (__file__, "map.vue")
    uid = traitlets.Unicode("map").tag(sync=True)
    year = traitlets.Int(0).tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    view_box = traitlets.Unicode("").tag(sync=True)
    paths = traitlets.List().tag(sync=True)
    codes = traitlets.List().tag(sync=True)
    names = traitlets.List().tag(sync=True)
    fills = traitlets.List().tag(sync=True)
    values = traitlets.List().tag(sync=True)
    selected = traitlets.Int(-1).tag(sync=True)
    partners = traitlets.List().tag(sync=True)
    arrows = traitlets.List().tag(sync=True)
    arrow_colour = traitlets.Unicode("#333333").tag(sync=True)
    legend = traitlets.Dict({"stops": [], "ticks": []}).tag(sync=True)
    note = traitlets.Unicode("").tag(sync=True)

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


class HtmlBlock(ipyvue.VueTemplate):
    """A block of HTML made by `panels` (escaped there): key figures, charts, a province."""

    template = traitlets.Unicode(
        '<template><div :class="block_class" v-html="html"></div></template>'
        "<script>module.exports = {};</script>"
    ).tag(sync=True)
    html = traitlets.Unicode("").tag(sync=True)
    block_class = traitlets.Unicode("").tag(sync=True)


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
class Panel:
    header: HtmlBlock
    map: MapWidget
    lines: HtmlBlock


@dataclass
class LiveViews:
    """One tab's year-dependent widgets and what they should show (language, view, province)."""

    on_select: Callable[[int], None] | None = None
    lang: str = "en"
    view: ViewOptions = field(default_factory=ViewOptions)
    province: int = -1
    year: HtmlBlock = field(default_factory=lambda: HtmlBlock(block_class="decentra-year"))
    notice: NoticeBlock = field(default_factory=NoticeBlock)
    province_block: HtmlBlock = field(
        default_factory=lambda: HtmlBlock(block_class="decentra-province")
    )
    panels: dict[str, Panel] = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.panels = {
            key: Panel(
                HtmlBlock(block_class=f"decentra-header decentra-header-{key}"),
                MapWidget(on_select=self._select, uid=f"map-{key}"),
                HtmlBlock(block_class=f"decentra-lines-{key}"),
            )
            for key in PANEL_KEYS
        }

    def _select(self, index: int) -> None:
        if self.on_select is not None:
            self.on_select(index)

    def configure(self, lang: str, view: ViewOptions, province: int) -> None:
        self.lang, self.view, self.province = lang, view, province

    def refresh(self, session: Session) -> None:
        """Draw the run's current year into every widget (thread-safe: play loop or a click).

        The snapshot is taken under the lock, so a slower caller never draws an older year over
        a newer one.
        """
        with self._lock:
            started = time.perf_counter()
            snap = session.run.snapshot()
            lang = self.lang
            run = session.run
            self.year.html = (
                f"{t('year_now', lang, year=snap.year)} "
                f'<span class="decentra-muted">{t("year_of", lang, last=run.last_year)}</span>'
            )
            message = session.message
            with self.notice.hold_sync():
                self.notice.text = t(message.key, lang, **message.fields) if message else ""
                self.notice.kind = message.kind if message else "info"
            series, scale = map_scale(snap, self.view)
            for key in panel_keys(snap):
                panel = self.panels[key]
                panel.header.html = header_html(snap, key, lang)
                props = map_props(snap, key, series[key][-1], scale, self.view, self.province, lang)
                with panel.map.hold_sync():
                    for name in (
                        "year", "title", "names", "fills", "values", "selected", "partners",
                        "arrows", "arrow_colour", "legend", "note",
                    ):  # fmt: skip
                        setattr(panel.map, name, props[name])
                panel.lines.html = lines_html(snap, key, lang)
            index = self.province
            self.province_block.html = province_html(snap, index, lang) if index >= 0 else ""
            timing.record("redraw", time.perf_counter() - started)
