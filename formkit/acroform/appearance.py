"""What a record draws: text, check marks and widget frames per page, as PDF objects to put in an output.

The drawing is one content stream per page in the process-wide DejaVu subsets of `pdf.fastdraw` (cheap:
no font subsetting per record) or, for characters outside them, a reportlab document that subsets the fonts
for this record. Either way each page's drawing becomes one Form XObject (`FormkitFill`) that the flattened
page draws on top of its content and that editable widgets show clipped to their rectangles.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from formkit.acroform.formfonts import FormFonts
from formkit.acroform.tree import Field, PageBox
from formkit.acroform.values import ButtonValue, Entry, TextValue, layout
from formkit.pdf import fastdraw, fonts, textfit
from formkit.pdf import writer as pdfout

__all__ = ["Overlay", "draw", "overlay_objects"]

Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class FrameDraw:
    """A widget's border and background."""

    rect: Rect
    frame: fastdraw.Frame
    circle: bool


@dataclass(frozen=True)
class TextDraw:
    """A laid-out value in its colour (matrix: a rotated widget)."""

    fitted: textfit.Fitted
    color: tuple[float, float, float]
    matrix: fastdraw.Matrix | None


@dataclass(frozen=True)
class MarkDraw:
    """A check mark or radio dot."""

    rect: Rect
    color: tuple[float, float, float]
    radio: bool
    matrix: fastdraw.Matrix | None


Draw = FrameDraw | TextDraw | MarkDraw


@dataclass(frozen=True)
class Overlay:
    """One record's drawing: font-pack content streams per page, or a reportlab PDF (pages in `order`)."""

    streams: dict[int, bytes] = field(default_factory=dict)
    with_bold: bool = False  # which font pack the streams are encoded for
    pdf: bytes = b""
    order: list[int] = field(default_factory=list)


def draw(
    entries: list[Entry],
    fields: Mapping[str, Field],
    pages: tuple[PageBox, ...],
    *,
    with_defaults: bool,
    form_fonts: FormFonts | None = None,
) -> Overlay:
    """Everything to draw, per template page; `with_defaults` (flattening) keeps the template's own values."""
    items: list[Entry] = list(entries)
    if with_defaults:
        planned = {e.field.info.name for e in entries}
        todo = (f for name, f in fields.items() if name not in planned and f.current)
        items.extend(_defaults(todo, form_fonts))
    with_bold = any(
        laid.fitted is not None and laid.fitted.font == fonts.BOLD
        for e in items
        if isinstance(e, TextValue)
        for laid in e.laid
    )
    font_pack = fastdraw.pack(with_bold)
    covered = True
    draws: dict[int, list[Draw]] = {}
    # borders and backgrounds the widgets drew: every visible widget when flattening (the widgets go),
    # the filled text widgets when editable (their new appearance replaces the template's)
    framed = fields.values() if with_defaults else [e.field for e in entries if isinstance(e, TextValue)]
    for f in framed:
        for w in f.widgets:
            if w.frame is not None and w.shown:
                draws.setdefault(w.page, []).append(FrameDraw(w.rect, w.frame, f.info.type == "radio"))
    for e in items:
        if isinstance(e, TextValue):
            for laid in e.laid:
                if laid.fitted is not None and laid.widget.shown:
                    draws.setdefault(laid.widget.page, []).append(
                        TextDraw(laid.fitted, e.field.color, laid.widget.local()[1])
                    )
                    covered = covered and all(font_pack.covers(run) for _, _, run in laid.fitted.runs)
        elif e.state:
            radio = e.field.info.type == "radio"
            for w in e.field.widgets:
                on = w.on_state == e.state or (not radio and not w.on_state)
                if on and w.shown:
                    local, matrix = w.local()
                    draws.setdefault(w.page, []).append(MarkDraw(local, e.field.color, radio, matrix))
    if not draws:
        return Overlay()
    order = sorted(draws)
    if covered:
        streams = {}
        for index in order:
            stream = fastdraw.Stream(font_pack)
            for item in draws[index]:
                if isinstance(item, TextDraw):
                    stream.text(item.fitted, item.color, item.matrix)
                elif isinstance(item, FrameDraw):
                    stream.frame(item.rect, item.frame, circle=item.circle)
                else:
                    stream.mark(item.rect, item.color, item.radio, item.matrix)
            streams[index] = stream.compressed()
        return Overlay(streams=streams, with_bold=with_bold)
    return Overlay(pdf=_reportlab_overlay(draws, order, pages), order=order)


def _defaults(fields: Iterable[Field], form_fonts: FormFonts | None) -> list[Entry]:
    """The values the template itself shows (a value that does not fit is left out, as before)."""
    out: list[Entry] = []
    for f in fields:
        if f.info.type in ("text", "choice"):
            shown = f.display(f.current) if f.info.type == "choice" else f.current
            try:
                laid = tuple(layout(f, w, shown, form_fonts) for w in f.widgets)
            except textfit.NoFit:
                continue
            out.append(TextValue(f, f.current, laid))
        elif f.info.type in ("checkbox", "radio"):
            out.append(ButtonValue(f, f.current))
    return out


def _reportlab_overlay(draws: dict[int, list[Draw]], order: list[int], pages: tuple[PageBox, ...]) -> bytes:
    """Text outside the font pack's repertoire: a reportlab document subsets the fonts for this record."""
    from reportlab.lib.colors import Color  # imported here: most fills never need it (start-up time)

    buf = io.BytesIO()
    box = pages[order[0]].box
    canvas = textfit.new_canvas(buf, (box[2], box[3]))
    for index in order:
        for item in draws[index]:
            if isinstance(item, FrameDraw):
                fastdraw.draw_frame(canvas, item.rect, item.frame, circle=item.circle)
                continue
            color = Color(*item.color)
            canvas.saveState()
            canvas.setFillColor(color)
            canvas.setStrokeColor(color)
            if item.matrix is not None:
                canvas.transform(*item.matrix)
            if isinstance(item, TextDraw):
                textfit.draw(canvas, item.fitted)
            else:
                textfit.check_mark(canvas, *item.rect, radio=item.radio)
            canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def overlay_objects(
    overlay: Overlay, pages: tuple[PageBox, ...], start: int
) -> tuple[list[tuple[int, bytes]], dict[int, int], int]:
    """The overlay as objects numbered from `start`: (objects, page index → XObject, next number)."""
    if overlay.pdf:
        boxes = [list(pages[i].box) for i in overlay.order]
        parts, xobjs, next_num, _ = pdfout.import_reportlab(overlay.pdf, overlay.order, boxes, start)
        return parts, xobjs, next_num
    if not overlay.streams:
        return [], {}, start
    fixed, resources, next_num = _pack_objects(start, overlay.with_bold)
    parts = list(fixed)
    xobjs = {}
    for index, data in overlay.streams.items():
        num = next_num
        next_num += 1
        bbox = b" ".join(b"%.4f" % v for v in pages[index].box)
        head = (
            b"<</Type /XObject /Subtype /Form /BBox [%s] /Resources %s /Filter /FlateDecode /Length %d>>"
            % (
                bbox,
                resources,
                len(data),
            )
        )
        parts.append((num, b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (num, head, data)))
        xobjs[index] = num
    return parts, xobjs, next_num


@functools.lru_cache(maxsize=16)
def _pack_objects(start: int, with_bold: bool) -> tuple[tuple[tuple[int, bytes], ...], bytes, int]:
    """A font pack's font objects numbered from `start` (cached: a template's base size is fixed)."""
    data = fastdraw.pack(with_bold).pdf
    parts, xobjs, next_num, resources = pdfout.import_reportlab(data, [0], [[0, 0, 1, 1]], start)
    dropped = xobjs[0]  # the pack's own page content (every glyph once) is not needed
    return tuple(p for p in parts if p[0] != dropped), resources[0], next_num
