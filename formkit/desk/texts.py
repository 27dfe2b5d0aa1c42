"""The desk's texts from the profile's self-contained `[desk]` table: reminder e-mail, what is missing, the
optional cover letter ("üst yazı") for the envelope to Kamu SM.

The table is read straight from the profile's TOML file (the built-in one when the profile has no path), so
the desk needs nothing from the general profile loader beyond the file it came from. Every text is a
`string.Template`; unknown placeholders are reported per key, like every other profile problem.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from formkit import desktable
from formkit import profile as profiles
from formkit.desktable import COVER_PLACEHOLDERS, MAIL_PLACEHOLDERS, REMINDER_PLACEHOLDERS
from formkit.errors import ProfileError
from formkit.model import Profile


@dataclass(frozen=True)
class DeskTexts:
    """Everything the desk prints or mails, with the source the wording rests on."""

    source: tuple[str, ...]  # keys of the profile's [sources]
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
    """The `[desk]` table, checked by formkit.desktable (the same check `formkit profile check` runs)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"{path}: profil okunamadı ({exc})") from exc
    table = desktable.check(data.get("desk"), data.get("sources"))
    if table.problems:
        raise ProfileError(
            "\n".join(f"{path}: desk{'.' + key if key else ''}: {message}" for key, message in table.problems)
        )
    return DeskTexts(source=table.sources, **table.texts)


__all__ = [
    "COVER_PLACEHOLDERS",
    "MAIL_PLACEHOLDERS",
    "REMINDER_KEYS",
    "REMINDER_PLACEHOLDERS",
    "DeskTexts",
    "load",
]
