"""The checklist page: the track's steps as tick boxes, the signing rule as a red rubber stamp, who pays.

Every sentence comes from the profile through `content` (each with its source).
"""

from __future__ import annotations

import math

from reportlab.pdfgen.canvas import Canvas

from formkit.packet import content
from formkit.pdf.layout import (
    BOLD,
    BOTTOM_LIMIT,
    CONTENT_W,
    INK,
    LEFT,
    MM,
    MUTED,
    REGULAR,
    RIGHT,
    STAMP_RED,
    TINT,
    FitError,
    draw_fitted,
    fit,
    fit_list,
    footer,
    header,
    section_title,
    width,
)
from formkit.turkish import upper

STAMP_ANGLE = 7.0  # degrees, counter-clockwise: a stamp is never quite straight
BOX = 4.6 * MM
ROOM_BELOW_ITEMS = 105 * MM  # signing, stamp, fees and the record lines under the tick boxes


def draw_checklist(canvas: Canvas, ctx: content.PageContext, *, stale_fees: bool) -> None:
    """Draw the checklist page (the caller calls showPage)."""
    applicant = ctx.applicant
    y = header(
        canvas,
        office=upper(ctx.profile.name),
        title="KONTROL LİSTESİ",
        subtitle=f"{content.person_name(applicant.ad, applicant.soyad)} · {ctx.track.label}",
    )
    y = section_title(canvas, "YAPTIKLARINIZI İŞARETLEYİN", y - 5 * MM)
    indent = BOX + 5 * MM
    items = content.checklist_items(ctx)
    limit = BOTTOM_LIMIT + ROOM_BELOW_ITEMS
    sizes = ((10.5, 3.8), (10.0, 3.0), (9.5, 2.4), (9.0, 2.0), (8.5, 1.6), (8.0, 1.2))
    fits, gap, _ = fit_list(items, sizes, CONTENT_W - indent, y - limit, field="kontrol")
    for fitted in fits:
        box_top = y - 0.5
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.9)
        canvas.rect(LEFT, box_top - BOX, BOX, BOX, stroke=1, fill=0)
        y = draw_fitted(canvas, fitted, LEFT + indent, y + 0.4 * MM, color=INK)
        y = min(y, box_top - BOX) - gap * MM

    y = section_title(canvas, "İMZA", y - 3 * MM)
    y = _signing(canvas, ctx, y)
    y = section_title(canvas, "ÜCRET", y - 4 * MM)
    y = _fees(canvas, ctx, y, stale=stale_fees)
    y = _record(canvas, ctx, y)
    if y < BOTTOM_LIMIT:
        raise FitError("kontrol listesi", "sayfaya sığmıyor")
    footer(canvas, ctx.profile.name, f"Paket no {ctx.ref} · Kontrol listesi")


def _signing(canvas: Canvas, ctx: content.PageContext, top: float) -> float:
    """Signing instructions on the left, the rubber stamp on the right; returns the y under both."""
    stamp_w, stamp_h = 84 * MM, 26 * MM
    rad = math.radians(STAMP_ANGLE)
    bound_w = stamp_w * math.cos(rad) + stamp_h * math.sin(rad)
    bound_h = stamp_w * math.sin(rad) + stamp_h * math.cos(rad)
    text_w = CONTENT_W - bound_w - 8 * MM
    y = top
    for line in content.signing_lines(ctx):
        fitted = fit(line, REGULAR, 9.5, text_w, min_size=8, max_lines=4, field="imza")
        y = draw_fitted(canvas, fitted, LEFT, y, color=INK) - 2 * MM
    cx = RIGHT - bound_w / 2
    cy = top - bound_h / 2 - 2 * MM
    _stamp(canvas, content.stamp_lines(ctx), cx, cy, stamp_w, stamp_h)
    return min(y, top - bound_h - 4 * MM)


def _stamp(canvas: Canvas, lines: tuple[str, str], cx: float, cy: float, w: float, h: float) -> None:
    """A red, rotated, double-bordered rubber stamp centred on (cx, cy)."""
    main, second = lines
    canvas.saveState()
    canvas.translate(cx, cy)
    canvas.rotate(STAMP_ANGLE)
    canvas.setStrokeColor(STAMP_RED)
    canvas.setFillColor(STAMP_RED)
    canvas.setLineWidth(2.2)
    canvas.roundRect(-w / 2, -h / 2, w, h, 2.5 * MM, stroke=1, fill=0)
    canvas.setLineWidth(0.7)
    inset = 1.6 * MM
    canvas.roundRect(-w / 2 + inset, -h / 2 + inset, w - 2 * inset, h - 2 * inset, 1.6 * MM, stroke=1, fill=0)
    size = 17.0
    while size > 10 and width(main, BOLD, size) > w - 10 * MM:
        size -= 0.5
    canvas.setFont(BOLD, size)
    canvas.drawCentredString(0, 0.5 * MM, main)
    small = 8.0
    while small > 6 and width(second, BOLD, small) > w - 10 * MM:
        small -= 0.5
    canvas.setFont(BOLD, small)
    canvas.drawCentredString(0, -h / 2 + 5 * MM, second)
    canvas.restoreState()


def _fees(canvas: Canvas, ctx: content.PageContext, top: float, *, stale: bool) -> float:
    """The fee lines in a tinted box; returns the y under it."""
    inner = CONTENT_W - 8 * MM
    fitted = [
        fit(line, BOLD if line.startswith("DİKKAT") else REGULAR, 9.5, inner, min_size=8, max_lines=3,
            field="ücret")
        for line in content.fee_lines(ctx, stale=stale)
    ]  # fmt: skip
    height = sum(f.height for f in fitted) + 2 * MM * (len(fitted) - 1) + 8 * MM
    canvas.setFillColor(TINT)
    canvas.roundRect(LEFT, top - height, CONTENT_W, height, 2 * MM, stroke=0, fill=1)
    y = top - 4 * MM
    for f in fitted:
        color = STAMP_RED if f.font == BOLD else INK  # the stale-price warning
        y = draw_fitted(canvas, f, LEFT + 4 * MM, y, color=color) - 2 * MM
    return top - height


def _record(canvas: Canvas, ctx: content.PageContext, top: float) -> float:
    """Blank lines to note dates and numbers, anchored above the footer; returns the lowest y used."""
    fields = content.record_fields(ctx)
    row_h = 11 * MM
    block_h = 12 + 3 * MM + row_h * len(fields)
    block_top = BOTTOM_LIMIT + block_h
    if block_top > top - 6 * MM:  # no room to anchor it low: follow the content instead
        block_top = top - 6 * MM
    y = section_title(canvas, "KAYIT (SİZİN İÇİN)", block_top)
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.5)
    canvas.setDash(1, 2)
    for label in fields:
        baseline = y - row_h + 3 * MM
        canvas.setFillColor(MUTED)
        canvas.setFont(REGULAR, 9)
        canvas.drawString(LEFT, baseline, label)
        canvas.line(LEFT + 62 * MM, baseline - 1, RIGHT, baseline - 1)
        y -= row_h
    canvas.setDash()
    return y


__all__ = ["BOX", "ROOM_BELOW_ITEMS", "STAMP_ANGLE", "draw_checklist"]
