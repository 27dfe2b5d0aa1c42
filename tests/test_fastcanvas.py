"""PacketCanvas's memos (strings, colours, font files) never change an output byte."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import ImageChops
from reportlab.lib.pagesizes import A4

from formkit import profile as profiles
from formkit.model import Applicant, Track
from formkit.packet import content
from formkit.packet.builder import PacketBuilder, build_date
from formkit.packet.datasheet import draw_datasheet
from formkit.pdf import fastcanvas, textfit

PEOPLE = [
    ("İlknur", "Iğdır", "10000000146", Track.KURUM),
    ("Çağla", "Güneş & <Öz>", "12345678950", Track.AILE_HEKIMI),
    ("Şükrü", "Öztürk", "25814736938", Track.BIREYSEL),
    ("Zoë Ñandú", "Ærøskøbing", "79876543256", Track.AILE_HEKIMI),  # characters outside the primed set
]


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_REF_KEY", "test-key")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")


def people() -> list[Applicant]:
    base = Applicant(
        ad="", soyad="", tc_kimlik_no="", dogum_tarihi=date(1985, 4, 23), dogum_yeri="Tarsus",
        e_posta="kisi@saglik.gov.tr", cep_telefonu="5324123310", kurum="Toros Devlet Hastanesi",
        unvan="Hemşire", adres="Çiftlikköy Mah. 34. Cad. No: 12", il="Mersin", ilce="Yenişehir",
        posta_kodu="33110", track=Track.KURUM,
    )  # fmt: skip
    return [replace(base, ad=a, soyad=s, tc_kimlik_no=tc, track=t) for a, s, tc, t in PEOPLE]


def test_memos_do_not_change_the_output() -> None:
    builder = PacketBuilder(profiles.load())
    try:
        fastcanvas.set_caching(False)
        plain = [builder.build(person).data for person in people()]
        fastcanvas.set_caching(True)
        first = [builder.build(person).data for person in people()]  # fills the memos
        second = [builder.build(person).data for person in people()]  # served from them
    finally:
        fastcanvas.set_caching(True)
    assert first == plain
    assert second == plain
    assert len(set(plain)) == len(plain)


def test_data_sheet_looks_the_same_as_on_a_plain_canvas() -> None:
    """The data sheet in a packet (warm memos) renders pixel-identical to draw_datasheet on a plain canvas."""
    profile = profiles.load()
    builder = PacketBuilder(profile)
    person = people()[1]
    builder.build(person)
    packet = builder.build(person)
    ctx = content.PageContext(person, profile, packet.ref, build_date())
    buffer = io.BytesIO()
    canvas = textfit.new_canvas(buffer, A4)
    draw_datasheet(canvas, ctx)
    canvas.showPage()
    canvas.save()

    def render(data: bytes, index: int) -> Any:
        return pdfium.PdfDocument(data)[index].render(scale=1.5).to_pil().convert("RGB")

    assert ImageChops.difference(render(packet.data, 1), render(buffer.getvalue(), 0)).getbbox() is None
