"""E-mail for a batch: one message per packet written to an outbox (`mail`), then sent over SMTP (`send`).

`write_outbox` reads a batch folder's manifest.json and writes, for every ok row, one RFC 5322 message as a
`.eml` file: the track's next steps as plain text and HTML (templates in assets/mail/, facts from the profile)
and the packet PDF attached. Messages are built with `email.message.EmailMessage` and `policy.default`, so a
CR or LF in data can never reach a header; Message-ID, Date and MIME boundaries are derived from the batch, so
writing the same message twice gives the same bytes.

`send_outbox` sends the outbox over one reused SMTP connection with a journal (mail.journal) that makes
sure no message goes out twice: reconnects when the server drops the line, retries temporary (4xx) answers
with bounded backoff, records permanent (5xx) answers as failed and goes on with the others. A connection lost
after a message's last byte was handed over but before the server answered is *uncertain*: it stays in
"sending" and is only tried again with `retry_uncertain`.

No T.C. number is read from the manifest beyond the masked one, and none is written to a message, the journal
or the output.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import json
import os
import re
import secrets
import smtplib
import socket
import ssl
import string
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email import policy as email_policy
from email import utils as email_utils
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from formkit import turkish
from formkit.errors import InputError, MailError, TemplateError
from formkit.fileio import write_if_changed
from formkit.mail.journal import JOURNAL_NAME, Journal, State, scrub
from formkit.model import Profile, Track
from formkit.profile import address_lines
from formkit.resources import asset

MANIFEST_NAME = "manifest.json"
BATCH_TOKEN_NAME = "mail-id.txt"
OUTBOX_NAME = "outbox"
DEFAULT_MAX_SIZE = 10 * 1024 * 1024
TURKEY = timezone(timedelta(hours=3), "TRT")  # Türkiye has kept UTC+3 all year since 2016
SUBJECT = "E-imza başvuru paketiniz — {name}"

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDR_SPEC = re.compile(rf"[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})+")
_ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")


# --- the manifest ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailRow:
    """One ok row of a batch manifest: enough to address and attach one packet."""

    row: int
    ref: str
    name: str  # as written, e.g. "İlknur Iğdır"
    ad: str
    soyad: str
    track: Track
    e_posta: str
    pdf: Path  # absolute
    sha256: str

    @property
    def display_name(self) -> str:
        """The "Ad SOYAD" form the subject and the greeting show it: "İlknur IĞDIR"."""
        return " ".join(part for part in (self.ad, turkish.upper(self.soyad)) if part)


@dataclass(frozen=True)
class Refusal:
    """A row that gets no message, and why (Turkish, one line)."""

    row: int | None
    ref: str
    reason: str

    def line(self) -> str:
        where = ", ".join(p for p in (f"satır {self.row}" if self.row is not None else "", self.ref) if p)
        return f"{where}: {self.reason}" if where else self.reason


@dataclass(frozen=True)
class Manifest:
    """What `mail` needs from a batch folder's manifest.json."""

    folder: Path
    batch_id: str
    rows: tuple[MailRow, ...]
    refused: tuple[Refusal, ...]  # ok rows that cannot be mailed (bad e-mail, missing PDF, ...)
    not_ok: int  # invalid or failed rows of the batch (they have no packet)


def read_manifest(folder: Path) -> Manifest:
    """Read DIR/manifest.json defensively: a missing or broken manifest is one InputError line (exit 2)."""
    path = folder / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
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
    batch_id = next((data[k] for k in ("batch_id", "batch", "id") if isinstance(data.get(k), str)), "")
    if not batch_id and isinstance(batch, dict) and isinstance(batch.get("id"), str):
        batch_id = batch["id"]  # what `formkit batch` writes: {"batch": {"id": ..., "input": ...}}
    rows: list[MailRow] = []
    refused: list[Refusal] = []
    not_ok = 0
    refs: set[str] = set()
    root = folder.resolve()
    for index, raw in enumerate(data["rows"], start=1):
        if not isinstance(raw, dict):
            refused.append(Refusal(None, "", f"manifestin {index}. kaydı bir nesne değil"))
            continue
        if raw.get("status") != "ok":
            not_ok += 1
            continue
        parsed = _mail_row(raw, root, index)
        if isinstance(parsed, Refusal):
            refused.append(parsed)
        elif eml_name(parsed.ref) in refs:  # the .eml file is named after the ref
            refused.append(Refusal(parsed.row, parsed.ref, "bu paket numarası manifestte birden çok kez var"))
        else:
            refs.add(eml_name(parsed.ref))
            rows.append(parsed)
    return Manifest(folder, batch_id, tuple(rows), tuple(refused), not_ok)


def _mail_row(raw: Mapping[str, Any], root: Path, index: int) -> MailRow | Refusal:
    row_no = raw.get("row")
    row = row_no if isinstance(row_no, int) and not isinstance(row_no, bool) else None
    ref = _text(raw.get("ref"))
    if row is None:
        return Refusal(None, ref, f"manifestin {index}. kaydında satır numarası yok")
    missing = [key for key in ("ref", "name", "track", "e_posta", "pdf") if not _text(raw.get(key))]
    if missing:
        return Refusal(row, ref, f"manifestte eksik alan: {', '.join(missing)}")
    try:
        track = Track(_text(raw.get("track")))
    except ValueError:
        return Refusal(row, ref, f"bilinmeyen başvuru türü: {_text(raw.get('track'))!r}")
    e_posta = _text(raw.get("e_posta"))
    if not _ADDR_SPEC.fullmatch(e_posta):
        return Refusal(row, ref, f"e-posta adresi kullanılamıyor: {e_posta!r}")
    pdf = (root / _text(raw.get("pdf"))).resolve()
    if not pdf.is_relative_to(root):
        return Refusal(row, ref, "pdf yolu çıktı klasörünün dışını gösteriyor")
    name = turkish.normalise_space(_text(raw.get("name")))
    ad, soyad = _text(raw.get("ad")), _text(raw.get("soyad"))
    if not (ad and soyad):  # the manifest of issue 5 has one name; its last word is the surname
        ad, _, soyad = name.rpartition(" ")
        if not ad:
            ad, soyad = soyad, ""
    sha = _text(raw.get("sha256")).lower()
    return MailRow(
        row, ref, name, turkish.normalise_space(ad), turkish.normalise_space(soyad), track, e_posta, pdf, sha
    )


def eml_name(ref: str) -> str:
    """The outbox file of a packet reference: ASCII, keeping its dashes (`27B9-8TGJ1.eml`)."""
    return "-".join(turkish.ascii_safe(part) for part in ref.split("-")) + ".eml"


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


# --- the texts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailTexts:
    """The plain-text and HTML body templates of one track (string.Template, `$name` placeholders)."""

    text: string.Template
    html: string.Template


PLACEHOLDERS: Mapping[str, str] = {
    "ad_soyad": "the applicant's name as written (İlknur Iğdır)",
    "ad_SOYAD": "name with the surname in capitals (İlknur IĞDIR)",
    "ref": "packet reference",
    "basvuru_turu": "the track in words",
    "ek_dosya": "the attachment's file name",
    "kurum_adi": "the profile's institution (Mersin İl Sağlık Müdürlüğü)",
    "teslim_yeri": "the E-imza Kurum Yetkilisi's address, several lines",
    "teslim_yeri_tek_satir": "the same on one line",
    "kamusm_adresi": "Kamu SM's postal address, several lines",
    "kamusm_tek_satir": "the same on one line",
    "kamusm_telefon": "Kamu SM's phone",
    "iban": "IBAN in groups of four",
    "banka": "bank",
    "alici": "account holder",
    "tutar": "total fee (1.080,00 TL)",
    "ucret_kalemleri": "fee items with amounts",
    "ucret_tarihi": "date the fees are valid from",
    "ucret_adresi": "Kamu SM's price list page",
    "aciklama": "transfer description with the T.C. number left for the applicant to write",
    "portal_adresi": "application portal URL",
    "online_islemler_adresi": "Kamu SM online işlemler URL",
    "odeme_adresi": "payment page URL",
}


def load_texts(folder: Path | None = None) -> Mapping[Track, MailTexts]:
    """Read and check `<track>.txt` and `<track>.html` of every track (default: assets/mail/).

    Parsed once per process and folder; read again only when a file changes (size or modification time).
    """
    base = folder if folder is not None else asset("mail")
    stamp: list[tuple[int, int]] = []
    for track in Track:
        for suffix in ("txt", "html"):
            try:
                info = (base / f"{track.value}.{suffix}").stat()
                stamp.append((info.st_mtime_ns, info.st_size))
            except OSError:
                stamp.append((-1, -1))
    return _load_texts(base, tuple(stamp))


@lru_cache(maxsize=8)
def _load_texts(base: Path, stamp: tuple[tuple[int, int], ...]) -> Mapping[Track, MailTexts]:
    texts: dict[Track, MailTexts] = {}
    problems: list[str] = []
    for track in Track:
        pair: list[string.Template] = []
        for suffix in ("txt", "html"):
            path = base / f"{track.value}.{suffix}"
            try:
                template = string.Template(path.read_text(encoding="utf-8"))
            except OSError as exc:
                problems.append(f"{path}: e-posta şablonu okunamadı ({exc.strerror or exc})")
                continue
            except UnicodeDecodeError:
                problems.append(f"{path}: e-posta şablonu UTF-8 değil")
                continue
            if not template.is_valid():
                problems.append(f"{path}: geçersiz $ kullanımı (düz $ için $$ yazın)")
                continue
            unknown = sorted(set(template.get_identifiers()) - set(PLACEHOLDERS))
            if unknown:
                allowed = " ".join("$" + name for name in PLACEHOLDERS)
                names = ", ".join("$" + name for name in unknown)
                problems.append(f"{path}: bilinmeyen yer tutucu {names}; kullanılabilenler: {allowed}")
                continue
            pair.append(template)
        if len(pair) == 2:
            texts[track] = MailTexts(pair[0], pair[1])
    if problems:
        raise TemplateError("\n".join(problems))
    return texts


def _values(row: MailRow, profile: Profile, attachment: str) -> dict[str, str]:
    """Every placeholder's text for one row (plain; the HTML path escapes them)."""
    bank = profile.bank
    description = bank.description_template.format(
        AD=turkish.upper(row.ad),
        SOYAD=turkish.upper(row.soyad),
        TC="<T.C. KİMLİK NO>",
        ad=row.ad,
        soyad=row.soyad,
        AD_SOYAD=turkish.upper(row.name),
        ad_soyad=row.name,
    )
    fees = profile.fees
    officer, kamusm = address_lines(profile.officer), address_lines(profile.kamusm)
    return {
        "ad_soyad": row.name,
        "ad_SOYAD": row.display_name,
        "ref": row.ref,
        "basvuru_turu": row.track.label,
        "ek_dosya": attachment,
        "kurum_adi": profile.name,
        "teslim_yeri": "\n".join(officer),
        "teslim_yeri_tek_satir": ", ".join(officer),
        "kamusm_adresi": "\n".join(kamusm),
        "kamusm_tek_satir": ", ".join(kamusm),
        "kamusm_telefon": profile.kamusm_phone,
        "iban": turkish.group_iban(bank.iban),
        "banka": bank.bank,
        "alici": bank.recipient,
        "tutar": turkish.format_amount(fees.total, fees.currency),
        "ucret_kalemleri": " + ".join(
            f"{item.name} {turkish.format_amount(item.amount, fees.currency)}" for item in fees.items
        ),
        "ucret_tarihi": turkish.format_date(fees.valid_from),
        "ucret_adresi": profile.urls.fees or profile.urls.online_islemler,
        "aciklama": description,
        "portal_adresi": profile.urls.portal,
        "online_islemler_adresi": profile.urls.online_islemler,
        "odeme_adresi": profile.urls.payment,
    }


def _html_values(values: Mapping[str, str]) -> dict[str, str]:
    """Escape every value for HTML (names with & < > stay text); line breaks become <br>."""
    return {key: html.escape(value, quote=True).replace("\n", "<br>\n") for key, value in values.items()}


# --- composing one message -------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    """One composed message as a .eml file holds it (LF line ends; `send` turns them into CRLF)."""

    row: int
    ref: str
    message_id: str
    recipient: str
    subject: str
    attachment: str
    data: bytes


class _RawParam(str):
    """A header value given as ready text, used only for Content-Disposition.

    policy.default keeps one `filename` parameter, but mail clients need two: RFC 2231 `filename*` for the
    Turkish name and a plain ASCII `filename` that Outlook shows. Both are built from safe alphabets only
    (percent-encoding and [A-Za-z0-9_.-]), checked below, so no CR, LF or quote can enter.
    """

    name = "Content-Disposition"

    def fold(self, *, policy: Any) -> str:
        linesep = str(policy.linesep)
        return f"{self.name}: " + str(self).replace("\n", linesep) + linesep


def _disposition(turkish_name: str, ascii_name: str) -> _RawParam:
    pieces = _rfc2231_pieces(turkish_name)
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", ascii_name) or not all(
        re.fullmatch(r"[A-Za-z0-9%'_.\-~]+", piece) for piece in pieces
    ):
        raise MailError(f"ek dosya adı oluşturulamadı: {ascii_name!r}")
    # filename* first: Python's parser keeps the first of two; clients that know RFC 2231 prefer it anyway.
    if len(pieces) == 1:
        params = [f"filename*={pieces[0]}"]
    else:
        params = [f"filename*{index}*={piece}" for index, piece in enumerate(pieces)]
    params.append(f'filename="{ascii_name}"')
    return _RawParam(";\n ".join(["attachment", *params]))


def _rfc2231_pieces(text: str, width: int = 60) -> list[str]:
    """RFC 2231 percent-encoding of a UTF-8 name, cut into continuation pieces between whole characters."""
    pieces: list[str] = []
    current = "utf-8''"
    for char in text:
        encoded = urllib.parse.quote(char, safe="", encoding="utf-8")
        if len(current) + len(encoded) > width and current:
            pieces.append(current)
            current = ""
        current += encoded
    pieces.append(current)
    return pieces


class Composer:
    """Builds the messages of one batch: profile facts, sender and texts are fixed once."""

    def __init__(
        self,
        profile: Profile,
        *,
        sender: str | None = None,
        texts: Mapping[Track, MailTexts] | None = None,
        max_size: int = DEFAULT_MAX_SIZE,
    ) -> None:
        self.profile = profile
        self.texts = texts if texts is not None else load_texts()
        self.max_size = max_size
        self.sender = _parse_sender(sender or profile.mail_from)
        self.reply_to = _parse_sender(profile.mail_reply_to) if profile.mail_reply_to else None
        domain = self.sender.domain.lower()
        self.domain = domain if re.fullmatch(r"[a-z0-9.-]+", domain) else "formkit.invalid"

    def message_id(self, batch_id: str, row: MailRow) -> str:
        """Deterministic per batch and row: the same packet of the same batch always has the same Message-ID.

        The row is known by its packet reference (stable per applicant) and address, not by its row number:
        a row added higher up in the HR export shifts every number below it, and must not resend them all.
        """
        key = "\0".join(("formkit-mail-1", batch_id, row.ref, row.e_posta.lower()))
        # base32 (a-z, 2-7): 160 bits, and never a run of digits that could pass for a T.C. number
        token = base64.b32encode(hashlib.sha256(key.encode("utf-8")).digest()[:20]).decode("ascii").lower()
        return f"<{token}@{self.domain}>"

    def compose(self, row: MailRow, *, batch_id: str, pdf: bytes, date: datetime) -> Mail:
        """One message for one row; raises MailError with a Turkish reason when it cannot be built."""
        if any(_ELEVEN_DIGITS.search(value) for value in (row.name, row.ref, row.e_posta)):
            raise MailError(
                "manifestte T.C. kimlik numarasına benzeyen 11 haneli bir sayı var; ileti yazılmadı"
            )
        message_id = self.message_id(batch_id, row)
        digest = message_id[1:33]
        turkish_name = f"E-imza başvuru paketi - {row.display_name}.pdf"
        ascii_name = turkish.ascii_safe(f"E-imza basvuru paketi {row.display_name}") + ".pdf"
        values = _values(row, self.profile, turkish_name)
        texts = self.texts[row.track]
        body_text = texts.text.substitute(values)
        body_html = texts.html.substitute(_html_values(values))
        subject = SUBJECT.format(name=row.display_name)
        msg = EmailMessage(policy=email_policy.default)
        try:
            msg["From"] = self.sender
            msg["To"] = Address(display_name=row.name, addr_spec=row.e_posta)
            if self.reply_to is not None:
                msg["Reply-To"] = self.reply_to
            msg["Subject"] = subject
            msg["Date"] = email_utils.format_datetime(date.astimezone(TURKEY))
            msg["Message-ID"] = message_id
            msg["X-Formkit-Ref"] = row.ref
            msg.set_content(body_text, cte="quoted-printable")
            msg.add_alternative(body_html, subtype="html", cte="quoted-printable")
            msg.add_attachment(pdf, maintype="application", subtype="pdf")
        except (ValueError, TypeError, IndexError, MessageError) as exc:
            raise MailError(f"ileti oluşturulamadı ({exc})") from exc
        attachment = next(msg.iter_attachments())
        del attachment["Content-Disposition"]
        attachment["Content-Disposition"] = _disposition(turkish_name, ascii_name)
        attachment.set_param("name", ascii_name)
        msg.set_boundary(f"=_formkit_{digest}_mixed")
        alternative = next(
            part for part in msg.iter_parts() if part.get_content_type() == "multipart/alternative"
        )
        alternative.set_boundary(f"=_formkit_{digest}_alt")
        data = msg.as_bytes(policy=email_policy.default)
        if not data.isascii():
            raise MailError("ileti 7 bit ASCII olarak kodlanamadı")
        size = len(data) + data.count(b"\n")  # as it travels: CRLF line ends
        if size > self.max_size:
            raise MailError(
                f"ileti {format_size(size)}; en çok {format_size(self.max_size)} olabilir (--max-size)"
            )
        return Mail(row.row, row.ref, message_id, row.e_posta, subject, turkish_name, data)


def _parse_sender(text: str) -> Address:
    """The From (or Reply-To) address, parsed by the header registry; one error line when it is not usable."""
    try:
        probe = EmailMessage(policy=email_policy.default)
        probe["From"] = text
        addresses = probe["From"].addresses
    except (ValueError, TypeError, IndexError, MessageError) as exc:
        raise InputError(f"gönderen adresi kullanılamıyor: {text!r}") from exc
    if len(addresses) != 1 or not _ADDR_SPEC.fullmatch(addresses[0].addr_spec):
        raise InputError(f"gönderen adresi kullanılamıyor: {text!r}")
    return Address(display_name=addresses[0].display_name, addr_spec=addresses[0].addr_spec)


# --- the outbox ------------------------------------------------------------------------------------


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
) -> OutboxResult:
    """Write one .eml per ok manifest row into the outbox (default DIR/outbox), atomically, idempotently."""
    manifest = read_manifest(folder)
    composer = Composer(profile, sender=sender, texts=load_texts(texts_dir), max_size=max_size)
    box = outbox if outbox is not None else folder / OUTBOX_NAME
    try:
        box.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MailError(f"{box}: giden kutusu oluşturulamadı ({exc.strerror or exc})") from exc
    result = OutboxResult(box, refused=list(manifest.refused), not_ok=manifest.not_ok)
    batch_id = manifest.batch_id or batch_token(folder)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    for row in manifest.rows:
        target = box / eml_name(row.ref)
        try:
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
            mail = composer.compose(row, batch_id=batch_id, pdf=pdf, date=date)
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
    """A message file formkit wrote (it carries X-Formkit-Ref); anything else in the folder is left alone."""
    try:
        return (
            BytesParser(policy=email_policy.default).parsebytes(_head(path), headersonly=True)[
                "X-Formkit-Ref"
            ]
            is not None
        )
    except (OSError, ValueError, TypeError, MessageError):
        return False


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
        old = BytesParser(policy=email_policy.default).parsebytes(_head(existing), headersonly=True)
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
    return True


def _remove_stale(target: Path) -> None:
    """A row refused now must not leave an older message of itself in the outbox for `send`."""
    try:
        target.unlink(missing_ok=True)
    except OSError as exc:
        raise MailError(f"{target}: eski ileti silinemedi ({exc.strerror or exc})") from exc


_UNITS = {"": 1, "B": 1, "K": 1024, "KB": 1024, "M": 1024**2, "MB": 1024**2, "G": 1024**3, "GB": 1024**3}


def parse_size(text: str) -> int:
    """'10MB', '500 KB', '2M' or a byte count → bytes (binary units, as mail servers count them)."""
    match = re.fullmatch(r"\s*(\d+(?:[.,]\d+)?)\s*([A-Za-z]*)\s*", text)
    unit = match.group(2).upper() if match else ""
    if not match or unit not in _UNITS:
        raise InputError(f"--max-size: boyut anlaşılmadı: {text!r} (ör. 10MB, 500KB)")
    size = int(float(match.group(1).replace(",", ".")) * _UNITS[unit])
    if size <= 0:
        raise InputError("--max-size: sıfırdan büyük olmalı")
    return size


def format_size(size: int) -> str:
    """Bytes in Turkish notation: 10485760 → '10,0 MB'."""
    if size >= 1024**2:
        return f"{size / 1024**2:.1f} MB".replace(".", ",")
    if size >= 1024:
        return f"{size / 1024:.1f} KB".replace(".", ",")
    return f"{size} bayt"


# --- sending ---------------------------------------------------------------------------------------


Security = Literal["plain", "starttls", "ssl"]


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the server. The password never comes from a command-line option."""

    host: str
    port: int | None = None
    security: Security = "plain"
    user: str | None = None
    password: str | None = None
    ca_file: Path | None = None
    timeout: float = 30.0

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        return {"plain": 25, "starttls": 587, "ssl": 465}[self.security]


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff for 4xx answers and lost connections."""

    retries: int = 4
    delay: float = 2.0
    max_delay: float = 60.0

    def wait(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        return float(min(self.delay * 2.0 ** (attempt - 1), self.max_delay))


@dataclass
class SendSummary:
    """The outcome of one `send` run."""

    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already sent by an earlier run
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    uncertain: list[tuple[str, str]] = field(default_factory=list)
    would_send: list[str] = field(default_factory=list)  # --dry-run

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.uncertain else 0

    def lines(self) -> list[str]:
        out = [
            f"gönderilen: {len(self.sent)}, zaten gönderilmiş: {len(self.skipped)}, "
            f"başarısız: {len(self.failed)}, belirsiz: {len(self.uncertain)}"
        ]
        out += [f"başarısız: {name}: {reason}" for name, reason in self.failed]
        out += [f"belirsiz: {name}: {reason}" for name, reason in self.uncertain]
        if self.uncertain:
            out.append(
                "belirsiz iletiler sunucuya ulaşmış olabilir; alıcıya sorduktan sonra "
                "--retry-uncertain ile yeniden gönderilebilir"
            )
        return out


@dataclass(frozen=True)
class _Outgoing:
    """One .eml of the outbox, known by its headers; its bytes are read only when it is sent."""

    file: Path
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    has_bcc: bool

    def load(self) -> bytes:
        data = self.file.read_bytes()
        return _strip_bcc(data) if self.has_bcc else data


class _Fatal(Exception):
    """Stops the whole run (bad password, untrusted certificate, unknown host)."""


class _Transient(Exception):
    """Not delivered, worth another try: a 4xx answer or a connection lost before the message was complete."""


class _Permanent(Exception):
    """Not delivered and never will be as it is: a 5xx answer."""


class _Uncertain(Exception):
    """The connection broke after the whole message was handed over: the server may have taken it."""


def _answer(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return scrub(f"{code} {words}")


class _Link:
    """One SMTP connection, opened lazily, reused across messages and reopened after a drop."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.context: ssl.SSLContext | None = None
        self.handed_over = False  # the current message's last byte has gone to the server
        if settings.security != "plain":
            try:
                self.context = ssl.create_default_context(
                    cafile=str(settings.ca_file) if settings.ca_file else None
                )
            except (OSError, ssl.SSLError) as exc:
                raise MailError(f"{settings.ca_file}: sertifika dosyası okunamadı ({exc})") from exc
        if settings.user and settings.security == "plain":
            raise MailError("parola şifresiz bağlantıda gönderilmez: --starttls veya --ssl ile kullanın")

    def open(self) -> smtplib.SMTP:
        if self.smtp is not None:
            return self.smtp
        s = self.settings
        where = f"{s.host}:{s.effective_port}"
        smtp: smtplib.SMTP | None = None
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.effective_port, timeout=s.timeout, context=self.context)
            else:
                smtp = smtplib.SMTP(s.host, s.effective_port, timeout=s.timeout)
            smtp.ehlo_or_helo_if_needed()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise _Fatal(f"{where}: sunucu STARTTLS desteklemiyor")
                smtp.starttls(context=self.context)
                smtp.ehlo()
            if s.user:
                _login(smtp, s.user, s.password or "")
        except ssl.SSLCertVerificationError as exc:
            _close(smtp)
            raise _Fatal(
                f"{where}: sunucunun sertifikası doğrulanamadı ({exc.verify_message}); "
                "güvenilen sertifikayı --ca-file ile verin"
            ) from exc
        except ssl.SSLError as exc:
            _close(smtp)
            raise _Fatal(f"{where}: TLS bağlantısı kurulamadı ({exc.reason or exc})") from exc
        except smtplib.SMTPAuthenticationError as exc:
            _close(smtp)
            answer = _answer(exc.smtp_code, exc.smtp_error)
            raise _Fatal(f"{where}: kullanıcı adı veya parola kabul edilmedi ({answer})") from exc
        except smtplib.SMTPNotSupportedError as exc:
            _close(smtp)
            raise _Fatal(f"{where}: sunucu kimlik doğrulamayı (AUTH) desteklemiyor") from exc
        except socket.gaierror as exc:
            _close(smtp)
            raise _Fatal(f"{where}: sunucu adı çözülemedi ({exc.strerror})") from exc
        except smtplib.SMTPResponseException as exc:
            _close(smtp)
            if 400 <= exc.smtp_code < 500:
                raise _Transient(f"bağlantı: {_answer(exc.smtp_code, exc.smtp_error)}") from exc
            raise _Fatal(
                f"{where}: sunucu bağlantıyı reddetti ({_answer(exc.smtp_code, exc.smtp_error)})"
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            _close(smtp)
            raise _Transient(f"{where}: bağlanılamadı ({exc})") from exc
        except _Fatal:
            _close(smtp)
            raise
        self.smtp = smtp
        return smtp

    def drop(self) -> None:
        _close(self.smtp)
        self.smtp = None

    def quit(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.drop()

    def reset(self) -> None:
        """RSET after a refused step, so the next message starts clean; a broken line is dropped."""
        if self.smtp is None:
            return
        try:
            self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.drop()

    def transact(self, out: _Outgoing, data: bytes) -> str:
        """MAIL, RCPT, DATA for one message: the server's final answer, or one of the outcome exceptions."""
        smtp = self.open()
        self.handed_over = complete = False
        try:
            code, text = smtp.mail(out.sender)
            self._check(code, text, "MAIL FROM")
            for rcpt in out.recipients:
                code, text = smtp.rcpt(rcpt)
                self._check(code, text, f"RCPT TO {rcpt}")
            code, text = smtp.docmd("DATA")
            if code != 354:
                self._check(code, text, "DATA")
                raise _Permanent(f"DATA: {_answer(code, text)}")
            smtp.send(_dot_stuffed(data))
            self.handed_over = complete = True
            code, text = smtp.getreply()
            self._check(code, text, "ileti")
            return _answer(code, text)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.drop()
            if complete:
                raise _Uncertain(f"ileti gönderildi ama sunucunun yanıtı alınamadı ({exc})") from exc
            raise _Transient(f"bağlantı koptu ({exc})") from exc
        except KeyboardInterrupt:
            self.drop()  # mid-transaction: a polite QUIT would be read as message text
            raise

    def _check(self, code: int, text: bytes, step: str) -> None:
        if 200 <= code < 300:
            return
        answer = _answer(code, text)
        if code == 421 or code < 0:  # the server is closing the line
            self.drop()
            raise _Transient(f"{step}: {answer}")
        self.reset()
        if 400 <= code < 500:
            raise _Transient(f"{step}: {answer}")
        raise _Permanent(f"{step}: {answer}")


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH. smtplib sends credentials as ASCII only: UTF-8 ones (a Turkish password) go by PLAIN or LOGIN."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("AUTH")
    mechanisms = smtp.esmtp_features["auth"].upper().split()
    if "PLAIN" in mechanisms:
        token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
        code, text = smtp.docmd("AUTH", f"PLAIN {token}")
    elif "LOGIN" in mechanisms:
        code, text = smtp.docmd("AUTH", "LOGIN " + base64.b64encode(user.encode()).decode("ascii"))
        if code == 334:
            code, text = smtp.docmd(base64.b64encode(password.encode()).decode("ascii"))
    else:
        raise smtplib.SMTPNotSupportedError("AUTH PLAIN/LOGIN")
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, text)


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        with contextlib.suppress(OSError):
            smtp.close()


def _dot_stuffed(data: bytes) -> bytes:
    """The DATA payload: CRLF line ends, leading dots doubled, ended by CRLF . CRLF."""
    body = re.sub(rb"\r?\n|\r", b"\r\n", data)
    body = re.sub(rb"(?m)^\.", b"..", body)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return body + b".\r\n"


def _read_outbox(outbox: Path) -> tuple[list[_Outgoing], list[tuple[str, str]]]:
    """Parse every .eml of the outbox; a file that cannot be sent is reported, the others go on."""
    if not outbox.is_dir():
        raise InputError(f"{outbox}: giden kutusu yok; önce `formkit mail` çalıştırın")
    messages: list[_Outgoing] = []
    broken: list[tuple[str, str]] = []
    seen: set[str] = set()
    for path in sorted(outbox.glob("*.eml")):
        try:
            msg = BytesParser(policy=email_policy.default).parsebytes(_head(path), headersonly=True)
            message_id = str(msg["Message-ID"] or "").strip()
            sender = msg["From"].addresses[0].addr_spec if msg["From"] else ""
            recipients = tuple(
                a.addr_spec for name in ("To", "Cc", "Bcc") if msg[name] for a in msg[name].addresses
            )
            subject = str(msg["Subject"] or "")
        except (OSError, ValueError, TypeError, IndexError, AttributeError, MessageError) as exc:
            broken.append((path.name, f"ileti okunamadı ({exc})"))
            continue
        if not message_id or not sender or not recipients:
            broken.append((path.name, "Message-ID, From veya To eksik"))
            continue
        if message_id in seen:
            broken.append((path.name, f"aynı Message-ID başka bir dosyada da var: {message_id}"))
            continue
        seen.add(message_id)
        messages.append(_Outgoing(path, message_id, sender, recipients, subject, bool(msg["Bcc"])))
    return messages, broken


def _head(path: Path) -> bytes:
    """The header block of a message file, without reading the (large) rest."""
    lines: list[bytes] = []
    with path.open("rb") as handle:
        for line in handle:
            if not line.strip(b"\r\n"):
                break
            lines.append(line)
    return b"".join(lines) + b"\n"


def _strip_bcc(data: bytes) -> bytes:
    data = re.sub(rb"\r?\n", b"\n", data)
    head, sep, body = data.partition(b"\n\n")
    lines = re.split(rb"\n(?![ \t])", head)
    return b"\n".join(line for line in lines if not line.lower().startswith(b"bcc:")) + sep + body


def send_outbox(
    folder: Path,
    settings: SmtpSettings,
    *,
    outbox: Path | None = None,
    rate: float = 0,
    dry_run: bool = False,
    retry_uncertain: bool = False,
    retry: RetryPolicy = RetryPolicy(),
    echo: Callable[[str], None] = lambda line: None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> SendSummary:
    """Send every not-yet-sent message of the outbox exactly once; see the module docstring."""
    box = outbox if outbox is not None else folder / OUTBOX_NAME
    messages, broken = _read_outbox(box)
    summary = SendSummary(failed=list(broken))
    for name, reason in broken:
        echo(f"başarısız: {name}: {reason}")
    link = None if dry_run else _Link(settings)
    interval = 60.0 / rate if rate > 0 else 0.0
    last_start: list[float] = []
    with Journal(folder / JOURNAL_NAME, readonly=dry_run) as journal:
        journal.register_all([(o.message_id, o.file.name, ", ".join(o.recipients)) for o in messages])
        try:
            for out in messages:
                entry = journal.register(out.message_id, out.file.name, ", ".join(out.recipients))
                label = f"{out.file.name} → {', '.join(out.recipients)}"
                if entry.state is State.SENT:
                    summary.skipped.append(out.file.name)
                    continue
                if entry.state is State.SENDING and not retry_uncertain:
                    reason = "önceki gönderim yarıda kaldı; sunucuya ulaşmış olabilir"
                    summary.uncertain.append((out.file.name, reason))
                    echo(f"belirsiz: {label}: {reason}")
                    continue
                if link is None:
                    summary.would_send.append(out.file.name)
                    echo(f"gönderilecek: {label} ({out.subject})")
                    continue
                _send_one(
                    out,
                    entry.attempts,
                    label,
                    link,
                    journal,
                    summary,
                    retry,
                    interval,
                    last_start,
                    echo,
                    sleep,
                    clock,
                )
        except _Fatal as exc:
            done = f"{len(summary.sent)} ileti gönderildi"
            raise MailError(f"{exc}\ngönderim durdu ({done}); sorunu giderip yeniden çalıştırın") from exc
        finally:
            if link is not None:
                link.quit()
    return summary


def _send_one(
    out: _Outgoing,
    attempts: int,
    label: str,
    link: _Link,
    journal: Journal,
    summary: SendSummary,
    retry: RetryPolicy,
    interval: float,
    last_start: list[float],
    echo: Callable[[str], None],
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> None:
    try:
        data = out.load()
    except OSError as exc:
        reason = f"ileti okunamadı ({exc.strerror or exc})"
        journal.mark(out.message_id, State.FAILED, reason)
        summary.failed.append((out.file.name, reason))
        echo(f"başarısız: {label}: {reason}")
        return
    reason = ""
    unreachable = False
    for attempt in range(retry.retries + 1):
        if attempt:
            sleep(retry.wait(attempt))
        try:
            link.open()
        except _Transient as exc:
            reason, unreachable = str(exc), True
            continue
        unreachable = False
        if interval and last_start:
            wait = last_start[-1] + interval - clock()
            if wait > 0:
                sleep(wait)
        last_start[:] = [clock()]
        if not journal.claim(out.message_id, attempts):
            reason = "başka bir gönderim çalışması bu iletiyi üstlendi"
            summary.uncertain.append((out.file.name, reason))
            echo(f"belirsiz: {label}: {reason}")
            return
        attempts += 1
        try:
            answer = link.transact(out, data)
        except KeyboardInterrupt:
            if not link.handed_over:  # stopped before the message was complete: surely not delivered
                journal.mark(out.message_id, State.PENDING, "durduruldu")
            raise
        except _Transient as exc:
            reason = str(exc)
            journal.mark(out.message_id, State.PENDING, reason)
            continue
        except _Permanent as exc:
            journal.mark(out.message_id, State.FAILED, str(exc))
            summary.failed.append((out.file.name, str(exc)))
            echo(f"başarısız: {label}: {exc}")
            return
        except _Uncertain as exc:
            journal.mark(out.message_id, State.SENDING, str(exc))
            summary.uncertain.append((out.file.name, str(exc)))
            echo(f"belirsiz: {label}: {exc}")
            return
        journal.mark(out.message_id, State.SENT, answer)
        summary.sent.append(out.file.name)
        echo(f"gönderildi: {label}")
        return
    if unreachable:  # the server cannot be reached at all: every other message would fail the same way
        raise _Fatal(reason)
    final = f"{retry.retries + 1} denemede gönderilemedi; son yanıt: {reason}"
    journal.mark(out.message_id, State.FAILED, final)
    summary.failed.append((out.file.name, final))
    echo(f"başarısız: {label}: {final}")
