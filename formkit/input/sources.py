"""Read applicant tables (CSV, workbooks, JSON, the web store) as raw rows of text keyed by canonical field.

Offices export from Excel or HR systems: Windows-1254 with `;`, UTF-8 with a BOM, workbooks (.xlsx, .xlsm,
.xls, .ods: formkit.input.sheets) with ID numbers in number cells and birth dates in date cells. The format
is decided by the file's content (`detect_kind`), the name only breaks ties; anything else is refused naming
what it really is. Everything is read as text, without loss, and every header is mapped to a canonical
field (DESIGN.md §2) through aliases matched with `turkish.fold`; a title row above the header and a header
written over two rows (merged cells) are read as one header. Row numbers are as a spreadsheet shows them.

`open_table` checks the file up front (kind, limits, encoding, header, at least one data row) and raises
InputError with one clear line; `Table.rows()` then streams the rows, within formkit.limits.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from formkit import jsonload, turkish
from formkit.errors import InputError
from formkit.input import sheets, zipcheck
from formkit.input.store import open_store
from formkit.input.table import RawRow, Table
from formkit.limits import MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from formkit.model import mask_digit_runs

__all__ = ["ALIASES", "FIELDS", "OPTIONAL_FIELDS", "REQUIRED_FIELDS", "RawRow", "Table", "canonical_field",
           "open_table"]  # fmt: skip

REQUIRED_FIELDS: tuple[str, ...] = (
    "ad", "soyad", "tc_kimlik_no", "dogum_tarihi", "dogum_yeri", "e_posta", "cep_telefonu",
    "kurum", "unvan", "adres", "il", "ilce", "posta_kodu", "basvuru_turu",
)  # fmt: skip
OPTIONAL_FIELDS: tuple[str, ...] = (
    "birim", "sertifika_suresi", "kart_okuyucu", "baska_marka_cihaz", "form_pdf",
)  # fmt: skip
FIELDS: tuple[str, ...] = REQUIRED_FIELDS + OPTIONAL_FIELDS

# Headers people write for each field; matched after turkish.fold (case, diacritics, punctuation ignored).
ALIASES: Mapping[str, tuple[str, ...]] = {
    "ad": ("Ad", "Adı", "İsim", "İsmi", "Personel Adı", "First Name", "Name"),
    "soyad": ("Soyad", "Soyadı", "Soy Ad", "Soyisim", "Soyismi", "Personel Soyadı", "Last Name", "Surname"),
    "tc_kimlik_no": (
        "T.C. Kimlik No", "TC Kimlik No", "TC Kimlik Numarası", "T.C. Kimlik Numarası", "TCKN", "TCKNO",
        "TC No", "T.C. No", "TC", "T.C.", "Kimlik No", "Kimlik Numarası", "TC Kimlik",
    ),
    "dogum_tarihi": ("Doğum Tarihi", "D. Tarihi", "D.Tarihi", "Doğum Tar.", "Birth Date", "Date of Birth"),
    "dogum_yeri": ("Doğum Yeri", "D. Yeri", "D.Yeri", "Birth Place", "Place of Birth"),
    "e_posta": (
        "E-posta", "Eposta", "E-posta Adresi", "E-mail", "Email", "E-mail Adresi", "Mail", "Mail Adresi",
        "Elektronik Posta",
    ),
    "cep_telefonu": (
        "Cep Telefonu", "Cep Tel", "Cep Tel.", "Cep", "Cep No", "Cep Telefon No", "Cep Telefonu No", "GSM",
        "GSM No", "Telefon", "Tel", "Telefon No", "Mobil", "Mobile", "Phone",
    ),
    "kurum": ("Kurum", "Kurum Adı", "Kurumu", "Çalıştığı Kurum", "Görev Yeri", "Kurum / Kuruluş"),
    "unvan": ("Unvan", "Unvanı", "Ünvan", "Ünvanı", "Kadro Unvanı", "Görevi", "Görev", "Title"),
    "adres": ("Adres", "Adresi", "Açık Adres", "Teslimat Adresi", "Tebligat Adresi", "Ev Adresi", "Address"),
    "il": ("İl", "İli", "Şehir", "City", "Province"),
    "ilce": ("İlçe", "İlçesi", "District"),
    "posta_kodu": ("Posta Kodu", "Posta Kod", "PK", "Postcode", "Zip"),
    "basvuru_turu": (
        "Başvuru Türü", "Başvuru Tipi", "Başvuru Şekli", "Başvuru Kategorisi", "Tür", "Başvuru", "Track",
    ),
    "birim": ("Birim", "Birimi", "Servis", "Bölüm", "Çalıştığı Birim"),
    "sertifika_suresi": ("Sertifika Süresi", "Süre", "Sertifika Süre"),
    "kart_okuyucu": ("Kart Okuyucu", "Kart Okuyucu Tipi", "Kart Okuyucu Türü"),
    "baska_marka_cihaz": (
        "Başka Marka Cihaz", "Başka Marka E-imza Cihazı", "Başka Marka Cihazı Var",
        "Başka Marka Cihaz Var mı",
        "Mevcut Cihaz", "Başka Marka",
    ),
    # the applicant's portal printout, a path relative to the data file (batch)
    "form_pdf": ("Form PDF", "Portal Çıktısı", "Form Çıktısı", "Başvuru Formu PDF", "Form Dosyası"),
}  # fmt: skip

_ALIAS_INDEX: dict[str, str] = {}
for _name, _aliases in ALIASES.items():
    for _alias in (_name, *_aliases):
        _ALIAS_INDEX.setdefault(turkish.fold(_alias), _name)

CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
SHEET_SUFFIXES = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".ods": "ods"}
JSON_SUFFIXES = frozenset({".json"})
STORE_SUFFIXES = frozenset({".sqlite", ".sqlite3", ".db"})
DELIMITERS = (";", ",", "\t")
HEADER_SEARCH = 10  # the header is looked for among this many first non-blank rows
_CHUNK = 1 << 16
# Letters that never occur in Turkish but appear when cp1254 text was read as cp1252 (ş→þ, ı→ý, ğ→ð, ...)
# or when UTF-8 bytes were read as a one-byte code page (ş→ÅŸ, ü→Ã¼, ı→Ä±).
MOJIBAKE = re.compile(r"[þýðÞÝÐ]|[ÃÄÅ][^\x00-\x7f]")
_DATA_LIKE = re.compile(r"\d{6,}|@")  # a cell that holds data (an ID, a phone, an e-mail), not a header


def canonical_field(header: str) -> str | None:
    """The canonical field a header stands for ("T.C. KİMLİK NO" → "tc_kimlik_no"), or None."""
    return _ALIAS_INDEX.get(turkish.fold(header))


@dataclass(frozen=True)
class _Layout:
    """Which columns hold which canonical field (several when a header cell is merged across columns)."""

    columns: tuple[tuple[tuple[int, ...], str], ...]  # (column indexes, canonical field)
    width: int  # number of header cells


def _make_row(source: str, layout: _Layout, number: int, cells: list[str]) -> RawRow | None:
    """A data row's cells → RawRow (None for a blank row); merged columns are joined with a space."""
    if not any(cell.strip() for cell in cells):
        return None
    values = {}
    for indexes, name in layout.columns:
        if len(indexes) == 1:
            index = indexes[0]
            values[name] = cells[index] if index < len(cells) else ""
        else:
            values[name] = " ".join(cells[i].strip() for i in indexes if i < len(cells) and cells[i].strip())
    extra = tuple(cell for cell in cells[layout.width :] if cell.strip())
    return RawRow(source=source, row=number, values=values, extra=extra)


def open_table(path: Path, *, encoding: str | None = None) -> Table:
    """Open a CSV, spreadsheet (xlsx, xlsm, xls, ods), JSON or store file; InputError with one clear line
    if it cannot be used. The format is decided by the content; the name only breaks ties."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: dosya bulunamadı")
    if path.is_dir():
        raise InputError(f"{path}: bir klasör, dosya değil")
    try:
        with path.open("rb") as stream:
            head = stream.read(_CHUNK)
    except OSError as exc:
        raise InputError(f"{path}: dosya okunamadı ({exc.strerror or exc})") from exc
    if not head:
        raise InputError(f"{path}: dosya boş")
    kind = detect_kind(path, head)
    note = _name_mismatch(path, kind)
    if kind == "sqlite":
        return open_store(path)
    if kind in {"xlsx", "xls", "ods"}:
        table = _open_sheet(path, kind)
    elif kind == "json":
        table = _open_json(path)
    else:
        table = _open_csv(path, head, encoding)
    return replace(table, warnings=(note, *table.warnings)) if note else table


# What a file really is, by its first bytes, when it is nothing we read: (magic, Turkish name).
_FOREIGN: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "bir PDF belgesi"),
    (b"\x89PNG", "bir PNG resmi"),
    (b"\xff\xd8\xff", "bir JPEG resmi"),
    (b"GIF8", "bir GIF resmi"),
    (b"\x1f\x8b", "bir gzip arşivi"),
    (b"Rar!", "bir RAR arşivi"),
    (b"7z\xbc\xaf", "bir 7z arşivi"),
    (b"{\\rtf", "bir RTF (Word/WordPad) belgesi"),
)
_KIND_WORDS = {
    "xlsx": "Excel çalışma kitabı (.xlsx)", "xls": "eski Excel çalışma kitabı (.xls)",
    "ods": "LibreOffice hesap tablosu (.ods)", "json": "JSON", "csv": "metin (CSV)",
    "sqlite": "formkit başvuru deposu (SQLite)",
}  # fmt: skip
_EXPECTED = {
    **dict.fromkeys(CSV_SUFFIXES, "csv"), **SHEET_SUFFIXES, ".json": "json",
    **dict.fromkeys(STORE_SUFFIXES, "sqlite"),
}  # fmt: skip
_SAVE_AS = "Excel'de açıp 'Farklı Kaydet' → 'Excel Çalışma Kitabı (.xlsx)' ile kaydedin"


def detect_kind(path: Path, head: bytes) -> str:
    """csv | xlsx | xls | ods | json | sqlite, by content; InputError naming what any other file really is."""
    suffix = path.suffix.lower()
    if head.startswith(b"SQLite format 3\x00") or suffix in STORE_SUFFIXES:
        return "sqlite"  # open_store says what is wrong with a .db that is not one
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"  # OLE2; calamine says so when it is a Word or other Office file instead
    for magic, name in _FOREIGN:
        if head.startswith(magic):
            raise InputError(
                f"{path}: {name}, başvuru listesi değil; CSV, Excel (.xlsx, .xls), .ods ya da JSON verin"
            )
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:400].lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table")) or b"<html" in text:
        raise InputError(f"{path}: bir HTML (web) sayfası, gerçek bir Excel dosyası değil; {_SAVE_AS}")
    if text.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower():
        raise InputError(f"{path}: Excel 2003 XML biçimi okunamıyor; {_SAVE_AS}")
    if suffix in SHEET_SUFFIXES:
        raise InputError(
            f"{path}: {suffix} uzantılı ama bir çalışma kitabı değil (içeriği metin gibi); dosyanın adını "
            "kontrol edin ya da dosyayı Excel'de açıp yeniden kaydedin"
        )
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix not in CSV_SUFFIXES and text[:1] in (b"{", b"["):
        return "json"
    return "csv"


def _zip_kind(path: Path) -> str:
    """What a zip file holds: an Excel or an OpenDocument spreadsheet, or something named in the error."""
    names = set(zipcheck.member_names(path))
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:  # its binary sheets cannot be checked before they are laid out
        raise InputError(f"{path}: Excel ikili çalışma kitabı (.xlsb) okunmuyor; {_SAVE_AS}")
    if "mimetype" in names:
        try:
            with zipfile.ZipFile(path) as archive:
                if archive.getinfo("mimetype").file_size > 200:
                    raise InputError(f"{path}: bozuk bir OpenDocument dosyası")
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise InputError(f"{path}: bozuk bir OpenDocument dosyası ({type(exc).__name__})") from exc
        if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
            return "ods"
        what = {"text": "bir metin belgesi (.odt)", "presentation": "bir sunu (.odp)"}.get(
            mimetype.rsplit(".", 1)[-1], f"bir OpenDocument belgesi ({mask_digit_runs(mimetype[:60])})"
        )
        raise InputError(f"{path}: {what}, hesap tablosu değil; listeyi .ods, .xlsx ya da CSV olarak verin")
    if "word/document.xml" in names:
        raise InputError(
            f"{path}: bir Word belgesi (.docx), hesap tablosu değil; listeyi .xlsx ya da CSV verin"
        )
    if any(name.startswith("ppt/") for name in names):
        raise InputError(f"{path}: bir PowerPoint sunusu (.pptx), hesap tablosu değil")
    inside = ", ".join(sorted(_shown(name) for name in names)[:3]) or "boş"
    raise InputError(
        f"{path}: bir ZIP arşivi (içinde: {inside}), hesap tablosu değil; arşivi açıp içindeki dosyayı verin"
    )


def _name_mismatch(path: Path, kind: str) -> str:
    """A warning when the name says one format and the content another (an .xlsx saved as "liste.csv")."""
    expected = _EXPECTED.get(path.suffix.lower())
    if expected is None or expected == kind:
        return ""
    return (
        f"{path.name}: uzantısı {path.suffix} ama içeriği {_KIND_WORDS[kind]}; içeriğine göre okundu "
        "(dosyanın adını düzeltmeniz önerilir)"
    )


# --- the header ----------------------------------------------------------------------------------------

Numbered = tuple[int, list[str]]


def _pick_header(records: Iterator[Numbered]) -> tuple[int, list[str], list[Numbered]] | None:
    """The header among the first non-blank rows: the first naming at least 3 required fields (offices often
    put a title row above it), else the first non-blank row.

    Returns (row number, cells as one header, the non-blank rows seen after it). A header written over two
    rows (a group title merged across columns above, or names merged down over two rows) is read as one:
    for each column the row below the header, then the header, then the row above, whichever names a field.
    """
    seen: list[Numbered] = []
    for number, cells in records:
        if any(cell.strip() for cell in cells):
            seen.append((number, cells))
            if len(seen) > HEADER_SEARCH + 1:
                break
    if not seen:
        return None
    scores = [_score(cells) for _, cells in seen]
    index = next((i for i, score in enumerate(scores[:HEADER_SEARCH]) if score >= 3), 0)
    number, cells = seen[index]
    header = list(cells)
    above = seen[index - 1] if index > 0 and seen[index - 1][0] == number - 1 else None
    below = seen[index + 1] if index + 1 < len(seen) and seen[index + 1][0] == number + 1 else None
    after = index + 1
    if below is not None and _continues_header(header, below[1]):
        header = _overlay(header, below[1])
        number, after = below[0], index + 2
    if above is not None:
        header = _overlay(above[1], header)
    return number, header, seen[after:]


def _score(cells: list[str]) -> int:
    return len({canonical_field(cell) for cell in cells if cell.strip()} & set(REQUIRED_FIELDS))


def _continues_header(header: list[str], row: list[str]) -> bool:
    """True when the row under a header is the header's second line: only header words, naming a field the
    header does not."""
    cells = [cell for cell in row if cell.strip()]
    if not cells or any(_DATA_LIKE.search(cell) for cell in cells):
        return False
    names = [canonical_field(cell) for cell in cells]
    if any(name is None for name in names):
        return False
    have = {canonical_field(cell) for cell in header}
    return any(name not in have for name in names)


def _overlay(back: list[str], front: list[str]) -> list[str]:
    """Per column, the front cell when it names a field, else the back one when it does, else front's text."""
    out = []
    for i in range(max(len(back), len(front))):
        f = front[i] if i < len(front) else ""
        b = back[i] if i < len(back) else ""
        out.append(f if canonical_field(f) or not canonical_field(b) else b)
    return out


def _map_headers(
    path: Path,
    header: list[str],
    *,
    one_record: bool = True,
    merged: Mapping[int, tuple[int, ...]] | None = None,
    letters: Callable[[int], str] = sheets.column_letter,
) -> tuple[dict[str, str], _Layout, tuple[str, ...]]:
    """Map header cells to canonical fields; unknown columns warn once; missing required ones raise.

    `merged` maps a header column to the columns its merged cell spans: their values are joined.
    """
    if len(header) > MAX_COLUMNS.value:
        raise InputError(f"{path}: {MAX_COLUMNS.message(f'başlıkta {len(header)} sütun var')}")
    cleaned = [turkish.normalise_space(cell) for cell in header]
    for cell in cleaned:
        _check_mojibake(path, cell)
    fields: dict[str, str] = {}
    columns: list[tuple[tuple[int, ...], str]] = []
    warnings: list[str] = []
    for index, cell in enumerate(cleaned):
        if not cell:
            continue
        name = canonical_field(cell)
        if name is None:
            warnings.append(f"{path.name}: '{_shown(cell)}' sütunu tanınmadı, yok sayıldı")
        elif name in fields and one_record:
            warnings.append(
                f"{path.name}: '{cell}' sütunu da {name} alanına denk geliyor; yalnızca "
                f"'{fields[name]}' sütunu kullanıldı"
            )
        elif name not in fields:
            fields[name] = cell
            span = (merged or {}).get(index, (index,))
            columns.append((span, name))
            if len(span) > 1:
                warnings.append(
                    f"{path.name}: '{cell}' başlığı birleştirilmiş bir hücre ({letters(span[0])}-"
                    f"{letters(span[-1])} sütunları); bu sütunların değerleri boşlukla birleştirilerek okundu"
                )
    missing = [name for name in REQUIRED_FIELDS if name not in fields]
    if missing:
        found = ", ".join(f"'{_shown(cell)}'" for cell in cleaned if cell) or "hiçbiri"
        hint = ""
        if any(re.search(r"\d{10,}|@", cell) for cell in cleaned):
            hint = "; ilk satır başlık değil, veri gibi görünüyor: en üste bir başlık satırı ekleyin"
        raise InputError(
            f"{path}: zorunlu sütun eksik: {', '.join(missing)} (bulunan başlıklar: {found}){hint}"
        )
    return fields, _Layout(columns=tuple(columns), width=len(header)), tuple(warnings)


def _unnamed_columns(
    path: Path, header: list[str], layout: _Layout, rows: list[Numbered], letters: Callable[[int], str]
) -> tuple[str, ...]:
    """Warn about columns with an empty header cell that hold data (a header cell merged across them, where
    the format does not tell merges), so nothing is dropped silently."""
    named = {i for indexes, _ in layout.columns for i in indexes}
    blank = {i for i, cell in enumerate(header) if not cell.strip()} - named
    unnamed = sorted({i for _, cells in rows for i, cell in enumerate(cells) if i in blank and cell.strip()})
    return tuple(
        f"{path.name}: {letters(i)} sütununun başlığı yok ama veri içeriyor; okunmadı (başlık hücresi "
        "birleştirilmiş olabilir: her sütuna kendi başlığını yazın)"
        for i in unnamed
    )


def _limit_rows(path: Path, rows: Iterable[RawRow]) -> Iterator[RawRow]:
    """Stop with a clear message past MAX_ROWS data rows (every reader)."""
    limit = MAX_ROWS.value
    for count, raw in enumerate(rows, start=1):
        if count > limit:
            raise InputError(f"{path}: {MAX_ROWS.message(f'{limit} satırdan fazla veri satırı var')}")
        yield raw


# --- CSV -----------------------------------------------------------------------------------------------


def _open_text(path: Path, encoding: str) -> TextIO:
    return path.open("r", encoding=encoding, newline="")


def _detect_encoding(path: Path, head: bytes, override: str | None) -> str:
    """Strict UTF-8 (BOM or not) first, then Windows-1254; an override is checked the same strict way.

    The whole file is scanned in chunks (memory stays flat) so a bad byte on row 90 000 is found before
    any row is used, and text that was already garbled (mojibake) is refused.
    """
    if override:
        try:
            name = codecs.lookup(override).name
        except LookupError as exc:
            raise InputError(f"{path}: bilinmeyen karakter kodlaması: {override}") from exc
        if name == "utf-8" and head.startswith(codecs.BOM_UTF8):
            name = "utf-8-sig"
        candidates = [name]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]  # Excel's "Unicode Text" export
    else:
        if b"\x00" in head:
            raise InputError(f"{path}: metin dosyası değil (ikili veri içeriyor); CSV, XLSX ya da JSON verin")
        candidates = ["utf-8-sig", "cp1254"]
    for index, name in enumerate(candidates):
        decoder = codecs.getincrementaldecoder(name)(errors="strict")
        position = 0
        try:
            with path.open("rb") as stream:
                tail = ""
                while chunk := stream.read(_CHUNK):
                    text = decoder.decode(chunk)
                    position += len(chunk)
                    _check_mojibake(path, tail + text)
                    tail = text[-2:]
                _check_mojibake(path, tail + decoder.decode(b"", final=True))
        except UnicodeDecodeError as exc:
            if index + 1 < len(candidates):
                continue
            if not override:
                raise InputError(
                    f"{path}: metin dosyası değil ya da kodlaması tanınmadı (UTF-8 ve Windows-1254 denendi); "
                    "--encoding ile kodlamayı verin"
                ) from exc
            offset = position + exc.start
            raise InputError(
                f"{path}: {name} kodlamasıyla okunamadı (bayt {offset}); --encoding ile doğru kodlamayı verin"
            ) from exc
        except OSError as exc:
            raise InputError(f"{path}: dosya okunamadı ({exc.strerror or exc})") from exc
        return name
    raise AssertionError("unreachable")  # pragma: no cover


def _check_mojibake(path: Path, text: str) -> None:
    match = MOJIBAKE.search(text)
    if match:
        raise InputError(
            f"{path}: Türkçe harfler bozuk görünüyor ({match.group(0)!r}); dosya yanlış kodlamayla "
            "(ör. Windows-1254 yerine Windows-1252) kaydedilmiş. Kaynağından 'CSV UTF-8' olarak yeniden alın"
        )


_SEP_LINE = re.compile(r'"?sep=(.)"?', re.IGNORECASE)


def _is_sep_line(cells: list[str]) -> bool:
    """Excel's optional first line `sep=;` naming the delimiter."""
    return (
        len(cells) <= 2
        and bool(cells)
        and cells[0].strip().lower().startswith("sep=")
        and not any(cell.strip() for cell in cells[1:])
    )


def _sniff_delimiter(lines: list[str]) -> str:
    """The delimiter among ; , and tab that splits the first lines most (quoted parts ignored)."""
    unquoted = re.sub(r'"[^"]*"', "", "".join(lines))
    counts = {delimiter: unquoted.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_records(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """CSV records numbered as a spreadsheet shows them (Excel hides a first `sep=;` line)."""
    shift = 0
    for number, cells in enumerate(reader, start=1):
        if number == 1 and _is_sep_line(cells):
            shift = 1
            continue
        yield number - shift, cells


def _csv_lines(path: Path, stream: TextIO) -> Iterator[str]:
    """The stream's lines, each of bounded length: one 800 MB line must not be read into memory at once."""
    limit = MAX_CELL_CHARS.value * 2
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) > limit and not line.endswith(("\n", "\r")):
            raise InputError(f"{path}: satır {number}: {MAX_CELL_CHARS.message('satır çok uzun')}")
        yield line


def _csv_cells(path: Path, stream: TextIO, delimiter: str) -> Iterator[Numbered]:
    """Numbered CSV records within the column and cell limits; csv errors become InputError."""
    csv.field_size_limit(max(MAX_CELL_CHARS.value + 1, 1024))
    columns, cell_limit = MAX_COLUMNS.value, MAX_CELL_CHARS.value
    number = 0
    try:
        for number, cells in _csv_records(csv.reader(_csv_lines(path, stream), delimiter=delimiter)):
            if len(cells) > columns:
                raise InputError(f"{path}: satır {number}: {MAX_COLUMNS.message(f'{len(cells)} sütun var')}")
            if cells and max(map(len, cells)) > cell_limit:
                index = next(i for i, cell in enumerate(cells) if len(cell) > cell_limit)
                where = f"satır {number}, {sheets.column_letter(index)} sütunu"
                told = MAX_CELL_CHARS.message(f"hücrede {len(cells[index])} karakter var")
                raise InputError(f"{path}: {where}: {told}")
            yield number, cells
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            told = MAX_CELL_CHARS.message("bir hücre çok uzun")
            raise InputError(f"{path}: satır {number + 1}: {told}") from exc
        raise InputError(f"{path}: satır {number + 1}: CSV okunamadı ({exc})") from exc


def _open_csv(path: Path, head: bytes, override: str | None) -> Table:
    encoding = _detect_encoding(path, head, override)
    with _open_text(path, encoding) as stream:
        lines = [line for line in itertools.islice(_csv_lines(path, stream), 200) if line.strip()]
    if not lines:
        raise InputError(f"{path}: dosyada başlık satırı yok (yalnızca boş satırlar)")
    sep = _SEP_LINE.fullmatch(lines[0].strip())
    delimiter = sep.group(1) if sep else _sniff_delimiter(lines[:HEADER_SEARCH])
    with _open_text(path, encoding) as stream:
        found = _pick_header(_csv_cells(path, stream, delimiter))
    if found is None:
        raise InputError(f"{path}: dosyada başlık satırı yok (yalnızca boş satırlar)")
    header_row, header, after = found
    fields, layout, warnings = _map_headers(path, header)
    if not after:
        raise InputError(f"{path}: başlık satırı var ama hiç veri satırı yok")
    warnings += _unnamed_columns(path, header, layout, after, sheets.column_letter)

    def read() -> Iterator[RawRow]:
        with _open_text(path, encoding) as stream:
            for number, cells in _csv_cells(path, stream, delimiter):
                if number > header_row:
                    raw = _make_row(path.name, layout, number, cells)
                    if raw is not None:
                        yield raw

    return Table(
        path=path, kind="csv", headers=tuple(header), fields=fields, warnings=warnings,
        encoding=encoding, delimiter=delimiter, header_row=header_row,
        _read=lambda: _limit_rows(path, read()),
    )  # fmt: skip


# --- headers shown ---------------------------------------------------------------------------------


def _shown(cell: str) -> str:
    """A header cell as it may be shown: T.C.-like digit runs masked (KVKK), long text cut."""
    cell = mask_digit_runs(cell)
    return cell if len(cell) <= 40 else cell[:37] + "..."


# --- spreadsheets --------------------------------------------------------------------------------------


def _open_sheet(path: Path, kind: str) -> Table:
    sheets.check_size(path, kind)
    choice = sheets.choose_sheet(path, kind)

    def letters(index: int) -> str:
        return sheets.column_letter(choice.first_column + index)

    found = _pick_header(iter(sheets.sheet_rows(path, kind, choice)))
    if found is None:
        raise InputError(f"{path}: '{choice.name}' sayfası boş")
    header_row, header, after = found
    merged = _merged_header(choice, header_row)
    fields, layout, warnings = _map_headers(path, header, merged=merged, letters=letters)
    if not after:
        raise InputError(f"{path}: '{choice.name}' sayfasında başlık satırı var ama hiç veri satırı yok")
    warnings = choice.warnings + warnings + _unnamed_columns(path, header, layout, after, letters)
    dates = frozenset(i for indexes, name in layout.columns if name == "dogum_tarihi" for i in indexes)

    def read() -> Iterator[RawRow]:
        for number, cells in sheets.sheet_rows(path, kind, choice, dates):
            if number > header_row:
                raw = _make_row(path.name, layout, number, cells)
                if raw is not None:
                    yield raw

    return Table(
        path=path, kind=kind, headers=tuple(header), fields=fields, warnings=warnings,
        header_row=header_row, _read=lambda: _limit_rows(path, read()),
    )  # fmt: skip


def _merged_header(choice: sheets.SheetChoice, header_row: int) -> dict[int, tuple[int, ...]]:
    """Header columns (indexes from the sheet's first column) whose cell is merged across columns."""
    spans: dict[int, tuple[int, ...]] = {}
    for (top, left), (bottom, right) in choice.merged:
        if top <= header_row - 1 <= bottom and right > left:
            first = left - choice.first_column
            spans[first] = tuple(range(first, right - choice.first_column + 1))
    return spans


# --- JSON ----------------------------------------------------------------------------------------------


def _load_json(path: Path) -> list[Mapping[str, Any]]:
    """One object or a list of objects (JSON is for small inputs: it is read whole, within the limits)."""
    data = jsonload.load(path)
    records = [data] if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise InputError(f"{path}: JSON bir nesne ya da nesne listesi olmalı ({type(data).__name__} bulundu)")
    if len(records) > MAX_ROWS.value:
        raise InputError(f"{path}: {MAX_ROWS.message(f'JSON listesinde {len(records)} kayıt var')}")
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise InputError(f"{path}: JSON listesinin {index}. öğesi bir nesne değil")
        if len(record) > MAX_COLUMNS.value:
            raise InputError(f"{path}: {index}. kayıt: {MAX_COLUMNS.message(f'{len(record)} alan var')}")
    return records


def _json_text(path: Path, row: int, key: str, value: object) -> str:
    if isinstance(value, (dict, list)):
        raise InputError(f"{path}, satır {row}, {_shown(key)}: iç içe değer olamaz; düz metin yazın")
    text = sheets.cell_text(value)
    if len(text) > MAX_CELL_CHARS.value:
        told = MAX_CELL_CHARS.message(f"değerde {len(text)} karakter var")
        raise InputError(f"{path}, satır {row}, {_shown(key)}: {told}")
    return text


def _open_json(path: Path) -> Table:
    records = _load_json(path)
    if not records:
        raise InputError(f"{path}: JSON listesi boş")
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(str(key) for key in record))
    fields, _layout, warnings = _map_headers(path, list(keys), one_record=len(records) == 1)

    def read() -> Iterator[RawRow]:
        for index, record in enumerate(_load_json(path), start=2):
            values = {}
            for key, value in record.items():
                name = canonical_field(key)
                if name is not None and name not in values:
                    values[name] = _json_text(path, index, key, value)
            for name in fields:
                values.setdefault(name, "")
            yield RawRow(source=path.name, row=index, values=values)

    return Table(path=path, kind="json", headers=tuple(keys), fields=fields, warnings=warnings, _read=read)
