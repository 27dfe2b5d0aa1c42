"""The one place that touches private internals of pypdf and reportlab (for speed), pinned and tested.

pyproject.toml pins both libraries to the range these were tested on (`TESTED`); tests/test_pdf_compat.py
fails loudly when an internal we rely on changes (an attribute, a method body we copied, a default we
replace). Nothing here changes how a library behaves for the rest of the process: every choice is made per
document (fastcanvas's font memos act only on documents marked by `mark_formkit_document`).

* pypdf: a stream's raw (still encoded) bytes are `_data`. Copying them avoids decoding and re-encoding every
  template stream; pypdf has no public accessor for the encoded bytes.
* reportlab: `TTFontFace.addSubsetObjects` is re-implemented here with a cached, already-compressed font file
  (its body is copied: the test compares the original's source hash), and a page's content stream is made
  Flate-only per page (instead of switching `rl_config.useA85` for the whole process).
"""

from __future__ import annotations

import hashlib
import inspect
from typing import Any

from pypdf.generic import StreamObject
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFontFace

__all__ = [
    "ADD_SUBSET_OBJECTS_SHA256",
    "TESTED",
    "add_font_file",
    "flate_only_last_page",
    "is_formkit_document",
    "mark_formkit_document",
    "raw_data",
    "source_hash",
    "stream_with_raw_data",
]

# The versions these internals were tested on (pyproject.toml pins the same ranges).
TESTED = {"pypdf": ">=6.0,<7", "reportlab": ">=5.1,<6"}

# sha256 of reportlab's TTFontFace.addSubsetObjects source, whose body add_font_file follows.
ADD_SUBSET_OBJECTS_SHA256 = "94116bc4d9d93e71dbe8a879b58867a83a8da992206018f7b7e7e04e8a699431"


def source_hash(function: Any) -> str:
    """sha256 of a function's source text (to notice when a library changes a body we copied)."""
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


# --- pypdf ----------------------------------------------------------------------------------------------


def raw_data(stream: StreamObject) -> bytes:
    """A stream's bytes as stored in the file (still encoded by its /Filter)."""
    data: bytes = stream._data
    return data


def stream_with_raw_data(data: bytes) -> StreamObject:
    """A new stream object whose stored bytes are `data` exactly (the caller sets /Filter to match)."""
    stream = StreamObject()
    stream._data = data
    return stream


# --- reportlab ------------------------------------------------------------------------------------------


def add_font_file(face: TTFontFace, doc: Any, fontname: str, compressed: bytes, raw_length: int) -> Any:
    """What `TTFontFace.addSubsetObjects` adds to a compressed document, with the subset already made and
    Flate-compressed by the caller: the font file stream and its descriptor; returns the descriptor's
    reference. Same objects, same key order, same bytes as reportlab's own."""
    font_file = pdfdoc.PDFStream()
    font_file.content = compressed
    font_file.dictionary["Length1"] = raw_length  # same key order as reportlab's own
    font_file.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
    ref = doc.Reference(font_file, f"fontFile:{face.filename}({fontname})")
    flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
    descriptor = pdfdoc.PDFDictionary(
        {
            "Type": "/FontDescriptor",
            "Ascent": face.ascent,
            "CapHeight": face.capHeight,
            "Descent": face.descent,
            "Flags": flags,
            "FontBBox": pdfdoc.PDFArray(face.bbox),
            "FontName": pdfdoc.PDFName(fontname),
            "ItalicAngle": face.italicAngle,
            "StemV": face.stemV,
            "FontFile2": ref,
            "MissingWidth": face.defaultWidth,
        }
    )
    return doc.Reference(descriptor, "fontDescriptor:" + fontname)


def mark_formkit_document(doc: Any) -> None:
    """Mark a reportlab document as made by a formkit canvas: only those take fastcanvas's font memos.

    The memos are installed on reportlab's registered font objects (shared by the process); marked
    documents keep them from changing how any other reportlab document in the process is made.
    """
    doc._formkit_document = True


def is_formkit_document(doc: Any) -> bool:
    """True for a document marked by `mark_formkit_document`."""
    return bool(getattr(doc, "_formkit_document", False))


def flate_only_last_page(canvas: Any) -> None:
    """Give the page `showPage` just added its content stream now, Flate only.

    reportlab makes the stream when the document is written and adds ASCII85 when the process-wide
    `rl_config.useA85` is on (its default); a page that already has /Contents keeps it. This is exactly the
    stream reportlab makes with useA85 off (PDFPage.check_format), for this page only.
    """
    page = canvas._doc.Pages.pages[-1]
    if not page.compression or page.Contents or not page.stream:
        return
    stream = pdfdoc.PDFStream()
    stream.filters = [pdfdoc.PDFZCompress]
    stream.content = page.stream
    stream.__Comment__ = "page stream"
    page.Contents = stream
