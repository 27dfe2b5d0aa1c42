"""The embedded Unicode TrueType fonts, registered with reportlab once per process.

The 14 standard PDF fonts cannot show ğ Ğ ş Ş ı İ, so every page formkit draws uses DejaVu Sans, embedded
as a subset. Parsing a TTF costs tens of milliseconds: do it once, then every canvas reuses it.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from formkit.resources import asset

__all__ = ["BOLD", "REGULAR", "register", "string_width"]

REGULAR = "FormkitSans"
BOLD = "FormkitSans-Bold"

_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


@cache
def register() -> tuple[str, str]:
    """Register the regular and bold fonts (idempotent) and return their reportlab names."""
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(asset("fonts", filename))))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD


def string_width(text: str, font: str, size: float) -> float:
    """Width of text in points in a registered font."""
    register()
    return float(pdfmetrics.stringWidth(text, font, size))
