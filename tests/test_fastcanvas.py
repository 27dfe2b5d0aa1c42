"""PacketCanvas's memos (strings, colours, font files) never change an output byte."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from formkit import profile as profiles
from formkit.model import Applicant, Track
from formkit.packet import PacketBuilder
from formkit.pages import fastcanvas

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
