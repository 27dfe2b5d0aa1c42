"""Read a plain PDF into its objects without parsing them: what reportlab and pypdf write.

Plain means one classic cross-reference table (no cross-reference stream, no object streams, no incremental
update) and no encryption. Both fast paths that copy PDF objects byte for byte — the form engine importing a
reportlab overlay (`writer.import_reportlab`) and the print-file joiner (`join`) — read their input through
here. Another valid form (what other producers write: cross-reference and object streams, incremental
updates, encryption) raises `NotPlain`, the signal for the caller to take the general pypdf path. A file in
the plain form whose bytes contradict themselves raises `DamagedPdf` (a NotPlain the caller reports as an
error rather than let a repairing reader guess). Objects are split by tokens (`syntax`), so a string holding
`>> stream` cannot split one, and a stream whose /Length does not end at its `endstream` is refused.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from formkit.errors import DamagedPdf, NotPlain
from formkit.pdf import syntax

__all__ = ["DamagedPdf", "NotPlain", "PlainPdf", "read_plain"]

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_XREF_SECTION = re.compile(rb"(\d+) (\d+)\s*\n")
_XREF_ENTRY = re.compile(rb"\d{10} \d{5} [nf](?: \r| \n|\r\n)")
_OBJ_HEADER = re.compile(rb"\s*(\d+) (\d+) obj\s*")
_STREAM_START = re.compile(rb"stream(?:\r\n|\n)")
_WHITESPACE = b"\x00\t\n\x0c\r "
_EOLS = (b"", b"\n", b"\r\n", b"\r")
_LENGTH = re.compile(rb"/Length\s+(\d+)(\s+\d+\s+R)?(?![^\s()<>\[\]{}/%])")


@dataclass(frozen=True)
class PlainPdf:
    """Each object as (head, rest): head is its dictionary or value, rest is `stream…endstream` or b"".

    `masked` holds each head with its strings, hex strings and comments blanked at the same offsets
    (`syntax.mask`): search it for structure and references, copy bytes from the head.
    """

    objects: dict[int, tuple[bytes, bytes]]
    masked: dict[int, bytes]
    root: int
    info: int | None


def _ref(masked: bytes, key: bytes) -> int | None:
    span = syntax.find_top(masked, key)
    if span is None:
        return None
    found = syntax.REFERENCE.fullmatch(masked, span[0], span[1])
    if found is None:
        raise DamagedPdf(f"PDF bozuk: {key.decode()} bir nesne başvurusu değil")
    return int(found.group(1))


def read_plain(data: bytes) -> PlainPdf:
    """Split a plain PDF into its objects; NotPlain when it is in any other form (or damaged)."""
    if not data.startswith(b"%PDF-"):
        raise NotPlain
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
            raise DamagedPdf("PDF bozuk: çapraz başvuru tablosu okunamadı")
        first, count = int(section.group(1)), int(section.group(2))
        pos = section.end()
        if pos + 20 * count > len(data):  # entries must be there: no loop over a bogus count
            raise DamagedPdf("PDF bozuk: çapraz başvuru tablosu okunamadı")
        for number in range(first, first + count):
            entry = data[pos : pos + 20]
            if _XREF_ENTRY.fullmatch(entry) is None:
                raise DamagedPdf("PDF bozuk: çapraz başvuru tablosu okunamadı")
            pos += 20
            if entry[17:18] == b"n":
                offsets[number] = int(entry[:10])
    trailer_end = data.find(b"startxref", pos)
    if trailer_end < 0:
        raise NotPlain
    trailer = syntax.mask(data[pos + len(b"trailer") : trailer_end])
    for key in (b"/Prev", b"/Encrypt", b"/XRefStm"):  # (find_top looks for the bytes first: cheap)
        if syntax.find_top(trailer, key) is not None:
            raise NotPlain  # an incremental update, an encrypted or a hybrid-reference file
    root = _ref(trailer, b"/Root")
    if root is None or not offsets:
        raise DamagedPdf("PDF bozuk: çapraz başvuru tablosu nesnelerle uyuşmuyor")
    info = _ref(trailer, b"/Info")
    ends = sorted({*offsets.values(), start})
    if len(ends) != len(offsets) + 1 or ends[-1] != start:
        raise DamagedPdf("PDF bozuk: çapraz başvuru tablosu nesnelerle uyuşmuyor")  # shared or late offsets
    next_offset = dict(itertools.pairwise(ends))
    objects: dict[int, tuple[bytes, bytes]] = {}
    masked: dict[int, bytes] = {}
    for number in sorted(offsets):
        chunk = data[offsets[number] : next_offset[offsets[number]]]
        header = _OBJ_HEADER.match(chunk)
        end = chunk.rfind(b"endobj")
        if header is None or int(header.group(1)) != number or end < header.end():
            raise DamagedPdf("PDF bozuk: çapraz başvuru tablosu nesnelerle uyuşmuyor")
        body = chunk[header.end() : end]
        try:
            split = syntax.split_stream(body)
            if split.stream is None:
                if b"endstream" in split.masked:
                    raise DamagedPdf("PDF bozuk: akış anahtar sözcüğü okunamadı")  # e.g. "stream" + a lone CR
                objects[number] = (body, b"")
            else:
                rest = body[split.stream :]
                _check_stream(split.masked, split.text, rest)
                objects[number] = (split.text, rest)
        except DamagedPdf:
            if chunk.count(b"endobj") > 1:
                raise NotPlain from None  # an old body left between two objects (valid): pypdf reads it
            raise
        masked[number] = split.masked
    if root not in objects or (info is not None and info not in objects):
        raise DamagedPdf("PDF bozuk: çapraz başvuru tablosu nesnelerle uyuşmuyor")
    return PlainPdf(objects, masked, root, info)


def _check_stream(masked: bytes, head: bytes, rest: bytes) -> None:
    """The stream's data must end where its /Length says (when the length is a number, not a reference)."""
    opening = _STREAM_START.match(rest)
    closing = len(rest.rstrip(_WHITESPACE)) - len(b"endstream")
    if opening is None or closing < opening.end() or not rest.startswith(b"endstream", closing):
        raise DamagedPdf("PDF bozuk: akış okunamadı")
    # The first /Length in the dictionary: only checked against the data, never used to split it, so a
    # nested /Length (no standard key is one) can only make a good file take the general path.
    length = _LENGTH.search(masked)
    if length is None:
        raise DamagedPdf("PDF bozuk: akış okunamadı")
    if length.group(2):
        return  # an indirect length: the data runs to endstream
    end = opening.end() + int(length.group(1))
    if end > closing or rest[end:closing] not in _EOLS:
        raise DamagedPdf("PDF bozuk: akışın uzunluğu /Length ile uyuşmuyor")
