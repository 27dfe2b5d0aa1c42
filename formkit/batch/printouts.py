"""Pair a batch's portal printouts with its rows, and never wrongly.

A printout belongs to a row by the valid T.C. Kimlik No found in the PDF's text, else in its file name, or
because the row's `form_pdf` column names it (a path relative to the data file). Everything that is not one
file for one row is a problem, never a guess:

- a file whose number(s) match no row, or two rows, or that has no number at all → a problem naming the file;
- two files for one row → that row fails, naming both files (the row is rebuilt once one is removed);
- a file whose text holds another person's number than the row that names it in `form_pdf` → that row fails.

File names are shown with every T.C.-like number masked. Reading the text of many PDFs is the slow part, so
`scan` runs in a pool of worker processes; pdfium extracts text from any producer (object streams, xref
streams, incremental updates, Type0/CID fonts) and opens an empty-password PDF.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pypdfium2 as pdfium
from stdnum.tr import tckimlik

from formkit.errors import FormkitError
from formkit.model import Problem, mask_digit_runs
from formkit.packet.copies import PageLayout, page_layout, pdfium_lock
from formkit.pdf import limits

FIELD = "form_pdf"
_ELEVEN = re.compile(r"(?<!\d)\d{11}(?!\d)")
_SPACED = re.compile(r"(?<!\d)\d(?: \d){10}(?!\d)")  # "1 0 0 0 ..." as comb fields print it


def shown(name: str) -> str:
    """A file name as it may be shown: every run of 10+ digits masked (KVKK)."""
    return mask_digit_runs(name)


def numbers_in(text: str) -> frozenset[str]:
    """The valid T.C. Kimlik numbers in a text (checksums via python-stdnum)."""
    found = set(_ELEVEN.findall(text)) | {m.replace(" ", "") for m in _SPACED.findall(text)}
    return frozenset(n for n in found if tckimlik.is_valid(n))


@dataclass(frozen=True)
class Scanned:
    """What one PDF in the folder says about its owner: numbers in its text and in its name."""

    path: Path
    sha256: str = ""
    in_text: frozenset[str] = frozenset()
    in_name: frozenset[str] = frozenset()
    error: str = ""  # why its text could not be read (the row that owns it will fail with the full reason)
    layouts: tuple[PageLayout, ...] = ()  # each page's boxes and mark place, read along with the text

    @property
    def numbers(self) -> frozenset[str]:
        """The text decides when it holds any valid number; else the file name."""
        return self.in_text or self.in_name


def scan_file(path: Path, size: tuple[float, float] | None = None) -> Scanned:
    """Read one PDF's text and name for T.C. numbers (runs in a worker; never raises).

    size: the copy mark's box; while each page is loaded for its text, its layout for such a mark is
    worked out too (packet.copies.page_layout), so that building the packet does not load it again.
    """
    in_name = numbers_in(path.stem.replace("_", " ").replace("-", " "))
    try:
        data = limits.read_pdf_file(path, label=shown(path.name))
    except FormkitError as exc:
        return Scanned(path, in_name=in_name, error=exc.message)
    digest = hashlib.sha256(data).hexdigest()
    texts: list[str] = []
    layouts: list[PageLayout] = []
    try:
        with pdfium_lock():
            document = pdfium.PdfDocument(data)
            try:
                if len(document) > limits.MAX_PAGES:
                    return Scanned(path, digest, in_name=in_name, error=f"{len(document)} sayfa")
                for index in range(len(document)):
                    page = document[index]
                    textpage = page.get_textpage()
                    texts.append(textpage.get_text_range())
                    textpage.close()
                    if size is not None:
                        layouts.append(page_layout(page, size))
                    page.close()
            finally:
                document.close()
    except pdfium.PdfiumError as exc:
        why = "şifreli" if "password" in str(exc).lower() else "bozuk ya da PDF değil"
        return Scanned(path, digest, in_name=in_name, error=why)
    return Scanned(path, digest, numbers_in("\n".join(texts)), in_name, layouts=tuple(layouts))


def scan(folder: Path, jobs: int, size: tuple[float, float] | None = None) -> list[Scanned]:
    """Every *.pdf directly in folder (name order), scanned in `jobs` processes."""
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".pdf" and p.is_file())
    work = partial(scan_file, size=size)
    if jobs <= 1 or len(paths) < 8:
        return [work(p) for p in paths]
    context = multiprocessing.get_context("spawn")  # as on Windows
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        return list(pool.map(work, paths, chunksize=8))


@dataclass
class Pairing:
    """The outcome: each row's printout, rows that must fail, and problems about files no row owns."""

    by_row: dict[int, Scanned] = field(default_factory=dict)
    row_failures: dict[int, str] = field(default_factory=dict)
    file_problems: list[Problem] = field(default_factory=list)

    def warnings(self) -> list[str]:
        """One line per paired printout page whose copy mark found no blank margin (from the scan)."""
        lines = []
        for row in sorted(self.by_row):
            item = self.by_row[row]
            for index, layout in enumerate(item.layouts):
                if not layout.spot.free:
                    lines.append(
                        f"{shown(item.path.name)} ({row}. satır), sayfa {index + 1}: boş kenar boşluğu yok; "
                        "nüsha işareti en az dolu köşeye kondu, yazdırmadan önce kontrol edin"
                    )
        return lines


def pair(
    scanned: Iterable[Scanned],
    rows_by_tc: Mapping[str, int],
    named: Mapping[int, Scanned],
) -> Pairing:
    """Pair files with rows. rows_by_tc: each valid T.C. number → its row (unique numbers only);
    named: row → the file its `form_pdf` column names (already scanned)."""
    result = Pairing()
    candidates: dict[int, list[Scanned]] = {}
    tc_of_row = {row: tc for tc, row in rows_by_tc.items()}
    for row, item in named.items():
        if item.in_text and tc_of_row.get(row) not in item.in_text:
            result.row_failures[row] = (
                f"{FIELD}: {shown(item.path.name)} başka birinin çıktısı "
                "(içindeki T.C. kimlik no bu satırınkiyle aynı değil)"
            )
            continue
        candidates.setdefault(row, []).append(item)
    for item in scanned:
        name = shown(item.path.name)
        numbers = item.numbers
        rows = sorted({rows_by_tc[n] for n in numbers if n in rows_by_tc})
        if not numbers:
            why = (
                f"metni okunamadı ({item.error})" if item.error else "metninde geçerli bir T.C. kimlik no yok"
            )
            result.file_problems.append(
                Problem(FIELD, f"{name}: {why}, dosya adında da yok; hiçbir satırla eşleştirilmedi")
            )
        elif not rows:
            masked = ", ".join(sorted(shown(n) for n in numbers))
            result.file_problems.append(
                Problem(FIELD, f"{name}: içindeki T.C. kimlik no ({masked}) hiçbir geçerli satırda yok")
            )
        elif len(rows) > 1:
            listed = ", ".join(str(r) for r in rows)
            result.file_problems.append(
                Problem(FIELD, f"{name}: birden çok satırın T.C. kimlik numarası var ({listed}. satırlar)")
            )
        else:
            candidates.setdefault(rows[0], []).append(item)
    for row, items in candidates.items():
        if row in result.row_failures:
            continue
        unique = {item.path.resolve(): item for item in items}
        if len(unique) > 1:
            names = ", ".join(sorted(shown(item.path.name) for item in unique.values()))
            result.row_failures[row] = f"{FIELD}: bu satır için birden çok portal çıktısı var ({names})"
            for item in unique.values():
                result.file_problems.append(
                    Problem(FIELD, f"{shown(item.path.name)}: {row}. satır için başka bir çıktı da var")
                )
        else:
            result.by_row[row] = next(iter(unique.values()))
    return result


__all__ = ["FIELD", "Pairing", "Scanned", "numbers_in", "pair", "scan", "scan_file", "shown"]
