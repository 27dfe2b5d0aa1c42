"""The data sheet: the applicant's data in the order the Kamu SM system asks for it, printed once.

It replaces formkit's old replica of the application form. The paper that is signed is the printout the
Kamu SM system gives at the last step (seed; every public source agrees), so this page says at its head that
it is not the application form, and carries no signature box, no copy mark, no date and no declaration.
The fields the system fills from MERNİS are marked as such; the choices the applicant makes (certificate
period, card reader type, reason) and the güvenlik sözcüğü reminder follow. Every sentence is the profile's.
"""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from formkit.model import Track
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
    Fitted,
    draw_fitted,
    fit,
    footer,
    header,
    section_title,
    text,
)
from formkit.turkish import format_date, format_phone, upper

TITLE = "VERİ SAYFASI"
LABEL_W = 46 * MM
SIZES = ((10.5, 2.6 * MM), (9.5, 2.0 * MM), (8.5, 1.5 * MM), (7.5, 1.2 * MM))  # value size, row gap

# The choices the applicant makes in the system, as the system names them (samsunism; meb).
CHOICE_REASON = "İLK BAŞVURU"


def rows(ctx: content.PageContext) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """(section, [(label, value, filled by the system)]) in the order the system asks for them."""
    a = ctx.applicant
    kurum = ", ".join(part for part in (a.kurum, a.birim) if part)
    reader = a.kart_okuyucu.replace("Kart Okuyucu", "").strip() or a.kart_okuyucu
    return [
        (
            "KİMLİK BİLGİLERİ",
            [
                ("T.C. Kimlik No", a.tc_kimlik_no, True),
                ("Ad", a.ad, True),
                ("Soyad", a.soyad, True),
                ("Doğum Yeri", a.dogum_yeri, True),
                ("Doğum Tarihi", format_date(a.dogum_tarihi), True),
                ("Kurum Adı", kurum, True),
            ],
        ),
        (
            "İLETİŞİM BİLGİLERİ",
            [("E-posta", a.e_posta, False), ("Cep Telefonu", format_phone(a.cep_telefonu), False)],
        ),
        (
            "TESLİMAT ADRESİ",
            [
                ("Adres", a.adres, False),
                ("İl", a.il, False),
                ("İlçe", a.ilce, False),
                ("Posta Kodu", a.posta_kodu, False),
            ],
        ),
        (
            "SEÇİMLER",
            [
                ("Sertifika Süresi", a.sertifika_suresi, False),
                ("Kart Okuyucu Tipi", reader, False),
                ("Başvuru Nedeni", CHOICE_REASON, False),
            ],
        ),
    ]


def draw_datasheet(canvas: Canvas, ctx: content.PageContext) -> None:
    """Draw the data sheet (the caller calls showPage); FitError when a value cannot fit."""
    applicant = ctx.applicant
    y = header(
        canvas,
        office=upper(ctx.profile.name),
        title=TITLE,
        subtitle=f"{content.person_name(applicant.ad, applicant.soyad)} · {ctx.track.label}",
    )
    y = _head_box(canvas, ctx, y - 4 * MM)
    intro_key = "datasheet.intro.bireysel" if ctx.track is Track.BIREYSEL else "datasheet.intro"
    intro = fit(content.say(ctx, intro_key), REGULAR, 9.5, CONTENT_W, min_size=8, max_lines=3, shrink=False)
    y = draw_fitted(canvas, intro, LEFT, y - 4 * MM, color=INK)
    for size, gap in SIZES:  # as large as the page allows: long names and addresses take smaller type
        if _body(canvas, ctx, y, size, gap, draw=False) >= BOTTOM_LIMIT:
            break
    else:
        raise FitError("veri sayfası", "sayfaya sığmıyor")
    _body(canvas, ctx, y, size, gap, draw=True)
    footer(canvas, f"{ctx.profile.name} · {TITLE}", f"Paket no {ctx.ref} · Veri sayfası")


def _body(
    canvas: Canvas, ctx: content.PageContext, top: float, size: float, gap: float, *, draw: bool
) -> float:
    """The sections from `top` down, values in `size` pt; returns the y under them (draw=False: measure)."""
    mernis = content.say(ctx, "datasheet.mernis")
    value_w = CONTENT_W - LABEL_W
    y = top
    for section, items in rows(ctx):
        y = _section(canvas, section, y - 3 * MM, draw)
        if section == "TESLİMAT ADRESİ":
            note = fit(content.say(ctx, "datasheet.address"), REGULAR, 8, CONTENT_W, min_size=7, max_lines=2)
            y = _draw(canvas, note, LEFT, y, MUTED, draw) - 2 * MM
        for label, value, system in items:
            fitted = fit(value, BOLD, size, value_w, min_size=6.5, max_lines=3, field=label)
            if draw:
                text(canvas, LEFT, y - 9 * 0.93, label, REGULAR, 9, MUTED)
            bottom = min(_draw(canvas, fitted, LEFT + LABEL_W, y, INK, draw), y - 9 * 1.22)
            if system:  # the mark goes right under the value, in the wide column: one short line
                hint = fit(f"↑ {mernis}", REGULAR, 7, value_w, min_size=6)
                bottom = _draw(canvas, hint, LEFT + LABEL_W, bottom + 0.3 * MM, ACCENT, draw)
            if draw:
                canvas.setStrokeColor(FAINT)
                canvas.setLineWidth(0.4)
                canvas.line(LEFT, bottom - gap / 2, RIGHT, bottom - gap / 2)
            y = bottom - gap
    y = _section(canvas, "GÜVENLİK SÖZCÜĞÜ", y - 3 * MM, draw)
    word = fit(content.say(ctx, "datasheet.security_word"), REGULAR, 9.5, CONTENT_W, min_size=8, max_lines=3,
               shrink=False)  # fmt: skip
    return _draw(canvas, word, LEFT, y, INK, draw)


def _section(canvas: Canvas, label: str, top: float, draw: bool) -> float:
    return section_title(canvas, label, top) if draw else top - 12 - 2.5 * MM


def _draw(canvas: Canvas, fitted: Fitted, x: float, top: float, color: Color, draw: bool) -> float:
    return draw_fitted(canvas, fitted, x, top, color=color) if draw else top - fitted.height


def _head_box(canvas: Canvas, ctx: content.PageContext, top: float) -> float:
    """The unmissable head: this page is not the application form. Returns the y under the box."""
    inner = CONTENT_W - 10 * MM
    head = fit(content.say(ctx, "datasheet.head"), BOLD, 14, inner, min_size=10, max_lines=3, shrink=False)
    height = head.height + 9 * MM
    canvas.setFillColor(TINT)
    canvas.setStrokeColor(STAMP_RED)
    canvas.setLineWidth(2)
    canvas.roundRect(LEFT, top - height, CONTENT_W, height, 2 * MM, stroke=1, fill=1)
    draw_fitted(canvas, head, LEFT + 5 * MM, top - 4.5 * MM, color=STAMP_RED)
    return top - height


__all__ = ["CHOICE_REASON", "LABEL_W", "SIZES", "TITLE", "draw_datasheet", "rows"]
