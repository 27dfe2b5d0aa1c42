"""QR codes and Code 128 barcodes drawn as vectors decode back to their data."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from formkit.packet.codes import CodeError, code128_modules, draw_code128, draw_qr, qr_matrix

URL = "https://portal.kamusm.gov.tr/bp/ws.go"


def _render(draw: object) -> tuple[bytes, list[zxingcpp.Barcode]]:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    draw(canvas)  # type: ignore[operator]
    canvas.showPage()
    canvas.save()
    data = buffer.getvalue()
    image = pdfium.PdfDocument(data)[0].render(scale=150 / 72).to_pil()
    return data, zxingcpp.read_barcodes(image)


def test_qr_decodes_to_the_url_and_is_vector() -> None:
    data, codes = _render(lambda c: draw_qr(c, URL, 100, 500, 100))
    assert [code.text for code in codes if code.format == zxingcpp.BarcodeFormat.QRCode] == [URL]
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert "/XObject" not in page["/Resources"]


def test_qr_matrix_is_made_once() -> None:
    assert qr_matrix(URL) is qr_matrix(URL)


@pytest.mark.parametrize("value", ["7KQ2-M9XDK", "ZXAC-A3YVZ", "0000-00000"])
def test_code128_decodes_to_the_value(value: str) -> None:
    _, codes = _render(lambda c: draw_code128(c, value, 100, 500, 30, 0.9))
    assert [code.text for code in codes if code.format == zxingcpp.BarcodeFormat.Code128] == [value]


def test_code128_rejects_what_it_cannot_encode() -> None:
    with pytest.raises(CodeError):
        code128_modules("İ")
