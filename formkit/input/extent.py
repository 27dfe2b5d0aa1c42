"""How large a sheet will be once a reader lays it out, read from the XML before the reader sees it.

calamine lays a sheet out as one dense block from its first to its last cell: a 5 KB .xlsx holding A1 and
XFD1048576 asks for 17 billion cells and kills the process (measured: abort, signal 6). The unpacked size
says nothing about that, so the sheet XML is scanned while zipcheck inflates it: for .xlsx the cell and row
references (`r="XFD1048576"`), for .ods the repeat counts of rows and cells that hold a value
(`table:number-rows-repeated`, `table:number-columns-repeated`; the empty tails LibreOffice writes are
not laid out). The result is the last row and column that hold anything, per workbook.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass

_REF = re.compile(rb'\sr="([A-Z]{0,3})(\d{1,9})"')
_OVERLAP = 32  # bytes kept between chunks so a reference cut in two is still seen
_COMMENTS = re.compile(rb"<!--.*?-->", re.DOTALL)


@dataclass
class Extent:
    """The last row and column (1-based) that hold anything."""

    rows: int = 0
    columns: int = 0

    def add(self, row: int, column: int) -> None:
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)


def column_number(letters: bytes) -> int:
    """b"A" → 1, b"XFD" → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


_ROOT = re.compile(rb"<(?![?!])(?:[\w.-]+:)?([\w.-]+)")


class XlsxScanner:
    """Fed an XML part of a workbook in chunks; when its root element is a worksheet (whatever the part's
    path), notes the largest row and column any reference names. Other parts (a theme's r="50000") are
    skipped."""

    def __init__(self, extent: Extent) -> None:
        self.extent = extent
        self.tail = b""
        self.head = b""
        self.is_sheet: bool | None = None

    def feed(self, chunk: bytes) -> None:
        if self.is_sheet is None:
            self.head += chunk
            root = _ROOT.search(_COMMENTS.sub(b"", self.head))
            if root is None:
                if len(self.head) > 1 << 16:
                    self.is_sheet = True  # 64 KB without an element: scan it rather than trust it
                return
            self.is_sheet = root.group(1) in (b"worksheet", b"dialogsheet")
            chunk, self.head = self.head, b""
        if not self.is_sheet:
            return
        data = self.tail + chunk
        refs = _REF.findall(data)
        if refs:
            letters = max((ref[0] for ref in refs), key=lambda text: (len(text), text))
            self.extent.add(max(int(ref[1]) for ref in refs), column_number(letters))
        self.tail = data[-_OVERLAP:]

    def close(self) -> None:
        """Nothing is buffered beyond the overlap."""


class OdsScanner:
    """Fed content.xml in chunks (expat, streaming); walks rows and cells with their repeat counts."""

    def __init__(self, extent: Extent) -> None:
        self.extent = extent
        self.parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.row = 0  # rows laid out before the current one, in the current table
        self.row_repeat = 1
        self.column = 0
        self.cell_repeat = 1
        self.cell_has_value = False

    _TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
    _OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 "

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if name == self._TABLE + "table":
            self.row = 0
        elif name == self._TABLE + "table-row":
            self.row_repeat = _count(attributes.get(self._TABLE + "number-rows-repeated"))
            self.column = 0
        elif name in (self._TABLE + "table-cell", self._TABLE + "covered-table-cell"):
            self.cell_repeat = _count(attributes.get(self._TABLE + "number-columns-repeated"))
            self.cell_has_value = self._OFFICE + "value-type" in attributes
        elif self.cell_repeat and name.endswith(" p"):
            self.cell_has_value = True  # text content

    def _end(self, name: str) -> None:
        if name in (self._TABLE + "table-cell", self._TABLE + "covered-table-cell"):
            if self.cell_has_value:
                self.extent.add(self.row + self.row_repeat, self.column + self.cell_repeat)
            self.column += self.cell_repeat
            self.cell_repeat, self.cell_has_value = 0, False
        elif name == self._TABLE + "table-row":
            self.row += self.row_repeat

    def feed(self, chunk: bytes) -> None:
        self.parser.Parse(chunk, False)

    def close(self) -> None:
        self.parser.Parse(b"", True)


def _count(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 10 else 1


__all__ = ["Extent", "OdsScanner", "XlsxScanner", "column_number"]
