"""The desk page's password: stored only as a scrypt hash (hashlib.scrypt), in the status store.

Parameters n=2^14, r=8, p=1 with a 32-byte salt (the scrypt paper's interactive setting): about 16 MB and a
few tens of milliseconds a check, cheap for a login and costly for guessing. Checks run in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from formkit.desk.store import PASSWORD, Store, now_utc
from formkit.errors import InputError

N, R, P = 2**14, 8, 1
MIN_LENGTH = 8
MAX_LENGTH = 1024  # anything longer is not typed by a person; bounds the hashing work
_KEY = "password"


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt$n$r$p$salt-hex$hash-hex` for a password."""
    salt = salt or secrets.token_bytes(32)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, maxmem=64 * 1024 * 1024)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify(password: str, stored: str) -> bool:
    """True when the password matches the stored hash (constant-time comparison)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        actual = hashlib.scrypt(
            password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
            maxmem=64 * 1024 * 1024,
        )  # fmt: skip
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(actual, bytes.fromhex(digest))


def set_password(store: Store, password: str, *, who: str) -> None:
    """Check and store a new desk password (replacing any earlier one); recorded in the audit trail."""
    if len(password) < MIN_LENGTH:
        raise InputError(f"parola en az {MIN_LENGTH} karakter olmalı")
    if len(password) > MAX_LENGTH:
        raise InputError(f"parola en çok {MAX_LENGTH} karakter olabilir")
    hashed = hash_password(password)
    with store.transaction() as db:
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (_KEY, hashed))
        db.execute(
            "INSERT INTO events (ref, kind, at, who, detail) VALUES ('', ?, ?, ?, 'parola değişti')",
            (PASSWORD, now_utc().isoformat(timespec="seconds"), who),
        )


def stored_hash(store: Store) -> str | None:
    """The stored hash, or None when no password was set yet."""
    return store.meta(_KEY)


__all__ = ["MAX_LENGTH", "MIN_LENGTH", "hash_password", "set_password", "stored_hash", "verify"]
