"""PDFs from other producers: cross-reference streams, object streams, incremental updates, Type0/CID fonts.

The plain reader must not take them for plain (NotPlain, not DamagedPdf: they are valid), and the print-file
joiner must still join them, through pypdf, with the same text and the same pixels as the inputs. The files
are made here with pikepdf (object streams), pypdf (incremental update) and by hand (an incremental update
that replaces a page's content; a Type0 font with Identity-H encoding over a TrueType subset).
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest
from fontTools import subset
from fontTools.ttLib import TTFont
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A6
from reportlab.pdfgen import canvas

from formkit.errors import DamagedPdf, NotPlain
from formkit.pdf import fonts
from formkit.pdf.join import JoinWriter
from formkit.pdf.reader import read_plain
from formkit.resources import asset
from tests.pdfmake import pixels, texts

TURKISH = "Çiğdem IĞDIR şükrü ÖZ ılık İnci"


def _reportlab(label: str, pages: int = 2) -> bytes:
    regular, _ = fonts.register()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A6, invariant=1)
    for page in range(pages):
        pdf.setFont(regular, 11)
        pdf.drawString(20, 300, f"{label} {page + 1} {TURKISH}")
        pdf.rect(20, 40 + 10 * page, 80, 30, fill=1)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _pikepdf_save(data: bytes, **options: object) -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, **options)  # type: ignore[arg-type]
    return out.getvalue()


def _object_streams(data: bytes) -> bytes:
    saved = _pikepdf_save(data, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    assert b"/ObjStm" in saved and b"/XRef" in saved
    return saved


def _pypdf_incremental(data: bytes) -> bytes:
    writer = PdfWriter(io.BytesIO(data), incremental=True)
    writer.add_metadata({"/Title": "güncellendi"})
    out = io.BytesIO()
    writer.write(out)
    assert b"/Prev" in out.getvalue()
    return out.getvalue()


def _replace_first_page_text(data: bytes, text: bytes) -> bytes:
    """Append an incremental update by hand: a new content stream and the first page pointing at it."""
    reader = PdfReader(io.BytesIO(data))
    page_ref = reader.trailer["/Root"]["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    size = int(reader.trailer["/Size"])
    start_xref = int(data[data.rindex(b"startxref") + 9 :].split()[0])
    content = b"BT /F9 14 Tf 20 300 Td (" + text + b") Tj ET"
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    box = b" ".join(str(float(v)).encode() for v in page["/MediaBox"])
    new_page = (
        b"<< /Type /Page /Parent %d 0 R /MediaBox [%s] /Contents %d 0 R "
        b"/Resources << /Font << /F9 %d 0 R >> >> >>" % (page.raw_get("/Parent").idnum, box, size, size + 1)
    )
    out = io.BytesIO(data)
    out.seek(0, 2)
    offsets = {}
    offsets[size] = out.tell()
    out.write(b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (size, len(content), content))
    offsets[size + 1] = out.tell()
    out.write(b"%d 0 obj\n%s\nendobj\n" % (size + 1, font))
    offsets[page_ref.idnum] = out.tell()
    out.write(b"%d 0 obj\n%s\nendobj\n" % (page_ref.idnum, new_page))
    xref = out.tell()
    out.write(b"xref\n")
    for number in sorted(offsets):
        out.write(b"%d 1\n%010d 00000 n \n" % (number, offsets[number]))
    root = reader.trailer.raw_get("/Root").idnum
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
        % (size + 2, root, start_xref, xref)
    )
    return out.getvalue()


def _type0_document() -> bytes:
    """One page in a Type0 font (Identity-H, CIDFontType2 over a DejaVu subset that keeps glyph ids)."""
    font_path = asset("fonts", "DejaVuSans.ttf")
    face = TTFont(str(font_path))
    cmap = face.getBestCmap()
    glyph_ids = [face.getGlyphID(cmap[ord(c)]) for c in TURKISH]
    options = subset.Options()
    options.retain_gids = True
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in TURKISH])
    small = TTFont(str(font_path))
    subsetter.subset(small)
    font_bytes = io.BytesIO()
    small.save(font_bytes)
    pdf = pikepdf.new()
    to_unicode = b"".join(
        b"<%04X> <%s>\n" % (gid, c.encode("utf-16-be").hex().upper().encode())
        for gid, c in sorted(set(zip(glyph_ids, TURKISH, strict=True)))
    )
    cmap_stream = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Adobe-Identity-UCS def "
        b"/CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange "
        + b"%d beginbfchar\n" % len(set(glyph_ids))
        + to_unicode
        + b"endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name("/ABCDEF+DejaVuSans"),
        Flags=4,
        FontBBox=[-1021, -463, 1793, 1232],
        ItalicAngle=0,
        Ascent=928,
        Descent=-236,
        CapHeight=729,
        StemV=80,
        FontFile2=pdf.make_stream(font_bytes.getvalue()),
    )
    cid_font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name("/ABCDEF+DejaVuSans"),
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor),
        CIDToGIDMap=pikepdf.Name.Identity,
        DW=600,
    )
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type0,
        BaseFont=pikepdf.Name("/ABCDEF+DejaVuSans"),
        Encoding=pikepdf.Name("/Identity-H"),
        DescendantFonts=[pdf.make_indirect(cid_font)],
        ToUnicode=pdf.make_stream(cmap_stream),
    )
    shown = b"".join(b"%04X" % gid for gid in glyph_ids)
    content = b"BT /F1 12 Tf 10 200 Td <" + shown + b"> Tj ET"
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 298, 420],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pdf.make_indirect(font))),
        Contents=pdf.make_stream(content),
    )
    pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _join(tmp_path: Path, *documents: bytes) -> bytes:
    target = tmp_path / "print.pdf"
    with JoinWriter(target) as joined:
        for index, document in enumerate(documents):
            joined.add(document, f"belge {index + 1}")
    return target.read_bytes()


def _other_form(name: str) -> bytes:
    ours = _reportlab("Ayşe")
    if name == "object streams":
        return _object_streams(ours)
    if name == "incremental (pypdf)":
        return _pypdf_incremental(ours)
    if name == "incremental that replaces a page":
        return _replace_first_page_text(ours, b"new text after update")
    if name == "incremental over object streams":
        return _replace_first_page_text(_object_streams(ours), b"second edit")
    return _type0_document()


FORMS = [
    "object streams",
    "incremental (pypdf)",
    "incremental that replaces a page",
    "incremental over object streams",
    "type0 font in object streams",
]


@pytest.mark.parametrize("name", FORMS)
def test_other_producers_files_are_not_plain_and_join_like_their_sources(tmp_path: Path, name: str) -> None:
    source = _other_form(name)
    with pytest.raises(NotPlain) as info:
        read_plain(source)
    assert not isinstance(info.value, DamagedPdf)
    ours = _reportlab("İlker", pages=1)
    joined = _join(tmp_path, ours, source, ours)
    assert texts(joined) == texts(ours) + texts(source) + texts(ours)
    assert pixels(joined) == pixels(ours) + pixels(source) + pixels(ours)


def test_the_update_wins_over_the_original_page() -> None:
    updated = _replace_first_page_text(_reportlab("Eski"), b"new text after update")
    first = texts(updated)[0]
    assert "new text after update" in first and "Eski" not in first


def test_type0_text_survives_the_join(tmp_path: Path) -> None:
    source = _type0_document()
    assert texts(source) == [TURKISH]
    joined = _join(tmp_path, source)
    assert texts(joined) == [TURKISH]
    assert b"/Type0" in joined or b"/Identity-H" in joined


@pytest.mark.parametrize("name", ["type0 font in object streams", "incremental over object streams"])
def test_a_portal_printout_from_another_producer_reaches_the_print_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Printout (other producer) → packet (`formkit packet --form`) → print file: the packet is plain (the
    joiner's fast path), and the print file shows the packet's text and pixels."""
    from click.testing import CliRunner

    from cli import cli
    from tests.test_cli_packet import OPTIONS

    monkeypatch.setenv("FORMKIT_REF_KEY", "test-key")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")
    printout = tmp_path / "portal.pdf"
    printout.write_bytes(_other_form(name))
    result = CliRunner().invoke(cli, ["packet", *OPTIONS, "--form", str(printout), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    packet = Path(result.stdout.strip()).read_bytes()
    read_plain(packet)  # no NotPlain: the print file copies it byte for byte
    copy = texts(packet)[1]
    shown = texts(printout.read_bytes())[0]
    assert shown.split()[0] in copy
    joined = _join(tmp_path, packet, packet)
    assert texts(joined) == texts(packet) * 2
    assert pixels(joined) == pixels(packet) * 2


def test_an_old_object_body_left_between_objects_is_not_plain_and_still_joins(tmp_path: Path) -> None:
    from tests.pdfmake import Page, plain_pdf

    source = plain_pdf([Page(b"BT /F1 9 Tf 4 120 Td (kept) Tj ET")], leftovers=True)
    with pytest.raises(NotPlain) as info:
        read_plain(source)
    assert not isinstance(info.value, DamagedPdf)
    joined = _join(tmp_path, source)
    assert texts(joined) == texts(source) and "kept" in texts(joined)[0]
    assert pixels(joined) == pixels(source)
