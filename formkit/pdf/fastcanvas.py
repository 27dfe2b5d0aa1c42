"""A reportlab canvas for packets that reuses work across documents in one process.

Most of a packet is the same from one applicant to the next: the form's labels, headings, steps, footers,
all at the same positions. reportlab encodes every string anew for every document (subset assignment,
escaping, number formatting) and subsets and compresses the embedded fonts anew. `PacketCanvas` keeps
the results instead; the memos never change an output byte (priming and Flate-only streams are fixed
choices, made whether the memos are on or off):

* Font priming. Each document starts by assigning the Turkish letters (and other non-ASCII characters we
  print) to font subset codes in one fixed order, and by naming the two font subsets in a fixed order.
  ASCII is always mapped to itself by reportlab. After priming, a string made of primed characters is
  encoded identically in every document.
* String memo. `drawString` (and the right-aligned and centred variants) for a primed string returns the
  text object code reportlab produced the last time for the same font, size, leading, position and text;
  `setFillColor`/`setStrokeColor` for an opaque RGB colour return the cached `r g b rg` operator.
* Font object memo. The embedded font subset (its glyph set is almost always the primed set), its /Widths
  array and its ToUnicode CMap are made, formatted and compressed once per glyph set and reused.
* Page streams are written with Flate only (reportlab's default adds ASCII85: 25 % larger and slower),
  chosen per page (`_compat.flate_only_last_page`), never by switching reportlab's global `rl_config`.

A test builds packets with and without these caches and checks that the PDFs are byte-identical.
"""

from __future__ import annotations

import types
import zlib
from functools import lru_cache
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from formkit.pdf import _compat, fonts

__all__ = ["PRIME", "PacketCanvas", "set_caching"]

# Non-ASCII characters assigned first, in this order, in every document (both fonts).
PRIME = "çğıöşüÇĞİÖŞÜâîûÂÎÛéÉ—–·•→‘’“”…₺"
_ASCII = frozenset(chr(c) for c in range(32, 127))
_PRIMED = frozenset(PRIME) | _ASCII
_MEMO: dict[tuple[str, float, float, float, float, str], str] = {}
_MEMO_LIMIT = 15000  # ≈ 60 packets of static strings; bounded memory per worker
_FONT_FILES: dict[tuple[str, tuple[int, ...]], tuple[bytes, int]] = {}
_ARRAYS: dict[tuple[float, ...], bytes] = {}
_CMAPS: dict[str, bytes] = {}
_CACHE_LIMIT = 64  # font files, width arrays and CMaps: one per glyph set, almost always the primed one
_enabled = True


def set_caching(enabled: bool) -> None:
    """Turn the string and font-file memos on or off (for the byte-identity test and benchmarks)."""
    global _enabled
    _enabled = enabled
    _MEMO.clear()
    _FONT_FILES.clear()
    _ARRAYS.clear()
    _CMAPS.clear()


class PacketCanvas(Canvas):  # type: ignore[misc]
    """A Canvas with primed fonts and memoised strings; the memos never change an output byte."""

    def __init__(self, target: Any, pagesize: tuple[float, float], *, invariant: int = 0) -> None:
        regular, bold = fonts.register()
        super().__init__(
            target,
            pagesize=pagesize,
            initialFontName=regular,
            initialFontSize=10,
            pageCompression=1,
            invariant=invariant,
        )
        doc = self._doc
        _compat.mark_formkit_document(doc)
        for name in (regular, bold):
            font = pdfmetrics.getFont(name)
            _install_font_file_memo(font)
            _install_font_object_memo(font)
            font.splitString(PRIME, doc)
            font.getSubsetInternalName(0, doc)

    def showPage(self) -> None:
        """End the page; its content stream is Flate only (reportlab adds ASCII85 by default: 25 % larger)."""
        super().showPage()
        _compat.flate_only_last_page(self)

    def drawString(
        self,
        x: float,
        y: float,
        text: str,
        mode: Any = None,
        charSpace: float = 0,
        direction: Any = None,
        wordSpace: Any = None,
        shaping: bool = False,
    ) -> None:
        if not _enabled or mode is not None or charSpace or direction is not None or wordSpace or shaping:
            super().drawString(x, y, text, mode, charSpace, direction, wordSpace, shaping)
            return
        key = (self._fontname, self._fontsize, self._leading, x, y, text)
        code = _MEMO.get(key)
        if code is not None:
            self._code.append(code)
            return
        before = len(self._code)
        super().drawString(x, y, text)
        if len(self._code) == before + 1 and _PRIMED.issuperset(text):
            if len(_MEMO) >= _MEMO_LIMIT:
                _MEMO.clear()
            _MEMO[key] = self._code[-1]

    def setFillColor(self, aColor: Any, alpha: Any = None) -> None:
        if self._plain_rgb(aColor, alpha, "ca"):
            self._fillColorObj = aColor
            self._code.append(_rgb_code(aColor.red, aColor.green, aColor.blue, "rg"))
            self._doc.ensureMinPdfVersion("transparency")  # as reportlab's alpha handling does
            return
        super().setFillColor(aColor, alpha)

    def setStrokeColor(self, aColor: Any, alpha: Any = None) -> None:
        if self._plain_rgb(aColor, alpha, "CA"):
            self._strokeColorObj = aColor
            self._code.append(_rgb_code(aColor.red, aColor.green, aColor.blue, "RG"))
            self._doc.ensureMinPdfVersion("transparency")
            return
        super().setStrokeColor(aColor, alpha)

    def _plain_rgb(self, color: Any, alpha: Any, gstate_key: str) -> bool:
        """An opaque RGB Color while the current opacity is 1: reportlab would emit only `r g b rg`."""
        return (
            _enabled
            and alpha is None
            and type(color) is Color
            and color.alpha == 1
            and not self._enforceColorSpace
            and self._extgstate._d.get(gstate_key, 1) == 1
        )

    def drawRightString(
        self,
        x: float,
        y: float,
        text: str,
        mode: Any = None,
        charSpace: float = 0,
        **kw: Any,
    ) -> None:
        if not _enabled or mode is not None or charSpace or kw:
            super().drawRightString(x, y, text, mode, charSpace, **kw)
            return
        self.drawString(x - self.stringWidth(text, self._fontname, self._fontsize), y, text)

    def drawCentredString(
        self,
        x: float,
        y: float,
        text: str,
        mode: Any = None,
        charSpace: float = 0,
        **kw: Any,
    ) -> None:
        if not _enabled or mode is not None or charSpace or kw:
            super().drawCentredString(x, y, text, mode, charSpace, **kw)
            return
        self.drawString(x - 0.5 * self.stringWidth(text, self._fontname, self._fontsize), y, text)


def _install_font_file_memo(font: Any) -> None:
    """Wrap the font face's addSubsetObjects so a glyph set is subset and compressed once per process.

    The wrapper acts only on documents of formkit's canvases (`_compat.is_formkit_document`); any other
    reportlab document in the process gets reportlab's own method.
    """
    face = font.face
    if face.__dict__.get("_formkit_file_memo", False):
        return
    original = face.addSubsetObjects

    def add_subset_objects(self: Any, doc: Any, fontname: str, subset: list[int]) -> Any:
        if not (_enabled and doc.compression and _compat.is_formkit_document(doc)):
            return original(doc, fontname, subset)
        key = (self.filename, tuple(subset))
        cached = _FONT_FILES.get(key)
        if cached is None:
            raw = self.makeSubset(subset)
            if len(_FONT_FILES) >= _CACHE_LIMIT:
                _FONT_FILES.clear()
            cached = _FONT_FILES[key] = (zlib.compress(raw), len(raw))
        compressed, raw_length = cached
        return _compat.add_font_file(self, doc, fontname, compressed, raw_length)

    face.addSubsetObjects = types.MethodType(add_subset_objects, face)
    face._formkit_file_memo = True


class _FormattedArray(pdfdoc.PDFObject):  # type: ignore[misc]
    """A PDFArray of numbers (a font's /Widths) formatted once per process."""

    def __init__(self, array: Any) -> None:
        self.array = array
        self.key = tuple(array.sequence)

    def format(self, document: Any) -> bytes:
        if not _enabled:
            return bytes(self.array.format(document))
        data = _ARRAYS.get(self.key)
        if data is None:
            if len(_ARRAYS) >= _CACHE_LIMIT:
                _ARRAYS.clear()
            data = _ARRAYS[self.key] = bytes(self.array.format(document))
        return data


def _install_font_object_memo(font: Any) -> None:
    """After reportlab made a font's PDF objects, reuse the formatted /Widths and compressed /ToUnicode."""
    if font.__dict__.get("_formkit_object_memo", False):  # TTFont forwards unknown attributes to its face
        return
    original = font.addObjects

    def add_objects(doc: Any) -> None:
        original(doc)
        if not (_enabled and _compat.is_formkit_document(doc)):
            return
        for obj in doc.idToObject["BasicFonts"].dict.values():
            widths = getattr(obj, "Widths", None)
            if isinstance(widths, pdfdoc.PDFArray) and all(type(w) in (int, float) for w in widths.sequence):
                obj.Widths = _FormattedArray(widths)
            cmap_ref = getattr(obj, "ToUnicode", None)
            stream = doc.idToObject.get(getattr(cmap_ref, "name", None))
            if (
                isinstance(stream, pdfdoc.PDFStream)
                and isinstance(stream.content, str)
                and stream.filters == [pdfdoc.PDFZCompress]
                and "Filter" not in stream.dictionary.dict
            ):
                cached = _CMAPS.get(stream.content)
                if cached is None:
                    if len(_CMAPS) >= _CACHE_LIMIT:
                        _CMAPS.clear()
                    cached = _CMAPS[stream.content] = zlib.compress(stream.content.encode("utf8"))
                stream.content = cached
                stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])

    font.addObjects = add_objects
    font._formkit_object_memo = True


@lru_cache(maxsize=1024)
def _rgb_code(red: float, green: float, blue: float, operator: str) -> str:
    return f"{fp_str((red, green, blue))} {operator}"
