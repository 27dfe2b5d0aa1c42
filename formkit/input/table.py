"""The types every applicant reader produces: `RawRow` (one data row as text) and `Table` (a checked input).

They live apart from the readers so that every reader (sources for files, store for the web form's SQLite
store) imports them from here and nothing imports a reader back: sources → store → table, no cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class RawRow:
    """One data row: canonical field name → text as found. `row` is the spreadsheet row (header = 1).

    `extra` holds non-empty cells beyond the last header (a sign that a value held an unquoted delimiter).
    """

    source: str
    row: int
    values: Mapping[str, str]
    extra: tuple[str, ...] = ()


def _no_rows() -> Iterator[RawRow]:
    return iter(())


@dataclass(frozen=True)
class Table:
    """An applicant table checked by its reader; `rows()` streams its rows (it may be called again).

    `fields` maps each canonical field to the header the user's file wrote for it ("T.C. KİMLİK NO"), so
    reports can speak the user's own words. `kind` names what the content really is (csv, xlsx, xls, ods,
    json, sqlite), whatever the file's name says.
    """

    path: Path
    kind: str
    headers: tuple[str, ...]
    fields: Mapping[str, str]
    warnings: tuple[str, ...]
    encoding: str = ""
    delimiter: str = ""
    header_row: int = 1  # the header's row number; rows above it (a title, blank rows) are skipped
    _read: Callable[[], Iterator[RawRow]] = field(default=_no_rows, repr=False, compare=False)

    @property
    def source(self) -> str:
        """The name problems are reported under (the file name)."""
        return self.path.name

    @property
    def is_spreadsheet(self) -> bool:
        """True for workbooks (xlsx, xlsm, xls, ods): their users get errors.xlsx too."""
        return self.kind in {"xlsx", "xls", "ods"}

    def header_for(self, name: str) -> str:
        """The user's own header for a canonical field ("tc_kimlik_no" → "T.C. Kimlik No"); else the name."""
        return self.fields.get(name, name)

    def rows(self) -> Iterator[RawRow]:
        """Every non-blank data row in file order, streamed."""
        return self._read()


__all__ = ["RawRow", "Table"]
