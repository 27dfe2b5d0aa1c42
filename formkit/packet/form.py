"""A demo form for the form engine (one A4 page, reportlab): NOT the e-imza application form.

formkit once printed this page as "the application form"; the paper an applicant signs is the printout
the Kamu SM system gives (issue 11), so packets no longer carry it (they carry `packet.datasheet`). It
stays as the source of `assets/forms/nes-basvuru-formu.pdf`, the fillable template that the form engine's
tests, `formkit fields` and `formkit fill` use as an example; its own title says it is no application form.

The layout is data (`FORM_FIELDS` plus the static cells below), computed once at import. `draw_form` draws the
grid, the Turkish labels and either the values (fast path used by packets: text laid out by `textfit`, no
pypdf) or real AcroForm fields (`interactive=True`, for the fillable template in assets/forms/).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4

from formkit import turkish
from formkit.errors import ValidationError
from formkit.model import Applicant, Problem
from formkit.pdf import fonts, textfit

PAGE_W, PAGE_H = A4
MARGIN_X = 42.0
CONTENT_W = PAGE_W - 2 * MARGIN_X
TITLE_LINES = ("ÖRNEK FORM (FORMKIT FORM MOTORU)", "BAŞVURU FORMU DEĞİLDİR, KAMU SM'YE VERİLMEZ")
DECLARATION = "Bu sayfa form doldurma denemesi içindir; e-imza başvurusunda kullanılmaz."
COPY_FIELD = "nusha"

INK = Color(0.05, 0.11, 0.33)  # filled-in values: dark blue, like a good pen
NAVY = Color(0.11, 0.20, 0.36)
GRID = Color(0.30, 0.33, 0.38)
LABEL = Color(0.22, 0.24, 0.28)
SOFT = Color(0.93, 0.95, 0.98)
HINT = Color(0.45, 0.47, 0.50)

ROW_H = 40.0
LABEL_SIZE = 7.2
BAR_H = 17.0


@dataclass(frozen=True)
class FormField:
    """One field of the built-in form: its value's rectangle (points, origin bottom-left) and kind.

    kind: "text", "comb" (one character per cell, `max_len` cells), "multiline", "checkbox" or
    "signature" (a box for a wet signature; it takes no value). `options` holds a check box's on-state.
    """

    name: str
    label: str
    rect: tuple[float, float, float, float]
    kind: str = "text"
    options: tuple[str, ...] = ()
    max_len: int = 0
    page: int = 0
    align: int = textfit.LEFT


@dataclass(frozen=True)
class _Cell:
    label: str
    rect: tuple[float, float, float, float]
    hint: str = ""


@dataclass(frozen=True)
class _Bar:
    text: str
    y: float


def _build() -> tuple[tuple[FormField, ...], tuple[_Cell, ...], tuple[_Bar, ...], dict[str, float]]:
    """Compute every rectangle of the page once, top to bottom."""
    fields: list[FormField] = []
    cells: list[_Cell] = []
    bars: list[_Bar] = []
    marks: dict[str, float] = {}
    x0 = MARGIN_X
    top = PAGE_H - 40.0

    fields.append(
        FormField(COPY_FIELD, "Nüsha", (x0 + CONTENT_W * 0.35, top - 16, CONTENT_W * 0.65, 16), align=2)
    )
    marks["title_top"] = top - 22
    marks["title_bottom"] = top - 22 - 58
    y = marks["title_bottom"] - 20  # instruction line sits in this gap
    marks["note_y"] = marks["title_bottom"] - 13

    def bar(text: str) -> None:
        nonlocal y
        y -= 10
        bars.append(_Bar(text, y - BAR_H))
        y -= BAR_H

    def row(items: list[tuple[str, str, float, str, int, str]], height: float = ROW_H) -> None:
        """items: (field name, label, width share, kind, max_len, hint)."""
        nonlocal y
        total = sum(share for _, _, share, _, _, _ in items)
        x = x0
        for name, label, share, kind, max_len, hint in items:
            w = CONTENT_W * share / total
            cells.append(_Cell(label, (x, y - height, w, height), hint))
            if name:
                inner = (x + 5, y - height + 4, w - 10, height - 4 - 13)
                if kind == "comb":
                    inner = (x + 5, y - height + 4, min(w - 10, max_len * 19.0), height - 4 - 13)
                fields.append(FormField(name, label, inner, kind, (), max_len))
            x += w
        y -= height

    bar("1. KİMLİK BİLGİLERİ")
    row(
        [
            ("tc_kimlik_no", "T.C. Kimlik No", 5.0, "comb", 11, ""),
            ("dogum_yeri", "Doğum Yeri", 2.8, "text", 0, ""),
            ("dogum_tarihi", "Doğum Tarihi", 2.2, "text", 10, "gg.aa.yyyy"),
        ]
    )
    row([("ad", "Ad", 1.0, "text", 0, ""), ("soyad", "Soyad", 1.0, "text", 0, "")])

    bar("2. KURUM VE İLETİŞİM BİLGİLERİ")
    row([("kurum", "Kurum Adı", 1.0, "text", 0, "")])
    row([("unvan", "Unvan", 1.0, "text", 0, ""), ("cep_telefonu", "Cep Telefonu (GSM)", 1.0, "text", 0, "")])
    row([("e_posta", "E-posta", 1.0, "text", 0, "")])

    bar("3. TESLİMAT ADRESİ")
    row(
        [("adres", "Adres", 1.0, "multiline", 0, "mahalle, cadde/sokak, bina no, daire no")],
        height=ROW_H + 26,
    )
    row(
        [
            ("il", "İl", 5.0, "text", 0, ""),
            ("ilce", "İlçe", 2.8, "text", 0, ""),
            ("posta_kodu", "Posta Kodu", 2.2, "comb", 5, ""),
        ]
    )
    marks["address_note_y"] = y - 10

    y -= 12
    bar("4. SERTİFİKA BİLGİLERİ")
    row(
        [
            ("sertifika_suresi", "Sertifika Süresi", 1.0, "text", 0, ""),
            ("kart_okuyucu", "Kart Okuyucu Tipi", 1.0, "text", 0, ""),
        ]
    )
    reason_h = 30.0
    cells.append(_Cell("Başvuru Nedeni", (x0, y - reason_h, CONTENT_W, reason_h)))
    box = 11.0
    bx = x0 + 98
    for name, label in (
        ("basvuru_nedeni_ilk", "İlk Başvuru"),
        ("basvuru_nedeni_yenileme", "Yenileme"),
        ("basvuru_nedeni_kayip", "Kayıp-Çalıntı"),
        ("basvuru_nedeni_diger", "Diğer"),
    ):
        fields.append(
            FormField(name, label, (bx, y - reason_h / 2 - box / 2, box, box), "checkbox", ("Yes",))
        )
        bx += 102
    y -= reason_h

    bar("5. BEYAN VE İMZA")
    marks["declaration_y"] = y - 19
    y -= 30
    sign_h = 90.0
    date_w = CONTENT_W * 0.36
    cells.append(_Cell("Tarih", (x0, y - sign_h, date_w, sign_h), "gg.aa.yyyy"))
    fields.append(FormField("tarih", "Tarih", (x0 + 5, y - 13 - 22, date_w - 10, 22), "text", (), 10))
    cells.append(_Cell("Islak İmza", (x0 + date_w, y - sign_h, CONTENT_W - date_w, sign_h)))
    fields.append(
        FormField(
            "islak_imza",
            "Islak İmza",
            (x0 + date_w + 5, y - sign_h + 4, CONTENT_W - date_w - 10, sign_h - 17),
            "signature",
        )
    )
    y -= sign_h
    marks["bottom"] = y
    return tuple(fields), tuple(cells), tuple(bars), marks


FORM_FIELDS, _CELLS, _BARS, _MARKS = _build()
_BY_NAME = {f.name: f for f in FORM_FIELDS}
CHECKBOX_NAMES = tuple(f.name for f in FORM_FIELDS if f.kind == "checkbox")


def form_values(applicant: Applicant, today: date) -> dict[str, str | bool]:
    """The built-in form's values for one applicant (a first application, dated `today`)."""
    kurum = applicant.kurum if not applicant.birim else f"{applicant.kurum} / {applicant.birim}"
    return {
        "tc_kimlik_no": applicant.tc_kimlik_no,
        "ad": applicant.ad,
        "soyad": applicant.soyad,
        "dogum_yeri": applicant.dogum_yeri,
        "dogum_tarihi": turkish.format_date(applicant.dogum_tarihi),
        "kurum": kurum,
        "unvan": applicant.unvan,
        "e_posta": applicant.e_posta,
        "cep_telefonu": turkish.format_phone(applicant.cep_telefonu),
        "adres": applicant.adres,
        "il": applicant.il,
        "ilce": applicant.ilce,
        "posta_kodu": applicant.posta_kodu,
        "sertifika_suresi": applicant.sertifika_suresi,
        "kart_okuyucu": applicant.kart_okuyucu,
        "basvuru_nedeni_ilk": True,
        "basvuru_nedeni_yenileme": False,
        "basvuru_nedeni_kayip": False,
        "basvuru_nedeni_diger": False,
        "tarih": turkish.format_date(today),
    }


def layout_values(values: Mapping[str, str | bool], copy_label: str = "") -> list[tuple[FormField, Any]]:
    """Check the values against FORM_FIELDS and lay each out: (field, Fitted | True) for what to draw.

    Collects every problem (unknown field, text that does not fit, bad check box value), then raises once.
    """
    problems: list[Problem] = []
    out: list[tuple[FormField, Any]] = []
    merged: dict[str, str | bool] = dict(values)
    if copy_label:
        merged[COPY_FIELD] = copy_label
    for name, value in merged.items():
        spec = _BY_NAME.get(name)
        if spec is None or spec.kind == "signature":
            problems.append(Problem(name, "formda böyle bir alan yok"))
            continue
        if spec.kind == "checkbox":
            on = turkish.as_bool(value)
            if on is None:
                problems.append(Problem(name, f"onay kutusu için evet/hayır bekleniyor, {value!r} verildi"))
            elif on:
                out.append((spec, True))
            continue
        if isinstance(value, bool):
            problems.append(Problem(name, "metin alanına evet/hayır verilemez"))
            continue
        if not value.strip():
            continue
        x, y, w, h = spec.rect
        try:
            fitted = textfit.fit(
                value,
                x,
                y,
                w,
                h,
                font=fonts.BOLD if name == COPY_FIELD else None,
                size=9.0 if name == COPY_FIELD else 0.0,
                align=spec.align,
                multiline=spec.kind == "multiline",
                comb=spec.max_len if spec.kind == "comb" else 0,
                max_len=spec.max_len,
            )
        except textfit.NoFit as exc:
            problems.append(Problem(name, exc.message))
            continue
        out.append((spec, fitted))
    if problems:
        raise ValidationError(problems)
    return out


def draw_form(
    canvas: Any, values: Mapping[str, str | bool], *, copy_label: str = "", interactive: bool = False
) -> None:
    """Draw the form on the current page of a reportlab canvas (the caller calls showPage).

    interactive=False: the values are drawn straight in (raises ValidationError when one cannot fit).
    interactive=True: empty AcroForm fields are added instead and `values`/`copy_label` are not used: the
    fillable template is filled by `acroform.engine.fill`, which draws Turkish text with the embedded font.
    """
    regular, bold = fonts.register()
    laid = [] if interactive else layout_values(values, copy_label)
    canvas.saveState()
    _draw_static(canvas, regular, bold)
    if interactive:
        _add_fields(canvas)
    else:
        canvas.setFillColor(INK)
        canvas.setStrokeColor(INK)
        for spec, what in laid:
            if what is True:
                x, y, w, h = spec.rect
                textfit.check_mark(canvas, x, y, w, h)
            else:
                if spec.name == COPY_FIELD:
                    canvas.setFillColor(NAVY)
                textfit.draw(canvas, what)
                canvas.setFillColor(INK)
    canvas.restoreState()


def _draw_static(canvas: Any, regular: str, bold: str) -> None:
    x0 = MARGIN_X
    # Title block: a double rule frame with the two-line title.
    t_top, t_bottom = _MARKS["title_top"], _MARKS["title_bottom"]
    canvas.setFillColor(SOFT)
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(1.6)
    canvas.rect(x0, t_bottom, CONTENT_W, t_top - t_bottom, stroke=1, fill=1)
    canvas.setLineWidth(0.5)
    canvas.rect(x0 + 3, t_bottom + 3, CONTENT_W - 6, t_top - t_bottom - 6, stroke=1, fill=0)
    canvas.setFillColor(NAVY)
    canvas.setFont(bold, 14.5)
    mid = x0 + CONTENT_W / 2
    canvas.drawCentredString(mid, t_top - 25, TITLE_LINES[0])
    canvas.drawCentredString(mid, t_top - 44, TITLE_LINES[1])
    canvas.setFillColor(HINT)
    canvas.setFont(regular, 7.5)
    canvas.drawCentredString(
        mid,
        _MARKS["note_y"],
        "Örnek form: formkit fill ile AcroForm doldurmayı denemek için. "
        "İmzalanacak form Kamu SM sisteminin çıktısıdır.",
    )
    # Section bars.
    for b in _BARS:
        canvas.setFillColor(NAVY)
        canvas.rect(x0, b.y, CONTENT_W, BAR_H, stroke=0, fill=1)
        canvas.setFillColor(Color(1, 1, 1))
        canvas.setFont(bold, 8.8)
        canvas.drawString(x0 + 6, b.y + 5.2, b.text)
    # Cells: thin grid, label top-left, hint top-right.
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.6)
    for cell in _CELLS:
        x, y, w, h = cell.rect
        canvas.rect(x, y, w, h, stroke=1, fill=0)
        canvas.setFillColor(LABEL)
        canvas.setFont(bold if cell.label == "Başvuru Nedeni" else regular, LABEL_SIZE)
        if cell.label == "Başvuru Nedeni":
            canvas.drawString(x + 5, y + h / 2 - 2.5, "Başvuru Nedeni")
        else:
            canvas.drawString(x + 5, y + h - 9.5, cell.label)
        if cell.hint:
            canvas.setFillColor(HINT)
            canvas.setFont(regular, 6.3)
            canvas.drawRightString(x + w - 5, y + h - 9.5, f"({cell.hint})")
    # Comb cells and check boxes.
    canvas.setLineWidth(0.45)
    for spec in FORM_FIELDS:
        x, y, w, h = spec.rect
        if spec.kind == "comb":
            canvas.setStrokeColor(GRID)
            canvas.rect(x, y, w, h, stroke=1, fill=0)
            step = w / spec.max_len
            for i in range(1, spec.max_len):
                canvas.line(x + i * step, y, x + i * step, y + h)
        elif spec.kind == "checkbox":
            canvas.setStrokeColor(NAVY)
            canvas.setLineWidth(0.8)
            canvas.rect(x, y, w, h, stroke=1, fill=0)
            canvas.setFillColor(Color(0, 0, 0))
            canvas.setFont(regular, 8.5)
            canvas.drawString(x + w + 5, y + 2.2, spec.label)
            canvas.setLineWidth(0.45)
    canvas.setFillColor(Color(0, 0, 0))
    canvas.setFont(regular, 8.5)
    canvas.drawString(x0 + 2, _MARKS["declaration_y"], DECLARATION)
    # Address note and footer.
    canvas.setFillColor(HINT)
    canvas.setFont(regular, 6.5)
    canvas.drawString(x0 + 2, _MARKS["address_note_y"], "Adresi eksik olan formlar onaylanmaz.")
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.4)
    canvas.line(x0, 40, x0 + CONTENT_W, 40)
    canvas.setFont(regular, 6.5)
    canvas.drawString(x0, 30, "formkit örnek form şablonu (başvuru formu değildir)")
    canvas.drawRightString(x0 + CONTENT_W, 30, "Sayfa 1 / 1")


def _add_fields(canvas: Any) -> None:
    """Real AcroForm widgets over the drawn grid (transparent, borderless: the grid is the form)."""
    form = canvas.acroForm
    for spec in FORM_FIELDS:
        x, y, w, h = spec.rect
        if spec.kind == "signature":
            continue
        if spec.kind == "checkbox":
            form.checkbox(
                name=spec.name,
                tooltip=spec.label,
                x=x,
                y=y,
                size=w,
                checked=False,
                buttonStyle="check",
                borderWidth=0,
                borderColor=None,
                fillColor=None,
                textColor=INK,
                fieldFlags="",
            )
            continue
        flags = []
        if spec.kind == "multiline":
            flags.append("multiline")
        if spec.kind == "comb":
            flags.append("comb")
        form.textfield(
            name=spec.name,
            tooltip=spec.label,
            value="",
            x=x,
            y=y,
            width=w,
            height=h,
            borderWidth=0,
            borderColor=None,
            fillColor=None,
            textColor=INK,
            fontName="Helvetica",
            fontSize=10,
            maxlen=spec.max_len or None,
            fieldFlags=" ".join(flags),
        )


__all__ = [
    "BAR_H",
    "CHECKBOX_NAMES",
    "CONTENT_W",
    "COPY_FIELD",
    "DECLARATION",
    "GRID",
    "HINT",
    "INK",
    "LABEL",
    "LABEL_SIZE",
    "MARGIN_X",
    "NAVY",
    "ROW_H",
    "SOFT",
    "TITLE_LINES",
    "FormField",
    "draw_form",
    "form_values",
    "layout_values",
]
