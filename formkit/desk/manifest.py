"""The one place the desk reads a batch manifest: the applicants that got a packet.

The desk needs only what identifies a person at the counter (reference, name, track, masked T.C. number) and
when the packet was made; it never reads the packet PDFs. The file is read by the typed batch manifest
(formkit.batch.manifest): nothing in the desk parses manifest.json itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from formkit import turkish
from formkit.batch.manifest import MANIFEST, Row, read_manifest
from formkit.errors import InputError
from formkit.model import Track, mask_digit_runs, redact_tc

MANIFEST_NAME = MANIFEST  # the size limit is the manifest reader's (formkit.batch.manifest.MAX_BYTES)


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
    """Every ok row of DIR/manifest.json (the typed batch manifest), once per reference (the first wins)."""
    manifest = read_manifest(folder)
    try:
        made_default = datetime.fromtimestamp(manifest.path.stat().st_mtime, UTC).isoformat(
            timespec="seconds"
        )
    except OSError as exc:
        raise InputError(f"{manifest.path}: okunamadı ({exc.strerror or exc})") from exc
    applicants: list[Applicant] = []
    seen: set[str] = set()
    for row in manifest.ok_rows():
        applicant = _applicant(row, made_default)
        if applicant is not None and applicant.ref not in seen:
            seen.add(applicant.ref)
            applicants.append(applicant)
    return Batch(manifest.header.id, tuple(applicants))


def _applicant(row: Row, made_default: str) -> Applicant | None:
    ref, name, track = row.ref.strip(), turkish.normalise_space(row.name), row.track
    if not ref or not name or track not in {t.value for t in Track}:
        return None
    ad, soyad = row.ad.strip(), row.soyad.strip()
    if not (ad and soyad):
        ad, _, soyad = name.rpartition(" ")
    made = (
        datetime.fromtimestamp(row.mtime_ns / 1e9, UTC).isoformat(timespec="seconds")
        if row.mtime_ns
        else made_default
    )
    return Applicant(
        ref=ref,
        row=row.row,
        name=mask_digit_runs(name),  # a T.C. number typed into a name column never reaches the desk
        ad=mask_digit_runs(ad),
        soyad=mask_digit_runs(soyad),
        track=Track(track),
        masked_tc=redact_tc(row.tc),
        e_posta=row.e_posta.strip(),
        pdf=row.pdf,
        made=made,
    )


__all__ = ["MANIFEST_NAME", "Applicant", "Batch", "manifest_stamp", "read_applicants"]
