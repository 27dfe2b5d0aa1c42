"""How far an old Excel (.xls) sheet reaches, read from its BIFF records before calamine lays it out.

A 5.6 KB .xls with one value at IV65536 made calamine lay out 65,536 × 256 cells: 1 GB of memory
(measured). The .xls is a compound file (olefile reads it); its Workbook stream is a run of records, and
every record that holds a value starts with its row and column. Only value records count (calamine lays
out values, not the formatting-only BLANK cells). Pure reading: a Python loop over the records, about a
microsecond each (an .xls holds at most 65,536 rows).
"""

from __future__ import annotations

import struct
from pathlib import Path

from formkit.errors import InputError
from formkit.input.extent import Extent

# BIFF8 value records: LABELSST, NUMBER, RK, LABEL, BOOLERR, FORMULA, RSTRING (row, column first) and
# MULRK (row, first column; the last column is in its last two bytes).
_CELL = frozenset({0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x0006, 0x00D6})
_MULRK = 0x00BD
_HEADER = struct.Struct("<HH")


def reach(path: Path) -> Extent:
    """The last row and column (1-based) that hold a value in any sheet; InputError when unreadable."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                raise InputError(
                    f"{path}: eski bir Office dosyası ama Excel çalışma kitabı değil (.doc, .ppt ...)"
                )
            data = ole.openstream(name).read()
    except InputError:
        raise
    except Exception as exc:  # olefile raises assorted errors on damaged files; all mean the same here
        raise InputError(f"{path}: eski Excel çalışma kitabı (.xls) okunamadı; dosya bozuk olabilir") from exc
    extent = Extent()
    position, end = 0, len(data) - _HEADER.size
    while position <= end:
        kind, length = _HEADER.unpack_from(data, position)
        body = position + _HEADER.size
        if kind in _CELL and length >= 4:
            row, column = _HEADER.unpack_from(data, body)
            extent.add(row + 1, column + 1)
        elif kind == _MULRK and length >= 6:
            row, _first = _HEADER.unpack_from(data, body)
            (last,) = struct.unpack_from("<H", data, body + length - 2)
            extent.add(row + 1, last + 1)
        position = body + length
    return extent


__all__ = ["reach"]
