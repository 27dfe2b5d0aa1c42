"""Packet references: short, stable, checkable, and not reversible to the T.C. number.

There are fewer than 10^10 valid T.C. numbers, so a plain hash of one is reversed by trying them all.
The reference is therefore an HMAC-SHA256 of the T.C. number under a secret key, cut to 40 bits and written
in Crockford base32 (no I, L, O, U: nothing to mix up when read out on the phone) in two groups of four,
followed by one check symbol (Luhn mod 32, which catches every single wrong symbol and every swap of two
neighbours): `7KQ2-M9XD` + check → `7KQ2-M9XDK`.

The key comes from the environment variable FORMKIT_REF_KEY when set (tests, shared set-ups where every
machine must give the same references); otherwise from a random key file created once in the user's
configuration folder (%APPDATA%\\formkit on Windows, $XDG_CONFIG_HOME/formkit or ~/.config/formkit elsewhere).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
from functools import cache
from pathlib import Path

from formkit.errors import ReferenceKeyError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
_ALIASES = {"O": "0", "I": "1", "L": "1"}  # Crockford: read these as the digits they resemble
ENV_KEY = "FORMKIT_REF_KEY"
KEY_FILE = "ref.key"
SYMBOLS = 8  # 40 bits: collisions stay unlikely for a province's staff (birthday bound ~ 1e6)


def config_dir() -> Path:
    """The per-user configuration folder of formkit, on Windows and elsewhere."""
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
    else:
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "formkit"


def _key_from_env() -> bytes | None:
    value = os.environ.get(ENV_KEY, "")
    return value.encode("utf-8") if value else None


@cache
def _file_key(path: Path) -> bytes:
    """Read the key file, creating it with a fresh random key the first time (race-safe across processes)."""
    try:
        existing = path.read_bytes().strip()
    except FileNotFoundError:
        existing = b""
    except OSError as exc:
        raise ReferenceKeyError(f"{path}: paket numarası anahtarı okunamadı ({exc.strerror or exc})") from exc
    if existing:
        return existing
    key = secrets.token_hex(32).encode("ascii")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key + b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            # link() fails if another process created the file first: then everyone uses that one.
            os.link(temp, path)
        except FileExistsError:
            pass
        except OSError:
            # File systems without hard links: create-if-absent, still never overwriting a key.
            if not path.exists():
                os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)
        return path.read_bytes().strip()
    except OSError as exc:
        raise ReferenceKeyError(
            f"{path}: paket numarası anahtarı oluşturulamadı ({exc.strerror or exc}); "
            f"{ENV_KEY} ortam değişkeniyle bir anahtar verebilirsiniz"
        ) from exc


def reference_key() -> bytes:
    """The secret key for packet references (environment first, then the per-user key file)."""
    return _key_from_env() or _file_key(config_dir() / KEY_FILE)


def check_symbol(body: str) -> str:
    """Luhn mod 32 check symbol over Crockford base32 symbols."""
    factor = 2
    total = 0
    for ch in reversed(body):
        addend = factor * _VALUE[ch]
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return ALPHABET[(32 - total % 32) % 32]


def make_ref(tc_kimlik_no: str, key: bytes | None = None) -> str:
    """The packet reference for a T.C. number, e.g. `7KQ2-M9XDK`."""
    digest = hmac.new(key or reference_key(), tc_kimlik_no.encode("ascii"), hashlib.sha256).digest()
    number = int.from_bytes(digest[:5], "big")
    body = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(SYMBOLS)))
    return f"{body[:4]}-{body[4:]}{check_symbol(body)}"


def normalise_ref(text: str) -> str | None:
    """A reference as typed or read out (`7kq2 m9xdk`) in its printed form; None if it is not valid."""
    compact = "".join(_ALIASES.get(ch, ch) for ch in text.upper() if ch not in " -")
    if len(compact) != SYMBOLS + 1 or any(ch not in _VALUE for ch in compact):
        return None
    body, check = compact[:SYMBOLS], compact[SYMBOLS]
    if check_symbol(body) != check:
        return None
    return f"{body[:4]}-{body[4:]}{check}"


__all__ = [
    "ALPHABET",
    "ENV_KEY",
    "KEY_FILE",
    "SYMBOLS",
    "check_symbol",
    "config_dir",
    "make_ref",
    "normalise_ref",
    "reference_key",
]
