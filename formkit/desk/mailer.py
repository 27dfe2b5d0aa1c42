"""The desk's only contact with formkit.mail: when each packet was mailed, and writing a reminder.

Kept in one small module so that the mail package can change shape (compose / outbox / smtp / send) with one
place to follow here. Reminders are composed by the mail package's own composer (same sender, headers,
attachment handling and T.C. checks as the first message) and written into the same outbox, where
`formkit send` and its never-twice journal pick them up; each reminder has its own Message-ID.
"""

from __future__ import annotations

import html
import string
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy as email_policy
from email.errors import MessageError
from email.parser import BytesParser
from pathlib import Path

from formkit.desk.manifest import Applicant
from formkit.errors import MailError
from formkit.fileio import write_if_changed
from formkit.mail.compose import Composer, MailRow, MailTexts, eml_name
from formkit.mail.journal import JOURNAL_NAME, Journal, State
from formkit.mail.outbox import OUTBOX_NAME, batch_token
from formkit.model import Profile

REMINDER_TAG = "hatirlatma"


@dataclass(frozen=True)
class Mailed:
    """When a packet's e-mail went out (journal) or was written into the outbox (not yet sent)."""

    at: str  # UTC ISO
    sent: bool


def reminder_name(ref: str, number: int) -> str:
    """The outbox file of a packet's n-th reminder: `7KQ2-M9XDK-hatirlatma-1.eml`."""
    return eml_name(ref).removesuffix(".eml") + f"-{REMINDER_TAG}-{number}.eml"


def outbox(folder: Path) -> Path:
    return folder / OUTBOX_NAME


def batch_id(folder: Path, known: str) -> str:
    """The batch identity the mail package uses for Message-IDs."""
    return known or batch_token(folder)


def sent_files(folder: Path) -> dict[str, str]:
    """Outbox file name → time sent, from the send journal (empty when nothing was sent yet)."""
    path = folder / JOURNAL_NAME
    if not path.exists():
        return {}
    with Journal(path, readonly=True) as journal:
        return {entry.file: entry.updated for entry in journal.entries() if entry.state is State.SENT}


def _stamp(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_mtime_ns, info.st_size)


_CACHE: dict[Path, tuple[tuple[object, ...], dict[str, Mailed]]] = {}
_CACHE_LOCK = threading.Lock()


def mailed(folder: Path, refs: list[str]) -> dict[str, Mailed]:
    """For each packet reference, when its (first) e-mail was sent, else when it was put in the outbox.

    Reading every message's Date header costs a file open per packet: the answer is kept per process until
    the outbox folder or the journal changes (a new or replaced .eml changes the folder's mtime).
    """
    key = (_stamp(outbox(folder)), _stamp(folder / JOURNAL_NAME), tuple(refs))
    with _CACHE_LOCK:
        cached = _CACHE.get(folder)
    if cached is not None and cached[0] == key:
        return cached[1]
    result = _mailed(folder, refs)
    with _CACHE_LOCK:
        _CACHE.clear()  # one folder per process in practice: memory stays flat
        _CACHE[folder] = (key, result)
    return result


def _mailed(folder: Path, refs: list[str]) -> dict[str, Mailed]:
    sent = sent_files(folder)
    box = outbox(folder)
    out: dict[str, Mailed] = {}
    for ref in refs:
        name = eml_name(ref)
        if name in sent:
            out[ref] = Mailed(sent[name], True)
            continue
        written = _date_header(box / name)
        if written is not None:
            out[ref] = Mailed(written, False)
    return out


def _date_header(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(16 * 1024).split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
        when = BytesParser(policy=email_policy.default).parsebytes(head, headersonly=True)["Date"]
        value = when.datetime if when is not None else None
    except (OSError, ValueError, TypeError, AttributeError, MessageError):
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="seconds")


def write_reminder(
    folder: Path,
    profile: Profile,
    applicant: Applicant,
    *,
    batch: str,
    number: int,
    subject: str,
    text: str,
    values: dict[str, str],
    when: datetime,
) -> Path:
    """Compose the n-th reminder to one applicant with the packet attached and write it into the outbox.

    `text` and `subject` are the profile's templates; `values` fills the desk's own placeholders, the mail
    composer fills the rest. Raises MailError (with a Turkish reason) when it cannot be written.
    """
    row = MailRow(
        row=applicant.row, ref=applicant.ref, name=applicant.name, ad=applicant.ad, soyad=applicant.soyad,
        track=applicant.track, e_posta=applicant.e_posta, pdf=folder / applicant.pdf, sha256="",
        # the send journal knows a message by recipient + this identity: each reminder is its own message
        packet=f"{applicant.ref}/{REMINDER_TAG}-{number}",
    )  # fmt: skip
    dollars = {key: value.replace("$", "$$") for key, value in values.items()}
    plain = string.Template(text).safe_substitute(dollars)
    html_values = {key: html.escape(value).replace("$", "$$") for key, value in values.items()}
    body = string.Template(html.escape(text, quote=False)).safe_substitute(html_values)
    page = '<!doctype html><html lang="tr"><body><p>' + body.replace("\n", "<br>\n") + "</p></body></html>\n"
    composer = Composer(
        profile, texts={applicant.track: MailTexts(string.Template(plain), string.Template(page))}
    )
    try:
        pdf = row.pdf.read_bytes()
    except OSError as exc:
        raise MailError(f"paket okunamadı: {applicant.pdf} ({exc.strerror or exc})") from exc
    composed = composer.compose(row, batch_id=f"{batch}/{REMINDER_TAG}-{number}", pdf=pdf, date=when)
    subject_line = string.Template(subject).safe_substitute(
        ad_SOYAD=applicant.display_name, ad_soyad=applicant.name, ref=applicant.ref, **values
    )
    data = _with_subject(composed.data, " ".join(subject_line.split()))
    return _write(outbox(folder) / reminder_name(applicant.ref, number), data)


def _with_subject(data: bytes, subject: str) -> bytes:
    """The composed message with its Subject replaced (the composer writes the packet's subject)."""
    try:
        message = BytesParser(policy=email_policy.default).parsebytes(data)
        message.replace_header("Subject", subject)
        return message.as_bytes(policy=email_policy.default)
    except (ValueError, TypeError, KeyError, MessageError) as exc:
        raise MailError(f"hatırlatma iletisi oluşturulamadı ({exc})") from exc


def _write(target: Path, data: bytes) -> Path:
    write_if_changed(target, data, error=MailError)
    return target


__all__ = [
    "REMINDER_TAG",
    "Mailed",
    "batch_id",
    "mailed",
    "outbox",
    "reminder_name",
    "sent_files",
    "write_reminder",
]
