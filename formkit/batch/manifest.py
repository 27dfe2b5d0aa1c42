"""The batch manifest (DIR/manifest.json): one typed description of a batch folder, read and written here.

`formkit batch` writes it while it runs (ManifestWriter: streamed, atomic, a line per row); `mail`, `send`,
the desk and the next batch run read it back (read_manifest) as frozen dataclasses, so no other module knows
the JSON shape. The file carries a schema version: a manifest from a newer formkit, or one that is damaged
(not JSON, a row that is not a row), is one clear InputError, never a guess.

Privacy (KVKK): a row holds the masked T.C. number only, and an e-mail address that contains an 11-digit run
that could be the applicant's T.C. number is masked the same way (`268******28@saglik.gov.tr`) before it is
written; `mail` refuses such a row with a reason instead of writing to a masked address.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from formkit.errors import InputError
from formkit.fileio import write_atomic
from formkit.model import redact_tc

__all__ = [
    "MANIFEST",
    "MAX_BYTES",
    "SCHEMA_VERSION",
    "FormSource",
    "Header",
    "Manifest",
    "ManifestWriter",
    "PrintFile",
    "Row",
    "RowProblem",
    "Status",
    "mask_email",
    "parse_manifest",
    "read_manifest",
    "write_manifest",
]

MANIFEST = "manifest.json"
SCHEMA_VERSION = 1  # a manifest without "schema" was written before the field existed: same shape, version 1
_WRITE_EVERY = 2.0  # seconds between rewrites while a batch runs
MAX_BYTES = 256 * 1024 * 1024  # ≈ 600 bytes a row: 400,000 rows, beyond any province's staff

FormSource = Literal["portal", "profile", "data-sheet"]
_FORM_SOURCES: tuple[FormSource, ...] = ("portal", "profile", "data-sheet")


class Status(StrEnum):
    """A row's outcome. `pending` only appears while a batch runs (or after it was killed)."""

    OK = "ok"
    INVALID = "invalid"
    FAILED = "failed"
    PENDING = "pending"


@dataclass(frozen=True)
class RowProblem:
    """One problem of a row: the field it concerns ("" for the whole row) and a Turkish message."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Row:
    """One input row of a batch (DESIGN §2). Packet fields are set for `ok` rows only."""

    row: int  # as a spreadsheet shows it: header = row 1
    status: Status
    problems: tuple[RowProblem, ...] = ()
    ref: str = ""
    name: str = ""
    ad: str = ""
    soyad: str = ""
    track: str = ""
    e_posta: str = ""  # masked when it contains a T.C.-like number
    tc: str = ""  # masked T.C. number
    pdf: str = ""  # relative to the batch folder: packets/<REF>-<SOYAD>-<AD>.pdf
    pages: int = 0
    sha256: str = ""
    size: int = 0
    mtime_ns: int = 0
    key: str = ""  # build key: what decides the packet's content (applicant, profile, form, formkit)
    form_source: FormSource = "data-sheet"
    form_file: str | None = None

    @property
    def reason(self) -> str:
        """The problems on one line (the reason a failed row has no packet)."""
        return "; ".join(p.message for p in self.problems)

    def to_json(self) -> dict[str, Any]:
        """The row as written to manifest.json: only the fields its status has."""
        out: dict[str, Any] = {"row": self.row, "status": self.status.value}
        if self.status is Status.PENDING:
            return out
        if self.status is not Status.OK:
            out["problems"] = [{"field": p.field, "message": redact_tc(p.message)} for p in self.problems]
            return out
        out.update(
            ref=self.ref,
            name=self.name,
            ad=self.ad,
            soyad=self.soyad,
            track=self.track,
            e_posta=mask_email(self.e_posta),
            tc=self.tc,
            pdf=self.pdf,
            pages=self.pages,
            sha256=self.sha256,
            size=self.size,
            mtime_ns=self.mtime_ns,
            key=self.key,
            form_source=self.form_source,
        )
        if self.form_file is not None:
            out["form_file"] = self.form_file
        return out


@dataclass(frozen=True)
class Header:
    """What batch the folder holds: id, input file (name, SHA-256), profile fingerprint, formkit version."""

    id: str
    input: str
    profile: str = ""
    formkit: str = ""
    input_sha256: str = ""  # the input file's content: the folder is claimed by content, not by name

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "input": self.input,
            "input_sha256": self.input_sha256,
            "profile": self.profile,
            "formkit": self.formkit,
        }


@dataclass(frozen=True)
class PrintFile:
    """One joined print file: its path in the folder, how many packets, duplex or not, what it was made of."""

    file: str
    packets: int
    duplex: bool
    fingerprint: str
    pages: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "packets": self.packets,
            "duplex": self.duplex,
            "fingerprint": self.fingerprint,
            "pages": self.pages,
        }


@dataclass(frozen=True)
class Manifest:
    """A whole manifest.json."""

    path: Path
    header: Header
    rows: tuple[Row, ...]
    print_files: tuple[PrintFile, ...] = ()
    warnings: tuple[str, ...] = ()
    schema: int = SCHEMA_VERSION

    @property
    def folder(self) -> Path:
        return self.path.parent

    def ok_rows(self) -> Iterator[Row]:
        return (row for row in self.rows if row.status is Status.OK)


def mask_email(address: str) -> str:
    """An e-mail address with any T.C.-like 11-digit run masked (`26897684628@x` → `268******28@x`)."""
    return redact_tc(address)


# --- reading -----------------------------------------------------------------------------------------


def read_manifest(folder: Path) -> Manifest:
    """Read DIR/manifest.json; a missing, unreadable, newer or damaged manifest is one InputError (exit 2).

    Every damaged row is named (one line each), so the user sees the whole extent of the damage at once.
    """
    path = folder / MANIFEST
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"{path}: manifest çok büyük (en çok {MAX_BYTES // 2**20} MB)")
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError as exc:
        raise InputError(f"{path}: manifest yok; önce `formkit batch ... -o {folder}` çalıştırın") from exc
    except OSError as exc:
        raise InputError(f"{path}: okunamadı ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: UTF-8 değil; dosya bozulmuş") from exc
    except (json.JSONDecodeError, RecursionError) as exc:
        where = f" (satır {exc.lineno}: {exc.msg})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InputError(f"{path}: geçerli bir JSON değil{where}; dosya bozulmuş") from exc
    return parse_manifest(path, data)


def parse_manifest(path: Path, data: object) -> Manifest:
    """The typed manifest from already-decoded JSON (see read_manifest)."""
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise InputError(f'{path}: {{"batch": ..., "rows": [...]}} biçiminde bir manifest değil')
    schema = data.get("schema", 1)
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise InputError(f"{path}: manifest sürümü anlaşılmadı ({schema!r})")
    if schema > SCHEMA_VERSION:
        raise InputError(
            f"{path}: manifest daha yeni bir formkit ile yazılmış (sürüm {schema}; bu formkit "
            f"{SCHEMA_VERSION} sürümünü okur); formkit'i güncelleyin"
        )
    problems: list[str] = []
    batch = data.get("batch", {})  # absent only in hand-made manifests: an empty header
    if not isinstance(batch, dict) or not all(isinstance(batch.get(k, ""), str) for k in _HEADER_KEYS):
        problems.append(f"{path}: manifestin batch bölümü bozuk")
        batch = {}
    header = Header(**{k: str(batch.get(k, "")) for k in _HEADER_KEYS})
    rows: list[Row] = []
    seen: set[int] = set()
    for index, raw in enumerate(data["rows"], start=1):
        try:
            row = _row(raw)
        except _Damaged as exc:
            problems.append(f"{path}: manifestin {index}. kaydı bozuk: {exc}")
            continue
        if row.row in seen:
            problems.append(f"{path}: satır {row.row} manifestte birden çok kez var")
            continue
        seen.add(row.row)
        rows.append(row)
    printed = data.get("print", [])
    print_files: list[PrintFile] = []
    for raw in printed if isinstance(printed, list) else [printed]:
        try:
            print_files.append(_print_file(raw))
        except _Damaged as exc:
            problems.append(f"{path}: baskı dosyası kaydı bozuk: {exc}")
    warnings = data.get("warnings", [])
    if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        problems.append(f"{path}: uyarılar listesi bozuk")
        warnings = []
    if problems:
        raise InputError("\n".join(problems))
    return Manifest(path, header, tuple(rows), tuple(print_files), tuple(warnings), schema)


_HEADER_KEYS = ("id", "input", "profile", "formkit", "input_sha256")


class _Damaged(Exception):
    """A manifest entry that is not what formkit writes (message says which field)."""


def _get(raw: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
    value = raw.get(key, default)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _Damaged(f"{key} alanı {value!r}")
    return value


def _row(raw: object) -> Row:
    if not isinstance(raw, dict):
        raise _Damaged("bir nesne değil")
    row = _get(raw, "row", int, None)
    try:
        status = Status(str(raw.get("status", "")))
    except ValueError as exc:
        raise _Damaged(f"status alanı {raw.get('status')!r}") from exc
    problems = [RowProblem("", _get(raw, "reason", str, ""))] if raw.get("reason") else []
    for item in _get(raw, "problems", list, []):
        if not isinstance(item, dict):
            raise _Damaged("problems alanı")
        problems.append(RowProblem(_get(item, "field", str, ""), _get(item, "message", str, "")))
    if status is not Status.OK:
        return Row(row, status, tuple(problems))
    text = {key: _get(raw, key, str, "") for key in _OK_TEXT}
    for key in ("ref", "track", "pdf"):
        if not text[key].strip():
            raise _Damaged(f"{key} alanı boş")
    pdf = text["pdf"]
    if Path(pdf).is_absolute() or ".." in Path(pdf).parts or "\\" in pdf:
        raise _Damaged(f"pdf yolu çıktı klasörünün dışını gösteriyor: {pdf!r}")
    source = raw.get("form_source", "data-sheet")
    if source not in _FORM_SOURCES:
        raise _Damaged(f"form_source alanı {source!r}")
    form_file = raw.get("form_file")
    if form_file is not None and not isinstance(form_file, str):
        raise _Damaged(f"form_file alanı {form_file!r}")
    return Row(
        row,
        status,
        tuple(problems),
        **text,
        pages=_get(raw, "pages", int, 0),
        size=_get(raw, "size", int, 0),
        mtime_ns=_get(raw, "mtime_ns", int, 0),
        form_source=source,
        form_file=form_file,
    )


_OK_TEXT = ("ref", "name", "ad", "soyad", "track", "e_posta", "tc", "pdf", "sha256", "key")


def _print_file(raw: object) -> PrintFile:
    if not isinstance(raw, dict):
        raise _Damaged("bir nesne değil")
    return PrintFile(
        _get(raw, "file", str, None),
        _get(raw, "packets", int, 0),
        _get(raw, "duplex", bool, False),
        _get(raw, "fingerprint", str, ""),
        _get(raw, "pages", int, 0),
    )


# --- writing -----------------------------------------------------------------------------------------


@dataclass
class ManifestWriter:
    """Keeps manifest.json true to the files on disk: rewritten atomically while the batch runs.

    Only each row's serialised line is kept (one line per row), so memory is a few hundred bytes a row and a
    rewrite costs a join and a write; rewrites are spaced to take no more than a few % of the run.
    """

    path: Path
    header: Header
    warnings: list[str] = field(default_factory=list)
    print_files: list[PrintFile] = field(default_factory=list)
    lines: dict[int, bytes] = field(default_factory=dict)  # UTF-8: half the memory of str for Turkish text
    settled: int = 0
    last: float = 0.0
    interval: float = _WRITE_EVERY

    def set(self, row: Row) -> None:
        """Record (or replace) one row's line."""
        if row.status is not Status.PENDING:
            self.settled += 1
        self.lines[row.row] = json.dumps(row.to_json(), ensure_ascii=False).encode()

    def maybe_write(self) -> None:
        """Write when the last write is long enough ago."""
        if time.monotonic() - self.last >= self.interval:
            self.write()

    def pieces(self) -> Iterator[bytes]:
        """The manifest as a stream of pieces: never the whole text in memory at once."""

        def dump(value: object) -> str:
            return json.dumps(value, ensure_ascii=False)

        head = f'{{"schema": {SCHEMA_VERSION},\n "batch": {dump(self.header.to_json())},\n'
        yield f'{head} "warnings": {dump(self.warnings)},\n "rows": ['.encode()
        for index, row in enumerate(sorted(self.lines)):
            yield (b",\n  " if index else b"\n  ") + self.lines[row]
        printed = dump([p.to_json() for p in self.print_files])
        yield f'\n ],\n "print": {printed}}}\n'.encode()

    def write(self) -> None:
        """Replace manifest.json atomically (temp file, then rename)."""
        started = time.monotonic()
        write_atomic(self.path, self.pieces())
        self.last = time.monotonic()
        self.interval = max(_WRITE_EVERY, 20 * (self.last - started))


def write_manifest(
    path: Path,
    header: Header,
    rows: Iterable[Row],
    print_files: Iterable[PrintFile] = (),
    warnings: Iterable[str] = (),
) -> None:
    """Write a whole manifest at once (the same bytes the streaming writer gives)."""
    writer = ManifestWriter(path, header, list(warnings), list(print_files))
    for row in rows:
        writer.set(row)
    writer.write()
