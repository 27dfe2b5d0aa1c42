"""Content streams for filled-in values without a reportlab document per record.

reportlab embeds a fresh font subset each time a document is saved, and for a one-page overlay that (subset,
compress, format widths) is most of the cost of filling a form. Here the fonts are subset ONCE per process
over a fixed repertoire (Windows-1254 plus a few signs: every Turkish and Western European name; kept small
because the subsets are copied into every output) by saving one reportlab "font pack" PDF. Its font objects
are copied into every output, and each record's values become a small content stream written here, with
text encoded through the pack's own subset codes (`TTFont.splitString` on the pack's document). Text outside
the repertoire is not handled here: `covers()` tells the caller to fall back to a reportlab overlay.
"""

from __future__ import annotations

import io
import threading
import unicodedata
import zlib
from dataclasses import dataclass
from functools import cache
from typing import Any

from reportlab.pdfbase import pdfmetrics

from formkit.pdf import fonts, textfit

__all__ = ["RGB", "FontPack", "Frame", "Matrix", "Rect", "Stream", "draw_frame", "pack"]

RGB = tuple[float, float, float]
Rect = tuple[float, float, float, float]
Matrix = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class Frame:
    """A widget's border and background (from /MK and /BS), drawn when its widget is flattened away."""

    background: RGB | None
    border: RGB | None
    width: float
    style: str = "S"  # S solid, D dashed, U underline (B and I are drawn solid)


def _frame_geometry(rect: Rect, frame: Frame) -> Rect:
    x, y, w, h = rect
    inset = frame.width / 2
    return x + inset, y + inset, max(0.0, w - frame.width), max(0.0, h - frame.width)


def draw_frame(canvas: Any, rect: Rect, frame: Frame, *, circle: bool) -> None:
    """The same frame with reportlab (fallback path)."""
    canvas.saveState()
    if frame.background is not None:
        canvas.setFillColorRGB(*frame.background)
        if circle:
            canvas.circle(
                rect[0] + rect[2] / 2, rect[1] + rect[3] / 2, min(rect[2], rect[3]) / 2, stroke=0, fill=1
            )
        else:
            canvas.rect(*rect, stroke=0, fill=1)
    if frame.border is not None and frame.width > 0:
        canvas.setStrokeColorRGB(*frame.border)
        canvas.setLineWidth(frame.width)
        if frame.style == "D":
            canvas.setDash(3, 3)
        x, y, w, h = _frame_geometry(rect, frame)
        if frame.style == "U":
            canvas.line(x, y, x + w, y)
        elif circle:
            canvas.circle(x + w / 2, y + h / 2, min(w, h) / 2, stroke=1, fill=0)
        else:
            canvas.rect(x, y, w, h, stroke=1, fill=0)
    canvas.restoreState()


def _repertoire() -> str:
    chars: list[str] = []
    for code in range(32, 256):
        try:
            chars.append(bytes([code]).decode("cp1254"))
        except UnicodeDecodeError:
            continue
    chars += list("ƏəÇçĞğİıÖöŞşÜü€₺–—‘’“”„•…‰′″№")  # Azerbaijani ə, the lira sign, ...
    seen = dict.fromkeys(ch for ch in chars if unicodedata.category(ch)[0] != "C")
    return "".join(seen)


@dataclass(frozen=True)
class FontPack:
    """The process-wide font subsets: PDF bytes holding them, and how to encode text for them."""

    pdf: bytes  # a one-page reportlab PDF whose page resources hold every subset of both fonts
    chars: frozenset[str]
    doc: Any  # the reportlab document the subset codes belong to (kept alive for splitString)

    def covers(self, text: str) -> bool:
        return all(ch in self.chars for ch in text)


_PACK_LOCK = threading.Lock()


def pack(with_bold: bool = True) -> FontPack:
    """The font pack, built once per process (≈ 0.1 s): the regular font, and the bold one if asked for.

    Locked so that threads filling at the same time share one pack: codes from one pack's subsets must
    never be paired with another pack's font objects.
    """
    with _PACK_LOCK:
        return _build_pack(with_bold)


@cache
def _build_pack(with_bold: bool) -> FontPack:
    regular, bold = fonts.register()
    names = (regular, bold) if with_bold else (regular,)
    buf = io.BytesIO()
    canvas = textfit.new_canvas(buf, (600, 200))
    text = _repertoire()
    usable = []
    for name in names:
        face = pdfmetrics.getFont(name).face
        usable.append({ch for ch in text if ord(ch) in face.charToGlyph})
        canvas.setFont(name, 8)
        canvas.drawString(0, 100, text)
    canvas.showPage()
    doc = canvas._doc  # the subset states are keyed by this document; keep it alive with the pack
    states = {name: pdfmetrics.getFont(name).state[doc] for name in names}
    canvas.save()
    for name, state in states.items():  # reportlab drops a document's subset state once it is written
        pdfmetrics.getFont(name).state[doc] = state
    return FontPack(buf.getvalue(), frozenset(set.intersection(*usable)), doc)


def _n(value: float) -> bytes:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


def _escape(raw: bytes) -> bytes:
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)").replace(b"\r", b"\\r")


def _circle(cx: float, cy: float, r: float) -> bytes:
    """A closed circle path: four Bézier quarter circles."""
    k = r * 0.5523
    quarters = [
        (cx + r, cy + k, cx + k, cy + r, cx, cy + r),
        (cx - k, cy + r, cx - r, cy + k, cx - r, cy),
        (cx - r, cy - k, cx - k, cy - r, cx, cy - r),
        (cx + k, cy - r, cx + r, cy - k, cx + r, cy),
    ]
    curves = b" ".join(b" ".join(_n(v) for v in q) + b" c" for q in quarters)
    return b"%s %s m %s h" % (_n(cx + r), _n(cy), curves)


class Stream:
    """Builds one content stream (text runs and check marks) in the pack's encoding."""

    def __init__(self, font_pack: FontPack) -> None:
        self.pack = font_pack
        self.ops: list[bytes] = []

    def text(self, fitted: textfit.Fitted, rgb: RGB, matrix: Matrix | None = None) -> None:
        font = pdfmetrics.getFont(fitted.font)
        doc = self.pack.doc
        ops = self.ops
        if matrix is not None:
            ops.append(b"q %s cm" % b" ".join(_n(v) for v in matrix))
        ops.append(b"%s %s %s rg BT %s Tc" % (_n(rgb[0]), _n(rgb[1]), _n(rgb[2]), _n(fitted.char_space)))
        size = _n(fitted.size)
        for x, y, run in fitted.runs:
            ops.append(b"1 0 0 1 %s %s Tm" % (_n(x), _n(y)))
            for subset, raw in font.splitString(run, doc):
                name = font.getSubsetInternalName(subset, doc).encode()
                ops.append(b"%s %s Tf (%s) Tj" % (name, size, _escape(raw)))
        ops.append(b"ET")
        if matrix is not None:
            ops.append(b"Q")

    def frame(self, rect: Rect, frame: Frame, *, circle: bool) -> None:
        ops = [b"q"]
        if frame.background is not None:
            bg = frame.background
            ops.append(b"%s %s %s rg" % (_n(bg[0]), _n(bg[1]), _n(bg[2])))
            if circle:
                x, y, w, h = rect
                ops.append(_circle(x + w / 2, y + h / 2, min(w, h) / 2) + b" f")
            else:
                ops.append(b"%s %s %s %s re f" % tuple(_n(v) for v in rect))
        if frame.border is not None and frame.width > 0:
            bc = frame.border
            ops.append(b"%s %s %s RG %s w" % (_n(bc[0]), _n(bc[1]), _n(bc[2]), _n(frame.width)))
            if frame.style == "D":
                ops.append(b"[3 3] 0 d")
            x, y, w, h = _frame_geometry(rect, frame)
            if frame.style == "U":
                ops.append(b"%s %s m %s %s l S" % (_n(x), _n(y), _n(x + w), _n(y)))
            elif circle:
                ops.append(_circle(x + w / 2, y + h / 2, min(w, h) / 2) + b" S")
            else:
                ops.append(b"%s %s %s %s re S" % (_n(x), _n(y), _n(w), _n(h)))
        ops.append(b"Q")
        self.ops.append(b" ".join(ops))

    def mark(self, rect: Rect, rgb: RGB, radio: bool, matrix: Matrix | None = None) -> None:
        if matrix is not None:
            self.ops.append(b"q %s cm" % b" ".join(_n(v) for v in matrix))
            self.mark(rect, rgb, radio)
            self.ops.append(b"Q")
            return
        x, y, w, h = rect
        color = b"%s %s %s" % (_n(rgb[0]), _n(rgb[1]), _n(rgb[2]))
        if radio:  # a filled dot
            self.ops.append(b"q %s rg %s f Q" % (color, _circle(x + w / 2, y + h / 2, min(w, h) * 0.25)))
            return
        points, width = textfit.tick_geometry(x, y, w, h)
        (x1, y1), (x2, y2), (x3, y3) = points
        self.ops.append(
            b"q %s RG %s w 1 J 1 j %s %s m %s %s l %s %s l S Q"
            % (color, _n(width), _n(x1), _n(y1), _n(x2), _n(y2), _n(x3), _n(y3))
        )

    def compressed(self) -> bytes:
        return zlib.compress(b"\n".join(self.ops), 6)
