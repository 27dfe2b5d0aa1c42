"""The one place the desk reads a batch manifest: the applicants that got a packet.

The desk needs only what identifies a person at the counter (reference, name, track, masked T.C. number) and
when the packet was made; it never reads the packet PDFs. Swap `read_applicants` for the typed manifest
reader when there is one: nothing else in the desk touches manifest.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from formkit import turkish
from formkit.errors import InputError
from formkit.model import Track, mask_digit_runs, redact_tc

MANIFEST_NAME = "manifest.json"
MAX_MANIFEST_BYTES = 128 * 1024 * 1024  # ≈ 600 bytes a row: 200,000 rows, beyond any province's staff


@dataclass(frozen=True)
class Applicant:
    """One ok row of a batch: a packet the officer may see come back."""

    ref: str
    row: int
    name: str  # as written, e.g. "İlknur Iğdır"
    ad: str
    soyad: str
    track: Track
    masked_tc: str
    e_posta: str
    pdf: str  # relative to the folder
    made: str  # UTC ISO time the packet file was written

    @property
    def display_name(self) -> str:
        """ "İlknur IĞDIR": the surname in Turkish capitals, as the cover prints it."""
        return " ".join(part for part in (self.ad, turkish.upper(self.soyad)) if part)


@dataclass(frozen=True)
class Batch:
    """What the desk knows of a batch folder: its id and its applicants, in row order."""

    batch_id: str
    applicants: tuple[Applicant, ...]


def manifest_stamp(folder: Path) -> str:
    """Size and modification time of the manifest: changes whenever `formkit batch` rewrites it."""
    path = folder / MANIFEST_NAME
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: manifest yok; önce `formkit batch ... -o {folder}` çalıştırın") from exc
    except OSError as exc:
        raise InputError(f"{path}: okunamadı ({exc.strerror or exc})") from exc
    return f"{info.st_size}:{info.st_mtime_ns}"


def read_applicants(folder: Path) -> Batch:
    """Read DIR/manifest.json: every ok row with a reference, once per reference (the first wins)."""
    path = folder / MANIFEST_NAME
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise InputError(f"{path}: manifest çok büyük (en çok {MAX_MANIFEST_BYTES // 2**20} MB)")
        text = path.read_text(encoding="utf-8")
        made_default = datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")
        data = json.loads(text)
    except FileNotFoundError as exc:
        raise InputError(f"{path}: manifest yok; önce `formkit batch ... -o {folder}` çalıştırın") from exc
    except OSError as exc:
        raise InputError(f"{path}: okunamadı ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: UTF-8 değil") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: geçerli bir JSON değil (satır {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise InputError(f'{path}: {{"rows": [...]}} biçiminde bir manifest değil')
    batch = data.get("batch")
    batch_id = batch.get("id") if isinstance(batch, dict) else None
    applicants: list[Applicant] = []
    seen: set[str] = set()
    for raw in data["rows"]:
        applicant = _applicant(raw, made_default) if isinstance(raw, dict) else None
        if applicant is not None and applicant.ref not in seen:
            seen.add(applicant.ref)
            applicants.append(applicant)
    return Batch(batch_id if isinstance(batch_id, str) else "", tuple(applicants))


def _applicant(raw: dict[str, Any], made_default: str) -> Applicant | None:
    if raw.get("status") != "ok":
        return None
    ref, name, track = _text(raw, "ref"), turkish.normalise_space(_text(raw, "name")), _text(raw, "track")
    row = raw.get("row")
    if not ref or not name or not isinstance(row, int) or track not in {t.value for t in Track}:
        return None
    ad, soyad = _text(raw, "ad"), _text(raw, "soyad")
    if not (ad and soyad):
        ad, _, soyad = name.rpartition(" ")
    mtime = raw.get("mtime_ns")
    made = (
        datetime.fromtimestamp(mtime / 1e9, UTC).isoformat(timespec="seconds")
        if isinstance(mtime, int) and not isinstance(mtime, bool)
        else made_default
    )
    return Applicant(
        ref=ref,
        row=row,
        name=mask_digit_runs(name),  # a T.C. number typed into a name column never reaches the desk
        ad=mask_digit_runs(ad),
        soyad=mask_digit_runs(soyad),
        track=Track(track),
        masked_tc=redact_tc(_text(raw, "tc")),
        e_posta=_text(raw, "e_posta"),
        pdf=_text(raw, "pdf"),
        made=made,
    )


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    return value.strip() if isinstance(value, str) else ""
