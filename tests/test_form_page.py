"""The built-in form drawn straight onto a canvas (the packets' fast path)."""

from __future__ import annotations

import io
from datetime import date

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from formkit.errors import ValidationError
from formkit.model import Applicant, Track
from formkit.packet.form import FORM_FIELDS, draw_form, form_values
from formkit.pdf import textfit

APPLICANT = Applicant(
    ad="İlknur",
    soyad="IĞDIR",
    tc_kimlik_no="25842367814",
    dogum_tarihi=date(1985, 9, 3),
    dogum_yeri="Iğdır",
    e_posta="ilknur.igdir@saglik.gov.tr",
    cep_telefonu="5324123310",
    kurum="Mersin Şehir Eğitim ve Araştırma Hastanesi",
    unvan="Uzman Doktor",
    adres="Çiftlikköy Mah. Şehit Öğretmen Ümit Güçlü Cad. No: 12/4",
    il="Mersin",
    ilce="Yenişehir",
    posta_kodu="33110",
    track=Track.AILE_HEKIMI,
    birim="Çocuk Sağlığı ve Hastalıkları",
)


def render(values: dict[str, str | bool], copy_label: str = "") -> bytes:
    buf = io.BytesIO()
    canvas = textfit.new_canvas(buf, A4)
    draw_form(canvas, values, copy_label=copy_label)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def test_values_are_drawn_as_text_with_embedded_font() -> None:
    values = form_values(APPLICANT, date(2026, 11, 26))
    pdf = render(values, copy_label="1. NÜSHA — E-imza Kurum Yetkilisine")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    text = page.extract_text()
    for key in ("ad", "soyad", "dogum_yeri", "e_posta", "il", "ilce", "tarih", "cep_telefonu"):
        assert str(values[key]) in text, key
    assert "Mersin Şehir Eğitim ve Araştırma Hastanesi / Çocuk Sağlığı ve Hastalıkları" in text
    assert "1. NÜSHA — E-imza Kurum Yetkilisine" in text
    assert "BAŞVURU FORMU DEĞİLDİR" in text  # a demo for the form engine, never the application form
    fonts = page["/Resources"]["/Font"]
    for ref in fonts.values():
        assert "/FontFile2" in ref.get_object()["/FontDescriptor"]
    image = pdfium.PdfDocument(pdf)[0].render(scale=0.5).to_pil()
    assert image.size[0] > 200
    assert image.convert("L").getextrema()[0] < 80  # something dark was drawn


def test_field_table_covers_every_data_item() -> None:
    names = {f.name for f in FORM_FIELDS}
    assert {"tc_kimlik_no", "adres", "basvuru_nedeni_kayip", "tarih", "islak_imza", "nusha"} <= names
    tc = next(f for f in FORM_FIELDS if f.name == "tc_kimlik_no")
    assert (tc.kind, tc.max_len) == ("comb", 11)
    for f in FORM_FIELDS:
        x, y, w, h = f.rect
        assert x > 0 and x + w < A4[0] and y > 0 and y + h < A4[1]


def test_text_that_cannot_fit_is_a_problem_not_a_cut() -> None:
    with pytest.raises(ValidationError) as info:
        render({"ad": "Ayşe " * 80, "tc_kimlik_no": "123456789012", "bilinmeyen": "x"})
    fields = {p.field for p in info.value.problems}
    assert fields == {"ad", "tc_kimlik_no", "bilinmeyen"}
    assert all("sığ" in p.message or "alan yok" in p.message for p in info.value.problems)


def test_long_values_shrink_then_wrap() -> None:
    long_name = (
        "Şehit Prof. Dr. Ali Rıza Güçlüoğlu Kadın Doğum ve Çocuk Hastalıkları Eğitim Araştırma Hastanesi"
    )
    fitted = textfit.fit(long_name, 0, 0, 300, 20)
    assert fitted.size < 10
    assert "".join(run for _, _, run in fitted.runs).replace(" ", "") == long_name.replace(" ", "")
    wrapped = textfit.fit(long_name * 2, 0, 0, 300, 40, multiline=True)
    assert len(wrapped.runs) > 1
    comb = textfit.fit("33110", 0, 0, 95, 20, comb=5)
    digit = comb.runs[0]
    assert digit[2] == "33110" and digit[0] + 10 * comb.size * 0.636 / 10 + comb.char_space == pytest.approx(
        19 + digit[0], abs=0.5
    )
    mixed = textfit.fit("AB1", 0, 0, 57, 20, comb=3)
    xs = [x for x, _, _ in mixed.runs]
    assert len(xs) == 3 and xs == sorted(xs) and 14 < xs[1] - xs[0] < 24
