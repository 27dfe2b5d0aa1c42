"""Hand-written plain PDFs for the PDF-layer tests: every byte chosen by the test, classic xref table.

`plain_pdf` takes the pages' content streams and extra page-dictionary entries as raw PDF syntax, so a test
can put anything a producer may write (strings with `1 0 R` or `>> stream` inside, comments, hex strings,
inline images) exactly where the fast paths must not be fooled by it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
from pypdf import PdfReader

SIZE = 144  # a small page (2 inches) keeps rendering cheap


@dataclass
class Page:
    content: bytes  # the content stream, uncompressed
    extra: bytes = b""  # more entries for the page dictionary, in PDF syntax
    stream_extra: bytes = b""  # more entries for the content stream's dictionary
    objects: list[bytes] = field(default_factory=list)  # extra objects, referenced as {0}, {1}, ... in extra


def plain_pdf(
    pages: list[Page], *, info: bytes = b"<< /Producer (pdfmake) >>", leftovers: bool = False
) -> bytes:
    """A PDF with a classic cross-reference table: catalog 1, page tree 2, font 3, info 4, then per page.

    With `leftovers`, an old object body stays in the file after the font, marked free in the table (what
    editors that overwrite in place leave behind): valid, but not the one-object-per-entry layout."""
    objects: dict[int, bytes] = {
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        4: info,
    }
    kids: list[int] = []
    number = 5
    for page in pages:
        page_number, content_number = number, number + 1
        extra_numbers = list(range(number + 2, number + 2 + len(page.objects)))
        number += 2 + len(page.objects)
        extra = page.extra.replace(b"{self}", b"%d 0 R" % page_number)
        for index, extra_number in enumerate(extra_numbers):
            extra = extra.replace(b"{%d}" % index, b"%d 0 R" % extra_number)
            objects[extra_number] = page.objects[index]
        objects[page_number] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents %d 0 R %s >>" % (SIZE, SIZE, content_number, extra)
        )
        objects[content_number] = (
            b"<< /Length %d %s >>\nstream\n" % (len(page.content), page.stream_extra)
            + page.content
            + b"\nendstream"
        )
        kids.append(page_number)
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num in sorted(objects):
        offsets[num] = out.tell()
        out.write(b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n")
        if leftovers and num == 3:
            out.write(b"%d 0 obj\n<< /Old (left over) >>\nendobj\n" % (max(objects) + 1))
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for num in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 00000 f \n")
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def texts(data: bytes, *, strict: bool = True) -> list[str]:
    """Each page's text as pypdf extracts it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data), strict=strict).pages]


def pixels(data: bytes, scale: float = 0.5) -> list[bytes]:
    """Each page rendered by pdfium (greyscale bytes with the size), for exact comparison."""
    document = pdfium.PdfDocument(data)
    try:
        out = []
        for index in range(len(document)):
            image: Any = document[index].render(scale=scale, grayscale=True).to_pil()
            out.append(b"%dx%d:" % image.size + image.tobytes())
        return out
    finally:
        document.close()
