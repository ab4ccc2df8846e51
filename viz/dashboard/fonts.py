"""Sarabun for the browser, served inside the page: Chromium here has no Thai system font.

The TTFs come from the fontpkg-sarabun package (the same files the figures use, see
`viz.style`) and travel as data: URLs in one stylesheet, so Thai renders with no network and no
extra route on the server.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

import fontpkg_sarabun

FAMILY = "Sarabun"
_FACES = (("Sarabun-Regular.ttf", 400), ("Sarabun-Bold.ttf", 700))
#: Text elements that take the page's font (icons keep their own icon fonts).
_TEXT = ".v-application, .v-application .v-label, .v-application input, .v-menu__content, "
_TEXT += ".v-application .v-btn, .v-application .v-alert, .v-application .v-toolbar__title, "
_TEXT += ".v-application .v-select__selection, .v-application .v-list-item__title, "
_TEXT += '.dchart text, .dmap, [class*="decentra-"]'


@cache
def font_face_css() -> str:
    """@font-face rules for Sarabun regular and bold, fonts embedded (about 240 kB, once a tab)."""
    root = Path(fontpkg_sarabun.ROOT) / "files"
    rules = []
    for name, weight in _FACES:
        data = base64.b64encode((root / name).read_bytes()).decode("ascii")
        rules.append(
            f"@font-face {{ font-family: '{FAMILY}'; font-style: normal; font-weight: {weight}; "
            f"font-display: block; src: url(data:font/ttf;base64,{data}) format('truetype'); }}"
        )
    return "\n".join(rules)


def font_family_css(lang: str) -> str:
    """Thai first in Thai (its Latin letters match), Roboto first in English (Thai falls back)."""
    stack = "'Sarabun', 'Roboto', sans-serif" if lang == "th" else "'Roboto', 'Sarabun', sans-serif"
    return f"{_TEXT} {{ font-family: {stack} !important; }}"
