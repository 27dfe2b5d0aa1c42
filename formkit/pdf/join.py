"""Join many small PDFs into one print file, streaming, with one bookmark per document.

A batch joins thousands of packets (tens of thousands of pages) into a few files for one print job. Parsing
every page into objects and writing it back (pypdf ≈ 600 pages/s, pikepdf ≈ 1,700 pages/s here) would cost
more than making the packets. Our packets are plain PDFs with a classic cross-reference table, so this module
copies each object's bytes as they are, renumbering only the indirect references outside streams, and links
the pages under one page tree. Memory holds only the page numbers and bookmark titles, never a document.

A source that is not in that plain form (cross-reference streams, object streams, incremental updates,
inherited page attributes) is first rewritten into it by pypdf, so any valid PDF can be joined.
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
from pypdf.errors import PyPdfError

from formkit.errors import FormkitError
from formkit.pdf.reader import NotPlain, read_plain

_REF = re.compile(rb"(\d+) (\d+) R\b")
_STREAM = re.compile(rb">>\s*stream(\r\n|\n)")
_PAGES = re.compile(rb"/Pages (\d+) \d+ R")
_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
_TYPE = re.compile(rb"/Type\s*/(\w+)")
_MEDIABOX = re.compile(rb"/MediaBox\s*\[([^\]]*)\]")
_INHERITABLE = re.compile(rb"/(Resources|MediaBox|CropBox|Rotate)\b")
_A4 = b"0 0 595.2756 841.8898"


class JoinError(FormkitError):
    """A document could not be added to a print file."""


class _NotPlain(Exception):
    """The source is valid PDF but not in the plain form the fast path copies."""


@dataclass(frozen=True)
class _Source:
    objects: dict[int, bytes]  # object number -> the bytes between "n g obj" and "endobj"
    pages: list[int]  # page object numbers in order
    skip: frozenset[int]  # catalog, page-tree nodes, info: replaced by the joined file's own


def _parse(data: bytes) -> _Source:
    """Split a plain PDF into its objects and ordered pages; _NotPlain when it is another form."""
    try:
        plain = read_plain(data)
    except NotPlain as exc:
        raise _NotPlain from exc
    objects = {number: head + rest for number, (head, rest) in plain.objects.items()}
    pages_match = _PAGES.search(plain.objects.get(plain.root, (b"", b""))[0])
    if pages_match is None:
        raise _NotPlain
    pages: list[int] = []
    tree: set[int] = set()
    _walk(objects, int(pages_match.group(1)), pages, tree, depth=0)
    skip = {plain.root, *tree}
    if plain.info is not None:
        skip.add(plain.info)
    return _Source(objects=objects, pages=pages, skip=frozenset(skip))


def _walk(objects: dict[int, bytes], number: int, pages: list[int], tree: set[int], depth: int) -> None:
    if depth > 32 or number in tree or number not in objects:
        raise _NotPlain
    body = _dict_part(objects[number])
    kind = _TYPE.search(body)
    if kind is not None and kind.group(1) == b"Page":
        pages.append(number)
        return
    tree.add(number)
    if _INHERITABLE.search(body):
        raise _NotPlain  # attributes inherited from the tree would be lost
    kids = _KIDS.search(body)
    if kids is None:
        raise _NotPlain
    for kid in _REF.finditer(kids.group(1)):
        _walk(objects, int(kid.group(1)), pages, tree, depth + 1)


def _dict_part(body: bytes) -> bytes:
    stream = _STREAM.search(body)
    return body if stream is None else body[: stream.start() + 2]


def _normalise(data: bytes) -> bytes:
    """Rewrite any readable PDF into the plain form (classic xref, no object streams, attributes on pages)."""
    try:
        reader = PdfReader(io.BytesIO(data))
        writer = PdfWriter()
        for page in reader.pages:  # page objects as read carry their inherited attributes
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError) as exc:
        raise JoinError(f"PDF okunamadı: {exc}") from exc
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
        except _NotPlain:
            source = _parse_normalised(data)
        if not source.pages:
            raise JoinError(f"{title}: PDF'te sayfa yok")
        numbers = {old: self._next + i for i, old in enumerate(sorted(source.objects))}
        self._next += len(numbers)
        parent = b"/Parent %d 0 R" % self._PAGES_ROOT
        page_set = set(source.pages)

        def renumber(match: re.Match[bytes]) -> bytes:
            new = numbers.get(int(match.group(1)))
            return b"null" if new is None or int(match.group(1)) in source.skip else b"%d 0 R" % new

        for old in sorted(source.objects):
            if old in source.skip:
                continue
            body = source.objects[old]
            stream = _STREAM.search(body)
            head, rest = (
                (body, b"") if stream is None else (body[: stream.start() + 2], body[stream.start() + 2 :])
            )
            head = _REF.sub(renumber, head)
            if old in page_set:  # its /Parent was a node of the source's page tree, now null
                head = head.replace(b"/Parent null", parent, 1)
                box = _MEDIABOX.search(head)
                if box:
                    self._last_box = box.group(1).strip()
            self._object(numbers[old], head + rest)
        first = numbers[source.pages[0]]
        self._kids.extend(numbers[p] for p in source.pages)
        added = len(source.pages)
        if pad_to_even and added % 2:
            blank = self._next
            self._next += 1
            self._object(
                blank,
                b"<< /Type /Page " + parent + b" /MediaBox [" + self._last_box + b"] /Resources << >> >>",
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


def _parse_normalised(data: bytes) -> _Source:
    try:
        return _parse(_normalise(data))
    except _NotPlain as exc:
        raise JoinError("PDF birleştirilemedi: beklenmeyen yapı") from exc
