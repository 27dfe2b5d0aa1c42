"""The applicant's portal printout as the packet's copies, each page marked in a margin with no content.

The signed paper is the PDF Kamu SM's system gives the applicant (DESIGN §1). We never touch its content:
pdfium turns each printout page into one form XObject (its content streams and resources as they are, so its
graphics state cannot leak into anything drawn after it), shared by all copies; each copy page is a new page
with the printout page's boxes and rotation that draws that XObject, then the copy mark (another form
XObject). Filled form fields and other annotations are flattened into the page first, so that they print.
All of it runs in pdfium's C++ (about 3.5 ms a packet; the pypdf version took four times the built-in
path's time): see bench/bench_batch.py --forms.

Where the mark goes: each page is rendered once at 36 dpi with pdfium (grey levels, a fraction of a
millisecond a page) and every pixel darker than INK_LEVEL counts as ink, whatever drew it (text, vector art,
images, a scanned page). The mark's box plus a gap must lie on no ink: first along the top or bottom edge,
then turned 90° along the side edges; if no margin is free, it goes to the corner with the least ink and the
packet carries a warning saying so. Each row of the ink map is one Python int (one byte per pixel), so
testing a box is a few big-integer ANDs.

pdfium is not thread-safe: every call into it here holds one process-wide lock.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

import pypdfium2 as pdfium

from formkit.errors import TemplateError
from formkit.pdf import fonts, limits
from formkit.pdf.layout import BOLD, MM, STAMP_RED, WHITE, width
from formkit.pdf.textfit import new_canvas

SCALE = 0.5  # pixels per point when looking for ink (36 dpi)
INK_LEVEL = 245  # a grey level below this is ink (anti-aliased hairlines included)
INSET = 5 * MM  # printers leave the outer ~4 mm blank; the mark stays inside this
GAP = 1.5 * MM  # blank kept around the mark
MARK_SIZE = 8.5  # pt, bold
MARK_H = 6 * MM
_INK_TABLE = bytes(1 if level < INK_LEVEL else 0 for level in range(256))
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]{32})>\s*<([0-9A-Fa-f]{32})>\s*\]")
_LOCK = threading.RLock()


@contextmanager
def pdfium_lock() -> Iterator[None]:
    """Hold the process-wide pdfium lock (pdfium is not thread-safe)."""
    with _LOCK:
        yield


@dataclass(frozen=True)
class Spot:
    """Where one copy mark goes on a page: the lower-left corner of its box in the page's user space.

    turned: the box is turned 90° (text running upwards), for a side margin; free: it lies on no ink.
    """

    x: float
    y: float
    turned: bool = False
    free: bool = True


@dataclass(frozen=True)
class PageLayout:
    """What the packet needs of one printout page: its boxes, rotation, whether it has annotations, and
    where a mark of `size` (or smaller) goes. Small and picklable: a batch computes it while reading the
    page's text (batch/printouts.py), so the worker does not load and render the page a second time."""

    box: tuple[float, float, float, float]  # crop box
    mediabox: tuple[float, float, float, float]
    rotation: int
    annotated: bool
    size: tuple[float, float]
    spot: Spot


def page_layout(page: pdfium.PdfPage, size: tuple[float, float]) -> PageLayout:
    """Render a loaded page once and find where a mark of `size` goes (caller holds the pdfium lock)."""
    ink = InkMap.of(page)
    w, h = size
    # A page with /Rotate is shown turned, so its user space is not what the reader sees: the top right of
    # its user space, not `free` (a warning says so).
    turned = Spot(ink.right - INSET - w, ink.top - INSET - h, free=False)
    spot = turned if ink.rotated else ink.spot(w, h)
    annotated = pdfium.raw.FPDFPage_GetAnnotCount(page.raw) > 0
    return PageLayout(
        (ink.left, ink.bottom, ink.right, ink.top), ink.mediabox, ink.rotation, annotated, size, spot
    )


def mark_size(labels: Sequence[str]) -> tuple[float, float]:
    """The box that holds the widest of these marks: one place per page fits every copy's mark."""
    return max(mark(label).w for label in labels), MARK_H


class InkMap:
    """Which pixels of a page carry ink, at SCALE pixels per point; rows are ints, one byte a pixel."""

    def __init__(
        self,
        rows: list[int],
        width: int,
        box: tuple[float, float, float, float],
        rotation: int = 0,
        mediabox: tuple[float, float, float, float] | None = None,
    ) -> None:
        self.rotation = rotation
        self.rotated = bool(rotation)
        self.mediabox = mediabox or box
        self.rows = rows
        self.width = width
        self.height = len(rows)
        self.left, self.bottom, self.right, self.top = box

    @classmethod
    def of(cls, page: pdfium.PdfPage) -> InkMap:
        box = page.get_cropbox()
        media = page.get_mediabox()
        rotation = page.get_rotation() % 360
        bitmap = page.render(scale=SCALE, grayscale=True, rotation=0, may_draw_forms=True)
        try:
            buffer = bytes(bitmap.buffer)
            w, stride = bitmap.width, bitmap.stride
            rows = [
                int.from_bytes(buffer[r * stride : r * stride + w].translate(_INK_TABLE), "big")
                for r in range(bitmap.height)
            ]
        finally:
            bitmap.close()
        return cls(
            rows, w, (box[0], box[1], box[2], box[3]), rotation, (media[0], media[1], media[2], media[3])
        )

    def ink(self, x0: float, y0: float, x1: float, y1: float) -> int:
        """Ink pixels inside a rectangle given in points (user space); outside the page counts as ink."""
        if x0 < self.left or y0 < self.bottom or x1 > self.right or y1 > self.top:
            return 1 << 30
        c0 = max(0, int((x0 - self.left) * SCALE))
        c1 = min(self.width, int((x1 - self.left) * SCALE + 0.999))
        r0 = max(0, int((self.top - y1) * SCALE))
        r1 = min(self.height, int((self.top - y0) * SCALE + 0.999))
        if c1 <= c0 or r1 <= r0:
            return 0
        mask = ((1 << (8 * (c1 - c0))) - 1) << (8 * (self.width - c1))
        return sum((row & mask).bit_count() for row in self.rows[r0:r1])

    def spot(self, w: float, h: float) -> Spot:
        """The first free place for a w × h mark along the edges, else the least-inked corner (free=False)."""
        for x, y, turned in self._candidates(w, h):
            bw, bh = (h, w) if turned else (w, h)
            if self.ink(x - GAP, y - GAP, x + bw + GAP, y + bh + GAP) == 0:
                return Spot(x, y, turned)
        corners = [
            (self.right - INSET - w, self.top - INSET - h),
            (self.left + INSET, self.top - INSET - h),
            (self.right - INSET - w, self.bottom + INSET),
            (self.left + INSET, self.bottom + INSET),
        ]
        x, y = min(corners, key=lambda c: self.ink(c[0], c[1], c[0] + w, c[1] + h))
        return Spot(x, y, free=False)

    def _candidates(self, w: float, h: float) -> list[tuple[float, float, bool]]:
        out: list[tuple[float, float, bool]] = []
        xs = (self.right - INSET - w, (self.left + self.right - w) / 2, self.left + INSET)
        for step in range(7):  # along the top, then the bottom edge, moving inwards 2 mm at a time
            out += [(x, self.top - INSET - h - step * 2 * MM, False) for x in xs]
        for step in range(7):
            out += [(x, self.bottom + INSET + step * 2 * MM, False) for x in xs]
        ys = (self.top - INSET - w, (self.bottom + self.top - w) / 2, self.bottom + INSET)
        for step in range(4):  # turned, along the right, then the left edge
            out += [(self.right - INSET - h - step * 2 * MM, y, True) for y in ys]
        for step in range(4):
            out += [(self.left + INSET + step * 2 * MM, y, True) for y in ys]
        return out


@dataclass
class Printout:
    """A portal printout, checked once (the one PDF rule of pdf/limits.py); each page's layout (boxes,
    where the mark goes) computed once, or given by the batch's scan (`layouts`)."""

    data: bytes
    label: str
    document: pdfium.PdfDocument = field(repr=False)
    pages: int
    layouts: dict[int, PageLayout] = field(default_factory=dict, repr=False)
    _flattened: set[int] = field(default_factory=set, repr=False)

    @classmethod
    def load(cls, data: bytes, label: str, layouts: Sequence[PageLayout] = ()) -> Printout:
        """Check the bytes (size, PDF, encryption, page limit); TemplateError naming `label` otherwise.

        layouts: the pages' layouts when already known (from a scan of the same bytes).
        """
        with pdfium_lock():
            document = limits.open_pdfium(data, label)
            document.init_forms()  # so that form fields can be flattened into the page (flatten)
        known = dict(enumerate(layouts)) if len(layouts) == len(document) else {}
        return cls(data=data, label=label, document=document, pages=len(document), layouts=known)

    def layout(self, index: int, size: tuple[float, float]) -> PageLayout:
        """Page `index`'s layout for a mark of `size`: the known one when the mark fits in it."""
        known = self.layouts.get(index)
        if known is not None and size[0] <= known.size[0] + 0.01 and size[1] <= known.size[1] + 0.01:
            return known
        with pdfium_lock():
            try:
                page = self._page(index)
                self.layouts[index] = page_layout(page, size)
                page.close()
            except pdfium.PdfiumError as exc:
                message = f"{self.label}: PDF okunamıyor (sayfa {index + 1} çizilemedi)"
                raise TemplateError(message) from exc
        return self.layouts[index]

    def spot(self, index: int, w: float, h: float) -> Spot:
        """Where a w × h mark goes on page `index`."""
        return self.layout(index, (w, h)).spot

    def flatten(self, index: int) -> None:
        """Bake page `index`'s annotations (filled form fields, stamps) into its content, so that they print
        and the XObject made from the page carries them (once; pages without any are not loaded)."""
        known = self.layouts.get(index)
        if index in self._flattened or (known is not None and not known.annotated):
            return
        with pdfium_lock():
            try:
                page = self._page(index)
                page.close()
            except pdfium.PdfiumError as exc:
                raise TemplateError(f"{self.label}: PDF okunamıyor (sayfa {index + 1})") from exc

    def _page(self, index: int) -> pdfium.PdfPage:
        """Load a page, its annotations flattened first (caller holds the lock)."""
        page = self.document[index]
        if index not in self._flattened:
            self._flattened.add(index)
            if pdfium.raw.FPDFPage_GetAnnotCount(page.raw) > 0:
                page.flatten(pdfium.raw.FLAT_PRINT)
                page.close()
                page = self.document[index]
        return page

    def text(self) -> str:
        """The printout's text, every page (to check whose printout it is)."""
        parts = []
        with pdfium_lock():
            try:
                for index in range(self.pages):
                    page = self.document[index]
                    textpage = page.get_textpage()
                    parts.append(textpage.get_text_range())
                    textpage.close()
                    page.close()
            except pdfium.PdfiumError as exc:
                raise TemplateError(f"{self.label}: PDF okunamıyor (metni çıkarılamadı)") from exc
        return "\n".join(parts)

    def warnings(self, w: float, h: float) -> list[str]:
        """One line per page whose mark could not go into a blank margin."""
        lines = []
        for index in range(self.pages):
            if not self.spot(index, w, h).free:
                lines.append(
                    f"{self.label}, sayfa {index + 1}: boş kenar boşluğu yok; nüsha işareti en az dolu "
                    "köşeye kondu, yazdırmadan önce kontrol edin"
                )
        return lines


@dataclass(frozen=True)
class Mark:
    """A copy mark drawn once by reportlab as a one-page PDF the size of its box."""

    label: str
    pdf: bytes
    w: float
    h: float


@cache
def mark(label: str) -> Mark:
    """The copy mark for `label`: a white box with a red frame and the text (made once per process)."""
    fonts.register()  # a fresh process (a batch's main process sizing marks) may not have them yet
    w = width(label, BOLD, MARK_SIZE) + 6 * MM
    h = MARK_H
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, (w, h))
    canvas.setFillColor(WHITE)
    canvas.setStrokeColor(STAMP_RED)
    canvas.setLineWidth(1)
    canvas.roundRect(0.5, 0.5, w - 1, h - 1, 1.2 * MM, stroke=1, fill=1)
    canvas.setFillColor(STAMP_RED)
    canvas.setFont(BOLD, MARK_SIZE)
    canvas.drawString(3 * MM, 1.9 * MM, label)
    canvas.showPage()
    canvas.save()
    return Mark(label, buffer.getvalue(), w, h)


@cache
def _mark_document(label: str) -> pdfium.PdfDocument:
    """The mark's one-page PDF opened in pdfium, once per process and label."""
    return pdfium.PdfDocument(mark(label).pdf)


def assemble(own: bytes, printout: Printout, labels: Sequence[str], at: int = 1) -> tuple[bytes, int]:
    """formkit's own pages (`own`) with the printout inserted whole before page `at`, once per label, every
    page of copy i marked with labels[i]; returns (PDF bytes, page count).

    Each printout page becomes one form XObject (its content streams and resources as they are, so the
    page's graphics state cannot leak into the mark), shared by all copies; each copy page is a new page of
    the same boxes and rotation that draws it, then the mark. The output is reproducible: pdfium's random
    /ID is replaced by a hash of the rest of the file.
    """
    size = mark_size(labels)
    layouts = [printout.layout(index, size) for index in range(printout.pages)]
    for index in range(printout.pages):
        printout.flatten(index)
    with pdfium_lock():
        try:
            base = pdfium.PdfDocument(own)
            try:
                pages = [printout.document.page_as_xobject(i, base) for i in range(printout.pages)]
                for label in labels:
                    stamp = mark(label)
                    xobject = _mark_document(label).page_as_xobject(0, base)
                    for content, layout in zip(pages, layouts, strict=True):
                        spot = layout.spot
                        left, bottom, right, top = layout.box
                        page = base.new_page(right - left, top - bottom, index=at)
                        page.set_mediabox(*layout.mediabox)
                        page.set_cropbox(left, bottom, right, top)
                        if layout.rotation:
                            page.set_rotation(layout.rotation)
                        page.insert_obj(content.as_pageobject())
                        placed = xobject.as_pageobject()
                        if spot.turned:  # (u, v) -> (x + h - v, y + u): turned 90° anticlockwise
                            placed.transform(pdfium.PdfMatrix(0, 1, -1, 0, spot.x + stamp.h, spot.y))
                        else:
                            placed.transform(pdfium.PdfMatrix(1, 0, 0, 1, spot.x, spot.y))
                        page.insert_obj(placed)
                        page.gen_content()
                        page.close()
                        at += 1
                out = io.BytesIO()
                base.save(out)
                count = len(base)
            finally:
                base.close()
        except pdfium.PdfiumError as exc:
            raise TemplateError(f"{printout.label}: pakete eklenemedi ({exc})") from exc
    return _stable_id(out.getvalue()), count


def _stable_id(data: bytes) -> bytes:
    """Replace the file's /ID (pdfium makes it random) with one derived from the content, same length."""
    found = list(_ID.finditer(data))
    if not found:
        return data
    last = found[-1]
    digest = hashlib.md5(data[: last.start()], usedforsecurity=False).hexdigest().upper().encode()
    return data[: last.start(1)] + digest + data[last.end(1) : last.start(2)] + digest + data[last.end(2) :]


__all__ = [
    "GAP",
    "INK_LEVEL",
    "INSET",
    "MARK_H",
    "MARK_SIZE",
    "SCALE",
    "InkMap",
    "Mark",
    "PageLayout",
    "Printout",
    "Spot",
    "assemble",
    "mark",
    "mark_size",
    "page_layout",
    "pdfium_lock",
]
