"""Turkish text done right: casing, folding for matching, ASCII-safe names, money, dates, IBAN groups.

Python's str.upper() turns "i" into "I" and str.lower() turns "I" into "i"; Turkish needs i↔İ and ı↔I.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

_UPPER_FIRST = str.maketrans({"i": "İ", "ı": "I"})
_LOWER_FIRST = str.maketrans({"I": "ı", "İ": "i"})
_ASCII = str.maketrans(
    {
        "ç": "c", "Ç": "C", "ğ": "g", "Ğ": "G", "ı": "i", "İ": "I",
        "ö": "o", "Ö": "O", "ş": "s", "Ş": "S", "ü": "u", "Ü": "U",
    }
)  # fmt: skip


def upper(text: str) -> str:
    """Turkish upper case: istanbul → İSTANBUL, ığdır → IĞDIR, şükrü → ŞÜKRÜ."""
    return text.translate(_UPPER_FIRST).upper()


def lower(text: str) -> str:
    """Turkish lower case: İSTANBUL → istanbul, IĞDIR → ığdır."""
    return text.translate(_LOWER_FIRST).lower()


def title(text: str) -> str:
    """Turkish title case per word: 'ilknur ığdır' → 'İlknur Iğdır' (hyphenated parts too)."""

    def cap(word: str) -> str:
        return upper(word[:1]) + lower(word[1:]) if word else word

    return re.sub(r"[^\s\-']+", lambda m: cap(m.group(0)), text)


def fold(text: str) -> str:
    """Matching key: lower case, no diacritics, letters and digits only ("T.C. KİMLİK NO" → "tckimlikno")."""
    lowered = lower(text).translate(_ASCII)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalnum())


def ascii_safe(text: str) -> str:
    """An ASCII-only, file-name-safe form of a name, for file names only (never inside a document)."""
    plain = unicodedata.normalize("NFKD", text.translate(_ASCII))
    plain = "".join(ch for ch in plain if ch.isascii())
    plain = re.sub(r"[^A-Za-z0-9]+", "_", plain).strip("_")
    return plain or "x"


def normalise_space(text: str) -> str:
    """Trim and fold inner runs of white space to one space."""
    return re.sub(r"\s+", " ", text).strip()


def format_amount(amount: Decimal, currency: str = "TL") -> str:
    """Turkish money format: Decimal('1080') → '1.080,00 TL'."""
    quantised = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if quantised < 0 else ""
    whole, _, cents = f"{abs(quantised):.2f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = f"{sign}{'.'.join(groups)},{cents}"
    return f"{text} {currency}" if currency else text


def format_date(value: date) -> str:
    """dd.mm.yyyy, as every Turkish form writes dates."""
    return value.strftime("%d.%m.%Y")


def group_iban(iban: str) -> str:
    """IBAN in groups of four: TR41 0001 2009 5940 0005 0000 47."""
    compact = re.sub(r"\s+", "", iban).upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def format_phone(normal: str) -> str:
    """A stored mobile number (10 digits, '5324123310') as people write it: '0532 412 33 10'."""
    if len(normal) != 10 or not normal.isdigit():
        return normal
    return f"0{normal[:3]} {normal[3:6]} {normal[6:8]} {normal[8:]}"


_TRUE = {"true", "evet", "yes", "on", "1", "x"}
_FALSE = {"false", "hayır", "hayir", "no", "off", "0", ""}


def as_bool(value: str | bool) -> bool | None:
    """A check box value: True/False, or "Evet"/"Hayır", "Yes"/"Off", ... (None when not a yes/no word)."""
    if isinstance(value, bool):
        return value
    word = lower(value.strip())
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    return None


__all__ = [
    "as_bool",
    "ascii_safe",
    "fold",
    "format_amount",
    "format_date",
    "format_phone",
    "group_iban",
    "lower",
    "normalise_space",
    "title",
    "upper",
]
