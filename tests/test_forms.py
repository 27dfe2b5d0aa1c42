"""The pypdf form engine: fill, flatten, editable output, field manifest, untrusted templates, maps."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import random
import threading
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from conftest import DATA, ROOT
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from formkit.acroform import engine as forms
from formkit.errors import TemplateError, ValidationError
from formkit.resources import asset

TURKISH = "ğĞşŞıİçÇöÖüÜ"
VALUES: dict[str, str | bool] = {
    "tc_kimlik_no": "25842367814",
    "ad": "İLKNUR",
    "soyad": "IĞDIR",
    "dogum_yeri": TURKISH,
    "dogum_tarihi": "03.09.1985",
    "kurum": "Mersin Şehir Eğitim ve Araştırma Hastanesi",
    "unvan": "Uzman Doktor",
    "e_posta": "ilknur.igdir@saglik.gov.tr",
    "cep_telefonu": "0532 412 33 10",
    "adres": "Çiftlikköy Mah. Şehit Öğretmen Ümit Güçlü Cad. No: 12/4 Daire 7 Yenişehir",
    "il": "Mersin",
    "ilce": "Yenişehir",
    "posta_kodu": "33110",
    "sertifika_suresi": "3 Yıl",
    "kart_okuyucu": "Mini Kart Okuyucu",
    "basvuru_nedeni_ilk": True,
    "basvuru_nedeni_yenileme": "Hayır",
    "tarih": "26.11.2026",
    "nusha": "1. NÜSHA — E-imza Kurum Yetkilisine",
}


@pytest.fixture(scope="module")
def template() -> forms.Template:
    return forms.Template.from_path(asset("forms", "nes-basvuru-formu.pdf"))


def fonts_of(obj: Any, seen: set[int] | None = None) -> list[Any]:
    """Every font dictionary reachable from obj (through resources, XObjects, appearance streams)."""
    seen = set() if seen is None else seen
    found = []
    if isinstance(obj, IndirectObject):
        if obj.idnum in seen:
            return []
        seen.add(obj.idnum)
        obj = obj.get_object()
    if isinstance(obj, dict):
        if obj.get("/Type") == "/Font" and "/Subtype" in obj:
            found.append(obj)
        for key, value in obj.items():
            if key not in ("/Parent", "/P"):
                found += fonts_of(value, seen)
    elif isinstance(obj, list):
        for item in obj:
            found += fonts_of(item, seen)
    return found


def assert_embedded(font: Any) -> None:
    if font["/Subtype"] == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font["/FontDescriptor"]
    assert "/FontFile2" in descriptor, font.get("/BaseFont")


def test_committed_form_is_what_the_script_builds(template: forms.Template) -> None:
    spec = importlib.util.spec_from_file_location("build_form", ROOT / "scripts" / "build_form.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build()
    assert built == asset("forms", "nes-basvuru-formu.pdf").read_bytes()  # reproducible build, no drift
    rebuilt = forms.Template.from_bytes(built)
    assert rebuilt.fields == template.fields
    committed = PdfReader(asset("forms", "nes-basvuru-formu.pdf"))
    fresh = PdfReader(io.BytesIO(module.build()))
    das = [
        {str(a.get_object()["/T"]): a.get_object().get("/DA") for a in r.pages[0]["/Annots"]}
        for r in (committed, fresh)
    ]
    assert das[0] == das[1]


def test_built_in_form_manifest(template: forms.Template) -> None:
    by_name = {f.name: f for f in template.list_fields()}
    assert by_name["tc_kimlik_no"].comb and by_name["tc_kimlik_no"].max_len == 11
    assert by_name["adres"].multiline
    assert by_name["basvuru_nedeni_kayip"].type == "checkbox"
    assert by_name["basvuru_nedeni_kayip"].on_states == ("Yes",)
    assert all(f.page == 1 for f in by_name.values())
    # every font a person filling the template by hand would use is embedded
    reader = PdfReader(asset("forms", "nes-basvuru-formu.pdf"))
    fonts = fonts_of(reader.trailer["/Root"]) + fonts_of(reader.pages[0])
    assert fonts
    for font in fonts:
        assert_embedded(font)


def test_flattened_output_has_text_no_fields_and_embedded_fonts(template: forms.Template) -> None:
    pdf = forms.fill(template, VALUES)
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert not reader.get_fields()
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert all(a.get_object()["/Subtype"] != "/Widget" for a in reader.pages[0].get("/Annots", []))
    text = reader.pages[0].extract_text()
    for key, value in VALUES.items():
        if isinstance(value, str) and key != "basvuru_nedeni_yenileme":
            assert value in text, key
    assert "İLKNUR" in text and "IĞDIR" in text and TURKISH in text
    for font in fonts_of(reader.pages[0]):
        assert_embedded(font)
    image = pdfium.PdfDocument(pdf)[0].render(scale=1).to_pil().convert("L")
    # the tick of "İlk Başvuru" is drawn: its box has dark pixels; "Yenileme" stays empty
    by_name = {f.name: f for f in template.fields}
    height = image.size[1]

    def darkness(name: str) -> int:
        x1, y1, x2, y2 = by_name[name].rect
        box = image.crop((int(x1) + 2, int(height - y2) + 2, int(x2) - 2, int(height - y1) - 2))
        return sum(box.histogram()[:128])

    assert darkness("basvuru_nedeni_ilk") > 5
    assert darkness("basvuru_nedeni_yenileme") == 0


def test_editable_output_has_values_and_appearances(template: forms.Template) -> None:
    pdf = forms.fill(template, VALUES, flatten=False)
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    fields = reader.get_fields()
    assert fields is not None
    assert fields["soyad"]["/V"] == "IĞDIR"
    assert fields["dogum_yeri"]["/V"] == TURKISH
    assert fields["basvuru_nedeni_ilk"]["/V"] == "/Yes"
    assert fields["basvuru_nedeni_yenileme"]["/V"] == "/Off"
    assert "/NeedAppearances" not in reader.trailer["/Root"]["/AcroForm"]
    for annot in reader.pages[0]["/Annots"]:
        widget = annot.get_object()
        name = str(widget["/T"])
        if name not in VALUES:
            continue
        assert "/AP" in widget, name
        if widget["/FT"] == "/Btn":
            assert widget["/AS"] == ("/Yes" if VALUES[name] is True else "/Off")
        else:
            for font in fonts_of(widget["/AP"]):
                assert_embedded(font)
    document = pdfium.PdfDocument(pdf)
    document.init_forms()
    image = document[0].render(scale=1, may_draw_forms=True).to_pil().convert("L")
    x1, y1, x2, y2 = next(f.rect for f in template.fields if f.name == "soyad")
    h = image.size[1]
    box = image.crop((int(x1), int(h - y2), int(x2), int(h - y1)))
    assert sum(box.histogram()[:128]) > 20


def test_same_template_serves_many_records(template: forms.Template) -> None:
    first = forms.fill(template, {"ad": "Ayşe"})
    second = forms.fill(template, {"ad": "Şükrü"})
    assert "Ayşe" in PdfReader(io.BytesIO(first)).pages[0].extract_text()
    text = PdfReader(io.BytesIO(second)).pages[0].extract_text()
    assert "Şükrü" in text and "Ayşe" not in text
    assert forms.fill(template, {"ad": "Ayşe"}) == first  # deterministic


def test_bad_values_are_reported_per_field(template: forms.Template) -> None:
    with pytest.raises(ValidationError) as info:
        forms.fill(
            template,
            {
                "adi": "x",
                "basvuru_nedeni_ilk": "belki",
                "tc_kimlik_no": "123456789012",
                "kurum": "Çok uzun " * 40,
            },
        )
    problems = {p.field: p.message for p in info.value.problems}
    assert set(problems) == {"adi", "basvuru_nedeni_ilk", "tc_kimlik_no", "kurum"}
    assert "yok" in problems["adi"]
    assert "sığ" in problems["kurum"]


def test_long_values_shrink_and_wrap_instead_of_being_cut(template: forms.Template) -> None:
    long_kurum = (
        "Şehit Prof. Dr. Ali Rıza Güçlüoğlu Kadın Doğum ve Çocuk Hastalıkları Eğitim ve Araştırma Hastanesi"
    )
    pdf = forms.fill(template, {"kurum": long_kurum, "adres": "Uzun adres satırı " * 12})
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert long_kurum in text
    assert ("Uzun adres satırı " * 12).strip() in text


def test_foreign_template_with_hierarchy_radio_choice_and_custom_on_state() -> None:
    template = forms.Template.from_path(DATA / "foreign-form.pdf")
    names = [f.name for f in template.fields]
    assert {"kisi.ad", "kisi.soyad", "cinsiyet", "onay", "il"} <= set(names)
    values: dict[str, str | bool] = {
        "kisi.ad": "İlknur",
        "kisi.soyad": "IĞDIR",
        "kimlik": "25842367814",
        "adres": "Çarşı Mah.\nŞehitler Cad. No 5",
        "unvan": "Hemşire",
        "onay": "Evet",
        "cinsiyet": "K",
        "il": "Iğdır",
    }
    flat = PdfReader(io.BytesIO(forms.fill(template, values)))
    text = flat.pages[0].extract_text()
    for value in ("İlknur", "IĞDIR", "Çarşı Mah.", "Şehitler Cad. No 5", "Hemşire", "Iğdır"):
        assert value in text
    assert not flat.get_fields()
    editable = PdfReader(io.BytesIO(forms.fill(template, values, flatten=False)))
    fields = editable.get_fields()
    assert fields is not None
    assert fields["kisi.ad"]["/V"] == "İlknur"
    assert fields["onay"]["/V"] == "/Evet"
    assert fields["cinsiyet"]["/V"] == "/K"
    states = {}
    for annot in editable.pages[0]["/Annots"]:
        w = annot.get_object()
        if "/AS" in w and w.get("/Parent") is not None and w["/Parent"].get("/T") == "cinsiyet":
            states[next(k for k in w["/AP"]["/N"] if k != "/Off")] = w["/AS"]
    assert states == {"/K": "/K", "/E": "/Off"}
    with pytest.raises(ValidationError, match="seçeneklerden"):
        forms.fill(template, {"cinsiyet": "X"})


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not-a-pdf.pdf", "PDF dosyası değil"),
        ("truncated.pdf", "okunamıyor"),
        ("garbage-after-header.pdf", "okunamıyor"),
        ("encrypted-password.pdf", "parola"),
        ("no-fields.pdf", "doldurulabilir alan yok"),
        ("xfa-only.pdf", "XFA"),
    ],
)
def test_odd_templates_give_one_clear_error(name: str, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        forms.Template.from_path(DATA / name)
    assert message in info.value.message
    assert len(info.value.lines()) == 1
    assert name in info.value.message


def test_empty_password_encryption_is_opened() -> None:
    template = forms.Template.from_path(DATA / "encrypted-empty-password.pdf")
    pdf = forms.fill(template, {"soyad": "IĞDIR"})
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert not reader.is_encrypted
    assert "IĞDIR" in reader.pages[0].extract_text()


def test_javascript_and_usage_rights_are_warned_about_and_dropped() -> None:
    template = forms.Template.from_path(DATA / "javascript-perms.pdf")
    assert any("JavaScript" in w for w in template.warnings)
    assert any("/Perms" in w for w in template.warnings)
    for flatten in (True, False):
        pdf = forms.fill(template, {"ad": "Ayşe"}, flatten=flatten)
        assert b"/JavaScript" not in pdf and b"/JS" not in pdf and b"/Perms" not in pdf
        PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_signed_template_warns() -> None:
    template = forms.Template.from_path(DATA / "signed.pdf")
    assert any("imza" in w for w in template.warnings)
    with pytest.raises(ValidationError, match="imza alanı"):
        forms.fill(template, {"imza": "x"})


def test_caps_and_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = asset("forms", "nes-basvuru-formu.pdf").read_bytes()
    release = threading.Event()
    opened = forms.open_template

    def stuck(raw: bytes, source: str) -> Any:  # a parse that cannot end before the time limit (no timing)
        release.wait(30)
        return opened(raw, source)

    with monkeypatch.context() as patch:
        patch.setattr(forms, "open_template", stuck)
        with pytest.raises(TemplateError, match="saniye"):
            forms.Template(data, source="yavaş.pdf", time_limit=0.01)
    release.set()
    monkeypatch.setattr(forms, "MAX_BYTES", 1000)
    with pytest.raises(TemplateError, match="çok büyük"):
        forms.Template.from_path(asset("forms", "nes-basvuru-formu.pdf"))
    monkeypatch.setattr(forms, "MAX_BYTES", 10**8)
    monkeypatch.setattr(forms, "MAX_PAGES", 0)
    with pytest.raises(TemplateError, match="sayfa"):
        forms.Template.from_bytes(data)


def test_map_renames_and_reports_unmapped_required(tmp_path: Path) -> None:
    template = forms.Template.from_path(DATA / "foreign-form.pdf")
    good = tmp_path / "map.toml"
    good.write_text(
        '[fields]\nad = "kisi.ad"\nsoyad = "kisi.soyad"\ntc_kimlik_no = "kimlik"\nonay = "onay"\n'
        'cinsiyet = "cinsiyet"\n',
        encoding="utf-8",
    )
    mapping = forms.load_map(good)
    values = forms.apply_map(
        template,
        {"ad": "Ayşe", "soyad": "Öztürk", "tc_kimlik_no": "25842367814", "onay": True, "cinsiyet": "K"},
        mapping,
    )
    assert values["kisi.ad"] == "Ayşe"
    assert "Öztürk" in PdfReader(io.BytesIO(forms.fill(template, values))).pages[0].extract_text()
    with pytest.raises(ValidationError) as info:
        forms.apply_map(template, {"ad": "Ayşe"}, {"ad": "kisi.ad", "soyad": "yok.alan"})
    fields = {p.field for p in info.value.problems}
    assert "soyad" in fields  # target not in the template
    assert {"kisi.soyad", "onay", "cinsiyet"} <= fields  # required but not filled
    bad = tmp_path / "bad.toml"
    bad.write_text("[fields\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="TOML"):
        forms.load_map(bad)


def test_text_outside_the_font_pack_still_embeds_and_missing_glyphs_are_reported(
    template: forms.Template,
) -> None:
    pdf = forms.fill(template, {"ad": "Жанна", "soyad": "IĞDIR", "basvuru_nedeni_ilk": True})
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    text = reader.pages[0].extract_text()
    assert "Жанна" in text and "IĞDIR" in text
    for font in fonts_of(reader.pages[0]):
        assert_embedded(font)
    with pytest.raises(ValidationError, match="yazı tipinde olmayan"):
        forms.fill(template, {"ad": "漢字"})


def test_two_pages_of_different_sizes() -> None:
    template = forms.Template.from_path(DATA / "two-page-form.pdf")
    pages = {f.name: f.page for f in template.fields}
    assert pages == {"ad": 1, "not": 2, "kabul": 2}
    pdf = forms.fill(template, {"ad": "Gülşen", "not": "Birinci satır\nİkinci satır", "kabul": "Evet"})
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert "Gülşen" in reader.pages[0].extract_text()
    second = reader.pages[1].extract_text()
    assert "Birinci satır" in second and "İkinci satır" in second and "Gülşen" not in second
    assert [float(v) for v in reader.pages[1].mediabox] == [50, 50, 842, 595]
    document = pdfium.PdfDocument(pdf)
    assert document[1].get_size() == (792, 545)
    image = document[1].render(scale=1).to_pil().convert("L")
    x1, y1, x2, y2 = next(f.rect for f in template.fields if f.name == "kabul")
    top = 595  # pdfium renders the MediaBox: image row 0 is y = 595, column 0 is x = 50
    box = image.crop((int(x1 - 50) + 2, int(top - y2) + 2, int(x2 - 50) - 2, int(top - y1) - 2))
    assert sum(box.histogram()[:128]) > 5


def test_radio_dot_is_drawn_only_for_the_chosen_option() -> None:
    template = forms.Template.from_path(DATA / "foreign-form.pdf")
    pdf = forms.fill(template, {"cinsiyet": "E"})
    image = pdfium.PdfDocument(pdf)[0].render(scale=1).to_pil().convert("L")
    h = image.size[1]
    # the two radio widgets: K at x=72, E at x=120, both 14 pt at y=440
    dark = {}
    for option, x in (("K", 72), ("E", 120)):
        box = image.crop((x + 3, int(h - 454) + 3, x + 11, int(h - 440) - 3))
        dark[option] = sum(box.histogram()[:128])
    assert dark["E"] > 5 and dark["K"] == 0


def test_damaged_templates_never_escape_as_raw_exceptions() -> None:
    """Flip, cut and splice bytes of a real template: the result is a working Template or a TemplateError."""
    original = asset("forms", "nes-basvuru-formu.pdf").read_bytes()
    rng = random.Random(20261126)
    outcomes = {"ok": 0, "error": 0}
    for _ in range(25):
        data = bytearray(original)
        kind = rng.choice(["flip", "cut", "splice"])
        if kind == "flip":
            for _ in range(rng.randint(1, 40)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif kind == "cut":
            del data[rng.randrange(100, len(data)) :]
        else:
            at = rng.randrange(len(data))
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 500)))
        try:
            template = forms.Template.from_bytes(bytes(data))
        except TemplateError as exc:
            assert len(exc.lines()) == 1
            outcomes["error"] += 1
            continue
        values: dict[str, str | bool] = {
            f.name: True if f.type == "checkbox" else "Şule" for f in template.fields if f.type != "radio"
        }
        with contextlib.suppress(ValidationError):
            pdf = forms.fill(template, values)
            assert PdfReader(io.BytesIO(pdf)).pages
        outcomes["ok"] += 1
    assert outcomes["ok"] + outcomes["error"] == 25


def test_rotated_page_text_reads_upright() -> None:
    template = forms.Template.from_path(DATA / "rotated-form.pdf")
    for flatten in (True, False):
        pdf = forms.fill(template, {"baslik": "Döndürülmüş sayfa başlığı"}, flatten=flatten)
        if flatten:
            assert "Döndürülmüş sayfa başlığı" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        document = pdfium.PdfDocument(pdf)
        if not flatten:
            document.init_forms()
        image = document[0].render(scale=1, may_draw_forms=True).to_pil().convert("L")
        assert image.size[0] > image.size[1]  # shown landscape
        # on screen the field spans x 200..500 and y 100..124 (page x becomes screen y)
        field = image.crop((202, 102, 498, 122))
        mask = field.point(lambda p: 255 if p < 128 else 0)
        left, top, right, bottom = mask.getbbox() or (0, 0, 0, 0)
        assert right - left > 3 * (bottom - top) > 0  # a line of text running along the screen's x axis


def test_engine_and_direct_drawing_give_the_same_page(template: forms.Template) -> None:
    """The pypdf engine on the built-in template and draw_form's fast path share one layout."""
    from PIL import ImageChops
    from reportlab.lib.pagesizes import A4

    from formkit.packet.form import draw_form
    from formkit.pdf import textfit

    values = {k: v for k, v in VALUES.items() if k != "nusha"}
    copy_label = str(VALUES["nusha"])
    buf = io.BytesIO()
    canvas = textfit.new_canvas(buf, A4)
    draw_form(canvas, values, copy_label=copy_label)
    canvas.showPage()
    canvas.save()
    direct = pdfium.PdfDocument(buf.getvalue())[0].render(scale=1).to_pil().convert("L")
    engine_pdf = forms.fill(template, {**values, "nusha": copy_label})
    engine = pdfium.PdfDocument(engine_pdf)[0].render(scale=1).to_pil().convert("L")
    diff = ImageChops.difference(direct, engine)
    differing = sum(diff.point(lambda p: 255 if p > 64 else 0).histogram()[255:])
    assert differing < 0.001 * direct.size[0] * direct.size[1], differing


def test_template_pickles_for_worker_processes(template: forms.Template) -> None:
    import pickle

    copy = pickle.loads(pickle.dumps(template))
    assert copy.fields == template.fields and copy.source == template.source
    assert forms.fill(copy, {"ad": "Ayşe"}) == forms.fill(template, {"ad": "Ayşe"})


def test_inlined_streams_get_numbers_of_their_own() -> None:
    template = forms.Template.from_path(DATA / "inline-streams.pdf")
    for _ in range(2):  # the second record reuses the numbers given at load time
        pdf = forms.fill(template, {"onay": True, "kisi.ad": "Ayşe"}, flatten=False)
        reader = PdfReader(io.BytesIO(pdf), strict=True)
        for annot in reader.pages[0]["/Annots"]:
            widget = annot.get_object()
            if widget.get("/T") == "onay":
                for key in ("/N", "/D"):
                    assert isinstance(widget["/AP"][key].raw_get("/Evet"), IndirectObject)
                assert widget["/AS"] == "/Evet"
