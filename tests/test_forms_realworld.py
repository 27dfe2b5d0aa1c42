"""The form engine on forms as real producers write them (issue 15): one test per cause.

Forms are built here with pypdf's object model (one page, the widgets a cause needs), or are two small pdf.js
test files (tests/data/pdfjs-*.pdf, Apache-2.0, see tests/data/THIRD-PARTY.md). Each test checks meaning:
text extracted inside a widget's rectangle (pypdfium2), values read back (pypdf), problems per field.
"""

from __future__ import annotations

import io
import zlib
from typing import Any

import pypdfium2 as pdfium
import pytest
from conftest import DATA
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from formkit.acroform import engine as forms
from formkit.errors import TemplateError, ValidationError
from formkit.resources import asset


def _name(value: str) -> NameObject:
    return NameObject(value)


def text_widget(
    rect: tuple[float, float, float, float], name: str | None = None, **extra: Any
) -> DictionaryObject:
    """A text field merged with its widget (or, without a name, a bare widget)."""
    d = DictionaryObject(
        {
            _name("/Type"): _name("/Annot"),
            _name("/Subtype"): _name("/Widget"),
            _name("/Rect"): ArrayObject(FloatObject(v) for v in rect),
            _name("/F"): NumberObject(4),
        }
    )
    if name is not None:
        d[_name("/T")] = TextStringObject(name)
        d[_name("/FT")] = _name("/Tx")
        d[_name("/DA")] = TextStringObject("/Helv 10 Tf 0 g")
    for key, value in extra.items():
        d[_name("/" + key)] = value
    return d


def radio_widget(writer: PdfWriter, rect: tuple[float, float, float, float], state: str) -> DictionaryObject:
    """A radio widget with an on and an off appearance."""
    on = StreamObject()
    on.set_data(b"0 g 2 2 6 6 re f")
    on.update({_name("/Type"): _name("/XObject"), _name("/Subtype"): _name("/Form")})
    on[_name("/BBox")] = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(10), FloatObject(10)])
    off = StreamObject()
    off.update({_name("/Type"): _name("/XObject"), _name("/Subtype"): _name("/Form")})
    off[_name("/BBox")] = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(10), FloatObject(10)])
    d = text_widget(rect)
    d[_name("/AP")] = DictionaryObject(
        {
            _name("/N"): DictionaryObject(
                {_name("/" + state): writer._add_object(on), _name("/Off"): writer._add_object(off)}
            )
        }
    )
    d[_name("/AS")] = _name("/Off")
    return d


def build(
    widgets: list[DictionaryObject], listed: list[Any] | None, extra: list[DictionaryObject] = ()
) -> bytes:
    """A one-page PDF with `widgets` in the page's /Annots; /AcroForm /Fields holds `listed`.

    `listed` items are indexes into `widgets` or dictionaries (fields on no page); `extra` objects are added
    to the file without being on a page (parents that /Parent entries point to).
    """
    writer = PdfWriter()
    page = writer.add_blank_page(300, 300)
    refs = [writer._add_object(w) for w in widgets]
    for w, ref in zip(widgets, refs, strict=True):
        w[_name("/P")] = page.indirect_reference
        del ref
    page[_name("/Annots")] = ArrayObject(refs)
    for obj in extra:
        writer._add_object(obj)
    fields = ArrayObject(
        refs[item] if isinstance(item, int) else writer._add_object(item) for item in (listed or [])
    )
    helv = DictionaryObject(
        {
            _name("/Type"): _name("/Font"),
            _name("/Subtype"): _name("/Type1"),
            _name("/BaseFont"): _name("/Helvetica"),
        }
    )
    writer._root_object[_name("/AcroForm")] = DictionaryObject(
        {
            _name("/Fields"): fields,
            _name("/DA"): TextStringObject("/Helv 0 Tf 0 g"),
            _name("/DR"): DictionaryObject(
                {_name("/Font"): DictionaryObject({_name("/Helv"): writer._add_object(helv)})}
            ),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_in(pdf: bytes, rect: tuple[float, float, float, float], page: int = 0) -> str:
    """The text pypdfium2 extracts inside a rectangle (whitespace removed)."""
    doc = pdfium.PdfDocument(pdf)
    x1, y1, x2, y2 = rect
    got = doc[page].get_textpage().get_text_bounded(left=x1 - 1, bottom=y1 - 1, right=x2 + 1, top=y2 + 1)
    return "".join(got.split())


SMALL = (40.0, 200.0, 200.0, 211.0)  # 11 pt tall: the US tax forms' fields
TINY = (40.0, 150.0, 60.0, 154.0)  # 20 × 4 pt: nothing readable fits
NORMAL = (40.0, 100.0, 260.0, 122.0)


def test_small_fields_are_filled_as_viewers_fill_them() -> None:
    pdf = build([text_widget(SMALL, "küçük")], [0])
    template = forms.Template.from_bytes(pdf)
    flat = template.fill({"küçük": "Işığ Çöğ 1040"})  # strict: it fits now
    assert text_in(flat, SMALL) == "IşığÇöğ1040"
    editable = template.fill({"küçük": "Işığ Çöğ 1040"}, flatten=False)
    assert PdfReader(io.BytesIO(editable)).get_fields()["küçük"]["/V"] == "Işığ Çöğ 1040"


def test_a_value_that_does_not_fit_is_reported_and_the_rest_is_filled() -> None:
    pdf = build([text_widget(NORMAL, "ad"), text_widget(TINY, "kod")], [0, 1])
    template = forms.Template.from_bytes(pdf)
    result = template.fill_partial({"ad": "Ayşe", "kod": "Şükrü Öztürk Çağlayan"})
    assert [(p.field, "sığmıyor" in p.message) for p in result.problems] == [("kod", True)]
    assert text_in(result.pdf, NORMAL) == "Ayşe" and text_in(result.pdf, TINY) == ""
    assert result.changed == 1
    with pytest.raises(ValidationError) as info:  # strict: all or nothing, as before
        template.fill({"ad": "Ayşe", "kod": "Şükrü Öztürk Çağlayan"})
    assert [p.field for p in info.value.problems] == ["kod"]


def test_a_character_no_font_has_is_reported_for_its_field_only() -> None:
    pdf = build([text_widget(NORMAL, "ad"), text_widget(SMALL, "not")], [0, 1])
    result = forms.Template.from_bytes(pdf).fill_partial({"ad": "Ayşe", "not": "りんご"})
    assert [p.field for p in result.problems] == ["not"]
    assert "yazı tipinde olmayan karakter" in result.problems[0].message
    assert text_in(result.pdf, NORMAL) == "Ayşe"


def test_widgets_found_from_page_annots_when_acroform_fields_miss_them() -> None:
    # a form cut from a larger one: /Fields lists a field on no page, the page's widget is not listed
    ghost = text_widget((0, 0, 100, 20), "başka_sayfa")
    pdf = build([text_widget(NORMAL, "soyad")], [ghost])
    template = forms.Template.from_bytes(pdf)
    assert {f.name: f.page for f in template.fields} == {"başka_sayfa": 0, "soyad": 1}
    flat = template.fill({"soyad": "IĞDIR"})
    assert text_in(flat, NORMAL) == "IĞDIR"
    editable = template.fill({"soyad": "IĞDIR"}, flatten=False)
    fields = PdfReader(io.BytesIO(editable)).get_fields()
    assert fields is not None and fields["soyad"]["/V"] == "IĞDIR"  # now listed in /AcroForm /Fields


def test_one_name_twice_and_an_orphan_widget_make_one_field() -> None:
    writer = PdfWriter()  # only used to make the appearance streams of the radio widgets
    a, b = radio_widget(writer, (40, 40, 50, 50), "A"), radio_widget(writer, (60, 40, 70, 50), "B")
    for w in (a, b):  # two terminal fields named Group1, neither in /Fields (pdf.js issue 15096)
        w.update({_name("/T"): TextStringObject("Group1"), _name("/FT"): _name("/Btn")})
        w[_name("/Ff")] = NumberObject(49152)
    orphan = text_widget((0, 0, 100, 20), "ad")  # the same name on no page, listed first
    pdf = build([a, b, text_widget(NORMAL, "ad")], [orphan, 2], extra=[])
    del writer
    template = forms.Template.from_bytes(pdf)
    by_name = {f.name: f for f in template.fields}
    assert by_name["Group1"].type == "radio" and by_name["Group1"].on_states == ("A", "B")
    assert by_name["ad"].page == 1
    flat = template.fill({"Group1": "B", "ad": "Ömer"})
    assert text_in(flat, NORMAL) == "Ömer"
    editable = PdfReader(io.BytesIO(template.fill({"Group1": "B", "ad": "Ömer"}, flatten=False)))
    states = [a.get_object().get("/AS") for a in editable.pages[0]["/Annots"][:2]]
    assert states == ["/Off", "/B"]
    assert [a.get_object().get("/V") for a in editable.pages[0]["/Annots"][:2]] == ["/B", "/B"]


def test_kids_without_names_and_radio_labels() -> None:
    # pdf.js opt_demo.pdf: /Fields lists the widgets of `veg` (no /T) whose parent has no /Kids
    template = forms.Template.from_path(DATA / "pdfjs-opt_demo.pdf")
    by_name = {f.name: f for f in template.fields}
    assert by_name["veg"].type == "radio" and by_name["veg"].on_states == ("0", "1")
    editable = template.fill({"veg": "Carrot", "fruit": "Cherry"}, flatten=False)
    reader = PdfReader(io.BytesIO(editable))
    values = {}
    for annot in reader.pages[0]["/Annots"]:
        widget = annot.get_object()
        parent = widget.get("/Parent")
        if parent is not None and parent.get_object().get("/T") in ("veg", "fruit"):
            values.setdefault(str(parent.get_object()["/T"]), []).append(str(widget.get("/AS")))
    assert values == {"fruit": ["/Off", "/Off", "/2"], "veg": ["/0", "/Off"]}


def test_combo_box_prints_the_display_text_of_its_export_value() -> None:
    template = forms.Template.from_path(DATA / "pdfjs-issue15815.pdf")
    field = next(f for f in template.fields if f.name == "Dropdown1")
    assert field.type == "choice" and field.options[:2] == ("x1", "x2")
    rect = field.rect
    for given in ("x2", "B"):  # the export value or the text the user sees
        flat = template.fill({"Dropdown1": given})
        assert text_in(flat, rect, field.page - 1) == "B"
        editable = template.fill({"Dropdown1": given}, flatten=False)
        assert PdfReader(io.BytesIO(editable)).get_fields()["Dropdown1"]["/V"] == "x2"


def _damage(pdf: bytes) -> bytes:
    """Flip bytes in the middle of the first Flate stream longer than 200 bytes (a content stream)."""
    at = 0
    while True:
        at = pdf.index(b"stream\n", at) + 7
        end = pdf.index(b"endstream", at)
        if end - at > 200:
            try:
                zlib.decompress(pdf[at:end].rstrip(b"\r\n"))
            except zlib.error:
                continue
            middle = at + (end - at) // 2
            return pdf[:middle] + bytes(b ^ 0x5A for b in pdf[middle : middle + 8]) + pdf[middle + 8 :]
        at = end


def test_damaged_streams_are_repaired_or_refused_never_copied() -> None:
    damaged = _damage(asset("forms", "nes-basvuru-formu.pdf").read_bytes())
    try:
        template = forms.Template.from_bytes(damaged)
    except TemplateError as exc:
        assert "bozuk" in exc.message
        return
    assert any("bozuk akış onarıldı" in w for w in template.warnings)
    for flatten in (False, True):
        out = PdfReader(io.BytesIO(template.fill({"ad": "Ayşe"}, flatten=flatten)), strict=True)
        flate = 0
        for num in out.xref[0]:  # every object the output has (a classic xref table)
            obj = out.get_object(num)
            if isinstance(obj, StreamObject) and obj.get("/Filter") in ("/FlateDecode", ["/FlateDecode"]):
                zlib.decompress(obj._data)  # every copied Flate stream decodes strictly
                flate += 1
        assert flate > 3
