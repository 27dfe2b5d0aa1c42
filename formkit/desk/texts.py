"""The desk's texts from the profile's self-contained `[desk]` table: reminder e-mail, what is missing, the
optional cover letter ("üst yazı") for the envelope to Kamu SM.

The table is read straight from the profile's TOML file (the built-in one when the profile has no path), so
the desk needs nothing from the general profile loader beyond the file it came from. Every text is a
`string.Template`; unknown placeholders are reported per key, like every other profile problem.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from formkit import profile as profiles
from formkit.errors import ProfileError
from formkit.model import Profile

# Filled by formkit's mail composer from the profile and the manifest (see formkit.mail).
MAIL_PLACEHOLDERS = frozenset(
    {"ad_soyad", "ad_SOYAD", "ref", "kurum_adi", "teslim_yeri", "teslim_yeri_tek_satir", "basvuru_turu"}
)
REMINDER_PLACEHOLDERS = frozenset({"eksik", "posta_tarihi"})  # filled by the desk
COVER_PLACEHOLDERS = frozenset({"tarih", "liste_no", "adet", "kurum_adi"})


@dataclass(frozen=True)
class DeskTexts:
    """Everything the desk prints or mails, with the source the wording rests on."""

    source: str
    reminder_subject: str
    reminder_text: str
    missing_form: str
    missing_receipt: str
    cover_letter_subject: str = ""
    cover_letter: str = ""  # "" = no cover-letter page

    def missing_words(self, kinds: list[str]) -> list[str]:
        """The profile's words for what is missing ("form", "dekont")."""
        words = {"form": self.missing_form, "dekont": self.missing_receipt}
        return [words[kind] for kind in kinds]


def load(profile: Profile, *, reminder: bool = False) -> DeskTexts:
    """The `[desk]` table of the profile's file; a ProfileError names every bad key.

    With `reminder`, the reminder's keys must be there (`formkit remind`); without, a profile with no `[desk]`
    table is fine (no cover letter, nothing else printed from it).
    """
    path = Path(profile.path) if profile.path else profiles.default_path()
    try:
        info = path.stat()
    except OSError as exc:
        raise ProfileError(f"{path}: profil okunamadı ({exc.strerror or exc})") from exc
    texts = _load(path, info.st_size, info.st_mtime_ns)
    if reminder:
        missing = [key for key in REMINDER_KEYS if not getattr(texts, key)]
        if missing:
            raise ProfileError(
                "\n".join(f"{path}: desk.{key}: eksik (hatırlatma e-postası için gerekli)" for key in missing)
            )
    return texts


REMINDER_KEYS = ("source", "reminder_subject", "reminder_text", "missing_form", "missing_receipt")


@lru_cache(maxsize=4)
def _load(path: Path, _size: int, _mtime: int) -> DeskTexts:
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("desk", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"{path}: profil okunamadı ({exc})") from exc
    if not isinstance(table, dict):
        raise ProfileError(f"{path}: desk: bir tablo olmalı ([desk])")
    problems: list[str] = []

    def text(key: str, allowed: frozenset[str]) -> str:
        value = table.get(key, "")
        if not isinstance(value, str):
            problems.append(f"{path}: desk.{key}: metin olmalı")
            return ""
        template = string.Template(value)
        if not template.is_valid():
            problems.append(f"{path}: desk.{key}: geçersiz $ kullanımı (düz $ için $$ yazın)")
            return ""
        unknown = sorted(set(template.get_identifiers()) - allowed)
        if unknown:
            names = ", ".join("$" + name for name in unknown)
            known = " ".join("$" + name for name in sorted(allowed))
            problems.append(f"{path}: desk.{key}: bilinmeyen yer tutucu {names}; kullanılabilenler: {known}")
        return value.strip() + ("\n" if "\n" in value.strip() else "")

    mail = MAIL_PLACEHOLDERS | REMINDER_PLACEHOLDERS
    texts = DeskTexts(
        source=text("source", frozenset()),
        reminder_subject=text("reminder_subject", mail),
        reminder_text=text("reminder_text", mail),
        missing_form=text("missing_form", frozenset()),
        missing_receipt=text("missing_receipt", frozenset()),
        cover_letter_subject=text("cover_letter_subject", COVER_PLACEHOLDERS),
        cover_letter=text("cover_letter", COVER_PLACEHOLDERS),
    )
    if problems:
        raise ProfileError("\n".join(problems))
    return texts


__all__ = [
    "COVER_PLACEHOLDERS",
    "MAIL_PLACEHOLDERS",
    "REMINDER_KEYS",
    "REMINDER_PLACEHOLDERS",
    "DeskTexts",
    "load",
]
