"""The web form's optional store: valid submissions kept in one SQLite file, readable back as table rows.

`formkit serve --store DIR` writes each valid submission into `DIR/basvurular.sqlite` (one row per T.C.
number: a corrected submission replaces the earlier one). `formkit batch` reads that file like a CSV:
`input.sources.open_table` hands `.sqlite`/`.db` files to `open_store`, and `read_store` yields RawRows
with the canonical field names, numbered like a spreadsheet (header = row 1). sqlite3 errors become
InputError here.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

from formkit.errors import InputError
from formkit.input.table import RawRow, Table

STORE_FILENAME = "basvurular.sqlite"
SCHEMA_VERSION = 1
STORE_SUFFIXES = frozenset({".sqlite", ".sqlite3", ".db"})
# The canonical record fields, in CSV column order (see DESIGN.md).
STORE_FIELDS: tuple[str, ...] = (
    "ad", "soyad", "tc_kimlik_no", "dogum_tarihi", "dogum_yeri", "e_posta", "cep_telefonu", "kurum", "unvan",
    "adres", "il", "ilce", "posta_kodu", "basvuru_turu", "baska_marka_cihaz",
)  # fmt: skip
_TABLE = "basvuru"
_COLUMNS = ", ".join(STORE_FIELDS)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {_TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kaydedildi TEXT NOT NULL,
    {", ".join(f"{name} TEXT NOT NULL DEFAULT ''" for name in STORE_FIELDS)},
    UNIQUE (tc_kimlik_no)
)
"""


class Store:
    """The write side: one SQLite file in a folder, written by many waitress threads one at a time."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / STORE_FILENAME
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                # Personal data: readable by the officer's account only (where the OS honours the mode).
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            with contextlib.closing(self._connect()) as db, db:
                db.execute(_SCHEMA)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"{self.path}: başvuru deposu açılamadı ({exc})") from exc

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def save(self, values: Mapping[str, str]) -> None:
        """Keep one valid submission (canonical field name -> text); the same T.C. number replaces its row."""
        row = [values.get(name, "") for name in STORE_FIELDS]
        updates = ", ".join(f"{name} = excluded.{name}" for name in STORE_FIELDS if name != "tc_kimlik_no")
        sql = (
            f"INSERT INTO {_TABLE} (kaydedildi, {_COLUMNS}) VALUES (?, {', '.join('?' * len(STORE_FIELDS))}) "
            f"ON CONFLICT (tc_kimlik_no) DO UPDATE SET kaydedildi = excluded.kaydedildi, {updates}"
        )
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        with self._lock:
            try:
                with contextlib.closing(self._connect()) as db, db:
                    db.execute(sql, [stamp, *row])
            except sqlite3.Error as exc:
                raise InputError(f"{self.path}: başvuru kaydedilemedi ({exc})") from exc

    def count(self) -> int:
        """How many applicants are kept."""
        with contextlib.closing(self._connect()) as db:
            (number,) = db.execute(f"SELECT COUNT(*) FROM {_TABLE}").fetchone()
        return int(number)


def is_store_file(path: Path) -> bool:
    """True for the file suffixes `formkit batch` reads as a store (.sqlite, .sqlite3, .db)."""
    return path.suffix.lower() in STORE_SUFFIXES


def iter_records(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, canonical values) for each kept submission, oldest first; the first record is row 2.

    Rows are numbered as a spreadsheet export of the table would show them (header = row 1), so problems
    reported by `formkit batch` read the same as for a CSV file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: dosya bulunamadı")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error as exc:
        raise InputError(f"{path}: SQLite dosyası açılamadı ({exc})") from exc
    with contextlib.closing(db):
        try:
            found = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", (_TABLE,))
            if found.fetchone() is None:
                raise InputError(f"{path}: formkit başvuru deposu değil ('{_TABLE}' tablosu yok)")
            cursor = db.execute(f"SELECT {_COLUMNS} FROM {_TABLE} ORDER BY id")
            for number, record in enumerate(cursor, start=2):
                yield (
                    number,
                    {
                        name: "" if value is None else str(value)
                        for name, value in zip(STORE_FIELDS, record, strict=True)
                    },
                )
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{path}: SQLite dosyası okunamadı ({exc})") from exc


def read_store(path: Path) -> Iterator[RawRow]:
    """The kept submissions as raw table rows (source = the file name), oldest first, from row 2."""
    path = Path(path)
    for number, values in iter_records(path):
        yield RawRow(source=path.name, row=number, values=values)


def open_store(path: Path) -> Table:
    """The store as a `Table` for `formkit batch`/`validate`; InputError if it is not one or holds nobody."""
    path = Path(path)
    for _ in iter_records(path):
        break
    else:
        raise InputError(f"{path}: başvuru deposunda hiç kayıt yok")
    return Table(
        path=path,
        kind="sqlite",
        headers=STORE_FIELDS,
        fields={name: name for name in STORE_FIELDS},
        warnings=(),
        _read=lambda: read_store(path),
    )


__all__ = [
    "SCHEMA_VERSION",
    "STORE_FIELDS",
    "STORE_FILENAME",
    "STORE_SUFFIXES",
    "Store",
    "is_store_file",
    "iter_records",
    "open_store",
    "read_store",
]
