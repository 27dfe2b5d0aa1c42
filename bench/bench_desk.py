"""How fast the desk answers a scan with 10,000 packets in the batch folder.

Run: .venv/bin/python bench/bench_desk.py [--n 10000] [--scans 500]

Synthesises a batch folder whose manifest has N ok rows (real references, Turkish names; no PDFs: the scan
path never reads them), sets a desk password, then measures, each over distinct references:
  1. the first import of the manifest into the status store (once per manifest change);
  2. a scan through the library (`receive`: lookup + one write transaction), as `formkit receive` does it
     after start-up;
  3. a scan through the real desk server: waitress on 127.0.0.1 in a thread, HTTP POST /tara with the
     session cookie and CSRF token, JSON answer (what the page's script does after the scanner's Enter);
  4. a rescan of an already received packet over HTTP (nothing written).
Prints median, 95th percentile and maximum in milliseconds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from waitress import create_server

from formkit import profile as profiles
from formkit.desk import auth
from formkit.desk.receive import receive
from formkit.desk.store import Store
from formkit.desk.web import create_app
from formkit.packet.reference import make_ref
from formkit.web.security import RateLimit
from tests import batchdata

KEY = b"bench-desk"
PASSWORD = "bench-parola-2026"


def synthesise(folder: Path, count: int) -> list[str]:
    refs, rows = [], []
    for index in range(count):
        row = batchdata.applicant_row(index)
        tc = batchdata.tc_number(index + 1)
        ref = make_ref(tc, KEY)
        refs.append(ref)
        track = ("kurum", "kurum", "aile-hekimi", "kurum")[
            index % 4
        ]  # no bireysel: every ref can be received
        rows.append({
            "row": index + 2, "status": "ok", "ref": ref, "name": f"{row[0]} {row[1]}", "ad": row[0],
            "soyad": row[1], "track": track, "e_posta": row[5], "tc": tc[:3] + "******" + tc[-2:],
            "pdf": f"packets/{ref}.pdf", "pages": 5, "mtime_ns": time.time_ns(),
        })  # fmt: skip
    (folder / "manifest.json").write_text(
        json.dumps({"batch": {"id": "bench"}, "rows": rows}), encoding="utf-8"
    )
    return refs


def figures(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(
        f"{label}: median {statistics.median(ordered):.2f} ms, p95 {p95:.2f} ms, max {ordered[-1]:.2f} ms "
        f"({len(ordered)} scans)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--scans", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-desk-") as temp:
        folder = Path(temp)
        refs = synthesise(folder, args.n)
        started = time.perf_counter()
        with Store(folder) as store:
            took = 1000 * (time.perf_counter() - started)
            print(f"{args.n} packets: manifest imported into the store in {took:.0f} ms")
            auth.set_password(store, PASSWORD, who="bench")
            samples = []
            for ref in refs[: args.scans]:
                begun = time.perf_counter()
                receive(store, ref, who="bench")
                samples.append(1000 * (time.perf_counter() - begun))
        figures("library scan (lookup + write)", samples)

        app = create_app(folder, profiles.load(None), login_limit=RateLimit(capacity=10**6, per_seconds=1))
        server = create_server(app, host="127.0.0.1", port=0, threads=4)
        port = getattr(server, "effective_port", 0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            cookie = ""

            def request(method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
                nonlocal cookie
                headers = {"Cookie": cookie, "Accept": "application/json" if path == "/tara" else "text/html"}
                body = urllib.parse.urlencode(form) if form is not None else None
                if body is not None:
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8")
                set_cookie = response.getheader("Set-Cookie")
                if set_cookie:
                    cookie = set_cookie.split(";", 1)[0]
                return response.status, text

            def token(path: str) -> str:
                match = re.search(r'name="csrf_token" value="([^"]+)"', request("GET", path)[1])
                assert match
                return match.group(1)

            status, _ = request(
                "POST", "/giris", {"csrf_token": token("/giris"), "ad": "bench", "parola": PASSWORD}
            )
            assert status == 302, status
            csrf = token("/giris")
            for label, batch in (
                ("HTTP scan, first hand-in", refs[args.scans : 2 * args.scans]),
                ("HTTP rescan, already received", refs[args.scans : 2 * args.scans]),
            ):
                samples = []
                for ref in batch:
                    begun = time.perf_counter()
                    status, text = request("POST", "/tara", {"csrf_token": csrf, "ref": ref})
                    samples.append(1000 * (time.perf_counter() - begun))
                    assert status == 200 and json.loads(text)["ref"] == ref, text
                figures(label, samples)
            for path in ("/", "/?durum=bekleyen"):
                begun = time.perf_counter()
                status, text = request("GET", path)
                took = 1000 * (time.perf_counter() - begun)
                print(f"desk page {path}: {took:.0f} ms, {len(text) // 1024} KB")
            conn.close()
        finally:
            time.sleep(0.2)  # let waitress finish the closed connection
            server.close()
            app.extensions["formkit_desk"].close()


if __name__ == "__main__":
    main()
