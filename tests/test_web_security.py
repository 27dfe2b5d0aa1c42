"""The web form's defences on their own: rate limiter, CSRF tokens, T.C. redaction in logs."""

from __future__ import annotations

import logging
import threading

import pytest

from formkit.web.security import RateLimit, RateLimiter, RedactTcFilter, csrf_ok, csrf_token, redact_tc


def test_rate_limiter_refills_and_is_thread_safe() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimit(capacity=3, per_seconds=30), clock=lambda: now[0])
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a") == pytest.approx(10.0)
    assert limiter.take("b") == 0.0
    now[0] = 10.0
    assert limiter.take("a") == 0.0
    assert limiter.take("a") > 0

    shared = RateLimiter(RateLimit(capacity=50, per_seconds=10**9))
    allowed: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            ok = shared.take("x") == 0.0
            with lock:
                allowed.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 50 and len(allowed) == 200


def test_rate_limiter_memory_stays_bounded() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimit(capacity=1, per_seconds=1), clock=lambda: now[0], max_keys=100)
    for i in range(1000):
        now[0] += 1.0  # every earlier bucket has refilled
        limiter.take(f"10.0.{i // 256}.{i % 256}")
    assert len(limiter._buckets) <= 101


def test_redact_tc() -> None:
    assert redact_tc("T.C. 24427250916, tel 05324123310") == "T.C. 244******16, tel 05324123310"
    assert redact_tc("123456789012345") == "123456789012345"  # longer digit runs are not T.C. numbers


def test_redact_filter_masks_arguments_too(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("formkit.test.redact")
    logger.addFilter(RedactTcFilter())
    with caplog.at_level(logging.INFO, logger="formkit.test.redact"):
        logger.info("başvuru %s geldi", "24427250916")
    assert caplog.records[0].getMessage() == "başvuru 244******16 geldi"


def test_csrf_token_is_stable_per_session_and_checked_in_constant_time() -> None:
    session: dict[str, object] = {}
    first = csrf_token(session)
    assert len(first) >= 32 and csrf_token(session) == first
    assert csrf_ok(session, first)
    assert not csrf_ok(session, first[:-1] + ("A" if first[-1] != "A" else "B"))
    assert not csrf_ok(session, None) and not csrf_ok(session, "")
    assert not csrf_ok({}, first)  # no session token: nothing matches
    assert csrf_token({}) != first
