"""Page geometry, colours and text fitting shared by the packet's reportlab pages.

All text is drawn with `drawString` (plain text, never Paragraph markup), so `&`, `<` and `>` in a name print
as themselves. Text that may be long (names, institutions, addresses) goes through `fit`: it first shrinks
towards a floor, then wraps, then shrinks further; when it still does not fit its box, `FitError` names the
field, so a caller reports it instead of drawing overlapping text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from formkit.errors import FitError
from formkit.pdf import fonts, textfit

__all__ = [
    "ACCENT",
    "BOLD",
    "BOTTOM_LIMIT",
    "CONTENT_W",
    "FAINT",
    "FOOTER_Y",
    "INK",
    "LEFT",
    "MM",
    "MUTED",
    "PAGE_H",
    "PAGE_W",
    "REGULAR",
    "RIGHT",
    "STAMP_RED",
    "TINT",
    "WHITE",
    "FitError",
    "Fitted",
    "draw_fitted",
    "fit",
    "fit_block",
    "fit_list",
    "fold_marks",
    "footer",
    "header",
    "section_title",
    "text",
    "width",
    "wrap",
    "y_top",
]

MM = 72.0 / 25.4
PAGE_W: float = A4[0]
PAGE_H: float = A4[1]
LEFT = 20 * MM  # DIN 5008: 20-25 mm left margin; our blocks start at 20 mm
RIGHT = PAGE_W - 20 * MM
CONTENT_W = RIGHT - LEFT
FOOTER_Y = 12 * MM
BOTTOM_LIMIT = 22 * MM  # nothing but the footer below this line

REGULAR = fonts.REGULAR
BOLD = fonts.BOLD

INK = Color(0.10, 0.12, 0.16)
MUTED = Color(0.38, 0.41, 0.46)
FAINT = Color(0.78, 0.80, 0.83)
TINT = Color(0.94, 0.95, 0.97)
ACCENT = Color(0.07, 0.24, 0.45)  # a sober ministry blue
STAMP_RED = Color(0.78, 0.09, 0.11)
WHITE = Color(1, 1, 1)


def y_top(mm_from_top: float) -> float:
    """Convert a distance from the top edge in millimetres to a reportlab y coordinate."""
    return PAGE_H - mm_from_top * MM


@dataclass(frozen=True)
class Fitted:
    """Text laid out for one box: the chosen font size and its lines."""

    font: str
    size: float
    lines: tuple[str, ...]
    leading: float

    @property
    def height(self) -> float:
        return self.leading * len(self.lines)


def width(text: str, font: str, size: float) -> float:
    """Width of text in points."""
    return float(stringWidth(text, font, size))


def wrap(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap (textfit.wrap); explicit newlines are kept, over-long words are broken."""
    return textfit.wrap(text.split("\n"), font, size, max_width)


@lru_cache(maxsize=8192)
def fit(
    text: str,
    font: str,
    size: float,
    max_width: float,
    *,
    min_size: float | None = None,
    max_lines: int = 1,
    field: str = "",
    leading: float = 1.22,
    shrink: bool = True,
) -> Fitted:
    """Lay out text in a box max_width wide: shrink (to 85 %), then wrap, then shrink to min_size.

    With shrink=False (running text) it wraps first and shrinks only when the lines run out.
    Raises FitError when the text needs more than max_lines lines even at min_size.
    Results are cached: static texts (steps, labels) are laid out once per process.
    """
    floor = min_size if min_size is not None else size
    shrink_floor = max(floor, round(size * 0.85 * 2) / 2) if shrink else size
    candidate = size
    while candidate >= shrink_floor - 1e-9:
        if "\n" not in text and width(text, font, candidate) <= max_width:
            return Fitted(font, candidate, (text,), candidate * leading)
        candidate -= 0.5
    candidate = size
    while candidate >= floor - 1e-9:
        lines = wrap(text, font, candidate, max_width)
        if len(lines) <= max_lines:
            return Fitted(font, candidate, tuple(lines), candidate * leading)
        candidate -= 0.5
    raise FitError(field, text)


def fit_list(
    items: Sequence[str],
    steps: Sequence[tuple[float, float]],
    max_width: float,
    room: float,
    *,
    field: str,
) -> tuple[list[Fitted], float, bool]:
    """A list of paragraphs (steps, checklist items) as large as `room` points of height allow.

    Tries each (size, gap in mm) of `steps`, largest first, wrapping every item into max_width (up to six
    lines); returns the first that fits as (fitted items, gap, True), else the smallest as (..., False).
    """
    fitted: list[Fitted] = []
    gap = 0.0
    for size, gap in steps:
        fitted = [
            fit(item, REGULAR, size, max_width, min_size=size, max_lines=6, field=field, shrink=False)
            for item in items
        ]
        if sum(f.height + gap * MM for f in fitted) <= room:
            return fitted, gap, True
    return fitted, gap, False


def fit_block(
    texts: Sequence[str],
    font: str,
    size: float,
    max_width: float,
    max_height: float,
    *,
    min_size: float,
    field: str = "",
    leading: float = 1.2,
) -> Fitted:
    """Lay out several lines (an address) with one common size so the block fits max_height.

    Address lines are first shrunk (to 85 %) to stay one line each; only then are long ones wrapped.
    """
    shrink_floor = max(min_size, round(size * 0.85 * 2) / 2)
    candidate = size
    while candidate >= shrink_floor - 1e-9:
        fits_height = len(texts) * candidate * leading <= max_height + 0.01
        if fits_height and all(width(t, font, candidate) <= max_width for t in texts):
            return Fitted(font, candidate, tuple(texts), candidate * leading)
        candidate -= 0.5
    candidate = size
    while candidate >= min_size - 1e-9:
        lines: list[str] = []
        for text in texts:
            if width(text, font, candidate) <= max_width:
                lines.append(text)
            else:
                lines.extend(wrap(text, font, candidate, max_width))
        if len(lines) * candidate * leading <= max_height + 0.01:
            return Fitted(font, candidate, tuple(lines), candidate * leading)
        candidate -= 0.5
    raise FitError(field, " / ".join(texts))


def draw_fitted(
    canvas: Canvas,
    fitted: Fitted,
    x: float,
    top: float,
    *,
    color: Color = INK,
    align: str = "left",
) -> float:
    """Draw fitted lines with their first baseline just under `top`; return the y under the block."""
    canvas.setFillColor(color)
    canvas.setFont(fitted.font, fitted.size)
    baseline = top - fitted.size * 0.93  # DejaVu ascent is 0.76 em; leave a little air above
    for line in fitted.lines:
        if align == "right":
            canvas.drawRightString(x, baseline, line)
        elif align == "center":
            canvas.drawCentredString(x, baseline, line)
        else:
            canvas.drawString(x, baseline, line)
        baseline -= fitted.leading
    return top - fitted.height


def text(canvas: Canvas, x: float, y: float, value: str, font: str, size: float, color: Color = INK) -> None:
    """Draw one short, known-to-fit line at a baseline."""
    canvas.setFillColor(color)
    canvas.setFont(font, size)
    canvas.drawString(x, y, value)


def fold_marks(canvas: Canvas) -> None:
    """Short marks on the left edge where A4 is folded in three for a DL window envelope (105/210 mm)."""
    canvas.setStrokeColor(FAINT)
    canvas.setLineWidth(0.5)
    for from_top in (105.0, 210.0):
        y = y_top(from_top)
        canvas.line(4 * MM, y, 9 * MM, y)


def header(canvas: Canvas, *, office: str, title: str, subtitle: str) -> float:
    """The common page head: issuing office in small capitals, title, subtitle, a rule. Returns its bottom."""
    text(canvas, LEFT, y_top(15), office, BOLD, 8, MUTED)
    text(canvas, LEFT, y_top(23.5), title, BOLD, 17, ACCENT)
    sub = fit(subtitle, REGULAR, 9.5, CONTENT_W, min_size=7.5, max_lines=2, field="ad soyad")
    bottom = draw_fitted(canvas, sub, LEFT, y_top(26), color=INK)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    rule = bottom - 2.5 * MM
    canvas.line(LEFT, rule, RIGHT, rule)
    return rule


def footer(canvas: Canvas, left: str, right: str) -> None:
    """The common page foot: a hairline, a source note on the left and the packet reference on the right."""
    canvas.setStrokeColor(FAINT)
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, FOOTER_Y + 4 * MM, RIGHT, FOOTER_Y + 4 * MM)
    right_w = width(right, REGULAR, 7)
    left_fit = fit(left, REGULAR, 7, CONTENT_W - right_w - 6 * MM, min_size=5.5, field="footer")
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, left_fit.size)
    canvas.drawString(LEFT, FOOTER_Y, left_fit.lines[0])
    canvas.setFont(REGULAR, 7)
    canvas.drawRightString(RIGHT, FOOTER_Y, right)


def section_title(canvas: Canvas, label: str, top: float) -> float:
    """A small bold upper-case section heading with a hairline under it; returns the y under it."""
    text(canvas, LEFT, top - 9, label, BOLD, 9, ACCENT)
    canvas.setStrokeColor(FAINT)
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, top - 12, RIGHT, top - 12)
    return top - 12 - 2.5 * MM
