"""The payment page (aile-hekimi only): IBAN, bank, recipient, amount and the exact transfer description.

No TR Karekod: the central bank's payment QR may only be produced by licensed payment providers.
The full T.C. number appears here because the directorate's transfer description requires it.
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from formkit.packet import content
from formkit.pdf.layout import (
    ACCENT,
    BOLD,
    BOTTOM_LIMIT,
    CONTENT_W,
    FAINT,
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
    footer,
    header,
    section_title,
    text,
    width,
)
from formkit.turkish import format_amount, group_iban, upper

LABEL_W = 34 * MM


def draw_payment(canvas: Canvas, ctx: content.PageContext, *, stale_fees: bool) -> None:
    """Draw the payment page (the caller calls showPage)."""
    profile = ctx.profile
    bank = profile.bank
    applicant = ctx.applicant
    y = header(
        canvas,
        office=upper(profile.name),
        title="ÖDEME BİLGİLERİ",
        subtitle=f"{content.person_name(applicant.ad, applicant.soyad)} · e-imza sertifikası ve kart "
        "okuyucu bedeli",
    )
    y = section_title(canvas, "HAVALE / EFT", y - 5 * MM)
    value_w = CONTENT_W - LABEL_W
    rows = (
        ("IBAN", group_iban(bank.iban), BOLD, 15.0),
        ("Banka", bank.bank, BOLD, 11.0),
        ("Alıcı", bank.recipient, BOLD, 11.0),
    )
    for label, value, font, size in rows:
        fitted = fit(value, font, size, value_w, min_size=8, max_lines=2, field=f"profil: {label}")
        text(canvas, LEFT, y - fitted.size * 0.93, label, REGULAR, 9, MUTED)
        y = draw_fitted(canvas, fitted, LEFT + LABEL_W, y, color=INK) - 3 * MM

    y = section_title(canvas, "TUTAR", y - 2 * MM)
    y = _amounts(canvas, ctx, y)

    y = section_title(canvas, "AÇIKLAMA — BANKADA AYNEN BU METNİ YAZIN", y - 4 * MM)
    y = _description(canvas, ctx, y)

    notes = [
        content.receipt_text(ctx),
        content.say(ctx, "payment.letter"),
        content.say(ctx, "fee.date"),
    ]
    if stale_fees:
        notes.append(content.say(ctx, "fee.stale"))
    notes.append(content.say(ctx, "payment.tc_note"))
    strong = {notes[0], *(notes[3:4] if stale_fees else ())}
    warning = notes[3] if stale_fees else None
    y -= 5 * MM
    for note in notes:
        bold = note in strong
        fitted = fit(note, BOLD if bold else REGULAR, 9.5, CONTENT_W - 7 * MM, min_size=8, max_lines=3)
        canvas.setFillColor(STAMP_RED if note == warning else ACCENT)
        canvas.rect(LEFT, y - fitted.height + 1, 1.4 * MM, fitted.height - 1, stroke=0, fill=1)
        y = draw_fitted(canvas, fitted, LEFT + 5 * MM, y, color=INK) - 3.5 * MM
    if profile.procedure.receipt == "paper":  # the receipt goes with the forms: room to staple it
        y = _receipt_area(canvas, ctx, y - 2 * MM)
    if y < BOTTOM_LIMIT:
        raise FitError("ödeme sayfası", "sayfaya sığmıyor")
    footer(
        canvas,
        f"{profile.name} · Talimatların kaynakları: formkit profile show",
        f"Paket no {ctx.ref} · Ödeme",
    )


def _amounts(canvas: Canvas, ctx: content.PageContext, top: float) -> float:
    """Fee items with right-aligned amounts, the total, and the sum written out; returns the y under it."""
    fees = ctx.profile.fees
    amount_x = LEFT + LABEL_W + 95 * MM
    y = top
    for item in fees.items:
        amount = format_amount(item.amount, fees.currency)
        room = amount_x - LEFT - LABEL_W - width(amount, REGULAR, 10.5) - 4 * MM
        name = fit(item.name, REGULAR, 10.5, room, min_size=8, max_lines=2, field="profil: ücret kalemi")
        draw_fitted(canvas, name, LEFT + LABEL_W, y, color=INK)
        canvas.setFont(REGULAR, 10.5)
        canvas.drawRightString(amount_x, y - 10.5 * 0.93, amount)
        y -= max(10.5 * 1.45, name.height + 10.5 * 0.23)
    rule = y - 1.5  # under the last item's descenders
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.8)
    canvas.line(LEFT + LABEL_W, rule, amount_x, rule)
    y = rule - 2.5
    text(canvas, LEFT + LABEL_W, y - 13 * 0.93, "Toplam", BOLD, 13)
    canvas.setFont(BOLD, 13)
    canvas.drawRightString(amount_x, y - 13 * 0.93, content.total_text(ctx.profile))
    y -= 13 * 1.4
    sum_line = fit(content.sum_text(ctx.profile), REGULAR, 9, CONTENT_W - LABEL_W, min_size=7)
    return draw_fitted(canvas, sum_line, LEFT + LABEL_W, y, color=MUTED)


def _description(canvas: Canvas, ctx: content.PageContext, top: float) -> float:
    """The transfer description in a bold box, made to be copied letter by letter."""
    description = content.transfer_description(ctx.applicant, ctx.profile)
    inner = CONTENT_W - 12 * MM
    try:  # one line is easiest to copy exactly
        fitted = fit(description, BOLD, 14, inner, min_size=10.5, field="havale açıklaması", leading=1.35)
    except FitError:
        fitted = fit(
            description, BOLD, 14, inner, min_size=9, max_lines=3, field="havale açıklaması", leading=1.35,
            shrink=False,
        )  # fmt: skip
    height = fitted.height + 12 * MM
    canvas.setFillColor(TINT)
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.6)
    canvas.roundRect(LEFT, top - height, CONTENT_W, height, 2 * MM, stroke=1, fill=1)
    draw_fitted(canvas, fitted, LEFT + 6 * MM, top - 5 * MM, color=INK)
    exact = fit(content.say(ctx, "payment.exact"), REGULAR, 7, CONTENT_W / 2, min_size=6)
    draw_fitted(canvas, exact, RIGHT - 3 * MM, top - height + 2.2 * MM + 7 * 0.93, color=MUTED, align="right")
    canvas.setStrokeColor(FAINT)
    return top - height


def _receipt_area(canvas: Canvas, ctx: content.PageContext, top: float) -> float:
    """A dashed area down to the footer where the bank receipt is stapled; returns its bottom."""
    bottom = BOTTOM_LIMIT
    height = top - bottom
    if height < 30 * MM:  # not enough room for a useful area: leave it out
        return top
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.8)
    canvas.setDash(4, 3)
    canvas.roundRect(LEFT, bottom, CONTENT_W, height, 3 * MM, stroke=1, fill=0)
    canvas.setDash()
    center = LEFT + CONTENT_W / 2
    inner = CONTENT_W - 10 * MM
    title = fit(content.say(ctx, "payment.staple"), BOLD, 10, inner, min_size=8, max_lines=2)
    hint = fit(content.say(ctx, "payment.staple_hint"), REGULAR, 8.5, inner, min_size=7, max_lines=2)
    y = draw_fitted(canvas, title, center, bottom + height / 2 + title.height, color=MUTED, align="center")
    draw_fitted(canvas, hint, center, y - 1 * MM, color=MUTED, align="center")
    return bottom


__all__ = ["LABEL_W", "draw_payment"]
