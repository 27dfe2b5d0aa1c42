"""Fuzzing the readers (hypothesis): whatever the bytes, open_table and its rows end in a Table or InputError.

Kept at a size CI can afford (FORMKIT_FUZZ_EXAMPLES, default 30 per test, each with a 30 s deadline); the
process's peak memory may not grow by more than 300 MB over the whole module. The longer run named in the
README: `FORMKIT_FUZZ_EXAMPLES=3000 .venv/bin/python -m pytest -q tests/test_fuzz_readers.py`.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from formkit.errors import InputError
from formkit.input.sources import open_table
from tests.batchdata import HEADERS, applicant_row

EXAMPLES = int(os.environ.get("FORMKIT_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=30_000,  # a hang detector, not a benchmark: generous for a loaded CI machine
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=EXAMPLES <= 30,  # CI: the same examples every run; longer runs explore
)
SUFFIXES = [".csv", ".xlsx", ".xls", ".ods", ".json", ".txt", ".dat"]


def _peak_kb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


@pytest.fixture(scope="module", autouse=True)
def _memory_stays_bounded() -> Iterator[None]:
    if not sys.platform.startswith("linux"):
        yield
        return
    before = _peak_kb()
    yield
    assert _peak_kb() - before < 300_000, "the readers' fuzzing grew peak memory by more than 300 MB"


def _read(path: Path) -> None:
    try:
        table = open_table(path)
        for _ in table.rows():
            pass
    except InputError as exc:
        assert exc.message.strip() and "\n" not in exc.message.strip()


def _xlsx() -> bytes:
    book = Workbook()
    book.active.append(HEADERS)
    for i in range(3):
        row: list[object] = list(applicant_row(i))
        row[2], row[3] = int(str(row[2])), date(1980, 1, i + 1)
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _written(writer_name: str, suffix: str) -> bytes:
    """A small workbook written by the tests' own writers (xlwt, odfpy), as bytes."""
    import tempfile

    from tests import test_sheets

    with tempfile.TemporaryDirectory() as folder:
        writer = getattr(test_sheets, writer_name)
        return bytes(writer(Path(folder) / f"seed{suffix}", test_sheets._rows(3)).read_bytes())


SEEDS = {"xlsx": _xlsx(), "ods": _written("write_ods", ".ods"), "xls": _written("write_xls", ".xls")}


@FUZZ
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"girdi{suffix}"
    path.write_bytes(data)
    _read(path)


@FUZZ
@given(
    kind=st.sampled_from(sorted(SEEDS)),
    edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=20),
    cut=st.one_of(st.none(), st.floats(0, 1)),
    suffix=st.sampled_from(SUFFIXES),
)
def test_damaged_workbooks(
    tmp_path: Path, kind: str, edits: list[tuple[float, int]], cut: float | None, suffix: str
) -> None:
    data = bytearray(SEEDS[kind])
    for where, value in edits:
        data[int(where * len(data))] = value
    if cut is not None:
        data = data[: int(cut * len(data))]
    path = tmp_path / f"girdi{suffix}"
    path.write_bytes(bytes(data))
    _read(path)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=40,
)


@FUZZ
@given(value=_JSON, depth=st.integers(0, 60))
def test_json_values(tmp_path: Path, value: object, depth: int) -> None:
    path = tmp_path / "girdi.json"
    path.write_text("[" * depth + json.dumps(value) + "]" * depth, encoding="utf-8")
    _read(path)


@FUZZ
@given(
    cells=st.lists(
        st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=20), min_size=1, max_size=16),
        min_size=1,
        max_size=8,
    ),
    delimiter=st.sampled_from([";", ",", "\t"]),
)
def test_csv_text(tmp_path: Path, cells: list[list[str]], delimiter: str) -> None:
    path = tmp_path / "girdi.csv"
    lines = [delimiter.join(HEADERS)] + [delimiter.join(row) for row in cells]
    path.write_text("\n".join(lines), encoding="utf-8")
    _read(path)


@FUZZ
@given(row=st.integers(2, 1_048_576), column=st.integers(1, 16_384), old=st.booleans())
def test_one_value_anywhere_on_the_sheet(tmp_path: Path, row: int, column: int, old: bool) -> None:
    """A value far from the others must not make the reader lay out a huge block (memory, or an abort)."""
    from formkit.input.sheets import column_letter

    if old:  # .xls: 65,536 rows × 256 columns at most
        import xlwt

        book = xlwt.Workbook()
        sheet = book.add_sheet("S")
        for index, name in enumerate(HEADERS):
            sheet.write(0, index, name)
        sheet.write(min(row, 65_536) - 1, min(column, 256) - 1, "x")
        path = tmp_path / "uzak.xls"
        book.save(str(path))
    else:
        workbook = Workbook()
        workbook.active.append(HEADERS)
        workbook.active[f"{column_letter(column - 1)}{row}"] = "x"
        path = tmp_path / "uzak.xlsx"
        workbook.save(path)
    _read(path)
