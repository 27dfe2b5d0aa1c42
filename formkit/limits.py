"""How much one input may make formkit spend: rows, columns, cell length, unpacked workbook size.

Each limit has a default that fits every real HR export we know of with room to spare, and an environment
variable to raise it; the message that reports a limit names both (`limit_message`). They are read when
used, so a test or a user can change them without restarting anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from formkit.errors import InputError


@dataclass(frozen=True)
class Limit:
    """One limit: its environment variable, its default and the unit it is told in."""

    env: str
    default: int
    unit: str

    @property
    def value(self) -> int:
        """The limit in force: the environment variable (a positive whole number), else the default."""
        text = os.environ.get(self.env, "").strip()
        if not text:
            return self.default
        if not text.isdigit() or int(text) <= 0:
            raise InputError(f"{self.env}={text!r}: pozitif bir tam sayı olmalı")
        return int(text)

    def message(self, what: str) -> str:
        """What was over the limit, the limit, and the environment variable that raises it."""
        return f"{what}; sınır {self.value} {self.unit} (gerekirse {self.env} ortam değişkeniyle yükseltin)"


MAX_ROWS = Limit("FORMKIT_MAX_ROWS", 100_000, "satır")
MAX_COLUMNS = Limit("FORMKIT_MAX_COLUMNS", 200, "sütun")
# A resource limit, far above any field's own length limit (formkit.input.validate.MAX_LENGTH): a 100 KB
# address is a problem of its row, named by field; a 800 MB cell refuses the file before memory runs out.
MAX_CELL_CHARS = Limit("FORMKIT_MAX_CELL_CHARS", 1_000_000, "karakter")
# Rows × columns of the block a sheet is laid out in (calamine: ≈ 32 bytes a cell, so 5 million ≈ 160 MB);
# an export of 100,000 rows of 20 columns is 2 million.
MAX_CELLS = Limit("FORMKIT_MAX_CELLS", 5_000_000, "hücre")
# A workbook's parts once unpacked: calamine holds a sheet in memory at ≈ 1.6 × its XML size
# (bench/read_sheets.py: 80 MB of sheet XML, 100,000 rows → +129 MB), so this bounds memory to ≈ 350 MB.
MAX_UNPACKED_MB = Limit("FORMKIT_MAX_UNPACKED_MB", 200, "MB")
# Sheet XML compresses ≈ 14:1 (a 100,000-row export); a zip bomb 750:1. Checked for parts over 1 MB.
MAX_ZIP_RATIO = Limit("FORMKIT_MAX_ZIP_RATIO", 200, "kat sıkıştırma oranı")
# JSON inputs (applicant files, `fill --data` values) are read whole: their size, nesting and numbers.
# A 43 MB JSON of 100,000 records took 318 MB to parse (measured); 50 MB of `[{},{},...]` would take
# ~1 GB, hence the count of values (a record of 20 fields is ~22): 3 million ≈ 135,000 such records.
MAX_JSON_MB = Limit("FORMKIT_MAX_JSON_MB", 50, "MB")
MAX_JSON_ITEMS = Limit("FORMKIT_MAX_JSON_ITEMS", 3_000_000, "değer")
MAX_JSON_DEPTH = Limit("FORMKIT_MAX_JSON_DEPTH", 20, "düzey")
MAX_NUMBER_DIGITS = Limit("FORMKIT_MAX_NUMBER_DIGITS", 50, "hane")


__all__ = [
    "MAX_CELLS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_JSON_DEPTH",
    "MAX_JSON_ITEMS",
    "MAX_JSON_MB",
    "MAX_NUMBER_DIGITS",
    "MAX_ROWS",
    "MAX_UNPACKED_MB",
    "MAX_ZIP_RATIO",
    "Limit",
]
