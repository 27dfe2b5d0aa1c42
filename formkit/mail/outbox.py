"""The outbox: one .eml per mailable row of a batch folder (`formkit mail`), written atomically, idempotently.

Rows come from the typed batch manifest (formkit.batch.manifest); a row that cannot be mailed (an address
that is not one, a packet that is gone or changed since the batch, a masked address) is refused with a
Turkish reason and the others go on. `--draft` writes the same messages with `X-Unsent: 1` into DIR/drafts,
for offices that send from Outlook instead of over SMTP.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy as email_policy
from email.errors import MessageError
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from formkit import turkish
from formkit.batch.manifest import Manifest, Row, read_manifest
from formkit.errors import InputError, MailError
from formkit.fileio import write_if_changed
from formkit.mail.compose import (
    DEFAULT_MAX_SIZE,
    Composer,
    MailRow,
    eml_name,
    format_size,
    is_address,
    load_texts,
)
from formkit.model import Profile, Track, redact_tc

__all__ = [
    "BATCH_TOKEN_NAME",
    "DRAFTS_NAME",
    "OUTBOX_NAME",
    "OutboxResult",
    "Refusal",
    "batch_token",
    "mail_rows",
    "read_head",
    "write_outbox",
]

BATCH_TOKEN_NAME = "mail-id.txt"
OUTBOX_NAME = "outbox"
DRAFTS_NAME = "drafts"


@dataclass(frozen=True)
class Refusal:
    """A row that gets no message, and why (Turkish, one line; no T.C. number)."""

    row: int | None
    ref: str
    reason: str

    def line(self) -> str:
        where = ", ".join(p for p in (f"satır {self.row}" if self.row is not None else "", self.ref) if p)
        return redact_tc(f"{where}: {self.reason}" if where else self.reason)


def mail_rows(manifest: Manifest) -> tuple[list[MailRow], list[Refusal], int]:
    """The manifest's ok rows that can be mailed, the ok rows that cannot (and why), and the count of the
    rows that have no packet (invalid or failed)."""
    rows: list[MailRow] = []
    refused: list[Refusal] = []
    names: set[str] = set()
    root = manifest.folder.resolve()
    not_ok = 0
    for entry in manifest.rows:
        if entry.status.value != "ok":
            not_ok += 1
            continue
        parsed = _mail_row(entry, root)
        if isinstance(parsed, Refusal):
            refused.append(parsed)
        elif eml_name(parsed.ref) in names:  # the .eml file is named after the ref
            refused.append(Refusal(parsed.row, parsed.ref, "bu paket numarası manifestte birden çok kez var"))
        else:
            names.add(eml_name(parsed.ref))
            rows.append(parsed)
    return rows, refused, not_ok


def _mail_row(entry: Row, root: Path) -> MailRow | Refusal:
    ref = entry.ref.strip()
    try:
        track = Track(entry.track)
    except ValueError:
        return Refusal(entry.row, ref, f"bilinmeyen başvuru türü: {entry.track!r}")
    e_posta = entry.e_posta.strip()
    if "*" in e_posta:
        return Refusal(
            entry.row,
            ref,
            f"e-posta adresi T.C. kimlik numarası içeriyor ({e_posta}); manifestte gizlendi, "
            "ileti yazılmadı: paketi kişiye kendi e-postanızdan gönderin",
        )
    if not e_posta:
        return Refusal(entry.row, ref, "e-posta adresi yok")
    if not is_address(e_posta):
        return Refusal(entry.row, ref, f"e-posta adresi kullanılamıyor: {e_posta!r}")
    pdf = (root / entry.pdf).resolve()
    if not pdf.is_relative_to(root):
        return Refusal(entry.row, ref, "pdf yolu çıktı klasörünün dışını gösteriyor")
    name = turkish.normalise_space(entry.name)
    ad, soyad = turkish.normalise_space(entry.ad), turkish.normalise_space(entry.soyad)
    if not (ad and soyad):  # one name only: its last word is the surname
        ad, _, soyad = name.rpartition(" ")
        if not ad:
            ad, soyad = soyad, ""
    sha = entry.sha256.strip().lower()
    return MailRow(
        entry.row, ref, name, ad, soyad, track, e_posta, pdf, sha, entry.key or sha, entry.form_source
    )


@dataclass
class OutboxResult:
    """What `mail` did: files written or up to date, rows refused, rows the batch had no packet for."""

    outbox: Path
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # messages of rows no longer in the batch
    not_ok: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.refused else 0


def write_outbox(
    folder: Path,
    profile: Profile,
    *,
    outbox: Path | None = None,
    sender: str | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    texts_dir: Path | None = None,
    draft: bool = False,
) -> OutboxResult:
    """Write one .eml per ok manifest row into the outbox (default DIR/outbox, DIR/drafts for drafts),
    atomically and idempotently."""
    manifest = read_manifest(folder)
    composer = Composer(profile, sender=sender, texts=load_texts(texts_dir), max_size=max_size)
    box = outbox if outbox is not None else folder / (DRAFTS_NAME if draft else OUTBOX_NAME)
    try:
        box.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MailError(f"{box}: giden kutusu oluşturulamadı ({exc.strerror or exc})") from exc
    rows, refused, not_ok = mail_rows(manifest)
    result = OutboxResult(box, refused=refused, not_ok=not_ok)
    batch_id = manifest.header.id or batch_token(folder)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    for row in rows:
        target = box / eml_name(row.ref)
        try:
            pdf_size = row.pdf.stat().st_size
            if pdf_size > max_size:
                reason = (
                    f"paket {format_size(pdf_size)}; en çok {format_size(max_size)} olabilir (--max-size)"
                )
                result.refused.append(Refusal(row.row, row.ref, reason))
                _remove_stale(target)
                continue
            pdf = row.pdf.read_bytes()
        except OSError as exc:
            result.refused.append(
                Refusal(row.row, row.ref, f"paket okunamadı: {row.pdf.name} ({exc.strerror})")
            )
            _remove_stale(target)
            continue
        if row.sha256 and hashlib.sha256(pdf).hexdigest() != row.sha256:
            reason = f"{row.pdf.name} manifestteki özetle (sha256) uyuşmuyor; batch'i yeniden çalıştırın"
            result.refused.append(Refusal(row.row, row.ref, reason))
            _remove_stale(target)
            continue
        try:
            date = _message_date(epoch, target, composer.message_id(batch_id, row))
            mail = composer.compose(row, batch_id=batch_id, pdf=pdf, date=date, draft=draft)
        except MailError as exc:
            result.refused.append(Refusal(row.row, row.ref, exc.message))
            _remove_stale(target)
            continue
        if _write_if_changed(target, mail.data):
            result.written.append(target)
        else:
            result.unchanged.append(target)
    current = {path.name for path in (*result.written, *result.unchanged)}
    for path in sorted(box.glob("*.eml")):
        if path.name not in current and _is_ours(path):  # its row left the batch: `send` must not send it
            _remove_stale(path)
            result.removed.append(path)
    return result


def _is_ours(path: Path) -> bool:
    """A message `formkit mail` itself wrote: it carries X-Formkit-Ref and is named after that reference
    (`<REF>.eml`). Anything else in the folder is left alone: files put there by hand, and the reminders
    `formkit remind` writes (`<REF>-hatirlatma-N.eml`, with the same header) for `send` to send."""
    try:
        ref = read_head(path)["X-Formkit-Ref"]
    except (OSError, ValueError, TypeError, MessageError):
        return False
    return ref is not None and path.name == eml_name(str(ref))


def batch_token(folder: Path) -> str:
    """The batch's identity when its manifest names none: a random token kept in DIR/mail-id.txt.

    Message-IDs must be unique worldwide (mail clients hide a second message with a known Message-ID), so
    two batch folders must not share them, while one folder keeps its own across reruns.
    """
    path = folder / BATCH_TOKEN_NAME
    for _ in range(2):
        try:
            token = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            try:
                with path.open("x", encoding="ascii") as handle:  # exclusive: two runs agree on one token
                    handle.write(secrets.token_hex(16) + "\n")
            except FileExistsError:
                pass
            except OSError as exc:
                raise MailError(f"{path}: yazılamadı ({exc.strerror or exc})") from exc
            continue
        except (OSError, UnicodeDecodeError) as exc:
            raise MailError(f"{path}: okunamadı ({exc})") from exc
        if re.fullmatch(r"[0-9a-f]{32}", token):
            return token
        raise MailError(
            f"{path}: bozuk; silip `formkit mail` komutunu yeniden çalıştırın (önce gönderilmemişse)"
        )
    raise MailError(f"{path}: oluşturulamadı")


def _message_date(epoch: str, existing: Path, message_id: str) -> datetime:
    """SOURCE_DATE_EPOCH if set; else the Date of the same message written before; else now."""
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise InputError(f"SOURCE_DATE_EPOCH bir tam sayı olmalı: {epoch!r}") from exc
    try:
        old = read_head(existing)
        if old["Message-ID"] == message_id and old["Date"] is not None:
            when = old["Date"].datetime
            if isinstance(when, datetime) and when.tzinfo is not None:
                return when
    except (OSError, ValueError, TypeError, AttributeError, MessageError):
        pass
    return datetime.now(UTC).replace(microsecond=0)


def _write_if_changed(target: Path, data: bytes) -> bool:
    """Atomic write (temp file + os.replace); an identical file is left untouched (same mtime)."""
    return write_if_changed(target, data, error=MailError)


def _remove_stale(target: Path) -> None:
    """A row refused now must not leave an older message of itself in the outbox for `send`."""
    try:
        target.unlink(missing_ok=True)
    except OSError as exc:
        raise MailError(f"{target}: eski ileti silinemedi ({exc.strerror or exc})") from exc


def read_head(path: Path) -> EmailMessage:
    """The headers of a message file, parsed, without reading the (large) rest."""
    lines: list[bytes] = []
    with path.open("rb") as handle:
        for line in handle:
            if not line.strip(b"\r\n"):
                break
            lines.append(line)
    return BytesParser(policy=email_policy.default).parsebytes(b"".join(lines) + b"\n", headersonly=True)
