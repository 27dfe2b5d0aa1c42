"""How fast the web form answers: app start (one PacketBuilder), page render, and submit → PDF.

Run: /work/venv/bin/python bench/bench_web.py [N]   (Flask test client, no network; one thread)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from formkit.web import create_app
from formkit.web.security import RateLimit
from tests.webutil import VALUES, csrf_from


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    started = time.perf_counter()
    app = create_app(rate_limit=RateLimit(capacity=10**9, per_seconds=1))
    client = app.test_client()
    token = csrf_from(client.get("/").get_data(as_text=True))
    print(f"app start + first page: {1000 * (time.perf_counter() - started):.0f} ms")
    started = time.perf_counter()
    for _ in range(count):
        client.get("/")
    print(f"page: {1000 * (time.perf_counter() - started) / count:.1f} ms each ({count})")
    started = time.perf_counter()
    for _ in range(count):
        response = client.post("/", data={**VALUES, "csrf_token": token})
        assert response.status_code == 200
    elapsed = time.perf_counter() - started
    print(f"submit → PDF: {1000 * elapsed / count:.1f} ms each, {count / elapsed:.1f}/s ({count})")
    started = time.perf_counter()
    for _ in range(count):
        response = client.post("/", data={**VALUES, "e_posta": "bozuk", "csrf_token": token})
        assert response.status_code == 422
    print(f"invalid → 422 page: {1000 * (time.perf_counter() - started) / count:.1f} ms each ({count})")


if __name__ == "__main__":
    main()
