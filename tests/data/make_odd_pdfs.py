"""Generate the odd and foreign PDF templates the form-engine tests use (committed with their output).

Run from the repository root: python tests/data/make_odd_pdfs.py
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from formkit.pdf import textfit  # noqa: E402

FORM = (ROOT / "assets" / "forms" / "nes-basvuru-formu.pdf").read_bytes()


def _plain_page() -> bytes:
    buf = io.BytesIO()
    canvas = textfit.new_canvas(buf, A4)
    canvas.drawString(72, 760, "Alanı olmayan bir sayfa")
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def foreign_form(*, inline_streams: bool = False) -> bytes:
    """An institution's form: hierarchical names, radio group, choice, custom on-state, /Q, required.

    inline_streams=True writes the check box's appearance streams inline (invalid, but sloppy writers do it).
    """
    buf = io.BytesIO()
    canvas = textfit.new_canvas(buf, A4)
    canvas.drawString(72, 800, "Kurum Başvuru Formu")
    form = canvas.acroForm
    form.textfield(name="ad", x=72, y=700, width=200, height=20, borderWidth=1, fieldFlags="required")
    form.textfield(name="soyad", x=300, y=700, width=200, height=20, borderWidth=1, fieldFlags="required")
    form.textfield(
        name="kimlik", x=72, y=650, width=220, height=22, borderWidth=1, maxlen=11, fieldFlags="comb"
    )
    form.textfield(name="adres", x=72, y=560, width=430, height=60, borderWidth=1, fieldFlags="multiline")
    form.textfield(name="unvan", x=72, y=520, width=200, height=20, borderWidth=1)
    form.checkbox(name="onay", x=72, y=480, size=14, borderWidth=1)
    form.radio(name="cinsiyet", value="K", selected=False, x=72, y=440, size=14, borderWidth=1)
    form.radio(name="cinsiyet", value="E", selected=False, x=120, y=440, size=14, borderWidth=1)
    form.choice(
        name="il", value="Mersin", options=["Adana", "Mersin", "Iğdır"], x=72, y=400, width=150, height=20
    )
    canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    acro = writer._root_object["/AcroForm"]
    fields = acro["/Fields"]
    by_name = {str(f.get_object()["/T"]): f for f in fields}
    # ad + soyad become kisi.ad and kisi.soyad
    parent = DictionaryObject({NameObject("/T"): TextStringObject("kisi")})
    parent_ref = writer._add_object(parent)
    parent[NameObject("/Kids")] = ArrayObject([by_name["ad"], by_name["soyad"]])
    for name in ("ad", "soyad"):
        by_name[name].get_object()[NameObject("/Parent")] = parent_ref
    # unvan is centred (/Q 1)
    by_name["unvan"].get_object()[NameObject("/Q")] = NumberObject(1)
    # the check box's on-state is called "Evet"
    onay = by_name["onay"].get_object()
    for key in ("/N", "/D", "/R"):
        states = onay["/AP"][key]
        states[NameObject("/Evet")] = states["/Yes"] if inline_streams else states.raw_get("/Yes")
        del states["/Yes"]
    onay[NameObject("/V")] = NameObject("/Off")
    onay[NameObject("/AS")] = NameObject("/Off")
    kept = [f for f in fields if str(f.get_object()["/T"]) not in ("ad", "soyad")]
    acro[NameObject("/Fields")] = ArrayObject([parent_ref, *kept])
    return _write(writer)


def two_page_form() -> bytes:
    """Fields on two pages of different sizes; the second page's MediaBox does not start at 0,0."""
    buf = io.BytesIO()
    canvas = textfit.new_canvas(buf, A4)
    canvas.drawString(72, 800, "Sayfa 1")
    canvas.acroForm.textfield(name="ad", x=72, y=700, width=200, height=20, borderWidth=1)
    canvas.showPage()
    canvas.setPageSize((842, 595))
    canvas.drawString(100, 500, "Sayfa 2")
    canvas.acroForm.textfield(
        name="not", x=100, y=300, width=400, height=80, borderWidth=1, fieldFlags="multiline"
    )
    canvas.acroForm.checkbox(name="kabul", x=100, y=250, size=14, borderWidth=1, fieldFlags="")
    canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    page = writer.pages[1]
    page.mediabox.lower_left = (50, 50)
    page.mediabox.upper_right = (842, 595)
    return _write(writer)


def rotated_form() -> bytes:
    """A portrait page shown landscape (/Rotate 90): the field is tall in page space, wide on screen."""
    buf = io.BytesIO()
    canvas = textfit.new_canvas(buf, A4)
    canvas.acroForm.textfield(name="baslik", x=100, y=200, width=24, height=300, borderWidth=1)
    canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    writer.pages[0].rotate(90)
    return _write(writer)


def _js(code: str) -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)}
    )


def javascript_form() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(FORM)))
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(_js("app.alert('merhaba');"))
    named = writer._add_object(_js("app.alert(1);"))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("betik"), named])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})
    writer._root_object[NameObject("/Perms")] = DictionaryObject(
        {NameObject("/UR3"): DictionaryObject({NameObject("/Type"): NameObject("/Sig")})}
    )
    return _write(writer)


def signed_form() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(FORM)))
    sig = {NameObject("/Type"): NameObject("/Sig"), NameObject("/Filter"): NameObject("/Adobe.PPKLite")}
    sig_value = writer._add_object(DictionaryObject(sig))
    widget = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Sig"),
            NameObject("/T"): TextStringObject("imza"),
            NameObject("/V"): sig_value,
            NameObject("/Rect"): ArrayObject([NumberObject(v) for v in (300, 60, 500, 120)]),
            NameObject("/F"): NumberObject(4),
        }
    )
    ref = writer._add_object(widget)
    writer.pages[0]["/Annots"].append(ref)
    writer._root_object["/AcroForm"]["/Fields"].append(ref)
    writer._root_object["/AcroForm"][NameObject("/SigFlags")] = NumberObject(3)
    return _write(writer)


def xfa_only() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_plain_page())))
    xfa = DecodedStreamObject()
    xfa.set_data(b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"></xdp:xdp>')
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): writer._add_object(xfa)}
    )
    return _write(writer)


def encrypted(user: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(FORM)))
    writer.encrypt(user_password=user, owner_password="sahip-parolasi", algorithm="AES-128")
    return _write(writer)


def main() -> None:
    files = {
        "not-a-pdf.pdf": "Bu bir PDF değil; bir metin dosyası.\n".encode(),
        "truncated.pdf": FORM[: len(FORM) // 3],
        "garbage-after-header.pdf": b"%PDF-1.7\n" + bytes((i * 37 + 11) % 256 for i in range(4000)),
        "no-fields.pdf": _plain_page(),
        "xfa-only.pdf": xfa_only(),
        "encrypted-empty-password.pdf": encrypted(""),
        "encrypted-password.pdf": encrypted("gizli"),
        "javascript-perms.pdf": javascript_form(),
        "signed.pdf": signed_form(),
        "foreign-form.pdf": foreign_form(),
        "inline-streams.pdf": foreign_form(inline_streams=True),
        "two-page-form.pdf": two_page_form(),
        "rotated-form.pdf": rotated_form(),
    }
    for name, data in files.items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bayt")


if __name__ == "__main__":
    main()
