"""Read a plain PDF into its objects without parsing them: what reportlab and pypdf write.

Plain means a classic cross-reference table, no incremental updates and no encryption. Both fast paths that
copy PDF objects byte for byte — the form engine importing a reportlab overlay (`pdfout`) and the print-file
joiner (`pdfjoin`) — read their input through here; anything else is theirs to normalise or refuse.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_SECTION = re.compile(rb"(\d+) (\d+)\s*\n")
_OBJ_HEADER = re.compile(rb"\s*(\d+) (\d+) obj\s*")
_BEFORE_STREAM = re.compile(rb">>\s*(?=stream(?:\r\n|\n))")
_ROOT = re.compile(rb"/Root (\d+) \d+ R")
_INFO = re.compile(rb"/Info (\d+) \d+ R")


class NotPlain(Exception):
    """The data is not a plain PDF (another valid form, or not a PDF at all)."""


@dataclass(frozen=True)
class PlainPdf:
    """Each object as (head, rest): head is its dictionary or value, rest is `stream…endstream` or b""."""

    objects: dict[int, tuple[bytes, bytes]]
    root: int
    info: int | None


def read_plain(data: bytes) -> PlainPdf:
    """Split a plain PDF into its objects; NotPlain when it is in any other form."""
    tail = _STARTXREF.search(data[-64:])
    if tail is None:
        raise NotPlain
    start = int(tail.group(1))
    if data[start : start + 4] != b"xref":
        raise NotPlain  # a cross-reference stream
    pos = start + 4
    offsets: dict[int, int] = {}
    while True:
        while data[pos : pos + 1] in (b"\r", b"\n", b" "):
            pos += 1
        if data.startswith(b"trailer", pos):
            break
        section = _XREF_SECTION.match(data, pos)
        if section is None:
            raise NotPlain
        first, count = int(section.group(1)), int(section.group(2))
        pos = section.end()
        for number in range(first, first + count):
            entry = data[pos : pos + 20]
            pos += 20
            if entry[17:18] == b"n":
                offsets[number] = int(entry[:10])
    trailer = data[pos : data.find(b"startxref", pos)]
    root = _ROOT.search(trailer)
    if root is None or b"/Prev" in trailer or b"/Encrypt" in trailer:
        raise NotPlain
    next_offset = dict(itertools.pairwise(sorted([*offsets.values(), start])))
    objects: dict[int, tuple[bytes, bytes]] = {}
    for number in sorted(offsets):
        chunk = data[offsets[number] : next_offset[offsets[number]]]
        header = _OBJ_HEADER.match(chunk)
        end = chunk.rfind(b"endobj")
        if header is None or int(header.group(1)) != number or end < header.end():
            raise NotPlain
        body = chunk[header.end() : end]
        stream = _BEFORE_STREAM.search(body)
        objects[number] = (body, b"") if stream is None else (body[: stream.end()], body[stream.end() :])
    info = _INFO.search(trailer)
    return PlainPdf(objects, int(root.group(1)), int(info.group(1)) if info else None)
