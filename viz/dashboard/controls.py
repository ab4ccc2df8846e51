"""The sidebar: scenario picker, budget, the custom policy, side-by-side, seed, parameters.

Every change goes through `Session.apply`, which validates it with the scenario schema and
either restarts the run at 2019 or refuses it with a message (the run keeps going). Sliders
apply on release, so dragging does not rebuild the models at every pixel.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

import solara
from solara.alias import rv

from model.parameters import Parameters
from model.policies import LEVERS

from ..labels import channel_name, fmt_number, t
from .scenario_form import (
    CUSTOM,
    KEY_PARAMETERS,
    SLIDER_BUDGET_MAX,
    Controls,
    channel_names,
    policy_years,
    shipped,
    target_options,
    total_budget,
)
from .session import Message, Session, describe_error
from .texts import scenario_label, target_label

log = logging.getLogger("decentra.app")


def guarded(
    session: Session, action: Callable[..., Any], after: Callable[[], None]
) -> Callable[..., None]:
    """Run a control's action; an unexpected error becomes a message, never a dead page."""

    def handler(*args: Any) -> None:
        try:
            action(*args)
        except Exception as err:  # the room must never see a traceback
            log.exception("dashboard action failed")
            session.message = Message(
                "refused", {"detail": f"{type(err).__name__}: {err}"}, "error"
            )
        after()

    return handler


# ---------------------------------------------------------------------------- small inputs
@solara.component
def Choice(
    label: str,
    value: Any,
    options: list[tuple[Any, str]],
    on_value: Callable[[Any], None],
    classes: str = "",
    disabled: bool = False,
    clearable: bool = False,
):
    """A select whose items show translated text but carry stable values."""
    items = [{"text": text, "value": v} for v, text in options]
    return rv.Select(
        label=label,
        v_model=value,
        items=items,
        on_v_model=on_value,
        dense=True,
        hide_details=True,
        disabled=disabled,
        clearable=clearable,
        class_=f"mb-3 {classes}".strip(),
        menu_props={"contentClass": f"{classes}-menu".strip("-")} if classes else {},
    )


@solara.component
def CommitSlider(
    label: str,
    value: float,
    low: float,
    high: float,
    step: float,
    on_commit: Callable[[float], None],
    classes: str = "",
    disabled: bool = False,
):
    """A slider that applies its value on release (dragging does not restart the run 50 times).

    The label above it shows the value, so the room can read what the facilitator set.
    """
    local, set_local = solara.use_state(value)
    solara.use_effect(lambda: set_local(value), [value])
    digits = 0 if step >= 1 else min(4, -math.floor(math.log10(step)))
    with solara.Column(gap="0px", classes=["mt-3", "decentra-slider"]):
        solara.Text(f"{label}: {fmt_number(float(local), digits)}", classes=["decentra-caption"])
        slider = rv.Slider(
            v_model=local,
            on_v_model=set_local,
            min=low,
            max=high,
            step=step,
            thumb_label=False,
            hide_details=True,
            dense=True,
            disabled=disabled,
            class_=classes,
        )
        solara.v.use_event(slider, "change", lambda *args: on_commit(args[-1]))


@solara.component
def CommitRange(
    label: str,
    value: tuple[int, int],
    low: int,
    high: int,
    on_commit: Callable[[list[int]], None],
    classes: str = "",
):
    """A first-and-last-year slider, applied on release like `CommitSlider`."""
    local, set_local = solara.use_state(list(value))
    solara.use_effect(lambda: set_local(list(value)), [value])
    slider = rv.RangeSlider(
        label=label,
        v_model=local,
        on_v_model=set_local,
        min=low,
        max=high,
        step=1,
        thumb_label="always",
        hide_details=True,
        class_=f"mt-8 {classes}".strip(),
    )
    solara.v.use_event(slider, "change", lambda *args: on_commit(args[-1]))
    return slider


# ---------------------------------------------------------------------------- controls
@solara.component
def ScenarioControls(
    session: Session, controls: solara.Reactive[Controls], lang: str, after: Callable[[], None]
):
    """Scenario picker, budget, the custom policy, second scenario, seed, parameters."""
    c = controls.value
    scenarios = shipped()
    refused = solara.use_reactive("")  # the field of the last refused input, shown in red

    def apply(**changes: Any) -> None:
        if session.apply(session.controls.replace(**changes)):
            controls.set(session.controls)
        refused.set(session.refused.field if session.refused is not None else "")

    def field_error(name: str) -> str | None:
        """The refusal of this field, to show under it (the banner shows it too)."""
        if refused.value == name and session.refused is not None:
            return t("refused", lang, detail=describe_error(session.refused))
        return None

    def on(name: str) -> Callable[[Any], None]:
        """A handler that sets one control (validated; refused values leave a message)."""
        return guarded(session, lambda value: apply(**{name: value}), after)

    def on_many(changes: Callable[[Any], dict[str, Any]]) -> Callable[[Any], None]:
        return guarded(session, lambda value: apply(**changes(value)), after)

    options = [(key, scenario_label(s, key, lang)) for key, s in scenarios.items()]
    Choice(
        t("scenario", lang),
        c.scenario,
        [*options, (CUSTOM, t("custom", lang))],
        on("scenario"),
        classes="decentra-scenario",
    )

    has_budget = c.scenario == CUSTOM or bool(scenarios[c.scenario].policies)
    budget = total_budget(c)
    # The common controls keep their place whatever the scenario (a control that moves in the
    # tree is rebuilt, and a click on it in that instant would be lost); only the custom
    # policy's own controls come and go, below them.
    CommitSlider(
        t("budget_total", lang),
        min(budget, SLIDER_BUDGET_MAX),
        0,
        SLIDER_BUDGET_MAX,
        1000,
        on("budget_mthb"),
        classes="decentra-budget-slider",
        disabled=not has_budget,
    )
    error = field_error("budget_mthb")
    hint = t("budget_hint", lang) if c.scenario != CUSTOM else None
    solara.InputText(
        t("budget_typed", lang),
        value=f"{budget:,.0f}",
        on_value=on("budget_mthb"),
        error=error or False,
        message=error or (hint if has_budget else t("budget_none", lang)),
        disabled=not has_budget,
        classes=["decentra-budget-input"],
    )
    solara.Switch(
        label=t("side_by_side", lang),
        value=c.compare is not None,
        on_value=on_many(lambda v: {"compare": _second_default(c) if v else None}),
        classes=["decentra-side-by-side"],
    )
    Choice(
        t("second_scenario", lang),
        c.compare,
        options,
        on("compare"),
        classes="decentra-second",
        disabled=c.compare is None,
    )
    error = field_error("seed")
    solara.InputText(
        t("seed_input", lang),
        value=str(c.seed),
        on_value=on("seed"),
        error=error or False,
        message=error,
        classes=["decentra-seed"],
    )
    if c.scenario == CUSTOM:
        CustomPolicy(c, lang, on, on_many)
    ModelParameters(c, lang, on_many)


def _second_default(c: Controls) -> str:
    keys = [k for k in shipped() if k not in (c.scenario, "baseline")]
    return keys[0] if keys else "baseline"


@solara.component
def CustomPolicy(
    c: Controls,
    lang: str,
    on: Callable[[str], Callable[[Any], None]],
    on_many: Callable[[Callable[[Any], dict[str, Any]]], Callable[[Any], None]],
):
    """The custom scenario's one policy: lever, target, years and the lever's coefficients."""
    levers = [(name, t(f"lever_{name}", lang)) for name in LEVERS]
    Choice(t("lever", lang), c.lever, levers, on("lever"), classes="decentra-lever")
    targets = [(x, target_label(x, lang)) for x in target_options(c.lever)]
    Choice(t("target", lang), c.target, targets, on("target"), classes="decentra-target")
    first, last = policy_years()
    CommitRange(
        t("policy_years", lang),
        (c.start, c.end),
        first,
        last,
        on_many(lambda v: {"start": int(v[0]), "end": int(v[1])}),
        classes="decentra-years",
    )
    effects = dict(c.effects)
    with solara.Details(t("lever_effects", lang)):
        for coef in LEVERS[c.lever].coefficients:
            low, high = coef.bounds
            step = 10 ** math.floor(math.log10((high - low) / 100))
            CommitSlider(
                f"{t(f'coef_{coef.name}', lang)} ({coef.unit})",
                effects.get(coef.name, coef.default),
                low,
                high,
                step,
                on_many(
                    lambda v, n=coef.name: {"effects": tuple({**effects, n: float(v)}.items())}
                ),
            )


@solara.component
def ModelParameters(
    c: Controls,
    lang: str,
    on_many: Callable[[Callable[[Any], dict[str, Any]]], Callable[[Any], None]],
):
    """Key model parameters (bounds from `Parameters`), shocks and the four channels."""
    meta = Parameters.__dataclass_fields__
    params, switches = dict(c.parameters), dict(c.channels)
    with solara.Details(t("model_parameters", lang)):
        for name in KEY_PARAMETERS:
            low, high = meta[name].metadata["bounds"]
            CommitSlider(
                t(f"param_{name}", lang),
                float(c.parameter(name)),
                low,
                high,
                10 ** math.floor(math.log10((high - low) / 200)),
                on_many(lambda v, n=name: {"parameters": tuple({**params, n: float(v)}.items())}),
            )
        solara.Checkbox(
            label=t("shocks", lang),
            value=bool(c.parameter("shocks")),
            on_value=on_many(
                lambda v: {"parameters": tuple({**params, "shocks": bool(v)}.items())}
            ),
        )
    with solara.Details(t("channels", lang)):
        for name in channel_names():
            solara.Checkbox(
                label=channel_name(name, lang),
                value=c.channel(name),
                on_value=on_many(
                    lambda v, n=name: {"channels": tuple({**switches, n: bool(v)}.items())}
                ),
            )


# ---------------------------------------------------------------------------- run controls
