"""The portal printout as the copies: text untouched in every copy, the mark on no ink, one PDF limit."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from cli import cli
from formkit import profile as profiles
from formkit.errors import TemplateError
from formkit.model import Profile, Track
from formkit.packet.builder import PacketBuilder
from formkit.packet.copies import Printout
from formkit.pdf import limits
from tests import printouts
from tests.test_packet import TC, applicant

MM = 72 / 25.4
PRODUCERS = {
    "reportlab": lambda data: data,
    "pikepdf-object-streams": printouts.with_object_streams,
    "incremental-update": lambda data: printouts.with_incremental_update(printouts.with_object_streams(data)),
    "encrypted-empty-password": lambda data: printouts.encrypted(data, user=""),
}


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_REF_KEY", "test-key")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")


@pytest.fixture(scope="module")
def profile() -> Profile:
    return profiles.load()


def page_texts(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def render(data: bytes, index: int, scale: float = 1.0) -> Image.Image:
    document = pdfium.PdfDocument(data)
    return document[index].render(scale=scale, grayscale=True).to_pil().convert("L")


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
def test_every_copy_carries_the_printout_text_unchanged(profile: Profile, producer: str) -> None:
    data = PRODUCERS[producer](printouts.printout(TC, pages=2))
    assert data.startswith(b"%PDF-")
    if producer != "reportlab" and producer != "encrypted-empty-password":
        assert b"/ObjStm" in data and b"/XRef" in data
    packet = PacketBuilder(profile).build(applicant(Track.KURUM), Printout.load(data, "cikti.pdf"))
    assert packet.form_source == "portal" and packet.warnings == ()
    original = page_texts(data)
    assert "TC Kimlik No: " + TC in original[0] and "Şükrü Öğüt" in original[0]
    texts = page_texts(packet.data)
    assert len(texts) == 1 + 2 * 2 + 1  # cover, two whole copies of a two-page printout, checklist
    for copy in (1, 2):
        label = f"NÜSHA {copy}/2 — Kurum Yetkilisine teslim edilecek"
        for index in range(2):
            text = texts[1 + (copy - 1) * 2 + index]
            assert text == original[index] + "\r\n" + label  # the page's own text, then the mark
    assert "KONTROL LİSTESİ" in texts[-1]


def _mark_box(original: Image.Image, copy: Image.Image) -> tuple[int, int, int, int]:
    box = ImageChops.difference(original, copy).getbbox()
    assert box is not None, "no copy mark drawn"
    return box


@pytest.mark.parametrize("producer", ["reportlab", "pikepdf-object-streams"])
def test_the_mark_sits_in_a_blank_margin(profile: Profile, producer: str) -> None:
    data = PRODUCERS[producer](printouts.printout(TC))
    packet = PacketBuilder(profile).build(applicant(Track.BIREYSEL), Printout.load(data, "cikti.pdf"))
    original = render(data, 0)
    for copy_page in (1, 2):
        marked = render(packet.data, copy_page)
        left, top, right, bottom = _mark_box(original, marked)
        under = original.crop((left, top, right, bottom))
        assert under.getextrema()[0] >= 250, "the mark covers some of the printout's ink"
        assert left >= 4 * MM and top >= 4 * MM  # inside what a printer prints
        assert right <= original.width - 4 * MM and bottom <= original.height - 4 * MM
        assert (right - left) > 40 * MM  # the whole mark, not a speck
    texts = page_texts(packet.data)
    assert texts[1].endswith("NÜSHA 1/2 — Kamu SM'ye gönderilecek")
    assert texts[2].endswith("NÜSHA 2/2 — sizde kalacak")


def _page(draw: str) -> bytes:
    """A one-page PDF whose ink is given by `draw`: top/bottom bands, or everything but the corner."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    w, h = A4
    if draw == "bands":  # ink along the whole top and bottom: only the sides are free
        canvas.rect(0, h - 60, w, 60, stroke=0, fill=1)
        canvas.rect(0, 0, w, 60, stroke=0, fill=1)
        canvas.rect(60, 80, w - 120, h - 160, stroke=1, fill=0)
    elif draw == "logo":  # a logo top left reaching the page edge, text below: the top right is free
        canvas.rect(0, h - 70, 200, 70, stroke=0, fill=1)
        canvas.setFont("Helvetica", 9)
        for line in range(70):
            canvas.drawString(30, h - 90 - line * 10, "x" * 110)
        canvas.rect(0, 0, w, 30, stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.mark.parametrize("draw", ["bands", "logo"])
def test_the_mark_finds_the_free_margin_wherever_it_is(profile: Profile, draw: str) -> None:
    data = _page(draw)
    packet = PacketBuilder(profile).build(applicant(Track.KURUM), Printout.load(data, "cikti.pdf"))
    assert packet.warnings == ()
    original = render(data, 0)
    left, top, right, bottom = _mark_box(original, render(packet.data, 1))
    assert original.crop((left, top, right, bottom)).getextrema()[0] >= 250
    if draw == "bands":  # turned 90°, along a side
        assert (bottom - top) > (right - left)
    else:
        assert top < 20 * MM and left > original.width / 2


def test_no_blank_margin_gives_the_least_inked_corner_and_a_warning(profile: Profile) -> None:
    data = printouts.printout(TC, full=True)
    packet = PacketBuilder(profile).build(applicant(Track.KURUM), Printout.load(data, "tam.pdf"))
    assert packet.warnings and "tam.pdf, sayfa 1: boş kenar boşluğu yok" in packet.warnings[0]
    texts = page_texts(packet.data)
    assert texts[1].endswith("NÜSHA 1/2 — Kurum Yetkilisine teslim edilecek")


def test_the_profile_says_how_many_copies(profile: Profile) -> None:
    data = printouts.printout(TC, pages=3)
    for copies in (1, 3):
        one = replace(profile, copies=copies)
        packet = PacketBuilder(one).build(applicant(Track.AILE_HEKIMI), Printout.load(data, "c.pdf"))
        texts = page_texts(packet.data)
        assert len(texts) == 1 + 3 * copies + 2  # cover, the copies, checklist, payment page
        for copy in range(copies):
            for page in range(3):
                text = texts[1 + copy * 3 + page]
                assert f"KAMU SM NES BASVURU FORMU {page + 1}/3" in text
                assert text.endswith(f"NÜSHA {copy + 1}/{copies} — Kurum Yetkilisine teslim edilecek")


def test_copies_in_the_profile_are_checked(tmp_path: Path) -> None:
    text = profiles.default_path().read_text(encoding="utf-8")
    assert "[form]\ncopies = 2" in text
    assert profiles.load().copies == 2
    bad = tmp_path / "p.toml"
    bad.write_text(text.replace("[form]\ncopies = 2", "[form]\ncopies = 0"), encoding="utf-8")
    with pytest.raises(profiles.ProfileError, match=r"form\.copies"):
        profiles.load(bad)
    hatay = tmp_path / "hatay.toml"
    hatay.write_text(text.replace("[form]\ncopies = 2", "[form]\ncopies = 1"), encoding="utf-8")
    assert profiles.load(hatay).copies == 1


# --- one limit and one encryption rule for every PDF a user gives ----------------------------------------


def test_a_5000_page_printout_is_refused() -> None:
    with pytest.raises(TemplateError, match=r"cok.pdf: çok fazla sayfa \(5000; en çok 100\)"):
        Printout.load(printouts.many_pages(5000), "cok.pdf")


def test_a_password_is_refused_an_empty_one_is_not() -> None:
    data = printouts.printout(TC)
    with pytest.raises(TemplateError, match="şifreli; açmak için parola gerekiyor"):
        Printout.load(printouts.encrypted(data, user="gizli"), "sifreli.pdf")
    assert Printout.load(printouts.encrypted(data, user=""), "acik.pdf").pages == 1


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "buyuk.pdf"
    with big.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(limits.MAX_BYTES + 1)
    with pytest.raises(TemplateError, match="PDF çok büyük"):
        limits.read_pdf_file(big)


@pytest.mark.parametrize("command", ["packet", "fields", "fill"])
def test_every_command_that_reads_a_pdf_answers_alike(tmp_path: Path, command: str) -> None:
    many = tmp_path / "cok.pdf"
    many.write_bytes(printouts.many_pages(5000))
    locked = tmp_path / "sifreli.pdf"
    locked.write_bytes(printouts.encrypted(printouts.printout(TC), user="gizli"))
    data = tmp_path / "d.json"
    data.write_text("{}", encoding="utf-8")
    person = Path(__file__).parent / "data" / "tek_kisi.json"
    cases = ((many, "çok fazla sayfa (5000; en çok 100)"), (locked, "şifreli; açmak için parola"))
    for path, message in cases:
        if command == "packet":
            args = ["packet", "--input", str(person), "--form", str(path), "-o", str(tmp_path / "o")]
        elif command == "fields":
            args = ["fields", str(path)]
        else:
            args = ["fill", str(path), "--data", str(data), "-o", str(tmp_path / "f.pdf")]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert f"hata: {path}: {message}" in result.stderr
        assert "Traceback" not in result.output


def test_a_printout_with_filled_form_fields_keeps_their_values(profile: Profile) -> None:
    """Values shown only by widget annotations are flattened into the copies, so they print."""
    from formkit.acroform import engine

    template = engine.Template.from_path(Path(__file__).parent / "data" / "foreign-form.pdf")
    data = engine.fill(template, {"kisi.ad": "Şükrü", "kisi.soyad": "Öğüt"}, flatten=False)
    assert pdfium.PdfDocument(data)[0].get_textpage().get_text_range().count("Şükrü") == 0
    packet = PacketBuilder(profile).build(applicant(Track.KURUM), Printout.load(data, "alanli.pdf"))
    texts = page_texts(packet.data)
    for copy in (1, 2):
        assert "Şükrü" in texts[copy] and "Öğüt" in texts[copy]


# --- a form the profile names ([form] template, fields, title) ------------------------------------------


def _province_profile(tmp_path: Path, fields: str) -> Path:
    form = (Path(__file__).parent / "data" / "foreign-form.pdf").read_bytes()
    (tmp_path / "il-formu.pdf").write_bytes(form)
    head = '[form]\ncopies = 1\ntemplate = "il-formu.pdf"\ntitle = "Hatay E-imza Ön Başvuru Formu"'
    text = profiles.default_path().read_text(encoding="utf-8").replace("[form]\ncopies = 2", head)
    path = tmp_path / "hatay.toml"
    path.write_text(text + "\n[form.fields]\n" + fields, encoding="utf-8")
    return path


def test_a_form_the_profile_names_is_filled_as_the_copies(tmp_path: Path) -> None:
    fields = '"kisi.ad" = "ad"\n"kisi.soyad" = "soyad"\nkimlik = "tc_kimlik_no"\nadres = "adres"\n'
    profile = profiles.load(_province_profile(tmp_path, fields))
    assert profile.form_template.endswith("il-formu.pdf") and profile.copies == 1
    packet = PacketBuilder(profile).build(applicant(Track.KURUM))
    assert packet.form_source == "profile"
    texts = page_texts(packet.data)
    assert len(texts) == 1 + 1 + 1  # cover, one copy of the one-page province form, checklist
    assert "Kurum Başvuru Formu" in texts[1] and "İlknur" in texts[1] and "Iğdır" in texts[1]
    assert TC in texts[1].replace(" ", "")  # a comb field: one digit per cell
    assert texts[1].endswith("NÜSHA 1/1 — Kurum Yetkilisine teslim edilecek")
    printout = printouts.printout(TC)  # a portal printout still comes first
    portal = PacketBuilder(profile).build(applicant(Track.KURUM), Printout.load(printout, "c.pdf"))
    assert portal.form_source == "portal"


def test_a_wrong_field_map_is_a_profile_error(tmp_path: Path) -> None:
    fields = '"kisi.yas" = "ad"\nkimlik = "tc_no"\n'
    profile = profiles.load(_province_profile(tmp_path, fields))
    with pytest.raises(profiles.ProfileError) as caught:
        PacketBuilder(profile)
    assert "şablonda 'kisi.yas' alanı yok" in caught.value.message
    assert "bilinmeyen başvuru alanı 'tc_no'" in caught.value.message
    missing = tmp_path / "eksik.toml"
    missing.write_text(
        (tmp_path / "hatay.toml").read_text(encoding="utf-8").replace("il-formu.pdf", "yok.pdf"),
        encoding="utf-8",
    )
    with pytest.raises(profiles.ProfileError, match=r"form\.template: dosya bulunamadı"):
        profiles.load(missing)


def test_packet_form_on_the_command_line_warns_when_no_margin_is_free(tmp_path: Path) -> None:
    person = Path(__file__).parent / "data" / "tek_kisi.json"
    full = tmp_path / "tam.pdf"
    full.write_bytes(printouts.printout("77459762568", full=True))
    result = CliRunner().invoke(
        cli, ["packet", "--input", str(person), "--form", str(full), "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert f"uyarı: {full}, sayfa 1: boş kenar boşluğu yok" in result.stderr
    written = Path(result.stdout.strip().splitlines()[-1])
    texts = page_texts(written.read_bytes())
    assert texts[1].startswith(page_texts(full.read_bytes())[0])


def test_bireysel_marks_follow_the_seed(profile: Profile) -> None:
    data = printouts.printout(TC)
    posting = PacketBuilder(profile).build(applicant(Track.BIREYSEL), Printout.load(data, "c.pdf"))
    assert [t.rsplit("\r\n", 1)[-1] for t in page_texts(posting.data)[1:3]] == [
        "NÜSHA 1/2 — Kamu SM'ye gönderilecek",
        "NÜSHA 2/2 — sizde kalacak",
    ]
    device = applicant(Track.BIREYSEL, baska_marka_cihaz=True)
    keeping = PacketBuilder(profile).build(device, Printout.load(data, "c.pdf"))
    assert [t.rsplit("\r\n", 1)[-1] for t in page_texts(keeping.data)[1:3]] == [
        "NÜSHA 1/2 — sizde kalacak",
        "NÜSHA 2/2 — sizde kalacak",
    ]


def test_the_batch_scan_works_out_each_page_once(profile: Profile, tmp_path: Path) -> None:
    """Layouts found while a batch reads a printout's text are used as they are; the mark stays off ink."""
    from formkit.batch.printouts import scan_file
    from formkit.packet.content import all_copy_labels
    from formkit.packet.copies import mark_size

    path = tmp_path / "c.pdf"
    path.write_bytes(printouts.printout(TC, pages=2))
    scanned = scan_file(path, mark_size(all_copy_labels(profile)))
    assert scanned.in_text == {TC} and len(scanned.layouts) == 2
    printout = Printout.load(path.read_bytes(), "c.pdf", scanned.layouts)
    packet = PacketBuilder(profile).build(applicant(Track.BIREYSEL), printout)
    assert [printout.layouts[i] for i in range(2)] == list(scanned.layouts)  # used, not worked out again
    original = render(path.read_bytes(), 0)
    for copy_page in (1, 3):
        left, top, right, bottom = _mark_box(original, render(packet.data, copy_page))
        assert original.crop((left, top, right, bottom)).getextrema()[0] >= 250


def test_a_turned_page_keeps_its_rotation_and_text_and_is_flagged(profile: Profile) -> None:
    data = (Path(__file__).parent / "data" / "rotated-form.pdf").read_bytes()
    original = pdfium.PdfDocument(data)
    packet = PacketBuilder(profile).build(applicant(Track.KURUM), Printout.load(data, "donuk.pdf"))
    assert packet.warnings and "donuk.pdf, sayfa 1" in packet.warnings[0]
    copy = pdfium.PdfDocument(packet.data)[1]
    assert copy.get_rotation() == original[0].get_rotation() != 0
    assert copy.get_textpage().get_text_range().startswith(original[0].get_textpage().get_text_range())
