"""The cover page: summary, next steps, the address block for a DL window envelope, QR code and barcode.

Envelope geometry. A DL envelope is 110 x 220 mm; DIN 680 (and ISO 269) put its address window, 90 x 45 mm,
20 mm from the left edge and 15 mm from the bottom edge of the envelope. An A4 sheet folded in three with
the DIN 5008 form B folds (105 mm and 210 mm from the top; the marks are printed on the left edge) gives a
105 x 210 mm packet whose top panel faces the window; sitting on the envelope's floor, the window then
shows the band 45-90 mm from the top of the sheet, 20-110 mm from its left edge (the sheet is 10 mm narrower
than the envelope, so it can shift about 5 mm sideways). That band is DIN 5008's address field for form B:
45 mm from the top, 20 mm from the left, 85 x 45 mm, made of a 17.7 mm remark zone (return address,
"TAAHHÜTLÜ") above a 27.3 mm address zone. The recipient block is set inside it, 5 mm in from the left
(text starting at 25 mm, as DIN 5008 asks) and kept clear of the edges, so it stays visible when the
letter moves in the envelope: text runs from 25 to 100 mm across (a sheet shifted the full 10 mm still
shows it) and from 47 to about 85 mm down (the sheet can sit up to 5 mm higher than the envelope floor).

Everything is drawn as plain strings and vector paths: no images, no markup.
"""

from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from formkit.model import Track
from formkit.packet import content
from formkit.packet.codes import code128_width, draw_code128, draw_qr
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
    TINT,
    WHITE,
    FitError,
    draw_fitted,
    fit,
    fit_block,
    fit_list,
    fold_marks,
    footer,
    section_title,
    text,
    y_top,
)
from formkit.profile import address_lines, place_line
from formkit.turkish import format_phone, upper

# DIN 5008 form B address field (see the module docstring), in millimetres from the top-left corner.
WINDOW_LEFT = 20.0
WINDOW_TOP = 45.0
WINDOW_W = 85.0
WINDOW_H = 45.0
REMARK_H = 17.7
TEXT_INSET = 5.0

BARCODE_MODULE = 0.3 * MM
BARCODE_H = 10 * MM
QR_SIZE = 36 * MM

TITLE = "E-İMZA İLK BAŞVURU PAKETİ"


def draw_cover(canvas: Canvas, ctx: content.PageContext) -> None:
    """Draw the cover page of one packet (the caller calls showPage)."""
    fold_marks(canvas)
    _head(canvas, ctx)
    recipient = content.recipient(ctx)
    if ctx.track is Track.BIREYSEL and recipient is None:
        _no_posting_note(canvas, ctx)
    else:
        _window(canvas, ctx)
        _side_box(canvas, ctx)
    bottom = _applicant(canvas, ctx)
    _steps(canvas, ctx, bottom, _contents(canvas, ctx))
    footer(
        canvas,
        f"{ctx.profile.name} · Talimatların kaynakları: formkit profile show · "
        f"Kamu SM: {ctx.profile.kamusm_phone}",
        f"Paket no {ctx.ref} · Kapak",
    )


def _head(canvas: Canvas, ctx: content.PageContext) -> None:
    """Office, title and track on the left; the packet reference as a barcode on the right."""
    barcode_w = code128_width(ctx.ref, BARCODE_MODULE)
    barcode_x = RIGHT - barcode_w + 10 * BARCODE_MODULE  # let the right quiet zone run into the margin
    text_w = barcode_x - LEFT - 6 * MM
    office = fit(upper(ctx.profile.name), BOLD, 8, text_w, min_size=6, field="profile.name")
    draw_fitted(canvas, office, LEFT, y_top(11.5), color=MUTED)
    text(canvas, LEFT, y_top(22), TITLE, BOLD, 17, ACCENT)
    track = fit(ctx.track.label, REGULAR, 10, text_w, min_size=8, field="track")
    draw_fitted(canvas, track, LEFT, y_top(24.5), color=INK)

    text(canvas, barcode_x + 10 * BARCODE_MODULE, y_top(12), "PAKET NO", BOLD, 6.5, MUTED)
    draw_code128(canvas, ctx.ref, barcode_x, y_top(14) - BARCODE_H, BARCODE_H, BARCODE_MODULE)
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 10.5)
    center = barcode_x + barcode_w / 2
    canvas.drawCentredString(center, y_top(28.5), ctx.ref)

    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(1.2)
    canvas.line(LEFT, y_top(33), RIGHT, y_top(33))


def _window_marks(canvas: Canvas) -> None:
    """Faint corner marks showing where the envelope window is."""
    canvas.setStrokeColor(FAINT)
    canvas.setLineWidth(0.6)
    left, right = WINDOW_LEFT * MM, (WINDOW_LEFT + WINDOW_W) * MM
    top, bottom = y_top(WINDOW_TOP), y_top(WINDOW_TOP + WINDOW_H)
    arm = 3 * MM
    for x, dx in ((left, arm), (right, -arm)):
        for y, dy in ((top, -arm), (bottom, arm)):
            canvas.line(x, y, x + dx, y)
            canvas.line(x, y, x, y + dy)


def _window(canvas: Canvas, ctx: content.PageContext) -> None:
    """Return address and remark in the remark zone, the recipient in the address zone."""
    _window_marks(canvas)
    recipient = content.recipient(ctx)
    assert recipient is not None
    x = (WINDOW_LEFT + TEXT_INSET) * MM
    inner_w = (WINDOW_W - TEXT_INSET - 5.0) * MM
    sender = content.applicant_address(ctx.applicant)
    return_line = " · ".join([sender.name, *sender.lines, place_line(sender)])
    # Shrink, then wrap: the street is never dropped. Four lines fit above the remark; a longer one takes
    # the whole remark zone (six lines at 5 pt) and the remark, which the side box repeats, gives way.
    line = f"Gönderen: {return_line}"
    try:
        back = fit(line, REGULAR, 6.5, inner_w, min_size=5.5, max_lines=4, field="adres", leading=1.15)
        remark = ctx.track is not Track.BIREYSEL  # registered post is the sender's choice: no remark for it
    except FitError:
        back = fit(line, REGULAR, 5.5, inner_w, min_size=5.0, max_lines=6, field="adres", leading=1.15)
        remark = False
    bottom = draw_fitted(canvas, back, x, y_top(WINDOW_TOP + 2.0), color=MUTED)
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.3)
    canvas.line(x, bottom - 1, x + inner_w, bottom - 1)
    if remark:
        text(canvas, x, y_top(WINDOW_TOP + REMARK_H - 2.5), "ELDEN TESLİM", BOLD, 8.5, INK)

    zone_top = y_top(WINDOW_TOP + REMARK_H)
    zone_h = (WINDOW_H - REMARK_H - 5.0) * MM  # keep clear of the bottom 5 mm (see above)
    # Measured in bold (the wider face): the first and last lines are drawn bold.
    block = fit_block(address_lines(recipient), BOLD, 10, inner_w, zone_h, min_size=7, field="alıcı adresi")
    lines = block.lines
    canvas.setFillColor(INK)
    baseline = zone_top - block.size * 0.93
    for index, line in enumerate(lines):
        last = index == len(lines) - 1
        canvas.setFont(BOLD if index == 0 or last else REGULAR, block.size)
        canvas.drawString(x, baseline, line)
        baseline -= block.leading


def _side_box(canvas: Canvas, ctx: content.PageContext) -> None:
    """Right of the window: the PTT sticker box (bireysel) or the hand-in note (kurum, aile-hekimi)."""
    left = 115 * MM
    top = y_top(WINDOW_TOP)
    w = RIGHT - left
    h = WINDOW_H * MM
    if ctx.track is Track.BIREYSEL:
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.8)
        canvas.setDash(3, 2)
        canvas.roundRect(left, top - h, w, h, 2 * MM, stroke=1, fill=0)
        canvas.setDash()
        center = left + w / 2
        title = fit(content.say(ctx, "side.ptt"), BOLD, 8.5, w - 6 * MM, min_size=7, max_lines=2)
        hint = fit(content.say(ctx, "side.ptt_hint"), REGULAR, 7.5, w - 6 * MM, min_size=6.5, max_lines=3)
        y = draw_fitted(canvas, title, center, top - h / 2 + title.height, color=MUTED, align="center")
        draw_fitted(canvas, hint, center, y - 1 * MM, color=MUTED, align="center")
        return
    canvas.setFillColor(TINT)
    canvas.setStrokeColor(TINT)
    canvas.roundRect(left, top - h, w, h, 2 * MM, stroke=0, fill=1)
    inner = w - 8 * MM
    y = top - 4 * MM
    y = draw_fitted(canvas, fit("TESLİM", BOLD, 8.5, inner, field="teslim"), left + 4 * MM, y, color=ACCENT)
    body, fee = content.side_box(ctx)
    note = fit(body, REGULAR, 8.5, inner, min_size=7, max_lines=6, field="teslim", shrink=False)
    y = draw_fitted(canvas, note, left + 4 * MM, y - 1.5 * MM, color=INK)
    y = draw_fitted(canvas, fit("ÜCRET", BOLD, 8.5, inner), left + 4 * MM, y - 3 * MM, color=ACCENT)
    fee_fit = fit(fee, REGULAR, 8.5, inner, min_size=7, max_lines=2, field="ücret", shrink=False)
    draw_fitted(canvas, fee_fit, left + 4 * MM, y - 1.5 * MM, color=INK)


def _no_posting_note(canvas: Canvas, ctx: content.PageContext) -> None:
    """bireysel with another brand's device: no Kamu SM address block, say why instead."""
    left = WINDOW_LEFT * MM
    top = y_top(WINDOW_TOP)
    w = RIGHT - left
    inner = w - 10 * MM
    title = fit(content.say(ctx, "side.no_post"), BOLD, 10, inner, min_size=8, max_lines=2, field="not")
    note = content.say(ctx, "step.no_post.bireysel")
    body = fit(note, REGULAR, 9, inner, min_size=7, max_lines=6, field="not", shrink=False)
    h = title.height + body.height + 12 * MM
    canvas.setFillColor(TINT)
    canvas.roundRect(left, top - h, w, h, 2 * MM, stroke=0, fill=1)
    canvas.setFillColor(ACCENT)
    canvas.rect(left, top - h, 1.6 * MM, h, stroke=0, fill=1)
    y = draw_fitted(canvas, title, left + 6 * MM, top - 5 * MM, color=ACCENT)
    draw_fitted(canvas, body, left + 6 * MM, y - 2 * MM, color=INK)


def _applicant(canvas: Canvas, ctx: content.PageContext) -> float:
    """The applicant (sender) block and the QR code; returns the y under both."""
    applicant = ctx.applicant
    top = section_title(canvas, "BAŞVURU SAHİBİ (GÖNDEREN)", y_top(107))
    qr_left = RIGHT - QR_SIZE
    col_w = qr_left - LEFT - 8 * MM

    name = fit(
        content.person_name(applicant.ad, applicant.soyad), BOLD, 15, col_w,
        min_size=10, max_lines=2, field="ad soyad",
    )  # fmt: skip
    y = draw_fitted(canvas, name, LEFT, top, color=INK)
    role = applicant.unvan
    unvan = fit(role, REGULAR, 10.5, col_w, min_size=8, max_lines=2, field="unvan")
    y = draw_fitted(canvas, unvan, LEFT, y - 0.8 * MM, color=INK)
    org = ", ".join(part for part in (applicant.kurum, applicant.birim) if part)
    kurum = fit(org, REGULAR, 10.5, col_w, min_size=8, max_lines=3, field="kurum")
    y = draw_fitted(canvas, kurum, LEFT, y, color=INK) - 2.5 * MM

    sender = content.applicant_address(applicant)
    rows = (
        ("Adres", f"{applicant.adres}\n{place_line(sender)}", "adres", 4),
        ("E-posta", applicant.e_posta, "e_posta", 2),
        ("Cep telefonu", format_phone(applicant.cep_telefonu), "cep_telefonu", 1),
        ("T.C. Kimlik No", applicant.masked_tc, "tc_kimlik_no", 1),
        ("Başvuru türü", ctx.track.label, "basvuru_turu", 2),
    )
    label_w = 27 * MM
    for label, value, field, max_lines in rows:
        text(canvas, LEFT, y - 8.5 * 0.93, label, REGULAR, 8.5, MUTED)
        fitted = fit(value, REGULAR, 9, col_w - label_w, min_size=7, max_lines=max_lines, field=field)
        y = draw_fitted(canvas, fitted, LEFT + label_w, y, color=INK) - 1.2 * MM

    url = ctx.profile.track_url(ctx.track)
    qr_top = top + 1 * MM
    draw_qr(canvas, url, qr_left, qr_top - QR_SIZE, QR_SIZE)
    caption = fit(content.track_url_label(ctx.track), BOLD, 7.5, QR_SIZE + 4 * MM, min_size=6, max_lines=2)
    center = qr_left + QR_SIZE / 2
    cy = draw_fitted(canvas, caption, center, qr_top - QR_SIZE, color=INK, align="center")
    link = fit(url, REGULAR, 7, QR_SIZE + 6 * MM, min_size=5.5, max_lines=3, field="url")
    cy = draw_fitted(canvas, link, center, cy, color=ACCENT, align="center")
    return min(y, cy)


def _contents(canvas: Canvas, ctx: content.PageContext) -> float:
    """ "What is in this packet" and "questions" side by side, anchored above the footer; returns its top."""
    gap = 8 * MM
    col_w = (CONTENT_W - gap) / 2
    items = content.packet_contents(ctx)
    contacts = content.contacts(ctx)
    size = 8.5
    left_fits = [
        fit(item, REGULAR, size, col_w - 5 * MM, min_size=7, max_lines=2, shrink=False) for item in items
    ]
    right_fits = [fit(c, REGULAR, size, col_w, min_size=7, max_lines=4, shrink=False) for c in contacts]
    body_h = max(
        sum(f.height + 1.2 * MM for f in left_fits), sum(f.height + 1.2 * MM for f in right_fits)
    )  # fmt: skip
    box_h = body_h + 14 * MM
    bottom = BOTTOM_LIMIT
    top = bottom + box_h
    canvas.setFillColor(TINT)
    canvas.roundRect(LEFT, bottom, CONTENT_W, box_h, 2 * MM, stroke=0, fill=1)
    x_right = LEFT + col_w + gap
    y0 = top - 4 * MM
    text(canvas, LEFT + 4 * MM, y0 - 8.5 * 0.93, "BU PAKETTE", BOLD, 8.5, ACCENT)
    text(canvas, x_right, y0 - 8.5 * 0.93, "SORULARINIZ İÇİN", BOLD, 8.5, ACCENT)
    y = y0 - 6 * MM
    for index, fitted in enumerate(left_fits, start=1):
        text(canvas, LEFT + 4 * MM, y - fitted.size * 0.93, f"{index}.", BOLD, fitted.size, MUTED)
        y = draw_fitted(canvas, fitted, LEFT + 9 * MM, y, color=INK) - 1.2 * MM
    y = y0 - 6 * MM
    for fitted in right_fits:
        y = draw_fitted(canvas, fitted, x_right, y, color=INK) - 1.2 * MM
    return top


def _steps(canvas: Canvas, ctx: content.PageContext, top: float, limit: float) -> None:
    """Numbered next steps, as large as the room above `limit` allows; FitError if they cannot fit."""
    y0 = section_title(canvas, "SIRADAKİ ADIMLAR", top - 4 * MM)
    indent = 9 * MM
    steps = content.next_steps(ctx)
    sizes = ((9.5, 3.0), (9.0, 2.2), (8.5, 1.6), (8.0, 1.2), (7.5, 1.0), (7.0, 0.8), (6.5, 0.6), (6.0, 0.5))
    fitted, gap, fits = fit_list(steps, sizes, CONTENT_W - indent, y0 - limit - 2 * MM, field="adımlar")
    if not fits:
        raise FitError("kapak", "sıradaki adımlar sayfaya sığmıyor")
    y = y0
    radius = 2.6 * MM
    for number, step_fit in enumerate(fitted, start=1):
        cx, cy = LEFT + radius, y - step_fit.size * 0.93 + step_fit.size * 0.35
        canvas.setFillColor(ACCENT)
        canvas.circle(cx, cy, radius, stroke=0, fill=1)
        canvas.setFillColor(WHITE)
        canvas.setFont(BOLD, 8.5)
        canvas.drawCentredString(cx, cy - 3, str(number))
        y = draw_fitted(canvas, step_fit, LEFT + indent, y, color=INK) - gap * MM


__all__ = [
    "BARCODE_H",
    "BARCODE_MODULE",
    "QR_SIZE",
    "REMARK_H",
    "TEXT_INSET",
    "TITLE",
    "WINDOW_H",
    "WINDOW_LEFT",
    "WINDOW_TOP",
    "WINDOW_W",
    "draw_cover",
]
