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

    `listed` items are indexes into `widgets`, dictionaries (fields on no page) or (name, indexes): a parent
    listing widgets as kids that do not point back to it; `extra` objects are added
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
    fields = ArrayObject()
    for item in listed or []:
        if isinstance(item, int):
            fields.append(refs[item])
        elif isinstance(item, tuple):  # (name, widget indexes): a parent whose kids do not point back
            name, kids = item
            parent = DictionaryObject({_name("/T"): TextStringObject(name)})
            parent[_name("/Kids")] = ArrayObject(refs[k] for k in kids)
            fields.append(writer._add_object(parent))
        else:
            fields.append(writer._add_object(item))
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


NARROW = (300.0 - 60.0, 250.0, 300.0 - 38.0, 264.0)  # 22 × 14 pt: a box for a day or a month


def test_small_fields_are_filled_as_viewers_fill_them() -> None:
    pdf = build(
        [text_widget(SMALL, "küçük"), text_widget(NARROW, "gün", DA=TextStringObject("/Helv 12 Tf"))], [0, 1]
    )
    template = forms.Template.from_bytes(pdf)
    flat = template.fill({"küçük": "Işığ Çöğ 1040", "gün": "Ömü4"})  # strict: both fit now
    assert text_in(flat, SMALL) == "IşığÇöğ1040" and text_in(flat, NARROW) == "Ömü4"
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
    # the same, with both listed as kids of a parent "Group1" they do not point back to (issue 15096)
    twice = forms.Template.from_bytes(build([a, b], [("Group1", [0, 1])]))
    assert [(f.name, f.on_states) for f in twice.fields] == [("Group1", ("A", "B"))]
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


def _cjk_font() -> bytes:
    """A tiny TrueType font with two CJK glyphs (boxes) that DejaVu Sans does not have; embedding allowed."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box() -> Any:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, 700))
        pen.lineTo((900, 700))
        pen.lineTo((900, 0))
        pen.closePath()
        return pen.glyph()

    names = [".notdef", "space", "uni65E5", "uni672C"]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({0x20: "space", 0x65E5: "uni65E5", 0x672C: "uni672C"})
    fb.setupGlyf({".notdef": box(), "space": TTGlyphPen(None).glyph(), "uni65E5": box(), "uni672C": box()})
    fb.setupHorizontalMetrics({n: (1000, 0) for n in names})
    fb.setupHorizontalHeader(ascent=800, descent=-200)
    fb.setupNameTable({"familyName": "FormkitTestCJK", "styleName": "Regular"})
    fb.setupOS2(fsType=0, sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    fb.setupPost()
    out = io.BytesIO()
    fb.save(out)
    return out.getvalue()


def test_a_character_dejavu_lacks_is_drawn_in_the_forms_own_font() -> None:
    writer = PdfWriter()
    page = writer.add_blank_page(300, 300)
    font_file = StreamObject()
    font_file.set_data(_cjk_font())
    descriptor = DictionaryObject(
        {
            _name("/Type"): _name("/FontDescriptor"),
            _name("/FontName"): _name("/FormkitTestCJK"),
            _name("/Flags"): NumberObject(4),
            _name("/FontFile2"): writer._add_object(font_file),
        }
    )
    font = DictionaryObject(
        {
            _name("/Type"): _name("/Font"),
            _name("/Subtype"): _name("/TrueType"),
            _name("/BaseFont"): _name("/FormkitTestCJK"),
            _name("/FontDescriptor"): writer._add_object(descriptor),
        }
    )
    jp = TextStringObject("/JP 10 Tf 0 g")
    prefilled = text_widget(NARROW, "önceden", DA=jp, V=TextStringObject("本日"))  # the form's own value
    fields = [text_widget(NORMAL, "ad"), text_widget(SMALL, "not", DA=jp), prefilled]
    refs = [writer._add_object(w) for w in fields]
    page[_name("/Annots")] = ArrayObject(refs)
    writer._root_object[_name("/AcroForm")] = DictionaryObject(
        {
            _name("/Fields"): ArrayObject(refs),
            _name("/DR"): DictionaryObject(
                {_name("/Font"): DictionaryObject({_name("/JP"): writer._add_object(font)})}
            ),
        }
    )
    buf = io.BytesIO()
    writer.write(buf)
    template = forms.Template.from_bytes(buf.getvalue())
    result = template.fill_partial({"ad": "Ayşe", "not": "日本"})
    assert result.problems == ()
    assert text_in(result.pdf, SMALL) == "日本" and text_in(result.pdf, NORMAL) == "Ayşe"
    assert text_in(result.pdf, NARROW) == "本日"  # flattening keeps the form's own value, in its font
    # a character neither DejaVu nor the form's font has is still reported, for its field only
    result = template.fill_partial({"ad": "Ayşe", "not": "日本語"})
    assert [p.field for p in result.problems] == ["not"]


def test_a_value_for_a_hidden_field_is_reported_when_flattening() -> None:
    hidden = text_widget(SMALL, "gizli", F=NumberObject(2))  # /F Hidden: no viewer shows or prints it
    template = forms.Template.from_bytes(build([text_widget(NORMAL, "ad"), hidden], [0, 1]))
    result = template.fill_partial({"ad": "Ayşe", "gizli": "Çağrı"})
    assert [p.field for p in result.problems] == ["gizli"] and "görünmez" in result.problems[0].message
    editable = template.fill_partial({"ad": "Ayşe", "gizli": "Çağrı"}, flatten=False)
    assert editable.problems == ()  # the value is kept in the field, where a viewer can show it
    assert PdfReader(io.BytesIO(editable.pdf)).get_fields()["gizli"]["/V"] == "Çağrı"


def test_flags_that_are_not_numbers_do_not_refuse_the_form() -> None:
    odd = text_widget(NORMAL, "ad", F=_name("/Print"), Ff=TextStringObject("4096"), MaxLen=FloatObject(-3))
    template = forms.Template.from_bytes(build([odd], [0]))
    assert text_in(template.fill({"ad": "Ayşe"}), NORMAL) == "Ayşe"


def test_a_fields_entry_of_the_wrong_type_is_skipped_and_page_widgets_still_found() -> None:
    reader = PdfReader(io.BytesIO(build([text_widget(NORMAL, "ad")], [0])))
    writer = PdfWriter(clone_from=reader)
    writer._root_object["/AcroForm"][_name("/Fields")] = NumberObject(7)  # damaged: not an array
    buf = io.BytesIO()
    writer.write(buf)
    template = forms.Template.from_bytes(buf.getvalue())
    assert [f.name for f in template.fields] == ["ad"]
    assert text_in(template.fill({"ad": "Ayşe"}), NORMAL) == "Ayşe"
    editable = template.fill({"ad": "Ayşe"}, flatten=False)
    assert PdfReader(io.BytesIO(editable)).get_fields()["ad"]["/V"] == "Ayşe"


def test_a_damaged_stream_in_a_filter_chain_is_repaired_too() -> None:
    data = asset("forms", "nes-basvuru-formu.pdf").read_bytes()
    at = data.index(b"stream\n", data.index(b"/Filter [ /ASCII85Decode /FlateDecode ]")) + 7
    middle = at + 600  # inside its 1772 bytes: valid ASCII85 characters, wrong compressed data
    damaged = data[:middle] + b"!!!!!!!!!!" + data[middle + 10 :]
    try:
        template = forms.Template.from_bytes(damaged)
    except TemplateError as exc:
        assert "bozuk" in exc.message
        return
    assert any("bozuk akış onarıldı" in w for w in template.warnings)
    out = PdfReader(io.BytesIO(template.fill({"ad": "Ayşe"}, flatten=False)), strict=True)
    for num in out.xref[0]:
        obj = out.get_object(num)
        if isinstance(obj, StreamObject) and "/ASCII85Decode" in str(obj.get("/Filter")):
            from pypdf.filters import ASCII85Decode

            zlib.decompress(ASCII85Decode.decode(obj._data))  # strictly decodable, or not copied at all
