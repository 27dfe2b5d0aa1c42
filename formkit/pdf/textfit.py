"""Fit a value into a field's rectangle: shrink, then wrap, comb cells, alignment — in one place.

Both the fast path that draws the built-in form straight onto a reportlab canvas (`pages.form`) and the
pypdf engine that flattens or makes appearance streams for any AcroForm template (`forms`) lay text out
here, so a value looks the same whichever path drew it. Text that cannot fit even at the minimum size
raises `NoFit` (a Turkish message); callers turn it into a Problem for the field. Nothing is cut silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from reportlab.pdfbase import pdfmetrics

from formkit.pdf import _compat, fonts

__all__ = [
    "ASCENT",
    "DEFAULT_SIZE",
    "LEADING",
    "MIN_SIZE",
    "PADDING",
    "Fitted",
    "NoFit",
    "check_mark",
    "draw",
    "fit",
    "new_canvas",
    "tick_geometry",
    "wrap",
]

DEFAULT_SIZE = 10.0
MIN_SIZE = 6.0
PADDING = 2.0
LEADING = 1.18  # line height as a multiple of the font size
ASCENT = 0.76  # DejaVu Sans cap height (approx.), for centring a single line vertically
_STEP = 0.5

LEFT, CENTRE, RIGHT = 0, 1, 2


class NoFit(Exception):
    """The value cannot be laid out in the rectangle; `message` is Turkish and names the reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Fitted:
    """A laid-out value: font, size and each run with its baseline position (absolute page coordinates)."""

    font: str
    size: float
    runs: tuple[tuple[float, float, str], ...]
    char_space: float = 0.0  # comb fields of equal-width characters: one run, spaced into the cells


def fit(
    text: str,
    x: float,
    y: float,
    w: float,
    h: float,
    *,
    font: str | None = None,
    size: float = 0.0,
    min_size: float = MIN_SIZE,
    align: int = LEFT,
    multiline: bool = False,
    comb: int = 0,
    max_len: int = 0,
    padding: float = PADDING,
) -> Fitted:
    """Lay `text` out inside the rectangle (x, y, w, h); size 0 means auto (largest that fits, ≤ 10 pt).

    Order: comb fields put one character per cell; otherwise the text is tried on one line from the
    start size down to `min_size`, then wrapped (word by word; over-long words by character) from the start
    size down, as long as the lines fit the height. Raises NoFit when nothing works.
    """
    regular, _ = fonts.register()
    font = font or regular
    missing = missing_glyphs(text, font)
    if missing:
        raise NoFit(f"yazı tipinde olmayan karakter: {missing!r}")
    start = size if size > 0 else min(DEFAULT_SIZE, max(min_size, (h - 2 * padding) / LEADING))
    start = max(start, min_size)
    if max_len and len(text) > max_len:
        raise NoFit(f"{len(text)} karakter, alana en çok {max_len} karakter sığıyor")
    if comb:
        return _comb(text, x, y, w, h, font, start, min_size, comb)
    inner_w = w - 2 * padding
    inner_h = h - 2 * padding
    paragraphs = text.split("\n") if multiline else [" ".join(text.split())]
    if not multiline or len(paragraphs) == 1:
        one = paragraphs[0] if not multiline else " ".join(paragraphs[0].split())
        sz = start
        while sz >= min_size - 1e-9:
            if fonts.string_width(one, font, sz) <= inner_w and sz * LEADING <= inner_h + 0.01:
                return _place([one], x, y, w, h, font, sz, align, multiline, padding)
            sz -= _STEP
    sz = start
    while sz >= min_size - 1e-9:
        lines = _wrap(paragraphs, font, sz, inner_w)
        if lines is not None and len(lines) * sz * LEADING <= inner_h + 0.01:
            return _place(lines, x, y, w, h, font, sz, align, multiline or len(lines) > 1, padding)
        sz -= _STEP
    raise NoFit("değer alana sığmıyor (en küçük yazı boyutunda bile)")


def missing_glyphs(text: str, font: str) -> str:
    """The characters of `text` that `font` (a registered TrueType font) cannot show, each once."""
    glyphs = _glyph_map(font)
    return "".join(dict.fromkeys(ch for ch in text if ord(ch) not in glyphs and ch not in "\n\r\t\xa0"))


@cache
def _glyph_map(font: str) -> Any:
    return pdfmetrics.getFont(font).face.charToGlyph


def wrap(paragraphs: Iterable[str], font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap, the one used for form fields and packet pages alike.

    Each paragraph starts a new line; a word wider than the line is broken between characters (a single
    character wider than the line stays alone on its line: callers decide whether that is a failure).
    """
    space = fonts.string_width(" ", font, size)
    lines: list[str] = []
    for paragraph in paragraphs:
        words = paragraph.split()
        if not words:
            lines.append("")
            continue
        line, line_w = "", 0.0
        for word in words:
            word_w = fonts.string_width(word, font, size)
            if word_w > width:
                if line:
                    lines.append(line)
                pieces = _break_word(word, font, size, width)
                lines.extend(pieces[:-1])
                line, line_w = pieces[-1], fonts.string_width(pieces[-1], font, size)
            elif not line:
                line, line_w = word, word_w
            elif line_w + space + word_w <= width:
                line, line_w = f"{line} {word}", line_w + space + word_w
            else:
                lines.append(line)
                line, line_w = word, word_w
        lines.append(line)
    return lines


def _break_word(word: str, font: str, size: float, width: float) -> list[str]:
    """Split a word wider than the line into the longest pieces that fit (URLs, very long names)."""
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and fonts.string_width(current + ch, font, size) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    return [*pieces, current] if current else pieces


def _wrap(paragraphs: list[str], font: str, size: float, width: float) -> list[str] | None:
    """wrap() for a form field: None when even one character is wider than the field."""
    lines = wrap(paragraphs, font, size, width)
    if any(fonts.string_width(line, font, size) > width for line in lines):
        return None
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _place(
    lines: list[str],
    x: float,
    y: float,
    w: float,
    h: float,
    font: str,
    size: float,
    align: int,
    top: bool,
    padding: float = PADDING,
) -> Fitted:
    leading = size * LEADING
    # multi-line text starts at the top; a single line is centred on its cap height
    baseline = y + h - padding - size * 0.93 if top else y + (h - ASCENT * size) / 2
    runs = []
    for line in lines:
        width = fonts.string_width(line, font, size)
        if align == CENTRE:
            lx = x + (w - width) / 2
        elif align == RIGHT:
            lx = x + w - padding - width
        else:
            lx = x + padding
        runs.append((round(lx, 3), round(baseline, 3), line))
        baseline -= leading
    return Fitted(font, size, tuple(runs))


def _comb(
    text: str, x: float, y: float, w: float, h: float, font: str, start: float, min_size: float, cells: int
) -> Fitted:
    if len(text) > cells:
        raise NoFit(f"{len(text)} karakter, alanda {cells} hane var; sığmıyor")
    cell = w / cells
    size = min(start, h * 0.7)
    widest = max((fonts.string_width(ch, font, size) for ch in text), default=0.0)
    while widest > cell * 0.9 and size > min_size:
        size = max(min_size, size - _STEP)
        widest = max(fonts.string_width(ch, font, size) for ch in text)
    if widest > cell:
        raise NoFit("karakterler hanelere sığmıyor")
    baseline = y + (h - ASCENT * size) / 2
    widths = {round(fonts.string_width(ch, font, size), 3) for ch in text}
    if len(widths) == 1 and text:
        # digits all have one width: a single run with character spacing keeps the value one word for
        # text extraction and screen readers, and still centres every digit in its cell
        width = widths.pop()
        start_x = x + (cell - width) / 2
        return Fitted(font, size, ((round(start_x, 3), round(baseline, 3), text),), round(cell - width, 4))
    runs = tuple(
        (round(x + i * cell + (cell - fonts.string_width(ch, font, size)) / 2, 3), round(baseline, 3), ch)
        for i, ch in enumerate(text)
    )
    return Fitted(font, size, runs)


def new_canvas(target: Any, pagesize: tuple[float, float], **kw: Any) -> Any:
    """A reportlab canvas whose initial font is the embedded one, so no unembedded Helvetica is referenced.

    reportlab otherwise puts Helvetica (a standard font, never embedded, no Turkish letters) into every page's
    resources. Compression and invariant output (for SOURCE_DATE_EPOCH reproducibility) are on by default.
    """
    from reportlab.pdfgen.canvas import Canvas

    regular, _ = fonts.register()
    kw.setdefault("pageCompression", 1)
    kw.setdefault("invariant", 1)
    canvas = Canvas(target, pagesize=pagesize, initialFontName=regular, initialFontSize=DEFAULT_SIZE, **kw)
    _compat.mark_formkit_document(canvas._doc)  # fastcanvas's font memos may serve it (same bytes)
    return canvas


def draw(canvas: Any, fitted: Fitted) -> None:
    """Draw a laid-out value onto a reportlab canvas (fill colour as set by the caller)."""
    if fitted.char_space:
        rx, ry, run = fitted.runs[0]
        text = canvas.beginText(rx, ry)
        text.setFont(fitted.font, fitted.size)
        text.setCharSpace(fitted.char_space)
        text.textOut(run)
        text.setCharSpace(0)  # Tc outlives ET in the PDF graphics state: reset it for the text drawn next
        canvas.drawText(text)
        return
    canvas.setFont(fitted.font, fitted.size)
    for rx, ry, run in fitted.runs:
        canvas.drawString(rx, ry, run)


def tick_geometry(
    x: float, y: float, w: float, h: float
) -> tuple[tuple[tuple[float, float], tuple[float, float], tuple[float, float]], float]:
    """The three points and line width of the tick drawn in a check box (shared by both drawing paths)."""
    side = min(w, h)
    cx, cy = x + w / 2, y + h / 2
    s = side * 0.8
    ox, oy = cx - s / 2, cy - s / 2
    points = ((ox + 0.12 * s, oy + 0.52 * s), (ox + 0.40 * s, oy + 0.20 * s), (ox + 0.90 * s, oy + 0.86 * s))
    return points, max(0.8, side * 0.12)


def check_mark(canvas: Any, x: float, y: float, w: float, h: float, *, radio: bool = False) -> None:
    """Draw the on-state of a check box (a tick) or radio button (a dot) as vector paths, no font needed."""
    side = min(w, h)
    cx, cy = x + w / 2, y + h / 2
    if radio:
        canvas.circle(cx, cy, side * 0.25, stroke=0, fill=1)
        return
    points, width = tick_geometry(x, y, w, h)
    path = canvas.beginPath()
    path.moveTo(*points[0])
    path.lineTo(*points[1])
    path.lineTo(*points[2])
    canvas.saveState()
    canvas.setLineWidth(width)
    canvas.setLineCap(1)
    canvas.setLineJoin(1)
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.restoreState()
