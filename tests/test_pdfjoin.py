"""The streaming print-file joiner: every page, in order, with bookmarks, whatever the source's form."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from formkit.pdf import fonts
from formkit.pdf.join import JoinError, JoinWriter


def _document(label: str, pages: int) -> bytes:
    regular, _ = fonts.register()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for page in range(pages):
        pdf.setFont(regular, 12)
        pdf.drawString(72, 760, f"{label} sayfa {page + 1} ğĞşŞıİçÇöÖüÜ")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path, strict=True).pages]


def test_joins_every_page_in_order_with_a_bookmark_each(tmp_path: Path) -> None:
    target = tmp_path / "print.pdf"
    with JoinWriter(target) as joined:
        joined.add(_document("Ayşe IĞDIR", 3), "2 · Ayşe Iğdır")
        joined.add(_document("Şükrü ÖZ", 2), "3 · Şükrü Öz")
    texts = _texts(target)
    assert len(texts) == 5
    assert "Ayşe IĞDIR sayfa 1 ğĞşŞıİçÇöÖüÜ" in texts[0]
    assert "Ayşe IĞDIR sayfa 3" in texts[2]
    assert "Şükrü ÖZ sayfa 2" in texts[4]
    reader = PdfReader(target)
    titles = [item.title for item in reader.outline]
    assert titles == ["2 · Ayşe Iğdır", "3 · Şükrü Öz"]
    assert reader.get_destination_page_number(reader.outline[1]) == 3
    assert len(pdfium.PdfDocument(str(target))) == 5


def test_duplex_pads_odd_documents_to_start_on_a_new_sheet(tmp_path: Path) -> None:
    target = tmp_path / "print.pdf"
    with JoinWriter(target) as joined:
        assert joined.add(_document("A", 3), "A", pad_to_even=True) == 4
        assert joined.add(_document("B", 2), "B", pad_to_even=True) == 2
    texts = _texts(target)
    assert len(texts) == 6
    assert texts[3].strip() == ""
    assert "B sayfa 1" in texts[4]


def test_sources_in_other_forms_are_normalised(tmp_path: Path) -> None:
    # an incremental update (a second cross-reference section): not the plain form, still joined
    writer = PdfWriter(io.BytesIO(_document("Çiğdem", 2)), incremental=True)
    writer.add_metadata({"/Title": "güncellendi"})
    packed = io.BytesIO()
    writer.write(packed)
    assert b"/Prev" in packed.getvalue()
    target = tmp_path / "print.pdf"
    with JoinWriter(target) as joined:
        joined.add(packed.getvalue(), "Çiğdem")
        joined.add(_document("İlker", 1), "İlker")
    texts = _texts(target)
    assert len(texts) == 3 and "Çiğdem sayfa 2" in texts[1] and "İlker sayfa 1" in texts[2]


def test_a_broken_source_is_an_error_and_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "print.pdf"
    with pytest.raises(JoinError), JoinWriter(target) as joined:
        joined.add(b"%PDF-1.4\nthis is not a pdf", "bozuk")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
