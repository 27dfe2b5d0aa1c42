"""One gate for every PDF a user gives us: the same size and page limits and the same encryption rule.

`packet --form`, `batch --forms`, the web upload (pdfium: open_pdfium), `fields` and `fill` (pypdf, in the
form engine: unlock, check_pages) all read PDFs made elsewhere. Each goes through here so that they answer
alike: a file over MAX_BYTES or a document over MAX_PAGES is refused with a
message naming the limit; an encrypted PDF whose user password is empty (common: "owner password only", to
forbid editing) is opened and decrypted; any other password is refused with a clear message. A library error
never reaches the user raw: everything becomes a TemplateError naming the file.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pypdf import PdfReader
from pypdf.errors import DependencyError

from formkit.errors import TemplateError

if TYPE_CHECKING:  # pdfium is imported where it is used: `formkit fill` never loads it
    import pypdfium2 as pdfium

MAX_BYTES = 20 * 1024 * 1024  # a PDF larger than this is refused before it is read
MAX_PAGES = 100  # a form or portal printout has a few pages; 100 is generous and bounds the work

Fail = Callable[[str], Exception]


def too_large(size: int) -> str:
    """The message for a file over the byte limit (the same wording for every command)."""
    return f"PDF çok büyük ({size // 1024} KB; en çok {MAX_BYTES // 1024} KB)"


def read_pdf_file(path: Path, *, label: str | None = None) -> bytes:
    """The bytes of a PDF file, refused before reading when it is over the size limit."""
    name = label or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise TemplateError(f"{name}: {too_large(size)}")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise TemplateError(f"{name}: okunamadı ({exc.strerror or exc})") from exc
    if len(data) > MAX_BYTES:  # grew while we looked
        raise TemplateError(f"{name}: {too_large(len(data))}")
    return data


def unlock(reader: PdfReader, fail: Fail) -> None:
    """Decrypt an encrypted reader with the empty user password; any other password is refused."""
    if not reader.is_encrypted:
        return
    try:
        opened = reader.decrypt("")
    except (DependencyError, NotImplementedError) as exc:
        raise fail(f"şifreleme türü desteklenmiyor ({exc})") from exc
    if not opened:
        raise fail("şifreli; açmak için parola gerekiyor (parolasız bir kopyasını verin)")


def check_pages(count: int, fail: Fail, most: int | None = None) -> None:
    """Refuse a document with no pages or more than MAX_PAGES (`most` for a test that lowers it)."""
    limit = MAX_PAGES if most is None else most
    if count == 0:
        raise fail("PDF okunamıyor (sayfa yok; dosya bozuk veya eksik olabilir)")
    if count > limit:
        raise fail(f"çok fazla sayfa ({count}; en çok {limit})")


@contextmanager
def quiet_pypdf() -> Iterator[None]:
    """pypdf logs recoverable damage as warnings on stderr; we report problems ourselves, once."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def open_pdfium(data: bytes, label: str) -> pdfium.PdfDocument:
    """A checked pdfium document over data (the packet's path); TemplateError naming `label` otherwise.

    pdfium tries the empty user password by itself; a document that needs another password is refused.
    The caller holds its pdfium lock (pdfium is not thread-safe).
    """

    import pypdfium2 as pdfium

    def fail(message: str) -> TemplateError:
        return TemplateError(f"{label}: {message}")

    if len(data) > MAX_BYTES:
        raise fail(too_large(len(data)))
    if b"%PDF-" not in data[:1024]:
        raise fail("PDF dosyası değil")
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise fail("şifreli; açmak için parola gerekiyor (parolasız bir kopyasını verin)") from exc
        raise fail("PDF okunamıyor (bozuk, eksik veya başlıktan sonrası geçersiz)") from exc
    try:
        check_pages(len(document), fail)
    except TemplateError:
        document.close()
        raise
    return document


__all__ = [
    "MAX_BYTES",
    "MAX_PAGES",
    "Fail",
    "check_pages",
    "open_pdfium",
    "quiet_pypdf",
    "read_pdf_file",
    "too_large",
    "unlock",
]
