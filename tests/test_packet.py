"""The packet: pages per track, their text, codes that decode, fonts, reproducibility, long and odd text."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from formkit import profile as profiles
from formkit.errors import InputError, TemplateError, ValidationError
from formkit.model import Applicant, Profile, Track
from formkit.packet import content
from formkit.packet.builder import Packet, PacketBuilder, build_date, build_packet, packet_ref, write_packet
from formkit.pdf.layout import width

TC = "10000000146"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_REF_KEY", "test-key")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")  # 26.11.2025


@pytest.fixture(scope="module")
def profile() -> Profile:
    return profiles.load()


def applicant(track: Track, **changes: Any) -> Applicant:
    base = Applicant(
        ad="İlknur",
        soyad="Iğdır",
        tc_kimlik_no=TC,
        dogum_tarihi=date(1985, 4, 23),
        dogum_yeri="Tarsus",
        e_posta="ilknur.igdir@saglik.gov.tr",
        cep_telefonu="5324123310",
        kurum="Mersin Şehir Eğitim ve Araştırma Hastanesi",
        unvan="Uzman Doktor",
        adres="Çiftlikköy Mah. 34. Cad. No: 12 Daire 3",
        il="Mersin",
        ilce="Yenişehir",
        posta_kodu="33110",
        track=track,
    )
    return replace(base, **changes)


def texts(packet: Packet) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(packet.data)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def decode(packet: Packet, page: int = 0) -> dict[str, list[str]]:
    image = pdfium.PdfDocument(packet.data)[page].render(scale=200 / 72).to_pil()
    found: dict[str, list[str]] = {}
    for code in zxingcpp.read_barcodes(image):
        found.setdefault(code.format.name, []).append(code.text)
    return found


EXPECTED_PAGES = {Track.KURUM: 3, Track.AILE_HEKIMI: 4, Track.BIREYSEL: 3}  # cover, data sheet, checklist


@pytest.mark.parametrize("track", list(Track))
def test_pages_and_their_text(profile: Profile, track: Track) -> None:
    packet = build_packet(applicant(track), profile)
    assert packet.pages == EXPECTED_PAGES[track]
    pages = texts(packet)
    assert len(pages) == packet.pages
    cover = flat(pages[0])
    assert "E-İMZA İLK BAŞVURU PAKETİ" in cover
    assert "İlknur IĞDIR" in cover  # SOYAD in Turkish capitals
    assert "Uzman Doktor" in cover and "Mersin Şehir Eğitim ve Araştırma Hastanesi" in cover
    assert track.label in cover
    assert packet.ref in cover
    assert TC not in cover and "100******46" in cover
    assert profile.track_url(track) in cover
    ctx = content.PageContext(applicant=applicant(track), profile=profile, ref=packet.ref, today=build_date())
    starts = [cover.find(" ".join(step.split()[:3])) for step in content.next_steps(ctx)]
    assert -1 not in starts and starts == sorted(starts)  # every next step is on the cover, in order
    # sender block and return address
    assert "33110 Yenişehir/MERSİN" in cover
    if track is Track.BIREYSEL:
        for line in ("TÜBİTAK BİLGEM Kamu Sertifikasyon Merkezi", "P.K. 74", "41470 Gebze/KOCAELİ"):
            assert line in cover
        assert "PTT ETİKETİ" in cover
    else:
        assert "E-imza Kurum Yetkilisi" in cover and "Sağlık Bilgi Sistemleri Birimi" in cover
        assert "PTT" not in cover
    sheet = flat(pages[1])
    assert "VERİ SAYFASI" in sheet and "Bu sayfa başvuru formu değildir." in sheet
    assert TC in sheet  # the data sheet carries the full number: the applicant types it into the system
    assert "NÜSHA" not in sheet and "NİTELİKLİ ELEKTRONİK SERTİFİKA" not in sheet
    checklist = flat(pages[2])
    assert "KONTROL LİSTESİ" in checklist and "ISLAK İMZA — 2 NÜSHA" in checklist
    if track is Track.AILE_HEKIMI:
        assert "12.03.2024" in checklist  # fees valid from
        assert "güncel tutarı" in checklist
        payment = flat(pages[3])
        assert "TR41 0001 2009 5940 0005 0000 47" in payment
        assert "HALK BANKASI" in payment
        assert "MERSİN İL SAĞLIK MÜDÜRLÜĞÜ SERMAYE İŞLETMESİ" in payment
        assert "780,00 TL + 300,00 TL = 1.080,00 TL" in payment
        assert f"İLKNUR-IĞDIR-{TC}/ AÇIKLAMA = E-İMZA 3 YILLIK BAŞVURUSU" in payment
        assert "Banka dekontunu başvuru formuyla birlikte" in payment
        assert "QRCode" not in decode(packet, 3)  # no payment QR (TR Karekod is for licensed providers)


@pytest.mark.parametrize("track", list(Track))
def test_qr_and_barcode_decode(profile: Profile, track: Track) -> None:
    packet = build_packet(applicant(track), profile)
    found = decode(packet)
    assert found.get("QRCode") == [profile.track_url(track)]
    assert found.get("Code128") == [packet.ref]
    assert packet.ref == packet_ref(applicant(track))


def test_bireysel_with_another_brand_device_has_no_kamusm_address(profile: Profile) -> None:
    packet = build_packet(applicant(Track.BIREYSEL, baska_marka_cihaz=True), profile)
    pages = [flat(t) for t in texts(packet)]
    cover = pages[0]
    assert "Gebze" not in cover and "P.K. 74" not in cover
    assert "yalnızca başka marka e-imza cihazı olmayanlardan" in cover
    assert "PTT" not in cover
    assert "yalnızca başka marka e-imza cihazı olmayanlardan" in pages[2]


def test_fonts_embedded_and_no_images_on_cover(profile: Profile) -> None:
    packet = build_packet(applicant(Track.AILE_HEKIMI), profile)
    reader = PdfReader(io.BytesIO(packet.data))
    for page in reader.pages:
        resources = page["/Resources"]
        for font in resources["/Font"].values():
            font = font.get_object()
            assert "/FontDescriptor" in font, font.get("/BaseFont")
            assert "/FontFile2" in font["/FontDescriptor"], font.get("/BaseFont")
    assert "/XObject" not in reader.pages[0]["/Resources"]
    assert reader.pages[0].mediabox.width == pytest.approx(A4[0], abs=0.5)
    assert reader.pages[0].mediabox.height == pytest.approx(A4[1], abs=0.5)


def test_same_input_gives_identical_bytes(profile: Profile) -> None:
    one = build_packet(applicant(Track.AILE_HEKIMI), profile)
    two = PacketBuilder(profile).build(applicant(Track.AILE_HEKIMI))
    assert one.data == two.data


def test_markup_characters_print_as_themselves(profile: Profile) -> None:
    odd = applicant(
        Track.AILE_HEKIMI,
        ad="Ayşe & <b>Nur</b>",
        kurum="Ar-Ge & <Kalite> Birimi",
        unvan="Uzman <Dr.> & Eğitici",
    )
    pages = [flat(t) for t in texts(build_packet(odd, profile))]
    assert "Ayşe & <b>Nur</b> IĞDIR" in pages[0]
    assert "Ar-Ge & <Kalite> Birimi" in pages[0]
    assert "Uzman <Dr.> & Eğitici" in pages[0]
    assert "Ayşe & <b>Nur</b>" in pages[1]
    assert "AYŞE & <B>NUR</B>-IĞDIR" in pages[3]


def _boxes(data: bytes, page_index: int) -> list[tuple[str, float, float, float, float]]:
    """Text runs on a page as (text, x0, y0, x1, y1) from their text matrices and font sizes."""
    page = PdfReader(io.BytesIO(data)).pages[page_index]
    boxes: list[tuple[str, float, float, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip() or font is None:
            return
        a, b, _c, _d, e, f = tm
        ca, cb, cc, cd, ce, cf = cm
        x = e * ca + f * cc + ce
        y = e * cb + f * cd + cf
        scale = (a * ca + b * cc) if a else 1.0
        if abs(b) > 1e-6 or abs(cb) > 1e-6:  # rotated (the stamp): not part of this check
            return
        eff = size * scale
        bold = "Bold" in str(font.get("/BaseFont", ""))
        w = width(text.strip(), "FormkitSans-Bold" if bold else "FormkitSans", eff)
        boxes.append((text, x, y - 0.2 * eff, x + w, y + 0.72 * eff))

    page.extract_text(visitor_text=visit)
    return boxes


def _overlaps(boxes: list[tuple[str, float, float, float, float]]) -> list[tuple[str, str]]:
    found = []
    for i, (t1, a0, b0, a1, b1) in enumerate(boxes):
        for t2, c0, d0, c1, d1 in boxes[i + 1 :]:
            if min(a1, c1) - max(a0, c0) > 0.5 and min(b1, d1) - max(b0, d0) > 0.5:
                found.append((t1, t2))
    return found


def test_long_text_shrinks_and_wraps_without_overlap(profile: Profile) -> None:
    long = applicant(
        Track.AILE_HEKIMI,
        ad="Ayşe Gülşen Nur Deniz",
        soyad="Karaosmanoğlu-Çiçekçioğlu Şimşekbaşı",
        kurum="T.C. Sağlık Bakanlığı Mersin İl Sağlık Müdürlüğü Toros Devlet Hastanesi Kardiyoloji Kliniği",
        unvan="Uzman Doktor (Kardiyoloji) ve Eğitim Sorumlusu",
        adres="Güvenevler Mahallesi Şehit Jandarma Er Mehmet Ali Yılmaz Caddesi Gül Apartmanı "
        "C Blok No: 12/45",
    )
    packet = build_packet(long, profile)
    pages = [flat(t) for t in texts(packet)]
    assert "KARAOSMANOĞLU-ÇİÇEKÇİOĞLU ŞİMŞEKBAŞI" in pages[0]
    for index in (0, 1, 3):
        boxes = _boxes(packet.data, index)
        assert len(boxes) > 20
        assert _overlaps(boxes) == []
    assert decode(packet).get("Code128") == [packet.ref]


def test_text_that_cannot_fit_is_a_validation_error(profile: Profile) -> None:
    absurd = applicant(Track.KURUM, kurum="Çok Uzun Kurum Adı " * 40, row=7)
    with pytest.raises(ValidationError) as info:
        build_packet(absurd, profile)
    assert any(problem.row == 7 for problem in info.value.problems)
    assert all("kurum" in problem.field for problem in info.value.problems)


def test_write_packet_is_atomic_and_names_are_safe(profile: Profile, tmp_path: Path) -> None:
    packet = build_packet(applicant(Track.KURUM), profile)
    assert packet.filename == f"{packet.ref}-IGDIR-Ilknur.pdf"
    assert packet.filename.isascii() and TC not in packet.filename
    path = write_packet(packet, tmp_path / "out")
    assert path.read_bytes() == packet.data
    assert [p.name for p in path.parent.iterdir()] == [packet.filename]


def _official(pages: int) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for index in range(pages):
        canvas.setFont("Helvetica", 14)
        canvas.drawString(72, 700, f"KAMUSM PORTAL FORM PAGE {index + 1}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.mark.parametrize("track", [Track.BIREYSEL, Track.AILE_HEKIMI])
def test_official_form_is_used_twice_with_copy_marks(profile: Profile, track: Track) -> None:
    builder = PacketBuilder(profile, official_form=_official(2))
    packet = builder.build(applicant(track))
    assert packet.pages == EXPECTED_PAGES[track] - 1 + 4  # no data sheet: two copies of two pages
    pages = [flat(t) for t in texts(packet)]
    assert "E-İMZA İLK BAŞVURU PAKETİ" in pages[0]
    first, second = (
        ("NÜSHA 1/2 — Kamu SM'ye gönderilecek", "NÜSHA 2/2 — sizde kalacak")
        if track is Track.BIREYSEL
        else ("NÜSHA 1/2 — Kurum Yetkilisine", "NÜSHA 2/2 — Kurum Yetkilisine")
    )
    for index, (mark, form_page) in enumerate([(first, 1), (first, 2), (second, 1), (second, 2)], start=1):
        assert mark in pages[index]
        assert f"KAMUSM PORTAL FORM PAGE {form_page}" in pages[index]
    assert "KONTROL LİSTESİ" in pages[5]
    again = PacketBuilder(profile, official_form=_official(2)).build(applicant(track))
    assert again.data == packet.data


def test_unreadable_official_form_is_a_template_error(profile: Profile) -> None:
    with pytest.raises(TemplateError):
        PacketBuilder(profile, official_form=b"%PDF-1.4 this is not really a pdf")


def test_recipient_sits_inside_the_dl_window(profile: Profile) -> None:
    """DIN 680 DL window (90 x 45 mm, 20 mm from the left, 15 mm from the bottom) on an A4 folded in three."""
    packet = build_packet(applicant(Track.BIREYSEL), profile)
    mm = 72 / 25.4
    lines = ("TÜBİTAK BİLGEM Kamu Sertifikasyon Merkezi", "P.K. 74", "41470 Gebze/KOCAELİ")
    found = {
        t.strip(): (x0, y0, x1, y1) for t, x0, y0, x1, y1 in _boxes(packet.data, 0) if t.strip() in lines
    }
    assert set(found) == set(lines)
    for x0, y0, x1, y1 in found.values():
        assert 25 * mm - 0.5 <= x0 and x1 <= 100 * mm  # visible even if the sheet shifts 10 mm sideways
        assert A4[1] - 85 * mm <= y0 and y1 <= A4[1] - 47 * mm  # ... or sits 5 mm high


def test_editable_is_refused_with_a_clear_message(profile: Profile) -> None:
    """The built-in page is a data sheet: nothing on it is filled in by hand, so --editable has no meaning."""
    with pytest.raises(InputError, match="formkit fill --editable"):
        PacketBuilder(profile, editable=True)
