"""The web form's defences: CSRF tokens, security headers, a per-address rate limit, T.C.-free logs.

Each piece is small and framework-light so it can be tested on its own; `formkit.web.app` wires them in.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass

from formkit.model import redact_tc

CSRF_FIELD = "csrf_token"
_CSRF_SESSION_KEY = "csrf"

# No inline script or style anywhere: everything comes from /static on the same origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def csrf_token(session: MutableMapping[str, object]) -> str:
    """The session's CSRF token, made on first use (the session cookie itself is signed by Flask)."""
    token = session.get(_CSRF_SESSION_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[_CSRF_SESSION_KEY] = token
    return token


def csrf_ok(session: MutableMapping[str, object], submitted: str | None) -> bool:
    """True when the submitted token matches the session's one (constant-time comparison)."""
    expected = session.get(_CSRF_SESSION_KEY)
    if not isinstance(expected, str) or not submitted:
        return False
    return hmac.compare_digest(expected.encode(), submitted.encode())


@dataclass(frozen=True)
class RateLimit:
    """`capacity` packets at once per address, refilled at `capacity` per `per_seconds`."""

    capacity: float = 5.0
    per_seconds: float = 60.0

    @property
    def refill_per_second(self) -> float:
        return self.capacity / self.per_seconds


class RateLimiter:
    """In-memory token buckets, one per client address; safe to share between waitress threads.

    Memory stays bounded: when more than `max_keys` addresses are tracked, buckets that have refilled
    completely (idle clients) are dropped, since they are indistinguishable from new ones.
    """

    def __init__(
        self, limit: RateLimit, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000
    ) -> None:
        self.limit = limit
        self._clock = clock
        self._max_keys = max_keys
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last update)

    def _level(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (self.limit.capacity, now))
        return min(self.limit.capacity, tokens + (now - last) * self.limit.refill_per_second)

    def take(self, key: str) -> float:
        """Take one token for `key`: 0.0 when allowed, else the seconds to wait before trying again."""
        with self._lock:
            now = self._clock()
            tokens = self._level(key, now)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                if len(self._buckets) > self._max_keys:
                    self._prune(now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.limit.refill_per_second

    def _prune(self, now: float) -> None:
        full = [key for key in self._buckets if self._level(key, now) >= self.limit.capacity]
        for key in full:
            del self._buckets[key]


class RedactTcFilter(logging.Filter):
    """Logging filter: no full T.C. number ever reaches a log line, whatever was logged (KVKK)."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_tc(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        if record.exc_info and not record.exc_text:  # tracebacks carry exception messages too
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_tc(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_tc(record.stack_info)
        return True


__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CSRF_FIELD",
    "SECURITY_HEADERS",
    "RateLimit",
    "RateLimiter",
    "RedactTcFilter",
    "csrf_ok",
    "csrf_token",
]
