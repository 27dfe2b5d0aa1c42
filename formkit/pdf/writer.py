"""Writing PDF output by concatenation: our own object numbering over pypdf objects, cached bytes, xref.

`forms.Template` serialises a template's objects once with `Numbering` and keeps them as bytes in a `Base`;
each record then `assemble`s the cached bytes with the few objects it changes. `import_reportlab` copies the
objects of a reportlab-made PDF (our own overlays and font packs) into an output without parsing them.
Internal to formkit; nothing here knows about forms or fields.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from formkit.errors import PdfError
from formkit.pdf import _compat, syntax
from formkit.pdf.reader import read_plain

__all__ = [
    "Base",
    "Numbering",
    "Raw",
    "Ref",
    "assemble",
    "finish_base",
    "form_xobject",
    "import_reportlab",
    "resolve",
    "stream",
]


class Numbering:
    """Renumbers one reader's objects into the output and serialises them (JavaScript and /AA dropped)."""

    def __init__(self, start: int) -> None:
        self.next = start
        self.numbers: dict[tuple[int, int], int] = {}
        self.pending: list[tuple[int, Any]] = []  # (number, reference or an inlined stream)
        self.inline: dict[int, int] = {}  # id() of an inlined stream -> its number
        self.keep: list[Any] = []  # keeps inlined streams alive so their id() stays theirs

    def number(self, ref: IndirectObject) -> int:
        key = (ref.idnum, ref.generation)
        num = self.numbers.get(key)
        if num is None:
            num = self.numbers[key] = self.fresh()
            self.pending.append((num, ref))
        return num

    def fresh(self) -> int:
        num = self.next
        self.next += 1
        return num

    def ser(self, obj: Any) -> bytes:
        out = io.BytesIO()
        self._write(obj, out, top=True)
        return out.getvalue()

    def obj_bytes(self, num: int, obj: Any) -> bytes:
        return b"%d 0 obj\n" % num + self.ser(obj) + b"\nendobj\n"

    def _write(self, obj: Any, out: io.BytesIO, top: bool = False) -> None:
        if isinstance(obj, IndirectObject):
            out.write(b"%d 0 R" % self.number(obj))
        elif isinstance(obj, StreamObject) and not top:
            # a stream must be an indirect object; sloppy writers inline them: give it a number of its own
            # (remembered, so re-serialising a copy of its parent for a record reuses the written object)
            num = self.inline.get(id(obj), 0)
            if not num:
                num = self.inline[id(obj)] = self.fresh()
                self.pending.append((num, obj))
                self.keep.append(obj)
            out.write(b"%d 0 R" % num)
        elif isinstance(obj, StreamObject):
            data = _compat.raw_data(obj)  # raw (still encoded) bytes: copied, never re-encoded
            self._write_dict(obj, out, tail=b"/Length %d" % len(data), skip="/Length")
            out.write(b"\nstream\n")
            out.write(data)
            out.write(b"\nendstream")
        elif isinstance(obj, dict):
            if obj.get("/S") == "/JavaScript" or "/JS" in obj:
                out.write(b"null")
            else:
                self._write_dict(obj, out)
        elif isinstance(obj, list):
            out.write(b"[")
            for i, item in enumerate(obj):
                if i:
                    out.write(b" ")
                self._write(item, out)
            out.write(b"]")
        elif obj is None:
            out.write(b"null")
        else:
            obj.write_to_stream(out)

    def _write_dict(self, obj: Mapping[Any, Any], out: io.BytesIO, tail: bytes = b"", skip: str = "") -> None:
        out.write(b"<<")
        for key, value in obj.items():
            if key == "/AA" or key == skip:
                continue
            NameObject(key).write_to_stream(out)
            out.write(b" ")
            self._write(value, out)
        out.write(tail)
        out.write(b">>")

    def drain(
        self, reader_get: Callable[[IndirectObject], Any], skip: set[int]
    ) -> Iterator[tuple[int, bytes]]:
        """Serialise every referenced object not yet written (follows references as they appear)."""
        while self.pending:
            num, ref = self.pending.pop()
            if num in skip:
                continue
            yield num, self.obj_bytes(num, reader_get(ref) if isinstance(ref, IndirectObject) else ref)


# --- the template ---------------------------------------------------------------------------------------


@dataclass
class Base:
    """A ready-to-concatenate object table for one output mode."""

    prefix: bytes = b""
    offsets: dict[int, int] = field(default_factory=dict)
    size: int = 0  # next free object number
    root: int = 0
    info: int = 0
    varying: dict[int, bytes] = field(default_factory=dict)  # objects a record may replace, by number


class Raw(PdfObject):
    """Bytes already in PDF syntax (per-record values formatted directly, not through pypdf objects)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def write_to_stream(self, stream: Any, encryption_key: Any = None) -> None:
        stream.write(self.data)


class Ref(PdfObject):
    """A reference to an object number of the output (already renumbered)."""

    def __init__(self, num: int) -> None:
        self.num = num

    def write_to_stream(self, stream: Any, encryption_key: Any = None) -> None:
        stream.write(b"%d 0 R" % self.num)


def raw_data(obj: StreamObject) -> bytes:
    """A stream's still-encoded bytes, as `Numbering` copies them (pypdf's private `_data`)."""
    data: bytes = obj._data
    return data


def resolve(ref: IndirectObject) -> Any:
    return ref.get_object()


def stream(
    data: bytes, *, bbox: list[float] | None = None, res: DictionaryObject | None = None
) -> StreamObject:
    s = _compat.stream_with_raw_data(data)
    if bbox is not None:
        s[NameObject("/Type")] = NameObject("/XObject")
        s[NameObject("/Subtype")] = NameObject("/Form")
        s[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in bbox)
        s[NameObject("/Resources")] = res if res is not None else DictionaryObject()
    return s


def form_xobject(content: Any, resources: Any, box: list[float]) -> StreamObject:
    """The overlay page's content stream (still compressed) turned into a Form XObject."""
    content = content.get_object()
    s = stream(_compat.raw_data(content), bbox=box, res=resources.get_object())
    if "/Filter" in content:
        s[NameObject("/Filter")] = content["/Filter"]
    return s


def import_reportlab(
    data: bytes, order: list[int], boxes: list[list[float]], start: int
) -> tuple[list[tuple[int, bytes]], dict[int, int], int, dict[int, bytes]]:
    """Copy reportlab's overlay objects into the output, renumbered by `start - 1`, without parsing them.

    Our own reportlab output has a plain layout (classic xref table, one object per `N 0 obj`, streams with a
    direct /Length): every object but the catalog, page tree, pages and info is copied byte for byte with its
    references renumbered (by tokens, `syntax`), and each page's content stream becomes a Form XObject
    (BBox = the template page) carrying the page's resources. This skips a pypdf parse and re-serialisation
    of ~15 objects per record. Returns the objects, template page index → XObject number, the next free
    object number, and each page's resources (renumbered).
    """
    if not data:
        return [], {}, start, {}
    delta = start - 1
    plain = read_plain(data)

    def new(number: int) -> bytes:
        return b"%d 0 R" % (number + delta)

    def renumber(text: bytes, masked: bytes | None = None) -> bytes:
        return syntax.renumber(text, syntax.mask(text) if masked is None else masked, new)

    heads: dict[int, tuple[bytes, bytes, bytes]] = {}  # number -> (dictionary text, masked, rest to endobj)
    pages: list[tuple[int, bytes, bytes]] = []  # (contents number, resources text, masked)
    for num, (head, rest) in plain.objects.items():
        masked = plain.masked[num]
        kind = _top_value(masked, b"/Type")
        if num == plain.info or kind in _RL_SKIP:
            continue
        if kind == b"/Page":
            contents_ref = _top_value(masked, b"/Contents")
            span = syntax.find_top(masked, b"/Resources")
            found = None if contents_ref is None else syntax.REFERENCE.fullmatch(contents_ref)
            if found is None or span is None:
                raise PdfError("PDF katmanı: kaplama sayfasında /Contents veya /Resources yok")
            pages.append((int(found.group(1)), head[span[0] : span[1]], masked[span[0] : span[1]]))
            continue
        heads[num] = (head, masked, rest)
    count = max(plain.objects) + 1
    parts: list[tuple[int, bytes]] = []
    xobjs: dict[int, int] = {}
    page_resources: dict[int, bytes] = {}
    for (contents, resources, masked_resources), index, box in zip(pages, order, boxes, strict=True):
        page_resources[index] = renumber(resources, masked_resources)
        head, _masked, rest = heads.pop(contents)
        inner = head.strip()[2:-2]
        bbox = b" ".join(b"%.4f" % v for v in box)
        head = b"<</Type /XObject /Subtype /Form /BBox [%s] /Resources %s %s>>\n" % (bbox, resources, inner)
        heads[contents] = (head, syntax.mask(head), rest)
        xobjs[index] = contents + delta
    for num, (head, masked, rest) in heads.items():
        parts.append(
            (num + delta, b"%d 0 obj\n" % (num + delta) + renumber(head, masked) + rest + b"endobj\n")
        )
    return parts, xobjs, count + delta, page_resources


_RL_SKIP = (b"/Catalog", b"/Pages", b"/Outlines")


def _top_value(masked: bytes, key: bytes) -> bytes | None:
    span = syntax.find_top(masked, key)
    return None if span is None else masked[span[0] : span[1]]


def finish_base(base: Base, body: list[tuple[int, bytes]], size: int, root: int, info: int) -> None:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    for num, data in body:
        base.offsets[num] = out.tell()
        out.write(data)
    base.prefix = out.getvalue()
    base.size = size
    base.root = root
    base.info = info


def assemble(base: Base, parts: list[tuple[int, bytes]], size: int) -> bytes:
    """Cached prefix + this record's objects + cross-reference table + trailer."""
    chunks = [base.prefix]
    offsets = dict(base.offsets)
    pos = len(base.prefix)
    for num, data in parts:
        offsets[num] = pos
        chunks.append(data)
        pos += len(data)
    digest = hashlib.md5(b"".join(chunks[1:]), usedforsecurity=False).hexdigest()
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % size]
    free = b"0000000000 65535 f \n"
    xref.extend(b"%010d 00000 n \n" % offsets[n] if n in offsets else free for n in range(1, size))
    chunks.append(b"".join(xref))
    chunks.append(
        b"trailer\n<</Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>]>>\nstartxref\n%d\n%%%%EOF\n"
        % (size, base.root, base.info, digest.encode(), digest.encode(), pos)
    )
    return b"".join(chunks)
