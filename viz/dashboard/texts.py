"""Display names of scenarios and targets in the page's language (strings from `viz.labels`)."""

from __future__ import annotations

import os

from model.geography import REGIONS, REGIONS_TH
from scenarios import Scenario

from ..labels import LANGS, t
from .scenario_form import CUSTOM


def default_lang() -> str:
    """The language the app was started with (`decentra app --lang`), English otherwise."""
    lang = os.environ.get("DECENTRA_APP_LANG", "en")
    return lang if lang in LANGS else "en"


def scenario_label(scenario: Scenario | None, key: str, lang: str) -> str:
    """A scenario's name in `lang` (the files carry `name` and `name_th`)."""
    if key == CUSTOM:
        return t("custom", lang)
    if scenario is None:
        return key
    if not scenario.policies and key == "baseline":
        return t("baseline", lang)
    return (scenario.name_th or scenario.name) if lang == "th" else scenario.name


def region_label(region: str, lang: str) -> str:
    return REGIONS_TH[REGIONS.index(region)] if lang == "th" else region


def target_label(target: str, lang: str) -> str:
    """A target selector of the custom policy in words."""
    kind, _, rest = target.partition(":")
    if kind == "route":
        return t(f"route_{rest}", lang)
    if kind == "region":
        return t("target_region", lang, region=region_label(rest, lang))
    if kind == "bottom":
        return t("target_bottom", lang)
    return t(f"target_{target}", lang)
