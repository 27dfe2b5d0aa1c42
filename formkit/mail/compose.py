"""Composing one e-mail per packet: the track's texts (assets/mail/), profile facts, the PDF attached.

Messages are built with `email.message.EmailMessage` and `policy.default`, so a CR or LF in data can never
reach a header; Message-ID, Date and MIME boundaries are derived from the batch, so writing the same message
twice gives the same bytes. Each message carries `X-Formkit-Packet`, the identity of the packet it delivers
(its build key, else its sha256): the send journal knows a message by its recipient and that identity, so a
rerun of the batch does not send an unchanged packet again.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import string
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import policy as email_policy
from email import utils as email_utils
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path
from typing import Any

from formkit import turkish
from formkit.errors import InputError, MailError, TemplateError
from formkit.model import Profile, Track
from formkit.packet.content import mail_values
from formkit.profile import address_lines
from formkit.resources import asset

__all__ = [
    "DEFAULT_MAX_SIZE",
    "PACKET_HEADER",
    "PLACEHOLDERS",
    "SUBJECT",
    "Composer",
    "Mail",
    "MailRow",
    "MailTexts",
    "eml_name",
    "format_size",
    "is_address",
    "load_texts",
    "packet_token",
    "parse_sender",
    "parse_size",
]

DEFAULT_MAX_SIZE = 10 * 1024 * 1024
TURKEY = timezone(timedelta(hours=3), "TRT")  # Türkiye has kept UTC+3 all year since 2016
SUBJECT = "E-imza başvuru paketiniz — {name}"
PACKET_HEADER = "X-Formkit-Packet"

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDR_SPEC = re.compile(rf"[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]+@{_LABEL}(?:\.{_LABEL})+")
_ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")


def is_address(text: str) -> bool:
    """True for a plain `local@domain.tld` address formkit can write into a header."""
    return bool(_ADDR_SPEC.fullmatch(text))


@dataclass(frozen=True)
class MailRow:
    """One mailable row of a batch: enough to address and attach one packet."""

    row: int
    ref: str
    name: str  # as written, e.g. "İlknur Iğdır"
    ad: str
    soyad: str
    track: Track
    e_posta: str
    pdf: Path  # absolute
    sha256: str
    packet: str = ""  # what the packet is: the batch's build key, else its sha256
    form_source: str = "data-sheet"  # the manifest's: "portal" | "profile" | "data-sheet"

    @property
    def display_name(self) -> str:
        """The "Ad SOYAD" form the subject and the greeting show it: "İlknur IĞDIR"."""
        return " ".join(part for part in (self.ad, turkish.upper(self.soyad)) if part)


def packet_token(identity: str) -> str:
    """The packet's identity as a header value: base32 (a-z, 2-7), never a digit run that looks like a T.C."""
    digest = hashlib.sha256(("formkit-packet-1\0" + identity).encode("utf-8")).digest()[:20]
    return base64.b32encode(digest).decode("ascii").lower()


def eml_name(ref: str) -> str:
    """The outbox file of a packet reference: ASCII, keeping its dashes (`27B9-8TGJ1.eml`)."""
    return "-".join(turkish.ascii_safe(part) for part in ref.split("-")) + ".eml"


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
    "form_adimi": "the profile's print-and-sign sentence for the packet's copies (its form_source)",
    "nusha_sayisi": "how many copies the applicant signs",
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
        **mail_values(profile, row.track, row.form_source, form_title=profile.form_title),
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
        self.sender = parse_sender(sender or profile.mail_from)
        self.reply_to = parse_sender(profile.mail_reply_to) if profile.mail_reply_to else None
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

    def compose(
        self, row: MailRow, *, batch_id: str, pdf: bytes, date: datetime, draft: bool = False
    ) -> Mail:
        """One message for one row; raises MailError with a Turkish reason when it cannot be built.

        A draft carries `X-Unsent: 1`: Outlook opens such a .eml as an unsent message, ready to send from the
        officer's own mailbox.
        """
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
            msg[PACKET_HEADER] = packet_token(row.packet or row.sha256 or hashlib.sha256(pdf).hexdigest())
            if draft:
                msg["X-Unsent"] = "1"
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


def parse_sender(text: str) -> Address:
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
