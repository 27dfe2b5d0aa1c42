"""The frozen types that everything past the input edge works with.

Raw rows are parsed into these once (`validate`, `profile`); nothing later sees a raw dict.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Track(StrEnum):
    """The three ways of applying described in the seed document."""

    KURUM = "kurum"
    AILE_HEKIMI = "aile-hekimi"
    BIREYSEL = "bireysel"

    @property
    def label(self) -> str:
        """The track in Turkish words, for pages and e-mails."""
        return _TRACK_LABELS[self]


_TRACK_LABELS = {
    Track.KURUM: "Kurum ödemeli başvuru (yönetici, doktor)",
    Track.AILE_HEKIMI: "Aile hekimi başvurusu (ücret banka havalesiyle)",
    Track.BIREYSEL: "Bireysel (kişi ödemeli) başvuru",
}


def mask_tc(tc: str) -> str:
    """KVKK-safe form of a T.C. number: first 3 and last 2 digits (`258******14`)."""
    if len(tc) < 6:
        return "*" * len(tc)
    return tc[:3] + "*" * (len(tc) - 5) + tc[-2:]


_TC_LIKE = re.compile(r"(?<!\d)[1-9]\d{10}(?!\d)")


def redact_tc(text: str) -> str:
    """Mask every 11-digit run that could be a T.C. number (defence in depth for reports and logs)."""
    return _TC_LIKE.sub(lambda m: mask_tc(m.group(0)), text)


_DIGIT_RUN = re.compile(r"\d{10,}")


def mask_digit_runs(text: str) -> str:
    """Mask every run of 10 or more digits: for echoing what a user typed, where a T.C. number may be
    mistyped or glued to other digits (stricter than redact_tc)."""
    return _DIGIT_RUN.sub(lambda m: mask_tc(m.group(0)), text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field of one record, told in Turkish."""

    field: str
    message: str
    row: int | None = None
    source: str | None = None

    def line(self) -> str:
        """`dosya.csv, satır 7, soyad: boş olamaz` — the one-line form every command prints."""
        where = [self.source or "", f"satır {self.row}" if self.row is not None else "", self.field]
        head = ", ".join(part for part in where if part)
        return f"{head}: {self.message}" if head else self.message


@dataclass(frozen=True)
class Applicant:
    """One valid applicant. Names keep their letters exactly as given (legal identity)."""

    ad: str
    soyad: str
    tc_kimlik_no: str
    dogum_tarihi: date
    dogum_yeri: str
    e_posta: str
    cep_telefonu: str  # normal form: 10 digits without the leading 0, e.g. "5324123310"
    kurum: str
    unvan: str
    adres: str
    il: str
    ilce: str
    posta_kodu: str
    track: Track
    birim: str = ""
    sertifika_suresi: str = "3 Yıl"
    kart_okuyucu: str = "Mini Kart Okuyucu"
    baska_marka_cihaz: bool = False
    row: int | None = None

    @property
    def masked_tc(self) -> str:
        """The T.C. number as it may appear on screens, logs, manifests and file names."""
        return mask_tc(self.tc_kimlik_no)


@dataclass(frozen=True)
class PostalAddress:
    """An address as printed in a Turkish address block (PTT practice)."""

    name: str  # first line: person or unit
    organisation: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()  # mahalle / P.K., street and number, building
    postcode: str = ""
    district: str = ""  # ilçe
    province: str = ""  # il


@dataclass(frozen=True)
class FeeItem:
    """One thing the applicant pays for, e.g. the 3-year NES or the mini card reader."""

    name: str
    amount: Decimal


@dataclass(frozen=True)
class Fees:
    """Fee items and the date they are valid from; the total is always computed, never typed."""

    valid_from: date
    items: tuple[FeeItem, ...]
    currency: str = "TL"
    # Kamu SM's last known price change ([fees] price_change), with its source keys; None: none recorded
    price_change: date | None = None
    price_change_sources: tuple[str, ...] = ()

    @property
    def total(self) -> Decimal:
        return sum((item.amount for item in self.items), Decimal("0"))


@dataclass(frozen=True)
class BankAccount:
    """The directorate's account for the family physicians' transfer."""

    iban: str  # compact, upper case, no spaces
    bank: str
    recipient: str
    description_template: str  # placeholders: {AD} {SOYAD} {TC} {ad} {soyad} {ad_soyad} {AD_SOYAD}


@dataclass(frozen=True)
class Urls:
    """Web pages the packet and the e-mails point to."""

    portal: str  # application portal (kurum, aile-hekimi)
    online_islemler: str  # Kamu SM online işlemler (bireysel application)
    payment: str  # online payment page (bireysel)
    fees: str = ""  # Kamu SM's current price list


FormSource = str  # "portal" | "profile" | "data-sheet": where a packet's copies come from
FORM_SOURCES: tuple[FormSource, ...] = ("portal", "profile", "data-sheet")


@dataclass(frozen=True)
class Source:
    """Where a printed rule comes from: a document's title and date, or a public page's address and date."""

    key: str
    title: str
    date: date  # the document's date, or (recorded=True) the day its address was recorded
    url: str = ""
    recorded: bool = False

    def cite(self) -> str:
        """`İlk Defa E-imza ... (12.03.2024)` or `Başlık, https://... (adres kaydı: 02.12.2026)`."""
        where = f"{self.title}, {self.url}" if self.title and self.url else (self.title or self.url)
        when = f"adres kaydı: {self.date:%d.%m.%Y}" if self.recorded else f"{self.date:%d.%m.%Y}"
        return f"{where} ({when})"


@dataclass(frozen=True)
class Rule:
    """One sentence formkit prints or mails, with the keys of its sources (never empty once loaded)."""

    key: str
    text: str  # str.format template; placeholders are checked when the profile is loaded
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Procedure:
    """What differs between provinces in the hand-in: an extra document, how the receipt goes.

    (The number of copies for kurum and aile-hekimi is `Profile.copies`, from `[form] copies`.)
    """

    bireysel_copies: int = 2  # bireysel: one posted to Kamu SM, one kept (seed)
    extra_document: str = ""  # e.g. "dilekçe" or "kurum üst yazısı"; "" when none
    receipt: str = "paper"  # "paper": the bank receipt goes with the forms; "email": to receipt_email
    receipt_email: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Profile:
    """Everything that may change between provinces and years, loaded from a TOML file."""

    name: str  # e.g. "Mersin İl Sağlık Müdürlüğü"
    province: str
    source_date: date  # date of the guidance this profile reproduces
    officer: PostalAddress  # the province's E-imza Kurum Yetkilisi
    kamusm: PostalAddress
    kamusm_phone: str
    bank: BankAccount
    fees: Fees
    urls: Urls
    mail_from: str
    mail_reply_to: str = ""
    copies: int = 2  # [form] copies: how many signed copies of the form the procedure asks for
    procedure: Procedure = field(default_factory=Procedure)
    sources: Mapping[str, Source] = field(default_factory=dict, compare=False)
    texts: Mapping[str, Rule] = field(default_factory=dict, compare=False)
    # [form] template/title/[form.fields]: a province's own AcroForm, filled as the copies when the
    # applicant gives no portal printout (path resolved against the profile's folder; "" for none)
    form_template: str = ""
    form_title: str = ""
    form_fields: tuple[tuple[str, str], ...] = ()  # (template field, applicant value name)
    path: str = ""  # where it was loaded from ("" for the built-in one)
    fingerprint: str = field(default="", compare=False)  # sha256 of the file's bytes

    def copies_for(self, track: Track) -> int:
        """How many copies of the form an applicant of this track prints and signs (Mersin: 2 for all)."""
        return self.procedure.bireysel_copies if track is Track.BIREYSEL else self.copies

    def say(self, key: str, **values: object) -> str:
        """The profile's sentence `key` with its placeholders filled in (KeyError: not in the profile)."""
        return self.texts[key].text.format_map(values)

    def cite(self, key: str) -> str:
        """The sources of the sentence `key`, in one line."""
        return "; ".join(self.sources[name].cite() for name in self.texts[key].sources)

    def track_url(self, track: Track) -> str:
        """The web page a track's QR code points to."""
        return self.urls.payment if track is Track.BIREYSEL else self.urls.portal


__all__ = [
    "FORM_SOURCES",
    "Applicant",
    "BankAccount",
    "FeeItem",
    "Fees",
    "FormSource",
    "PostalAddress",
    "Problem",
    "Procedure",
    "Profile",
    "Rule",
    "Source",
    "Track",
    "Urls",
    "mask_digit_runs",
    "mask_tc",
    "redact_tc",
]
