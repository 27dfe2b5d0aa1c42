"""Build assets/forms/nes-basvuru-formu.pdf: the built-in application form as a fillable AcroForm.

The page and its widgets come from `formkit.packet.form.draw_form(interactive=True)` (reportlab). reportlab's
form fields can only name the standard 14 fonts, which have no ğ Ş ı İ and are never embedded, so this
script then rewrites the form with pypdf:
- a DejaVu Sans subset (Latin-1 + Turkish letters, fontTools) is embedded as a simple TrueType font with the
  Windows-1254 layout (WinAnsi + /Differences), regular and bold, in /AcroForm /DR; every text field's /DA
  uses it, so a person filling the form in a viewer types Turkish letters in an embedded font;
- check boxes get vector appearances (a tick path, no ZapfDingbats);
- the empty Helvetica appearance streams and the Helvetica resource are removed.

Run: python scripts/build_form.py  (writes the file; `--check` compares the committed file with a fresh build,
byte for byte, and exits 1 when they differ). The build is reproducible: same code and fonts, same bytes.
"""

from __future__ import annotations

import argparse
import io
import sys
import zlib
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formkit.packet.form import COPY_FIELD, FORM_FIELDS, draw_form  # noqa: E402
from formkit.pdf import fonts, textfit  # noqa: E402
from formkit.resources import asset  # noqa: E402

OUT = ROOT / "assets" / "forms" / "nes-basvuru-formu.pdf"
INK_DA = "0.05 0.11 0.33 rg"
# Windows-1254 = WinAnsi with six Turkish letters in place of Icelandic ones.
DIFFERENCES = [
    (208, "Gbreve"),
    (221, "Idotaccent"),
    (222, "Scedilla"),
    (240, "gbreve"),
    (253, "dotlessi"),
    (254, "scedilla"),
]


def _cp1254_chars() -> dict[int, str]:
    chars = {}
    for code in range(32, 256):
        try:
            chars[code] = bytes([code]).decode("cp1254")
        except UnicodeDecodeError:
            continue
    return chars


def _subset(path: Path, chars: str) -> bytes:
    font = TTFont(str(path))
    options = subset.Options()
    options.glyph_names = True
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += ["FFTM"]
    sub = subset.Subsetter(options)
    sub.populate(text=chars)
    sub.subset(font)
    font.recalcTimestamp = False  # keep head.modified from the shipped font: the build is byte-reproducible
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _font(writer: PdfWriter, filename: str, rl_name: str, base: str) -> object:
    chars = _cp1254_chars()
    data = _subset(asset("fonts", filename), "".join(chars.values()))
    tt = TTFont(io.BytesIO(data))
    scale = 1000 / tt["head"].unitsPerEm
    hhea, os2 = tt["hhea"], tt["OS/2"]
    file_stream = StreamObject()
    file_stream._data = zlib.compress(data, 9)
    file_stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    file_stream[NameObject("/Length1")] = NumberObject(len(data))
    head = tt["head"]
    descriptor = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/FontDescriptor"),
            NameObject("/FontName"): NameObject(f"/FKTRAA+{base}"),
            NameObject("/Flags"): NumberObject(32),
            NameObject("/FontBBox"): ArrayObject(
                FloatObject(round(v * scale)) for v in (head.xMin, head.yMin, head.xMax, head.yMax)
            ),
            NameObject("/ItalicAngle"): NumberObject(0),
            NameObject("/Ascent"): NumberObject(round(hhea.ascent * scale)),
            NameObject("/Descent"): NumberObject(round(hhea.descent * scale)),
            NameObject("/CapHeight"): NumberObject(round(getattr(os2, "sCapHeight", 729) * scale)),
            NameObject("/StemV"): NumberObject(80),
            NameObject("/FontFile2"): writer._add_object(file_stream),
        }
    )
    widths = [
        FloatObject(round(fonts.string_width(chars[c], rl_name, 1000), 1)) if c in chars else FloatObject(0)
        for c in range(32, 256)
    ]
    diffs: list[object] = []
    for code, glyph in DIFFERENCES:
        diffs += [NumberObject(code), NameObject("/" + glyph)]
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/TrueType"),
            NameObject("/BaseFont"): NameObject(f"/FKTRAA+{base}"),
            NameObject("/FirstChar"): NumberObject(32),
            NameObject("/LastChar"): NumberObject(255),
            NameObject("/Widths"): ArrayObject(widths),
            NameObject("/FontDescriptor"): writer._add_object(descriptor),
            NameObject("/Encoding"): DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Encoding"),
                    NameObject("/BaseEncoding"): NameObject("/WinAnsiEncoding"),
                    NameObject("/Differences"): ArrayObject(diffs),
                }
            ),
        }
    )
    return writer._add_object(font)


def _tick(writer: PdfWriter, size: float) -> tuple[object, object]:
    buf = io.BytesIO()
    canvas = textfit.new_canvas(buf, (size, size))
    canvas.setStrokeColorRGB(0.05, 0.11, 0.33)
    textfit.check_mark(canvas, 0, 0, size, size)
    canvas.showPage()
    canvas.save()
    page = PdfReader(io.BytesIO(buf.getvalue())).pages[0]
    content = page.get_contents()
    assert content is not None
    on = DecodedStreamObject()
    on.set_data(content.get_data())
    off = DecodedStreamObject()
    off.set_data(b"")
    for s in (on, off):
        s[NameObject("/Type")] = NameObject("/XObject")
        s[NameObject("/Subtype")] = NameObject("/Form")
        s[NameObject("/BBox")] = ArrayObject(
            [FloatObject(0), FloatObject(0), FloatObject(size), FloatObject(size)]
        )
        s[NameObject("/Resources")] = DictionaryObject()
    return writer._add_object(on), writer._add_object(off)


def build() -> bytes:
    """The fillable template's bytes (deterministic for a given formkit version)."""
    buf = io.BytesIO()
    canvas = textfit.new_canvas(buf, A4)
    canvas.setTitle("Nitelikli Elektronik Sertifika Başvuru Formu ve Taahhütnamesi")
    canvas.setAuthor("formkit")
    draw_form(canvas, {}, interactive=True)
    canvas.showPage()
    canvas.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    regular = _font(writer, "DejaVuSans.ttf", fonts.REGULAR, "DejaVuSans")
    bold = _font(writer, "DejaVuSans-Bold.ttf", fonts.BOLD, "DejaVuSans-Bold")
    acro = writer._root_object["/AcroForm"]
    acro[NameObject("/DR")] = DictionaryObject(
        {
            NameObject("/Font"): DictionaryObject(
                {NameObject("/FkSans"): regular, NameObject("/FkSansB"): bold}
            )
        }
    )
    acro[NameObject("/DA")] = TextStringObject(f"/FkSans 0 Tf {INK_DA}")
    specs = {f.name: f for f in FORM_FIELDS}
    ticks: dict[float, tuple[object, object]] = {}
    for annot in writer.pages[0]["/Annots"]:
        widget = annot.get_object()
        spec = specs[str(widget["/T"])]
        if spec.kind == "checkbox":
            size = spec.rect[2]
            if size not in ticks:
                ticks[size] = _tick(writer, size)
            on, off = ticks[size]
            widget[NameObject("/AP")] = DictionaryObject(
                {
                    NameObject("/N"): DictionaryObject({NameObject("/Yes"): on, NameObject("/Off"): off}),
                    NameObject("/D"): DictionaryObject({NameObject("/Yes"): on, NameObject("/Off"): off}),
                }
            )
            continue
        if "/AP" in widget:
            del widget["/AP"]  # an empty Helvetica appearance; viewers make one from /DA when typed into
        if spec.name == COPY_FIELD:
            widget[NameObject("/DA")] = TextStringObject(f"/FkSansB 9 Tf {INK_DA}")
            widget[NameObject("/Q")] = NumberObject(2)
        elif spec.kind == "multiline":
            widget[NameObject("/DA")] = TextStringObject(f"/FkSans 0 Tf {INK_DA}")
        else:
            widget[NameObject("/DA")] = TextStringObject(f"/FkSans 10 Tf {INK_DA}")
    writer.add_metadata({"/Title": "Nitelikli Elektronik Sertifika Başvuru Formu ve Taahhütnamesi"})
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="compare with the committed file, write nothing")
    args = parser.parse_args()
    data = build()
    if args.check:
        same = args.output.is_file() and args.output.read_bytes() == data
        verdict = "güncel" if same else "güncel değil; python scripts/build_form.py çalıştırın"
        print(f"{args.output}: {verdict}")
        return 0 if same else 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(args.output)
    print(f"{args.output}: {len(data)} bayt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
