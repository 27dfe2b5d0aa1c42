"""The applicant's portal printout as the packet's copies, each page marked in a margin with no content.

The signed paper is the PDF Kamu SM's system gives the applicant (DESIGN §1). We never touch its content: each
copy is the printout's pages as they are, with one more content stream that draws the copy mark (a small
form XObject) after the page's own content, wrapped in q/Q so the page's graphics state cannot leak into it.
The copies share the printout's fonts, images and content streams inside the packet.

Where the mark goes: each page is rendered once at 36 dpi with pdfium (grey levels, a fraction of a
millisecond a page) and every pixel darker than INK_LEVEL counts as ink, whatever drew it (text, vector art,
images, a scanned page). The mark's box plus a gap must lie on no ink: first along the top or bottom edge,
then turned 90° along the side edges; if no margin is free, it goes to the corner with the least ink and the
printout carries a warning saying so. Each row of the ink map is one Python int (one byte per pixel), so
testing a box is a few big-integer ANDs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache

import pypdfium2 as pdfium
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    PdfObject,
)

from formkit.errors import TemplateError
from formkit.pdf import limits
from formkit.pdf.layout import BOLD, MM, STAMP_RED, WHITE, width
from formkit.pdf.textfit import new_canvas

SCALE = 0.5  # pixels per point when looking for ink (36 dpi)
INK_LEVEL = 245  # a grey level below this is ink (anti-aliased hairlines included)
INSET = 5 * MM  # printers leave the outer ~4 mm blank; the mark stays inside this
GAP = 1.5 * MM  # blank kept around the mark
MARK_SIZE = 8.5  # pt, bold
MARK_H = 6 * MM
_INK_TABLE = bytes(1 if level < INK_LEVEL else 0 for level in range(256))


@dataclass(frozen=True)
class Spot:
    """Where one copy mark goes on a page: the lower-left corner of its box in the page's user space.

    turned: the box is turned 90° (text running upwards), for a side margin; free: it lies on no ink.
    """

    x: float
    y: float
    turned: bool = False
    free: bool = True


class InkMap:
    """Which pixels of a page carry ink, at SCALE pixels per point; rows are ints, one byte a pixel."""

    def __init__(self, rows: list[int], width: int, box: tuple[float, float, float, float]) -> None:
        self.rows = rows
        self.width = width
        self.height = len(rows)
        self.left, self.bottom, self.right, self.top = box

    @classmethod
    def of(cls, page: pdfium.PdfPage) -> InkMap:
        box = page.get_cropbox()
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
        return cls(rows, w, (box[0], box[1], box[2], box[3]))

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
    """A portal printout, checked once (limits, encryption, pages); its pages' ink maps made on demand."""

    data: bytes
    label: str
    pages: int
    rotated: tuple[bool, ...]
    _maps: dict[int, InkMap] = field(default_factory=dict, repr=False)
    _spots: dict[tuple[int, float, float], Spot] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, data: bytes, label: str) -> Printout:
        """Check the bytes (size, PDF, encryption, page limit); TemplateError naming `label` otherwise."""
        reader = limits.open_pdf(data, label)
        rotated = tuple(bool(int(page.get("/Rotate", 0) or 0) % 360) for page in reader.pages)
        return cls(data=data, label=label, pages=len(rotated), rotated=rotated)

    def reader(self) -> PdfReader:
        """A fresh, decrypted reader (its pages are cloned into a packet)."""
        return limits.open_pdf(self.data, self.label)

    def spot(self, index: int, w: float, h: float) -> Spot:
        """Where a w × h mark goes on page `index` (computed once per page and size)."""
        key = (index, round(w, 1), round(h, 1))
        if key not in self._spots:
            if self.rotated[index]:  # a turned page: keep to the top right of its user space, and say so
                self._spots[key] = Spot(0.0, 0.0, free=False)
            else:
                self._spots[key] = self._map(index).spot(w, h)
        return self._spots[key]

    def _map(self, index: int) -> InkMap:
        if not self._maps:
            try:
                document = pdfium.PdfDocument(self.data)
                try:
                    for number in range(len(document)):
                        page = document[number]
                        self._maps[number] = InkMap.of(page)
                        page.close()
                finally:
                    document.close()
            except pdfium.PdfiumError as exc:
                raise TemplateError(f"{self.label}: PDF okunamıyor ({exc})") from exc
        return self._maps[index]

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


def add_marked_copy(writer: PdfWriter, printout: Printout, label: str) -> None:
    """Append one copy of the printout to writer, every page marked with `label`."""
    stamp = mark(label)
    xobject = _xobject(writer, stamp)
    with limits.quiet_pypdf():
        for index, page in enumerate(printout.reader().pages):
            added = writer.add_page(page)
            spot = printout.spot(index, stamp.w, stamp.h)
            if printout.rotated[index]:
                box = added.cropbox
                spot = Spot(float(box.right) - INSET - stamp.w, float(box.top) - INSET - stamp.h, free=False)
            _stamp(writer, added, xobject, spot)


def _xobject(writer: PdfWriter, stamp: Mark) -> IndirectObject:
    """The mark's page as a form XObject inside writer."""
    page = PdfReader(io.BytesIO(stamp.pdf)).pages[0]
    form = DecodedStreamObject()
    form.set_data(page.get_contents().get_data())  # type: ignore[union-attr]
    resources = page["/Resources"].get_object()
    assert isinstance(resources, DictionaryObject)  # reportlab always writes page resources
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject(
                [FloatObject(0), FloatObject(0), FloatObject(stamp.w), FloatObject(stamp.h)]
            ),
            NameObject("/Resources"): resources.clone(writer),
        }
    )
    return writer._add_object(form)


def _stamp(writer: PdfWriter, page: DictionaryObject, xobject: IndirectObject, spot: Spot) -> None:
    """Draw the mark XObject over the page: its own content wrapped in q/Q, then the mark."""
    resources = page.get("/Resources")
    resources = DictionaryObject(resources.get_object()) if resources is not None else DictionaryObject()
    xobjects = resources.get("/XObject")
    xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
    name = "/FkNusha"
    while name in xobjects:
        name += "x"
    xobjects[NameObject(name)] = xobject
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    if spot.turned:  # (u, v) -> (x + h - v, y + u): the box turned 90° anticlockwise
        matrix = f"0 1 -1 0 {spot.x + MARK_H:.2f} {spot.y:.2f}"
    else:
        matrix = f"1 0 0 1 {spot.x:.2f} {spot.y:.2f}"
    before = _stream(writer, b"q\n")
    after = _stream(writer, f"\nQ\nq {matrix} cm {name} Do Q\n".encode())
    contents: PdfObject | None = page.get("/Contents")
    parts: list[PdfObject] = []
    if isinstance(contents, IndirectObject) and isinstance(contents.get_object(), ArrayObject):
        contents = contents.get_object()
    if isinstance(contents, ArrayObject):
        parts = list(contents)
    elif contents is not None:
        parts = [contents]
    page[NameObject("/Contents")] = ArrayObject([before, *parts, after])


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)
