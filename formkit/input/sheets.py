"""Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) read with python-calamine, one sheet, as rows of text.

Why calamine: on a 10,000-row sheet it reads every cell in 0.10 s against openpyxl's 1.65 s (read-only mode),
and it also reads .xls and .ods, which openpyxl cannot (bench/read_sheets.py). It holds a sheet in memory
(≈ 1.6 × the sheet's XML, +13 MB at 10,000 rows), so the input is bounded before it is opened: zip-based
books by formkit.input.zipcheck (unpacked size, ratio), .xls by its file size, and every sheet by its row and
column count (formkit.limits). Rows are then handed out one at a time as text.

Which sheet: the first visible worksheet that holds data. Hidden sheets are never read (their names are
told); when only a hidden sheet holds data the message says how to show it. Row numbers are those the
spreadsheet shows (calamine pads the rows above the data); cell text is lossless: a T.C. number stored as a
number stays 11 digits, a date cell becomes 12.04.1978, and a number in a date column (a date serial that
lost its format) becomes the date it stands for.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import python_calamine as calamine

from formkit import turkish
from formkit.errors import InputError
from formkit.input import xlsscan, zipcheck
from formkit.input.extent import Extent
from formkit.limits import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_ROWS, MAX_UNPACKED_MB

KIND_NAMES = {"xlsx": "Excel çalışma kitabı (.xlsx)", "xls": "eski Excel çalışma kitabı (.xls)",
              "ods": "LibreOffice/OpenOffice hesap tablosu (.ods)"}  # fmt: skip
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's 1900 date system, as every Windows Excel writes it
_LAST_SERIAL = 2_958_465  # 31.12.9999
_HEADER_ROOM = 11  # rows a sheet may hold beyond MAX_ROWS data rows: a title, blank rows, the header
Merged = tuple[
    tuple[int, int], tuple[int, int]
]  # ((first row, first column), (last row, last column)), from 0


@dataclass(frozen=True)
class SheetChoice:
    """The sheet a workbook is read from, and what the user should know about the others."""

    index: int
    name: str
    first_column: int  # calamine's rows start at the sheet's first used column (0 = A)
    merged: tuple[Merged, ...]
    warnings: tuple[str, ...]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_size(path: Path, kind: str) -> None:
    """Refuse a workbook that would unpack past the limits, before any reader touches it."""
    if kind in {"xlsx", "ods"}:
        _check_reach(path, zipcheck.check(path, kind))
        return
    size = path.stat().st_size  # .xls stores its cells unpacked: the file size bounds them
    if size > MAX_UNPACKED_MB.value * 1_000_000:
        raise InputError(f"{path}: {MAX_UNPACKED_MB.message(f'dosya {size // 1_000_000} MB')}")
    _check_reach(path, xlsscan.reach(path))


def _check_reach(path: Path, reach: Extent) -> None:
    """Refuse a sheet whose last value lies past the row, column or cell-block limits."""
    if reach.rows > MAX_ROWS.value + _HEADER_ROOM:
        raise InputError(f"{path}: {MAX_ROWS.message(f'son dolu satır {reach.rows}')}")
    if reach.columns > MAX_COLUMNS.value:
        last = column_letter(reach.columns - 1)
        raise InputError(f"{path}: {MAX_COLUMNS.message(f'son dolu sütun {last}')}")
    _check_area(path, reach.rows, reach.columns)


def _is_panic(exc: BaseException) -> bool:
    """True for a Rust panic inside calamine (pyo3 raises PanicException, a BaseException, on damaged
    input: found by fuzzing a truncated .xls). Matched by name: pyo3_runtime is not importable."""
    return type(exc).__name__ == "PanicException"


@contextmanager
def _workbook(path: Path, kind: str) -> Iterator[Any]:
    broken = f"{path}: {KIND_NAMES[kind]} okunamadı; dosya bozuk olabilir"
    try:
        # From the open file, not the path: calamine then tells the format by content, not by the name
        # (an .ods saved as "liste.xlsx"). It reads the file into memory; check_size bounded it.
        with path.open("rb") as stream:
            book = calamine.CalamineWorkbook.from_filelike(stream)
    except calamine.PasswordError as exc:
        raise InputError(
            f"{path}: çalışma kitabı parolayla korunuyor; parolayı kaldırıp yeniden kaydedin"
        ) from exc
    except (calamine.CalamineError, OSError, ValueError) as exc:
        raise InputError(f"{broken} ({exc})") from exc
    except BaseException as exc:
        if _is_panic(exc):
            raise InputError(broken) from exc
        raise
    try:
        yield book
    except calamine.CalamineError as exc:
        raise InputError(f"{broken} ({exc})") from exc
    except BaseException as exc:
        if _is_panic(exc):
            raise InputError(broken) from exc
        raise
    finally:
        book.close()


def choose_sheet(path: Path, kind: str) -> SheetChoice:
    """The first visible worksheet with data; InputError when there is none (naming hidden ones)."""
    with _workbook(path, kind) as book:
        chosen: SheetChoice | None = None
        hidden_with_data: list[str] = []
        others_with_data: list[str] = []
        for index, meta in enumerate(book.sheets_metadata):
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_index(index)
            if sheet.start is None:
                continue  # empty (Excel's untouched Sayfa2, Sayfa3)
            if meta.visible != calamine.SheetVisibleEnum.Visible:
                hidden_with_data.append(meta.name)
            elif chosen is not None:
                others_with_data.append(meta.name)
            else:
                _check_extent(path, meta.name, sheet)
                merged = tuple(sheet.merged_cell_ranges or ())
                chosen = SheetChoice(index, meta.name, sheet.start[1], merged, ())
    hidden = ", ".join(f"'{name}'" for name in hidden_with_data)
    if chosen is None:
        if hidden:
            raise InputError(
                f"{path}: görünür sayfaların hepsi boş; veriler gizli {hidden} sayfasında. Sayfayı gösterin "
                "(sayfa sekmesine sağ tıklayıp 'Göster') ya da verileri görünür bir sayfaya taşıyın"
            )
        raise InputError(f"{path}: çalışma kitabında dolu bir sayfa yok")
    warnings = []
    if others_with_data:
        listed = ", ".join(f"'{name}'" for name in others_with_data)
        warnings.append(f"{path.name}: yalnızca ilk dolu sayfa '{chosen.name}' okundu; {listed} okunmadı")
    if hidden:
        warnings.append(f"{path.name}: gizli {hidden} sayfası okunmadı")
    return SheetChoice(chosen.index, chosen.name, chosen.first_column, chosen.merged, tuple(warnings))


def _check_extent(path: Path, name: str, sheet: Any) -> None:
    end = sheet.end
    if end is not None and end[0] + 1 > MAX_ROWS.value + _HEADER_ROOM:
        last = end[0] + 1
        raise InputError(f"{path}: '{name}' sayfası: {MAX_ROWS.message(f'son dolu satır {last}')}")
    if sheet.width > MAX_COLUMNS.value:
        raise InputError(f"{path}: '{name}' sayfası: {MAX_COLUMNS.message(f'{sheet.width} sütun dolu')}")
    if end is not None:
        _check_area(path, end[0] + 1, end[1] + 1)


def _check_area(path: Path, rows: int, columns: int) -> None:
    """The block from A1 to the last used cell, which the reader lays out cell by cell."""
    if rows * columns > MAX_CELLS.value:
        told = MAX_CELLS.message(f"sayfa {rows} satır × {columns} sütunluk bir alana yayılıyor")
        raise InputError(f"{path}: {told}")


def sheet_rows(
    path: Path, kind: str, choice: SheetChoice, date_columns: Collection[int] = ()
) -> Iterator[tuple[int, list[str]]]:
    """(row number as the spreadsheet shows it, cell texts) for every row of the chosen sheet.

    `date_columns` (indexes into the row) turn number cells into the dates they stand for (Excel serials).
    """
    limit = MAX_CELL_CHARS.value
    with _workbook(path, kind) as book:
        sheet = book.get_sheet_by_index(choice.index)
        _check_extent(path, choice.name, sheet)
        for number, values in enumerate(sheet.iter_rows(), start=1):
            if values.count("") == len(values):  # blank (calamine pads rows above the data with these)
                yield number, []
                continue
            cells = []
            for index, value in enumerate(values):
                text = _cell_text(value, index in date_columns)
                if len(text) > limit:
                    where = f"satır {number}, sütun {column_letter(choice.first_column + index)}"
                    raise InputError(
                        f"{path}: {where}: {MAX_CELL_CHARS.message(f'hücrede {len(text)} karakter var')}"
                    )
                cells.append(text)
            yield number, cells


def _cell_text(value: object, is_date: bool = False) -> str:
    """A cell as text without loss: 25881399814.0 → "25881399814", a date → 12.04.1978."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "evet" if value else "hayır"
    if is_date and isinstance(value, int | float) and 1 <= value <= _LAST_SERIAL:
        moment = datetime.combine(_EXCEL_EPOCH, time()) + timedelta(days=float(value))
        value = moment.date() if float(value).is_integer() else moment
    return cell_text(value)


def cell_text(value: object) -> str:
    """Any reader's cell value as text without loss (shared with JSON values)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "evet" if value else "hayır"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return turkish.format_date(value.date())
        return f"{turkish.format_date(value.date())} {value:%H:%M}"
    if isinstance(value, date):
        return turkish.format_date(value)
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


__all__ = [
    "KIND_NAMES",
    "Merged",
    "SheetChoice",
    "cell_text",
    "check_size",
    "choose_sheet",
    "column_letter",
    "sheet_rows",
]
