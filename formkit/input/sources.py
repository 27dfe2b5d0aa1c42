"""Read applicant tables (CSV, XLSX, JSON) into raw rows of text keyed by canonical field names.

Offices export from Excel or HR systems: Windows-1254 with `;`, UTF-8 with a BOM, Excel workbooks with ID
numbers in number cells and birth dates in date cells. Everything is read as text, without loss, and every
header is mapped to a canonical field (DESIGN.md §2) through aliases matched with `turkish.fold`.
Row numbers are as a spreadsheet shows them: the header is row 1.

`open_table` checks the file up front (readable, encoding, header, at least one data row) and raises
InputError with one clear line; `Table.rows()` then streams the rows, so memory stays flat for long files.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from formkit import turkish
from formkit.errors import InputError
from formkit.model import mask_digit_runs

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
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
JSON_SUFFIXES = frozenset({".json"})
DELIMITERS = (";", ",", "\t")
HEADER_SEARCH = 10  # the header is looked for among this many first non-blank rows
_CHUNK = 1 << 16
# Letters that never occur in Turkish but appear when cp1254 text was read as cp1252 (ş→þ, ı→ý, ğ→ð, ...)
# or when UTF-8 bytes were read as a one-byte code page (ş→ÅŸ, ü→Ã¼, ı→Ä±).
MOJIBAKE = re.compile(r"[þýðÞÝÐ]|[ÃÄÅ][^\x00-\x7f]")


def canonical_field(header: str) -> str | None:
    """The canonical field a header stands for ("T.C. KİMLİK NO" → "tc_kimlik_no"), or None."""
    return _ALIAS_INDEX.get(turkish.fold(header))


@dataclass(frozen=True)
class RawRow:
    """One data row: canonical field name → text as found. `row` is the spreadsheet row (header = 1).

    `extra` holds non-empty cells beyond the last header (a sign that a value held an unquoted delimiter).
    """

    source: str
    row: int
    values: Mapping[str, str]
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Layout:
    """Which column index holds which canonical field."""

    columns: tuple[tuple[int, str], ...]  # (column index, canonical field)
    width: int  # number of header cells


@dataclass(frozen=True)
class Table:
    """An applicant table checked by `open_table`; `rows()` streams its rows (it may be called again)."""

    path: Path
    kind: str  # "csv" | "xlsx" | "json" | "sqlite" (formkit.input.store)
    headers: tuple[str, ...]
    fields: Mapping[str, str]  # canonical field → the header it was found under
    warnings: tuple[str, ...]
    encoding: str = ""
    delimiter: str = ""
    header_row: int = 1  # the header's row number; rows above it (a title, blank rows) are skipped
    _layout: _Layout | None = field(default=None, repr=False, compare=False)

    @property
    def source(self) -> str:
        """The name problems are reported under (the file name)."""
        return self.path.name

    def rows(self) -> Iterator[RawRow]:
        """Every non-blank data row in file order, streamed."""
        if self.kind == "csv":
            return self._csv_rows()
        if self.kind == "xlsx":
            return self._xlsx_rows()
        if self.kind == "sqlite":
            from formkit.input.store import read_store  # lazy: formkit.input.store imports this module

            return read_store(self.path)
        return self._json_rows()

    def _make_row(self, number: int, cells: list[str]) -> RawRow | None:
        layout = self._layout
        assert layout is not None
        if not any(cell.strip() for cell in cells):
            return None
        values = {name: cells[index] if index < len(cells) else "" for index, name in layout.columns}
        extra = tuple(cell for cell in cells[layout.width :] if cell.strip())
        return RawRow(source=self.source, row=number, values=values, extra=extra)

    def _csv_rows(self) -> Iterator[RawRow]:
        with _open_text(self.path, self.encoding) as stream:
            number = self.header_row
            try:
                for number, cells in _csv_records(csv.reader(stream, delimiter=self.delimiter)):
                    if number > self.header_row:
                        raw = self._make_row(number, cells)
                        if raw is not None:
                            yield raw
            except csv.Error as exc:
                raise InputError(f"{self.path}: satır {number + 1}: CSV okunamadı ({exc})") from exc

    def _xlsx_rows(self) -> Iterator[RawRow]:
        with _Workbook(self.path) as sheet:
            for number, values in _sheet_rows(self.path, sheet):
                if number > self.header_row:
                    raw = self._make_row(number, [_cell_text(value) for value in values])
                    if raw is not None:
                        yield raw

    def _json_rows(self) -> Iterator[RawRow]:
        records = _load_json(self.path)
        for index, record in enumerate(records, start=2):
            values = {}
            for key, value in record.items():
                name = canonical_field(key)
                if name is not None and name not in values:
                    values[name] = _json_text(self.path, index, key, value)
            for name in self.fields:
                values.setdefault(name, "")
            yield RawRow(source=self.source, row=index, values=values)


def open_table(path: Path, *, encoding: str | None = None) -> Table:
    """Open a CSV, XLSX or JSON applicant table; raise InputError with one clear line if it cannot be used."""
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
    if path.suffix.lower() in {".sqlite", ".sqlite3", ".db"} or head.startswith(b"SQLite format 3\x00"):
        from formkit.input.store import (
            open_store,  # the web form's store (formkit serve --store); lazy: no cycle
        )

        return open_store(path)
    kind = _kind(path, head)
    if kind == "xlsx":
        return _open_xlsx(path)
    if kind == "json":
        return _open_json(path)
    return _open_csv(path, head, encoding)


def _kind(path: Path, head: bytes) -> str:
    suffix = path.suffix.lower()
    if suffix == ".xls" or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            f"{path}: eski Excel (.xls) biçimi okunamıyor; "
            "Excel'de 'Farklı Kaydet' ile .xlsx ya da CSV kaydedin"
        )
    is_zip = head.startswith(b"PK\x03\x04")
    if suffix in XLSX_SUFFIXES or (is_zip and suffix not in JSON_SUFFIXES):
        if not is_zip:
            raise InputError(f"{path}: .xlsx uzantılı ama bir Excel çalışma kitabı değil")
        return "xlsx"
    if suffix in JSON_SUFFIXES:
        return "json"
    if suffix not in CSV_SUFFIXES and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return "json"
    return "csv"


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


def _open_csv(path: Path, head: bytes, override: str | None) -> Table:
    encoding = _detect_encoding(path, head, override)
    with _open_text(path, encoding) as stream:
        lines = [line for line in itertools.islice(stream, 200) if line.strip()][:HEADER_SEARCH]
    if not lines:
        raise InputError(f"{path}: dosyada başlık satırı yok (yalnızca boş satırlar)")
    sep = _SEP_LINE.fullmatch(lines[0].strip())
    delimiter = sep.group(1) if sep else _sniff_delimiter(lines)
    with _open_text(path, encoding) as stream:
        try:
            found = _pick_header(_csv_records(csv.reader(stream, delimiter=delimiter)))
        except csv.Error as exc:
            raise InputError(f"{path}: CSV okunamadı ({exc})") from exc
    if found is None:
        raise InputError(f"{path}: dosyada başlık satırı yok (yalnızca boş satırlar)")
    header_row, header, has_data = found
    fields, layout, warnings = _map_headers(path, header)
    if not has_data:
        raise InputError(f"{path}: başlık satırı var ama hiç veri satırı yok")
    return Table(
        path=path, kind="csv", headers=tuple(header), fields=fields, warnings=warnings,
        encoding=encoding, delimiter=delimiter, header_row=header_row, _layout=layout,
    )  # fmt: skip


def _pick_header(records: Iterator[tuple[int, list[str]]]) -> tuple[int, list[str], bool] | None:
    """The header among the first non-blank rows: the first naming at least 3 required fields (offices often
    put a title row above it), else the first non-blank row. Returns (row number, cells, has data rows)."""
    seen: list[tuple[int, list[str]]] = []
    for number, cells in records:
        if any(cell.strip() for cell in cells):
            seen.append((number, cells))
            if len(seen) > HEADER_SEARCH:
                break
    if not seen:
        return None
    scores = [len({canonical_field(cell) for cell in cells} & set(REQUIRED_FIELDS)) for _, cells in seen]
    index = next((i for i, score in enumerate(scores[:HEADER_SEARCH]) if score >= 3), 0)
    number, cells = seen[index]
    return number, cells, len(seen) > index + 1


# --- headers -------------------------------------------------------------------------------------------


def _map_headers(
    path: Path, header: list[str], *, one_record: bool = True
) -> tuple[dict[str, str], _Layout, tuple[str, ...]]:
    """Map header cells to canonical fields; unknown columns warn once; missing required ones raise."""
    cleaned = [turkish.normalise_space(cell) for cell in header]
    for cell in cleaned:
        _check_mojibake(path, cell)
    fields: dict[str, str] = {}
    columns: list[tuple[int, str]] = []
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
            columns.append((index, name))
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


def _shown(cell: str) -> str:
    """A header cell as it may be shown: T.C.-like digit runs masked (KVKK), long text cut."""
    cell = mask_digit_runs(cell)
    return cell if len(cell) <= 40 else cell[:37] + "..."


# --- XLSX ----------------------------------------------------------------------------------------------


class _Workbook:
    """The first sheet of a workbook opened read-only; openpyxl errors become InputError."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.book: Any = None

    def __enter__(self) -> Any:
        import zipfile

        from openpyxl import load_workbook

        try:
            self.book = load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
            raise InputError(f"{self.path}: Excel çalışma kitabı okunamadı ({type(exc).__name__})") from exc
        sheets = self.book.worksheets
        if not sheets:
            raise InputError(f"{self.path}: çalışma kitabında sayfa yok")
        sheet = sheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some writers store a wrong size; read what is really there
        return sheet

    def __exit__(self, *exc: object) -> None:
        if self.book is not None:
            self.book.close()


def _sheet_rows(path: Path, sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    try:
        yield from enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
    except (KeyError, ValueError, TypeError) as exc:
        raise InputError(f"{path}: Excel sayfası okunamadı ({type(exc).__name__})") from exc


def _cell_text(value: object) -> str:
    """A cell as text without loss: 25881399814 stays "25881399814", a date becomes 12.04.1978."""
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
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _number_text(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def _open_xlsx(path: Path) -> Table:
    with _Workbook(path) as sheet:
        numbered = ((n, [_cell_text(v) for v in values]) for n, values in _sheet_rows(path, sheet))
        found = _pick_header(numbered)
    if found is None:
        raise InputError(f"{path}: ilk sayfa boş")
    header_row, header, has_data = found
    fields, layout, warnings = _map_headers(path, header)
    if not has_data:
        raise InputError(f"{path}: başlık satırı var ama hiç veri satırı yok")
    return Table(
        path=path, kind="xlsx", headers=tuple(header), fields=fields, warnings=warnings,
        header_row=header_row, _layout=layout,
    )  # fmt: skip


# --- JSON ----------------------------------------------------------------------------------------------


def _load_json(path: Path) -> list[Mapping[str, Any]]:
    """One object or a list of objects (JSON is for small inputs: it is read whole)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: JSON dosyası UTF-8 olmalı") from exc
    except OSError as exc:
        raise InputError(f"{path}: dosya okunamadı ({exc.strerror or exc})") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: geçerli JSON değil (satır {exc.lineno}, sütun {exc.colno}: {exc.msg})"
        ) from exc
    records = [data] if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise InputError(f"{path}: JSON bir nesne ya da nesne listesi olmalı ({type(data).__name__} bulundu)")
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise InputError(f"{path}: JSON listesinin {index}. öğesi bir nesne değil")
    return records


def _json_text(path: Path, row: int, key: str, value: object) -> str:
    if isinstance(value, (dict, list)):
        raise InputError(f"{path}, satır {row}, {key}: iç içe değer olamaz; düz metin yazın")
    return _cell_text(value)


def _open_json(path: Path) -> Table:
    records = _load_json(path)
    if not records:
        raise InputError(f"{path}: JSON listesi boş")
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(str(key) for key in record))
    fields, _layout, warnings = _map_headers(path, list(keys), one_record=len(records) == 1)
    return Table(path=path, kind="json", headers=tuple(keys), fields=fields, warnings=warnings)
