"""The page: per-tab state, the run controller, and the layout of the live views.

Mesa's `SolaraViz` pattern is kept (a Mesa model per session; a controller whose play loop runs
as a Solara task and steps the model; views that are functions of the model), but its ready
components are not used: their labels are English only, its parameter inputs cannot refuse a
value with a message, and an error raised by its Step button is not caught.

`Dashboard` owns the tab's state: a `Session` (the models) and a `LiveViews` (the widgets a
year redraws), both in `use_memo`, so per tab and never global. A simulated year calls
`LiveViews.refresh`, which updates those widgets in place; components re-render only when the
language, the controls, the view options or the selected province change (the panels, one or
two, are drawn by the one `LiveWidget` from the data it is given).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace

import solara
from solara.alias import rv

from model.model import CHANNELS

from ..labels import channel_name, t
from ..maps import MAP_VARIABLES
from . import timing
from .controls import Choice, ScenarioControls
from .fonts import font_face_css, font_family_css
from .panels import ViewOptions
from .session import Session
from .texts import default_lang
from .widgets import LiveViews

log = logging.getLogger("decentra.app")
SPEEDS = (1, 2, 4, 8, 12)  # years per second
DEFAULT_SPEED = 4  # years per second, when a tab opens

APP_CSS = """
.decentra-year { font-size: 30px; font-weight: 700; margin-left: 16px; white-space: nowrap; }
.decentra-muted { color: #666666; font-size: 13px; font-weight: 400; }
.decentra-caption { font-size: 13px; color: #444444; }
.decentra-kf-row { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 6px; }
.decentra-kf { border: 1px solid #dddddd; border-radius: 6px; padding: 6px 10px; min-width: 140px;
  flex: 1 1 140px; background: #fafafa; }
.decentra-kf-label { font-size: 13px; color: #444444; }
.decentra-kf-value { font-size: 24px; font-weight: 700; line-height: 1.2; }
.decentra-kf-diff { font-size: 12px; color: #555555; }
.decentra-panel-title { font-size: 18px; font-weight: 700; margin: 4px 0; }
.decentra-swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px;
  margin-right: 6px; vertical-align: -1px; }
.decentra-lines { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr));
  gap: 6px; flex: 2 1 480px; }
.decentra-chart { min-width: 0; }
.dchart { display: block; }
.dchart-title { font-size: 13.5px; font-weight: 600; fill: #222222; }
.dchart-legend { font-size: 11.5px; fill: #333333; }
.dchart-tick { font-size: 11px; fill: #555555; }
.dchart-grid { stroke: #e6e6e6; stroke-width: 1; }
.decentra-province { padding: 10px; margin-top: 8px; width: 100%; }
.decentra-province-body { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.decentra-partners td { padding: 2px 8px 2px 0; font-size: 13px; vertical-align: top; }
.decentra-partner-channel { font-weight: 600; white-space: nowrap; }
.decentra-partner-table { flex: 1 1 320px; }
.decentra-map-and-lines { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
.decentra-map-cell { flex: 1 1 380px; min-width: 300px; max-width: 640px; }
"""


@solara.component
def RunBar(
    session: Session,
    playing: solara.Reactive[bool],
    finished: solara.Reactive[bool],
    speed: solara.Reactive[int],
    lang: str,
    step: Callable[[], None],
    reset: Callable[[], None],
):
    """Step, play/pause, reset and the speed (the year itself is `YearBadge`)."""
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button(
            t("step", lang),
            on_click=step,
            disabled=playing.value or finished.value,
            color="primary",
            classes=["decentra-step"],
        )
        solara.Button(
            t("pause", lang) if playing.value else t("play", lang),
            on_click=lambda: playing.set(not playing.value),
            disabled=finished.value and not playing.value,
            color="primary",
            classes=["decentra-play"],
        )
        solara.Button(t("reset", lang), on_click=reset, classes=["decentra-reset"], outlined=True)
        with solara.Div(style={"width": "210px", "padding": "0 16px"}):
            solara.Text(t("speed", lang, n=speed.value), classes=["decentra-muted"])
            rv.Slider(
                v_model=SPEEDS.index(speed.value if speed.value in SPEEDS else DEFAULT_SPEED),
                on_v_model=lambda k: speed.set(SPEEDS[int(k)]),
                min=0,
                max=len(SPEEDS) - 1,
                step=1,
                ticks="always",
                hide_details=True,
                dense=True,
                class_="decentra-speed",
            )


@solara.component
def MapOptions(view: solara.Reactive[ViewOptions], lang: str, has_policies: bool):
    """Indicator, difference from baseline, channel network: a redraw, not a restart."""
    v = view.value
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        with solara.Div(style={"min-width": "280px"}):
            Choice(
                t("map_indicator", lang),
                v.variable,
                [(name, t(f"ind_{name}", lang)) for name in MAP_VARIABLES],
                lambda x: view.set(replace(view.value, variable=x)),
                classes="decentra-indicator",
            )
        solara.Checkbox(
            label=t("map_difference", lang),
            value=v.diff and has_policies,
            on_value=lambda x: view.set(replace(view.value, diff=bool(x))),
            disabled=not has_policies,
        )
        with solara.Div(style={"min-width": "260px"}):
            Choice(
                t("network", lang),
                v.network,
                [("", t("network_none", lang)), *((c, channel_name(c, lang)) for c in CHANNELS)],
                lambda x: view.set(replace(view.value, network=x or "")),
                classes="decentra-network",
            )


@solara.component
def ProvincePicker(session: Session, province: solara.Reactive[int], lang: str):
    """Pick a province by name (clicking the map does the same)."""
    geo = session.run.tracks["a"].model.geography
    names = list(geo.name_th if lang == "th" else geo.name_en)
    order = sorted(range(len(names)), key=lambda i: names[i])
    with solara.Row(style={"align-items": "center"}):
        with solara.Div(style={"min-width": "280px"}):
            Choice(
                t("province", lang),
                province.value if province.value >= 0 else None,
                [(i, names[i]) for i in order],
                lambda i: province.set(-1 if i is None else int(i)),
                classes="decentra-province-select",
                clearable=True,
            )
        if province.value < 0:
            solara.Text(t("province_hint", lang), classes=["decentra-muted"])


@solara.component
def Dashboard():
    """The page: per-tab state, the controls in the sidebar and the views in the main area."""
    lang = solara.use_reactive(default_lang())
    session = solara.use_memo(Session, [])  # this tab's models: never shared, never global
    views = solara.use_memo(LiveViews, [])  # this tab's live widgets
    controls = solara.use_reactive(session.controls)
    playing = solara.use_reactive(False)
    finished = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    view = solara.use_reactive(ViewOptions())
    province = solara.use_reactive(-1)
    step_lock = solara.use_memo(threading.Lock, [])
    views.on_select = lambda index: province.set(int(index))

    def redraw() -> None:
        # Buttons first: after a reset, Step must be enabled before the new year shows.
        finished.set(session.run.finished)
        views.refresh(session)

    def step() -> None:
        started = time.perf_counter()
        with step_lock:
            session.step()
        redraw()
        timing.record("step_and_redraw", time.perf_counter() - started)

    def reset() -> None:
        playing.set(False)
        session.play_generation += 1
        session.reset()
        redraw()

    def play_loop() -> None:
        """Step while playing, at the chosen speed; a newer loop's generation stops this one."""
        if not playing.value:
            return
        session.play_generation += 1
        generation = session.play_generation
        try:
            while playing.value and session.play_generation == generation:
                started = time.perf_counter()
                with step_lock:
                    moved = session.step()
                redraw()
                timing.record("play_year", time.perf_counter() - started)
                if not moved or session.run.finished:
                    playing.set(False)
                    break
                time.sleep(max(1.0 / speed.value - (time.perf_counter() - started), 0.005))
        except Exception:  # e.g. the tab closed mid-play: stop quietly, never take the server down
            log.exception("play loop stopped")

    solara.lab.use_task(
        play_loop, dependencies=[playing.value], prefer_threaded=True, raise_error=False
    )

    def after_control() -> None:
        playing.set(False)
        redraw()

    def configure() -> None:
        views.configure(lang.value, view.value, province.value)
        redraw()

    solara.use_effect(configure, [lang.value, view.value, province.value, controls.value])

    solara.Style(font_face_css())
    solara.Style(font_family_css(lang.value) + APP_CSS)
    solara.Title(t("app_title", lang.value))
    with solara.AppBar():
        solara.AppBarTitle(t("app_title", lang.value))
        solara.Button(
            t("language", lang.value),
            on_click=lambda: lang.set("en" if lang.value == "th" else "th"),
            text=True,
            classes=["decentra-lang"],
            style={"color": "white", "font-size": "16px"},
        )
    with solara.Sidebar():
        with solara.Column(classes=["decentra-controls"]):
            ScenarioControls(session, controls, lang.value, after_control)
    with solara.Column(classes=["decentra-main"], style={"padding": "8px"}):
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            RunBar(session, playing, finished, speed, lang.value, step, reset)
            solara.display(views.year)
        solara.display(views.notice)
        MapOptions(view, lang.value, has_policies(session))
        ProvincePicker(session, province, lang.value)
        solara.display(views.live)  # one panel or two side by side, then the province


def has_policies(session: Session) -> bool:
    """Whether any panel differs from the baseline (else a difference map is all zeros)."""
    tracks = session.run.tracks
    return any(tracks[k] is not tracks["baseline"] for k in ("a", "b") if k in tracks)
