"""errors.csv (and errors.xlsx): the problems of a batch, in a form the officer can open and act on.

errors.csv opens in Turkish Excel in columns: `;` separator, UTF-8 with a BOM, CRLF. One line per problem:
the row number as the spreadsheet shows it, the person's name as written, the column under the header the
user's own file used ("T.C. KİMLİK NO", not tc_kimlik_no), and the problem in Turkish. Cells a spreadsheet
would run as a formula are neutralised (OWASP CSV injection). When the input was a workbook, the same table
is written as errors.xlsx too, every cell typed as text (so nothing in it can run as a formula either).
T.C. numbers never appear in full (KVKK): messages go through model.redact_tc.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formkit.fileio import write_atomic
from formkit.model import Problem, mask_digit_runs, redact_tc

CSV_NAME = "errors.csv"
XLSX_NAME = "errors.xlsx"
HEADER = ("Satır", "Ad Soyad", "Sütun", "Sorun")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NOT_A_COLUMN = {"satır": "(satırın tamamı)", "": ""}


@dataclass(frozen=True)
class ErrorLine:
    """One problem as the officer reads it."""

    row: int
    name: str
    column: str
    message: str


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula starts with a quote instead."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


class ErrorReport:
    """Collects the problems of a batch and writes them; `headers` maps a canonical field to the user's
    header for it (Table.fields), `workbook` says whether errors.xlsx is written too."""

    def __init__(self, headers: Mapping[str, str] | None = None, *, workbook: bool = False) -> None:
        self.headers = dict(headers or {})
        self.workbook = workbook
        self.lines: list[ErrorLine] = []

    def add(self, row: int, problems: Iterable[Problem], values: Mapping[str, str] | None = None) -> None:
        """The problems of one row; `values` (the raw row) gives the person's name as written."""
        values = values or {}
        name = " ".join(
            part for part in (values.get("ad", "").strip(), values.get("soyad", "").strip()) if part
        )
        name = mask_digit_runs(name[:80])
        for problem in problems:
            column = _NOT_A_COLUMN.get(problem.field, self.headers.get(problem.field, problem.field))
            self.lines.append(ErrorLine(row, name, column, redact_tc(problem.message)))

    def write(self, out_dir: Path) -> list[Path]:
        """Write errors.csv (always: an empty table says there were none) and errors.xlsx for workbooks;
        an errors.xlsx left by an earlier run of a CSV input is removed. Returns the files written."""
        lines = sorted(self.lines, key=lambda line: line.row)
        written = [write_atomic(out_dir / CSV_NAME, csv_bytes(lines))]
        xlsx = out_dir / XLSX_NAME
        if self.workbook:
            written.append(write_atomic(xlsx, xlsx_bytes(lines)))
        else:
            xlsx.unlink(missing_ok=True)
        return written


def _cells(line: ErrorLine) -> list[str]:
    # row 0: a problem of no row (a portal printout no row owns, batch --forms): the row cell stays empty
    return [str(line.row) if line.row else "", line.name, line.column, line.message]


def csv_bytes(lines: Iterable[ErrorLine]) -> bytes:
    """The lines as a Turkish-Excel CSV: `;`, CRLF, UTF-8 with a BOM, formulas neutralised."""
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    out.writerow(HEADER)
    for line in lines:
        out.writerow([neutralise(cell) for cell in _cells(line)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(lines: Iterable[ErrorLine]) -> bytes:
    """The lines as a one-sheet workbook (openpyxl write-only); every cell is a text cell."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Hatalar")
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCD", (8, 28, 24, 90), strict=True):
        sheet.column_dimensions[letter].width = width

    def text(value: str, bold: bool = False) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if bold:
            cell.font = Font(bold=True)
        return cell

    sheet.append([text(word, bold=True) for word in HEADER])
    for line in lines:
        number = WriteOnlyCell(sheet, value=line.row)
        sheet.append([number, *(text(cell) for cell in _cells(line)[1:])])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = [
    "CSV_NAME",
    "HEADER",
    "XLSX_NAME",
    "ErrorLine",
    "ErrorReport",
    "csv_bytes",
    "neutralise",
    "xlsx_bytes",
]
