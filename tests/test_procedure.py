"""The packet follows the real procedure (issue 11): the data sheet, the steps, rules with sources, provinces.

Every check reads what a person gets: text extracted from the packet's pages, the `formkit mail` messages
(plain text and HTML) and the web page's HTML.
"""

from __future__ import annotations

import importlib.util
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from mail_support import PEOPLE, make_batch, parse
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

import cli
from formkit import profile as profiles
from formkit.errors import ProfileError
from formkit.model import Profile, Track
from formkit.packet import content
from formkit.packet.builder import PacketBuilder, build_packet
from formkit.turkish import lower
from formkit.web import create_app
from formkit.web.fields import web_texts
from formkit.web.security import RateLimit
from tests.test_packet import TC, applicant

ROOT = Path(__file__).resolve().parent.parent
HEAD = "Bu sayfa başvuru formu değildir. İmzalayacağınız form, Kamu SM sisteminden alacağınız çıktıdır."
MERNIS = "sistem doldurur; nüfus kaydınızla aynı olmalı"

# Issue 11 §4 and DESIGN §1: no source supports these; none may appear in any output (compared in lower case).
BANNED = (
    "mavi tükenmez",
    "mavi kalem",
    "fotokopi",
    "tarayıcı çıktısı",
    "kabul edilmez",
    "kimliğinizdeki imza",
    "dekontsuz",
    "işleme alınmaz",
    "(kart okuyucu)",
    "kargo",
    "taahhütlü gönderin",
    "beyan ederim",
    "taahhütname",
    "pin zarf",
)


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_REF_KEY", "test-key")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")  # 26.11.2025


@pytest.fixture(scope="module")
def profile() -> Profile:
    return profiles.load()


def pages_of(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def portal_printout() -> bytes:
    """A stand-in for the applicant's Kamu SM printout (one page)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 700, "KAMU SM BASVURU FORMU CIKTISI")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def ctx_for(profile: Profile, track: Track, **kw: Any) -> content.PageContext:
    return content.PageContext(applicant(track), profile, "TEST-REF", date(2025, 11, 26), **kw)


def province(tmp_path: Path, changes: dict[str, str], extra: str = "") -> Profile:
    """The Mersin profile with some lines changed and some tables added, loaded as another province's."""
    text = profiles.default_path().read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "il.toml"
    path.write_text(text + extra, encoding="utf-8")
    return profiles.load(path)


# --- the data sheet -----------------------------------------------------------------------------------


@pytest.mark.parametrize("track", list(Track))
def test_data_sheet_appears_once_and_says_it_is_not_the_form(profile: Profile, track: Track) -> None:
    pages = pages_of(build_packet(applicant(track), profile).data)
    sheets = [page for page in pages if HEAD in page]
    assert len(sheets) == 1 and HEAD in pages[1]
    sheet = sheets[0]
    assert sheet.index(HEAD) < sheet.index("T.C. Kimlik No")  # the head comes first, before any data
    assert sheet.count(MERNIS) == 6  # T.C., ad, soyad, doğum yeri, doğum tarihi, kurum
    order = ["T.C. Kimlik No", "Ad", "Soyad", "Doğum Yeri", "Doğum Tarihi", "Kurum Adı", "E-posta",
             "Cep Telefonu", "Adres", "Posta Kodu", "Sertifika Süresi", "Kart Okuyucu Tipi",
             "Başvuru Nedeni"]  # fmt: skip
    positions = [sheet.index(label) for label in order]
    assert positions == sorted(positions)
    for value in (TC, "İlknur", "Iğdır", "Tarsus", "23.04.1985", "3 Yıl", "Mini", "İLK BAŞVURU"):
        assert value in sheet
    assert "güvenlik sözcüğü" in sheet
    # No signature box, copy mark, date, declaration or Unvan: nothing to sign or hand in.
    for absent in ("NÜSHA", "Unvan", "Uzman Doktor", "26.11.2025", "beyan", "Tarih:"):
        assert absent not in sheet, absent
    assert "imza" not in lower(sheet.replace(HEAD, "")).replace("e-imza", "")


def _is_red(pixel: Any) -> bool:
    r, g, b = pixel
    return bool(r > 150 and g < 90 and b < 90)


def test_the_data_sheet_head_is_red_and_at_the_top(profile: Profile) -> None:
    """Rendered: the head box (red frame and red bold text) sits in the top quarter of the page."""
    data = build_packet(applicant(Track.KURUM), profile).data
    image = pdfium.PdfDocument(data)[1].render(scale=60 / 72).to_pil().convert("RGB")
    width, height = image.size
    pixels = image.load()
    red = [y for y in range(height) for x in range(0, width, 2) if _is_red(pixels[x, y])]
    assert len(red) > 300
    assert max(red) < height * 0.25


def test_a_portal_printout_replaces_the_data_sheet(profile: Profile) -> None:
    packet = PacketBuilder(profile, official_form=portal_printout()).build(applicant(Track.KURUM))
    pages = pages_of(packet.data)
    assert not any(HEAD in page for page in pages)
    assert "Kamu SM form çıktınız, NÜSHA 1/2: Kurum Yetkilisine teslim edilecek" in pages[0]
    assert "Bu paketteki 2 nüsha, Kamu SM sisteminden aldığınız form çıktısıdır" in pages[0]


# --- the steps ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("track", list(Track))
def test_step_one_is_the_kamusm_system_in_cover_and_checklist(profile: Profile, track: Track) -> None:
    pages = pages_of(build_packet(applicant(track), profile).data)
    steps = content.next_steps(ctx_for(profile, track))
    cover, checklist = pages[0], pages[2]
    first = steps[0]
    if track is Track.BIREYSEL:
        assert first.startswith(profile.urls.online_islemler)
        assert "NES İşlemleri → Bireysel İşlemler → Başvuru İşlemleri → Kişi Ödemeli Başvurular" in first
        assert "BAŞVURU NEDENİ olarak İLK BAŞVURU" in first
    else:
        assert "Kamu SM sisteminde" in first and profile.urls.portal in first
    assert "nüsha yazdırın ve her nüshayı elle (ıslak imzayla) imzalayın" in steps[1]
    after = steps[-1]
    assert "kurye" in after and "SMS ve e-postayla" in after and "güvenlik sözcüğünüzle" in after
    for step in steps:  # the same steps, in the same order, on the cover and as the checklist's boxes
        assert step in cover and step in checklist
    assert cover.index(steps[0]) < cover.index(steps[1]) < cover.index(steps[-1])


def test_bireysel_pages_name_another_brand_device_and_carry_no_amount(profile: Profile) -> None:
    for device in (False, True):
        pages = pages_of(build_packet(applicant(Track.BIREYSEL, baska_marka_cihaz=device), profile).data)
        everything = " ".join(pages)
        assert "başka marka e-imza cihaz" in lower(everything)
        assert not re.search(r"\d TL", everything), "a bireysel applicant pays what Kamu SM's screen shows"
        assert "ekranda gördükten sonra" in everything and '"Ödeme" menüsünden' in everything


def test_payment_page_names_the_ministry_letter(profile: Profile) -> None:
    payment = pages_of(build_packet(applicant(Track.AILE_HEKIMI), profile).data)[3]
    assert "27/06/2016" in payment and "64395869" in payment
    assert profile.cite("payment.letter").count("(") >= 3  # the seed and two public pages


def test_contents_steps_and_signing_follow_the_form_source(profile: Profile) -> None:
    sheet = ctx_for(profile, Track.KURUM)
    items = content.packet_contents(sheet)
    assert any(item.startswith("Veri sayfası") for item in items)
    assert not any("NÜSHA" in item for item in items)
    assert "veri sayfası" in content.signing_lines(sheet)[-1]

    portal = ctx_for(profile, Track.BIREYSEL, form_source="portal")
    items = content.packet_contents(portal)
    assert "Kamu SM form çıktınız, NÜSHA 1/2: Kamu SM'ye gönderilecek" in items
    assert "Kamu SM form çıktınız, NÜSHA 2/2: sizde kalacak" in items
    assert all("veri sayfası" not in line for line in content.signing_lines(portal))

    own = ctx_for(
        profile, Track.AILE_HEKIMI, form_source="profile", copies=1, form_title="İl ön başvuru formu"
    )
    items = content.packet_contents(own)
    assert "İl ön başvuru formu, NÜSHA 1/1: Kurum Yetkilisine teslim edilecek" in items
    assert "İl ön başvuru formu (1 nüsha)" in content.next_steps(own)[1]
    assert content.stamp_lines(own)[0] == "ISLAK İMZA — 1 NÜSHA"


# --- no invented rules ------------------------------------------------------------------------------


def _banned_in(text: str) -> list[str]:
    folded = lower(text)
    return [phrase for phrase in BANNED if phrase in folded]


def test_no_banned_phrase_in_any_packet_mail_or_web_page(profile: Profile, tmp_path: Path) -> None:
    outputs: dict[str, str] = {}
    printout = portal_printout()
    for track in Track:
        for name, builder in (
            ("veri", PacketBuilder(profile)),
            ("çıktı", PacketBuilder(profile, official_form=printout)),
        ):
            outputs[f"paket {track.value} {name}"] = " ".join(pages_of(builder.build(applicant(track)).data))
    device = build_packet(applicant(Track.BIREYSEL, baska_marka_cihaz=True), profile)
    outputs["paket bireysel başka cihaz"] = " ".join(pages_of(device.data))

    make_batch(tmp_path)
    result = CliRunner().invoke(cli.cli, ["mail", str(tmp_path)], env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert result.exit_code == 0, result.output
    messages = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(messages) == 3
    for path in messages:
        message = parse(path)
        for kind in ("plain", "html"):
            body = message.get_body((kind,))
            assert body is not None
            outputs[f"e-posta {path.name} {kind}"] = body.get_content()

    app = create_app(secret_key=b"test" * 8, rate_limit=RateLimit(capacity=100, per_seconds=1))
    page = app.test_client().get("/").get_data(as_text=True)
    assert "Kamu SM sisteminden alacağınız çıktıdır" in page
    outputs["web sayfası"] = page

    for key, sentence in web_texts(profile).items():  # incl. the printout upload's hint, not yet on the page
        outputs[f"web sayfası {key}"] = sentence
    made_on = "26.11.2025"  # SOURCE_DATE_EPOCH's day: a generation date would read as a signing date
    assert not [name for name, text in outputs.items() if name.startswith("paket") and made_on in text]
    found = {name: hits for name, text in outputs.items() if (hits := _banned_in(text))}
    assert found == {}
    assert "kurye" in lower(" ".join(outputs.values()))


# --- rules are data with a source: profile show / check ------------------------------------------------


def test_profile_show_prints_every_rule_with_its_source(profile: Profile) -> None:
    result = CliRunner().invoke(cli.cli, ["profile", "show"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    for key in profile.texts:
        block = out[out.index(f"[{key}]") :]
        assert block.split("\n")[1].strip().startswith("Kaynak: "), key
    assert "İlk Defa E-imza Başvurusunda Yapılması Gereken İşlemler" in out and "12.03.2024" in out
    assert "Nüsha sayısı (kurum, aile hekimi): 2" in out


def _check(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli.cli, ["profile", "check", str(path)])
    return result.exit_code, result.stderr


OFFICER_STEP = 'text = "Formları E-imza Kurum Yetkilisi onaylayıp Kamu SM\'ye gönderir."'
OFFICER_SOURCE = '\nsource = ["bartinism-109866", "nigdeism-30551"]'
BROKEN = [
    (OFFICER_STEP + OFFICER_SOURCE, OFFICER_STEP, 'texts."step.after.officer".source: kaynak yok'),
    (
        '[texts."step.after.officer"]\n' + OFFICER_STEP + OFFICER_SOURCE,
        "",
        'texts."step.after.officer": eksik',
    ),
    ('source = "kvkk"', 'source = "blog"', 'texts."payment.tc_note".source: bilinmeyen kaynak blog'),
    ('[officer]\nsource = "seed"', "[officer]", "officer.source: kaynak yok"),
    ('"Ödenecek tutar: {sum}."', '"Ödenecek tutar: {tutar}."', "bilinmeyen yer tutucu tutar"),
    ('receipt = "paper"', 'receipt = "email"', "procedure.receipt_email"),
    ('[texts."step.after"]', '[texts."step.afterr"]', 'texts."step.afterr": bilinmeyen cümle anahtarı'),
]


@pytest.mark.parametrize(("old", "new", "message"), BROKEN)
def test_profile_check_refuses_a_rule_without_a_source(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = profiles.default_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    code, err = _check(path)
    assert code == 2
    assert message in err
    assert all(line.startswith(f"hata: {path}") or line.startswith(str(path)) or not line
               for line in err.splitlines() if "Traceback" not in line)  # fmt: skip
    assert "Traceback" not in err
    with pytest.raises(ProfileError):
        profiles.load(path)


def test_a_profile_without_sentences_is_told_once_what_to_copy(tmp_path: Path) -> None:
    text = profiles.default_path().read_text(encoding="utf-8")
    path = tmp_path / "eski.toml"
    path.write_text(text[: text.index('[texts."step.system"]')], encoding="utf-8")
    code, err = _check(path)
    assert code == 2
    assert err.count("texts: eksik") == 1 and "[sources] ve [texts" in err
    assert len(err.strip().splitlines()) <= 3


def test_the_shipped_profile_is_mersin_as_the_seed_says(profile: Profile) -> None:
    assert profile.province == "Mersin" and profile.source_date == date(2024, 3, 12)
    assert profile.copies == 2 and profile.procedure.bireysel_copies == 2
    assert profile.procedure.extra_document == "" and profile.procedure.receipt == "paper"
    assert profile.officer.lines == ("Sağlık Müdürlüğü Eski Devlet Hastanesi Yerleşkesi",)
    assert profile.bank.description_template == "{AD}-{SOYAD}-{TC}/ AÇIKLAMA = E-İMZA 3 YILLIK BAŞVURUSU"
    assert [str(item.amount) for item in profile.fees.items] == ["780.00", "300.00"]
    assert profile.urls.portal == "https://portal.kamusm.gov.tr/bp/ws.go"
    assert all(rule.sources for rule in profile.texts.values())


# --- province variation ------------------------------------------------------------------------------

HATAY_SOURCE = """
[sources.hatay]
title = "Hatay İl Sağlık Müdürlüğü, e-imza başvurusu (örnek il profili)"
recorded = 2026-12-02

[texts."step.extra_document"]
text = "Nüshalara {extra_document} ekleyin."
source = "hatay"
"""


def test_copies_come_from_the_profile_mersin_2_hatay_1(profile: Profile, tmp_path: Path) -> None:
    hatay = province(tmp_path, {"[form]\ncopies = 2": "[form]\ncopies = 1"})
    for prof, copies in ((profile, 2), (hatay, 1)):
        pages = pages_of(build_packet(applicant(Track.KURUM), prof).data)
        assert f"İmzalı {copies} nüshayı E-imza Kurum Yetkilisine teslim edin" in pages[0]
        assert f"ISLAK İMZA — {copies} NÜSHA" in pages[2]
        labels = content.copy_labels(ctx_for(prof, Track.KURUM))
        assert labels[-1] == f"NÜSHA {copies}/{copies} — Kurum Yetkilisine teslim edilecek"
    portal = PacketBuilder(hatay, official_form=portal_printout()).build(applicant(Track.KURUM))
    assert portal.pages == 1 + 1 + 1  # cover, the printout once, checklist


def test_an_extra_document_is_asked_for_when_the_profile_names_one(profile: Profile, tmp_path: Path) -> None:
    hatay = province(tmp_path, {'extra_document = ""': 'extra_document = "dilekçe"'}, HATAY_SOURCE)
    cover = pages_of(build_packet(applicant(Track.KURUM), hatay).data)[0]
    assert "Nüshalara dilekçe ekleyin." in cover
    assert "dilekçe" not in pages_of(build_packet(applicant(Track.KURUM), profile).data)[0]


def test_an_extra_document_needs_its_sentence(tmp_path: Path) -> None:
    text = (
        profiles.default_path()
        .read_text(encoding="utf-8")
        .replace('extra_document = ""', 'extra_document = "dilekçe"')
    )
    path = tmp_path / "il.toml"
    path.write_text(text, encoding="utf-8")
    code, err = _check(path)
    assert code == 2 and 'texts."step.extra_document": eksik' in err


def test_the_receipt_goes_by_e_mail_where_the_profile_says_so(profile: Profile, tmp_path: Path) -> None:
    extra = """
[sources.tekirdag]
title = "Tekirdağ İl Sağlık Müdürlüğü, e-imza başvurusu (örnek il profili)"
recorded = 2026-12-02

[texts."receipt.email"]
text = "Banka dekontunu {receipt_email} adresine e-postayla gönderin."
source = "tekirdag"
"""
    changes = {
        'receipt = "paper"': 'receipt = "email"',
        'receipt_email = ""': 'receipt_email = "eimza@il.example"',
    }
    tekirdag = province(tmp_path, changes, extra)
    pages = pages_of(build_packet(applicant(Track.AILE_HEKIMI), tekirdag).data)
    sentence = "Banka dekontunu eimza@il.example adresine e-postayla gönderin."
    assert sentence in pages[0] and sentence in pages[3]
    assert "BURAYA İLİŞTİRİN" not in pages[3]  # nothing to staple when the receipt goes by e-mail
    assert "dekontunu başvuru formuyla birlikte" not in " ".join(pages)
    assert "banka dekontu" not in lower(pages[0].replace(sentence, ""))  # nothing says: hand it in
    mersin = pages_of(build_packet(applicant(Track.AILE_HEKIMI), profile).data)
    assert "Banka dekontunu başvuru formuyla birlikte E-imza Kurum Yetkilisine teslim edin." in mersin[3]
    assert "BANKA DEKONTUNU BURAYA İLİŞTİRİN" in mersin[3]


def test_where_to_hand_in_comes_from_the_profile(tmp_path: Path) -> None:
    other = province(
        tmp_path,
        {
            'organisation = ["Mersin İl Sağlık Müdürlüğü", "Sağlık Bilgi Sistemleri Birimi"]':
                'organisation = ["Hatay İl Sağlık Müdürlüğü", "Bilgi İşlem Birimi"]',
            'lines = ["Sağlık Müdürlüğü Eski Devlet Hastanesi Yerleşkesi"]':
                'lines = ["Ek Hizmet Binası, Kat 2"]',
        },
    )  # fmt: skip
    for track in (Track.KURUM, Track.AILE_HEKIMI):
        cover = pages_of(build_packet(applicant(track), other).data)[0]
        assert "Hatay İl Sağlık Müdürlüğü Bilgi İşlem Birimi (Ek Hizmet Binası, Kat 2)" in cover
        assert "Eski Devlet Hastanesi" not in cover


def test_the_description_template_comes_from_the_profile(tmp_path: Path) -> None:
    old = 'description = "{AD}-{SOYAD}-{TC}/ AÇIKLAMA = E-İMZA 3 YILLIK BAŞVURUSU"'
    tekirdag = province(tmp_path, {old: 'description = "{AD}-{SOYAD}-{TC}- NES Ücreti"'})
    payment = pages_of(build_packet(applicant(Track.AILE_HEKIMI), tekirdag).data)[3]
    assert f"İLKNUR-IĞDIR-{TC}- NES Ücreti" in payment


def test_every_variation_at_once_still_fits_with_a_long_applicant(tmp_path: Path) -> None:
    extra = (
        HATAY_SOURCE
        + """
[texts."receipt.email"]
text = "Banka dekontunu {receipt_email} adresine e-postayla gönderin."
source = "hatay"
"""
    )
    changes = {
        'extra_document = ""': 'extra_document = "kurumunuzun üst yazısı"',
        'receipt = "paper"': 'receipt = "email"',
        'receipt_email = ""': 'receipt_email = "e-imza.birimi@il.example"',
    }
    busy = province(tmp_path, changes, extra)
    long = {
        "ad": "Ayşe Gülşen Nur Deniz",
        "soyad": "Karaosmanoğlu-Çiçekçioğlu Şimşekbaşı",
        "kurum": "T.C. Sağlık Bakanlığı Mersin İl Sağlık Müdürlüğü Toros Devlet Hastanesi "
        "Kardiyoloji Kliniği",
        "adres": "Güvenevler Mahallesi Şehit Jandarma Er Mehmet Ali Yılmaz Caddesi Gül Apartmanı "
        "C Blok No: 12/45",
    }
    for track in Track:
        for builder in (PacketBuilder(busy), PacketBuilder(busy, official_form=portal_printout())):
            packet = builder.build(applicant(track, **long))
            assert "kurumunuzun üst yazısı" in pages_of(packet.data)[0] or track is Track.BIREYSEL


# --- the cover's return address (issue 13) --------------------------------------------------------------


def test_a_long_name_and_address_keep_the_street_in_the_return_address(profile: Profile) -> None:
    long = applicant(
        Track.BIREYSEL,
        ad="Ayşe Gülşen Nur Deniz",
        soyad="Karaosmanoğlu-Çiçekçioğlu Şimşekbaşı",
        adres="Güvenevler Mahallesi Şehit Jandarma Er Mehmet Ali Yılmaz Caddesi Gül Apartmanı "
        "C Blok No: 12/45",
    )
    packet = build_packet(long, profile)
    runs: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and size * (tm[0] or 1) < 7:  # the return line is the cover's only text under 7 pt
            runs.append((y, text))

    PdfReader(io.BytesIO(packet.data)).pages[0].extract_text(visitor_text=visit)
    mm = 72 / 25.4
    window = [text for y, text in runs if A4[1] - 62.7 * mm <= y <= A4[1] - 45 * mm]
    back = " ".join(" ".join(window).split())
    assert back.startswith("Gönderen: Ayşe Gülşen Nur Deniz KARAOSMANOĞLU-ÇİÇEKÇİOĞLU ŞİMŞEKBAŞI")
    assert "Şehit Jandarma Er Mehmet Ali Yılmaz Caddesi Gül Apartmanı C Blok No: 12/45" in back
    assert back.endswith("33110 Yenişehir/MERSİN")


def test_mail_values_follow_the_form_source(profile: Profile) -> None:
    """Ready for mail.core: the print-and-sign sentence for each kind of copies, from the profile."""
    sheet = content.mail_values(profile, Track.KURUM, "data-sheet")
    assert sheet["nusha_sayisi"] == "2" and "veri sayfası başvuru formu değildir" in sheet["form_adimi"]
    portal = content.mail_values(profile, Track.BIREYSEL, "portal")
    assert "Kamu SM sisteminden aldığınız form çıktısıdır" in portal["form_adimi"]
    own = content.mail_values(profile, Track.KURUM, "profile", copies=1, form_title="İl formu")
    assert "İl formu (1 nüsha)" in own["form_adimi"] and own["nusha_sayisi"] == "1"


# --- the e-mail texts are built from the profile's sentences ---------------------------------------------


def _mail_builder() -> Any:
    script = ROOT / "scripts" / "build_mail_texts.py"
    spec = importlib.util.spec_from_file_location("build_mail_texts", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_mail_texts_are_built_from_the_profile(profile: Profile) -> None:
    built = _mail_builder().build(profile)
    for name, body in built.items():
        assert (ROOT / "assets" / "mail" / name).read_text(encoding="utf-8") == body, name
    assert profile.texts["step.after"].text in " ".join(built["kurum.txt"].split())


def test_a_province_builds_its_own_mail_texts(tmp_path: Path) -> None:
    extra = (
        HATAY_SOURCE
        + """
[texts."receipt.email"]
text = "Banka dekontunu {receipt_email} adresine e-postayla gönderin."
source = "hatay"
"""
    )
    changes = {
        "[form]\ncopies = 2": "[form]\ncopies = 1",
        'extra_document = ""': 'extra_document = "dilekçe"',
        'receipt = "paper"': 'receipt = "email"',
        'receipt_email = ""': 'receipt_email = "eimza@il.example"',
    }
    hatay = province(tmp_path, changes, extra)
    out = tmp_path / "metinler"
    out.mkdir()
    for name, body in _mail_builder().build(hatay).items():
        (out / name).write_text(body, encoding="utf-8")
    batch = tmp_path / "batch"
    make_batch(batch)
    args = ["mail", str(batch), "--templates", str(out), "--profile", str(tmp_path / "il.toml")]
    result = CliRunner().invoke(cli.cli, args, env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert result.exit_code == 0, result.output  # every placeholder is one formkit mail knows
    bodies = {}
    for path in (batch / "outbox").glob("*.eml"):
        plain = parse(path).get_body(("plain",))
        assert plain is not None
        bodies[path.stem] = " ".join(plain.get_content().split())
    aile, bireysel = bodies[PEOPLE[1].ref], bodies[PEOPLE[2].ref]
    assert "İmzalı 1 nüshayı" in aile and "Nüshalara dilekçe ekleyin." in aile
    assert "Banka dekontunu eimza@il.example adresine e-postayla gönderin." in aile
    assert "Sağlık Müdürlüğü Eski Devlet Hastanesi Yerleşkesi" in aile and "1.080,00 TL" in aile
    assert "2 nüsha" in bireysel  # bireysel copies are Kamu SM's rule, not the province's


def test_every_allowed_placeholder_has_a_value(profile: Profile) -> None:
    """Any placeholder profile check allows has a value on every page and on the web page."""
    assert set(content.profile_values(profile, 2)) == set(profiles.TEXT_PLACEHOLDERS)
    assert set(content.text_values(ctx_for(profile, Track.KURUM))) == set(profiles.TEXT_PLACEHOLDERS)
