"""Join many small PDFs into one print file, streaming, with one bookmark per document.

A batch joins thousands of packets (tens of thousands of pages) into a few files for one print job. Parsing
every page into objects and writing it back (pypdf ≈ 600 pages/s, pikepdf ≈ 2,700 pages per CPU-second here,
`bench/bench_join.py --pikepdf`) would cost more than making the packets. Our packets are plain PDFs with a
classic cross-reference table, so this module copies each object's bytes as they are, renumbering the indirect
references found as tokens (`syntax`: never inside a string, a hex string or a comment; stream data is never
touched), and links the pages under one page tree. Memory holds only the page numbers, object offsets and
bookmark titles, never a document.

A source in another valid form (cross-reference streams, object streams, incremental updates, inherited page
attributes) is first rewritten into the plain form by pypdf, read strictly, so any valid PDF can be joined. A
damaged source (`DamagedPdf`, or one pypdf cannot read strictly) is a JoinError: never a guessed repair.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from pypdf import PdfReader, PdfWriter

from formkit.errors import DamagedPdf, JoinError, NotPlain
from formkit.pdf import syntax
from formkit.pdf.reader import read_plain

__all__ = ["JoinError", "JoinWriter"]

_A4 = b"0 0 595.2756 841.8898"
_INHERITABLE = (b"/Resources", b"/MediaBox", b"/CropBox", b"/Rotate")
_KIDS = re.compile(rb"\[\s*(?:\d+\s+\d+\s+R\s*)*\]")
_MAX_DEPTH = 32  # page-tree levels; a deeper (or cyclic) tree is left to pypdf


@dataclass(frozen=True)
class _Source:
    objects: dict[int, tuple[bytes, bytes]]  # object number -> (head, stream part), as the reader split it
    masked: dict[int, bytes]  # object number -> its head (no stream data) with strings blanked
    pages: list[int]  # page object numbers in order
    skip: frozenset[int]  # catalog, page-tree nodes, info: replaced by the joined file's own


def _parse(data: bytes) -> _Source:
    """Split a plain PDF into its objects and ordered pages; NotPlain when it is another form."""
    plain = read_plain(data)
    pages_root = _reference(plain.masked[plain.root], b"/Pages")
    pages: list[int] = []
    tree: set[int] = set()
    _walk(plain.masked, pages_root, pages, tree, depth=0)
    skip = {plain.root, *tree}
    if plain.info is not None:
        skip.add(plain.info)
    return _Source(objects=plain.objects, masked=plain.masked, pages=pages, skip=frozenset(skip))


def _reference(masked: bytes, key: bytes) -> int:
    """The object number a top-level key refers to; NotPlain when it is absent or not a reference."""
    span = syntax.find_top(masked, key)
    found = None if span is None else syntax.REFERENCE.fullmatch(masked, span[0], span[1])
    if found is None:
        raise DamagedPdf(f"PDF bozuk: {key.decode()} bir nesne başvurusu değil")
    return int(found.group(1))


def _value(masked: bytes, key: bytes) -> bytes | None:
    span = syntax.find_top(masked, key)
    return None if span is None else masked[span[0] : span[1]]


def _walk(masked: dict[int, bytes], number: int, pages: list[int], tree: set[int], depth: int) -> None:
    if depth > _MAX_DEPTH or number in tree:
        raise NotPlain  # deep or cyclic: pypdf decides
    if number not in masked:
        raise DamagedPdf("PDF bozuk: sayfa ağacı olmayan bir nesneyi gösteriyor")
    body = masked[number]
    kind = _value(body, b"/Type")
    if kind == b"/Page":
        pages.append(number)
        return
    if kind != b"/Pages":
        raise DamagedPdf("PDF bozuk: sayfa ağacında sayfa olmayan bir nesne")
    tree.add(number)
    if any(syntax.find_top(body, key) is not None for key in _INHERITABLE):
        raise NotPlain  # attributes inherited from the tree would be lost
    kids = _value(body, b"/Kids")
    count = _value(body, b"/Count")
    if kids is None or count is None or _KIDS.fullmatch(kids) is None or not count.isdigit():
        raise DamagedPdf("PDF bozuk: sayfa ağacı okunamadı")
    before = len(pages)
    for _start, _end, kid in syntax.references(kids):
        _walk(masked, kid, pages, tree, depth + 1)
    if len(pages) - before != int(count):
        raise DamagedPdf("PDF bozuk: sayfa ağacındaki /Count sayfa sayısıyla uyuşmuyor")


def _normalise(data: bytes, title: str) -> bytes:
    """Rewrite any valid PDF into the plain form (classic xref, no object streams, attributes on pages).

    pypdf reads strictly: a damaged file is an error here, never a guess (its repairs can drop pages).
    """
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        writer = PdfWriter()
        for page in reader.pages:  # page objects as read carry their inherited attributes
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
    except Exception as exc:  # pypdf raises many kinds on damaged files (ValueError, KeyError, zlib.error)
        raise JoinError(f"{title}: PDF okunamadı ({type(exc).__name__})") from exc
    return out.getvalue()


def _pdf_text(text: str) -> bytes:
    """A PDF text string that keeps Turkish letters (UTF-16BE with BOM, as hex)."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


class JoinWriter:
    """Writes one joined PDF incrementally: `add` each document, then `close` (or use as a context manager).

    The file appears under its final name only when complete (temporary file, then rename).
    """

    _PAGES_ROOT, _OUTLINES, _CATALOG = 1, 2, 3

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".join-", suffix=".pdf.tmp", dir=path.parent)
        self._tmp = Path(tmp)
        self._out = os.fdopen(fd, "wb")
        self._offsets: dict[int, int] = {}
        self._next = 4
        self._kids: list[int] = []
        self._marks: list[tuple[str, int]] = []  # (title, first page object)
        self._last_box = _A4
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    @property
    def documents(self) -> int:
        return len(self._marks)

    @property
    def pages(self) -> int:
        return len(self._kids)

    def _write(self, data: bytes) -> None:
        self._out.write(data)

    def _object(self, number: int, body: bytes) -> None:
        self._offsets[number] = self._out.tell()
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def add(self, data: bytes, title: str, *, pad_to_even: bool = False) -> int:
        """Append every page of one PDF with a bookmark to its first page; return the pages added."""
        try:
            source = _parse(data)
        except DamagedPdf as exc:
            raise JoinError(f"{title}: {exc.message}") from exc
        except NotPlain:
            source = _parse_normalised(data, title)
        if not source.pages:
            raise JoinError(f"{title}: PDF'te sayfa yok")
        numbers = {old: self._next + i for i, old in enumerate(sorted(source.objects))}
        parent = b"%d 0 R" % self._PAGES_ROOT
        page_set = set(source.pages)
        skip = source.skip

        def new(number: int) -> bytes:
            target = numbers.get(number)
            return b"null" if target is None or number in skip else b"%d 0 R" % target

        parts: list[tuple[int, bytes]] = []
        box = self._last_box
        for old in sorted(source.objects):
            if old in skip:
                continue
            head, rest = source.objects[old]
            masked = source.masked[old]
            if old in page_set:  # its /Parent was a node of the source's page tree: now the joined tree
                span = syntax.find_top(masked, b"/Parent")
                if span is None:
                    raise JoinError(f"{title}: PDF bozuk: sayfanın /Parent kaydı yok")
                start, end = span
                head = (
                    syntax.renumber(head[:start], masked[:start], new)
                    + parent
                    + syntax.renumber(head[end:], masked[end:], new)
                )
                media = _value(masked, b"/MediaBox")
                if media is not None and media.startswith(b"["):
                    box = media[1:-1].strip()
            else:
                head = syntax.renumber(head, masked, new)
            parts.append((numbers[old], head + rest))
        self._next += len(numbers)
        self._last_box = box
        for number, body in parts:
            self._object(number, body)
        first = numbers[source.pages[0]]
        self._kids.extend(numbers[p] for p in source.pages)
        added = len(source.pages)
        if pad_to_even and added % 2:
            blank = self._next
            self._next += 1
            self._object(
                blank,
                b"<< /Type /Page /Parent "
                + parent
                + b" /MediaBox ["
                + self._last_box
                + b"] /Resources << >> >>",
            )
            self._kids.append(blank)
            added += 1
        self._marks.append((title, first))
        return added

    def close(self) -> None:
        """Write the page tree, bookmarks, catalog and cross-reference table, then move into place."""
        if self._out.closed:
            return
        try:
            kids = b" ".join(b"%d 0 R" % k for k in self._kids)
            self._object(
                self._PAGES_ROOT, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(self._kids), kids)
            )
            items = list(range(self._next, self._next + len(self._marks)))
            self._next += len(items)
            for index, (number, (title, page)) in enumerate(zip(items, self._marks, strict=True)):
                links = b"/Parent %d 0 R" % self._OUTLINES
                if index:
                    links += b" /Prev %d 0 R" % items[index - 1]
                if index + 1 < len(items):
                    links += b" /Next %d 0 R" % items[index + 1]
                dest = b"/Dest [%d 0 R /XYZ null null null]" % page
                self._object(number, b"<< /Title " + _pdf_text(title) + b" " + links + b" " + dest + b" >>")
            outline = b"<< /Type /Outlines /Count %d" % len(items)
            if items:
                outline += b" /First %d 0 R /Last %d 0 R" % (items[0], items[-1])
            self._object(self._OUTLINES, outline + b" >>")
            self._object(
                self._CATALOG,
                b"<< /Type /Catalog /Pages %d 0 R /Outlines %d 0 R /PageMode /UseOutlines >>"
                % (self._PAGES_ROOT, self._OUTLINES),
            )
            xref = self._out.tell()
            size = self._next
            lines = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
            for number in range(1, size):
                offset = self._offsets.get(number)
                lines.append(b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 00000 f \n")
            self._write(b"".join(lines))
            self._write(
                b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
                % (size, self._CATALOG, xref)
            )
            self._out.flush()
            os.fsync(self._out.fileno())
            self._out.close()
            os.replace(self._tmp, self.path)
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Drop the unfinished file."""
        if not self._out.closed:
            self._out.close()
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> JoinWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


def _parse_normalised(data: bytes, title: str) -> _Source:
    try:
        return _parse(_normalise(data, title))
    except NotPlain as exc:
        raise JoinError(f"{title}: PDF birleştirilemedi: {exc.message}") from exc
