"""QR codes and Code 128 barcodes drawn as vector rectangles (no raster image anywhere).

The QR module matrix comes from the `qrcode` package and the bar widths from `python-barcode`; we only
draw them. Making a QR code costs several milliseconds (mask selection) and every packet of a track shows
the same URL, so each matrix is made once per process and kept as merged runs of dark modules.
A barcode is per packet (it encodes the packet reference), so its runs are computed each time; that is cheap.
"""

from __future__ import annotations

from functools import cache

import barcode
import qrcode
from barcode.errors import BarcodeError
from qrcode.exceptions import DataOverflowError
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from formkit.errors import CodeError

BLACK = Color(0, 0, 0)
CODE128_QUIET = 10  # modules of quiet zone each side (ISO/IEC 15417 asks for at least 10)
QR_QUIET = 4  # modules of quiet zone around a QR code (ISO/IEC 18004)

Run = tuple[int, int, int]  # row (or 0 for bars), first module, number of modules


@cache
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR module matrix (no quiet zone) for data, error correction M; made once per process."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    try:
        code.add_data(data)
        code.make(fit=True)
    except (DataOverflowError, ValueError) as exc:
        raise CodeError(f"karekod oluşturulamadı: {data!r} ({exc})") from exc
    return tuple(tuple(bool(cell) for cell in row) for row in code.modules)


@cache
def qr_runs(data: str) -> tuple[int, tuple[Run, ...]]:
    """Size of the matrix and its dark modules merged into horizontal runs (row, start, length)."""
    matrix = qr_matrix(data)
    runs: list[Run] = []
    for r, row in enumerate(matrix):
        c = 0
        n = len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return len(matrix), tuple(runs)


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw the QR code for data as filled rectangles in a size x size square (quiet zone included)."""
    count, runs = qr_runs(data)
    module = size / (count + 2 * QR_QUIET)
    origin_x = x + QR_QUIET * module
    top = y + size - QR_QUIET * module
    path = canvas.beginPath()
    for row, start, length in runs:
        path.rect(origin_x + start * module, top - (row + 1) * module, length * module, module)
    canvas.setFillColor(BLACK)
    canvas.drawPath(path, stroke=0, fill=1)


def code128_modules(value: str) -> str:
    """The Code 128 symbol for value as a string of '1' (bar) and '0' (space) modules, no quiet zone."""
    try:
        return str(barcode.get("code128", value).build()[0])
    except (BarcodeError, ValueError, KeyError) as exc:
        raise CodeError(f"barkod oluşturulamadı: {value!r} ({exc})") from exc


def bar_runs(modules: str) -> tuple[Run, ...]:
    """Bars as (0, first module, width in modules)."""
    runs: list[Run] = []
    i, n = 0, len(modules)
    while i < n:
        if modules[i] == "1":
            start = i
            while i < n and modules[i] == "1":
                i += 1
            runs.append((0, start, i - start))
        else:
            i += 1
    return tuple(runs)


def code128_width(value: str, module: float) -> float:
    """Total width of the barcode for value, quiet zones included, at the given module width."""
    return (len(code128_modules(value)) + 2 * CODE128_QUIET) * module


def draw_code128(canvas: Canvas, value: str, x: float, y: float, height: float, module: float) -> float:
    """Draw value as a Code 128 barcode with its quiet zones from (x, y); return the total width."""
    modules = code128_modules(value)
    path = canvas.beginPath()
    left = x + CODE128_QUIET * module
    for _, start, length in bar_runs(modules):
        path.rect(left + start * module, y, length * module, height)
    canvas.setFillColor(BLACK)
    canvas.drawPath(path, stroke=0, fill=1)
    return (len(modules) + 2 * CODE128_QUIET) * module


__all__ = [
    "BLACK",
    "CODE128_QUIET",
    "QR_QUIET",
    "Run",
    "bar_runs",
    "code128_modules",
    "code128_width",
    "draw_code128",
    "draw_qr",
    "qr_matrix",
    "qr_runs",
]
