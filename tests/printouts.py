"""Test "portal printouts" made by producers other than formkit: reportlab (TrueType and Type0/CID fonts),
pikepdf (compressed object streams, a cross-reference stream), pypdf (an incremental update), encryption.

Nothing here is committed as a binary: each test makes what it needs in a few milliseconds.
"""

from __future__ import annotations

import io

import pikepdf
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from formkit.pdf import fonts

CID_FONT = "HeiseiMin-W3"  # a Type0 font over a CID font (Adobe-Japan1, UniJIS-UCS2-H), not embedded


def printout(
    tc: str, *, pages: int = 1, name: str = "Şükrü Öğüt", full: bool = False, cid: bool = True
) -> bytes:
    """A printout like the Kamu SM system's: A4, content inside ~15 mm margins, the T.C. number in the text.

    full=True paints every page edge to edge (no blank margin anywhere). cid=True writes the T.C. number
    and the page header with a Type0/CID font.
    """
    regular, bold = fonts.register()
    if cid and CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    width, height = A4
    for index in range(pages):
        if full:
            canvas.setFillGray(0.85)
            canvas.rect(0, 0, width, height, stroke=0, fill=1)
            canvas.setFillGray(0)
        canvas.setFont(CID_FONT if cid else bold, 11)
        canvas.drawString(45, height - 50, f"KAMU SM NES BASVURU FORMU {index + 1}/{pages}")
        canvas.setFont(bold, 12)
        canvas.drawString(45, height - 80, "NİTELİKLİ ELEKTRONİK SERTİFİKA BAŞVURU FORMU")
        canvas.setFont(regular, 10)
        canvas.drawString(45, height - 110, f"Adı Soyadı: {name}")
        canvas.setFont(CID_FONT if cid else regular, 10)
        canvas.drawString(45, height - 130, f"TC Kimlik No: {tc}")
        canvas.setFont(regular, 10)
        canvas.drawString(45, height - 150, "Doğum Yeri: Iğdır   Kurum: Çağlayan Aile Sağlığı Merkezi")
        canvas.setLineWidth(0.8)
        canvas.rect(45, 60, width - 90, height - 230, stroke=1, fill=0)
        canvas.drawString(50, 70, "İmza:")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def with_object_streams(data: bytes) -> bytes:
    """The same document rewritten by qpdf: compressed object streams and a cross-reference stream."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    return out.getvalue()


def with_incremental_update(data: bytes) -> bytes:
    """The document with an incremental update appended (a new /Title in a second revision)."""
    writer = PdfWriter(PdfReader(io.BytesIO(data)), incremental=True)
    writer.add_metadata({"/Title": "Kamu SM başvuru formu (güncellendi)"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted(data: bytes, *, user: str) -> bytes:
    """The document encrypted with AES-256: the given user password, a different owner password."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user=user, owner="sahip-parolasi", R=6))
    return out.getvalue()


def many_pages(count: int) -> bytes:
    """A small file with many (empty) pages: a "printout" no real applicant has."""
    pdf = pikepdf.new()
    for _ in range(count):
        pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()
