"""The profile's `[desk]` table: its keys, the placeholders each may use, and the one check of it.

Both `formkit profile check` (through formkit.profile, which loads every profile) and the desk itself
(formkit.desk.texts) run `check`, so a bad `[desk]` table is found before the officer's first reminder. It
sits below formkit.profile because imports run one way (profile is below desk). Like every other sourced
table, `[desk] source` names keys of `[sources]`.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

# Filled by formkit's mail composer from the profile and the manifest (see formkit.mail).
MAIL_PLACEHOLDERS = frozenset(
    {"ad_soyad", "ad_SOYAD", "ref", "kurum_adi", "teslim_yeri", "teslim_yeri_tek_satir", "basvuru_turu"}
)
REMINDER_PLACEHOLDERS = frozenset({"eksik", "posta_tarihi"})  # filled by the desk
COVER_PLACEHOLDERS = frozenset({"tarih", "liste_no", "adet", "kurum_adi"})

# Every text key of the table and the placeholders it may use.
TEXT_KEYS: Mapping[str, frozenset[str]] = {
    "reminder_subject": MAIL_PLACEHOLDERS | REMINDER_PLACEHOLDERS,
    "reminder_text": MAIL_PLACEHOLDERS | REMINDER_PLACEHOLDERS,
    "missing_form": frozenset(),
    "missing_receipt": frozenset(),
    "cover_letter_subject": COVER_PLACEHOLDERS,
    "cover_letter": COVER_PLACEHOLDERS,
}


@dataclass(frozen=True)
class DeskTable:
    """The checked table: each text key's value ("" when absent), the source keys, and every problem."""

    texts: Mapping[str, str]
    sources: tuple[str, ...]
    problems: tuple[tuple[str, str], ...]  # (key under desk., Turkish message)


def check(table: object, known_sources: object) -> DeskTable:
    """Check a `[desk]` table (None: the profile has none, which is fine) against the profile's [sources]."""
    problems: list[tuple[str, str]] = []
    if table is None:
        return DeskTable({key: "" for key in TEXT_KEYS}, (), ())
    if not isinstance(table, Mapping):
        return DeskTable({key: "" for key in TEXT_KEYS}, (), (("", "bir tablo olmalı ([desk])"),))
    texts = {key: _text(table, key, allowed, problems) for key, allowed in TEXT_KEYS.items()}
    sources = _sources(table.get("source"), known_sources, problems)
    for key in table:
        if key != "source" and key not in TEXT_KEYS:
            problems.append((str(key), "bilinmeyen anahtar (yazım hatası mı?)"))
    return DeskTable(texts, sources, tuple(problems))


def _text(
    table: Mapping[str, object], key: str, allowed: frozenset[str], problems: list[tuple[str, str]]
) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        problems.append((key, "metin olmalı"))
        return ""
    template = string.Template(value)
    if not template.is_valid():
        problems.append((key, "geçersiz $ kullanımı (düz $ için $$ yazın)"))
        return ""
    unknown = sorted(set(template.get_identifiers()) - allowed)
    if unknown:
        names = ", ".join("$" + name for name in unknown)
        known = " ".join("$" + name for name in sorted(allowed))
        problems.append((key, f"bilinmeyen yer tutucu {names}; kullanılabilenler: {known}"))
    return value.strip() + ("\n" if "\n" in value.strip() else "")


def _sources(value: object, known: object, problems: list[tuple[str, str]]) -> tuple[str, ...]:
    """`source = "seed"` or a list of keys, each a key of `[sources]`, as every other sourced table."""
    if value is None or value == "" or value == []:
        problems.append(
            ("source", 'kaynak yok: [sources] altındaki bir anahtarı yazın (ör. source = "seed")')
        )
        return ()
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        problems.append(("source", "kaynak bir metin ya da metin listesi olmalı"))
        return ()
    unknown = [n for n in names if not isinstance(known, Mapping) or n.strip() not in known]
    if unknown:
        problems.append(("source", f"bilinmeyen kaynak {', '.join(unknown)}; [sources] altında tanımlayın"))
    return tuple(n.strip() for n in names)


__all__ = [
    "COVER_PLACEHOLDERS",
    "MAIL_PLACEHOLDERS",
    "REMINDER_PLACEHOLDERS",
    "TEXT_KEYS",
    "DeskTable",
    "check",
]
