"""Benchmark `formkit mail` and `formkit send`: N messages with a real packet-sized PDF, sent to a local
aiosmtpd server. Not a test; prints messages per second for each step.

    /work/venv/bin/python bench/mail_bench.py [N] [PDF_PAGES]
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from mail_support import SENDER, Handler, smtp_server, write_pdf  # noqa: E402

from formkit import profile  # noqa: E402
from formkit.batch.manifest import MANIFEST, Header, Row, Status, write_manifest  # noqa: E402
from formkit.mail.outbox import write_outbox  # noqa: E402
from formkit.mail.send import send_outbox  # noqa: E402
from formkit.mail.smtp import SmtpSettings  # noqa: E402


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    pages = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = write_pdf(folder / "packets" / "p.pdf", "Başvuru paketi Şükrü Öztürk", pages=pages)
        tracks = ("kurum", "aile-hekimi", "bireysel")
        rows = []
        for i in range(count):
            rel = f"packets/R{i:05d}.pdf"
            (folder / rel).write_bytes(data)
            rows.append(
                Row(row=i + 2, status=Status.OK, ref=f"R{i:05d}", name=f"Şükrü Öztürk{i}", ad="Şükrü",
                    soyad=f"Öztürk{i}", track=tracks[i % 3], e_posta=f"kisi{i}@example.com", tc="258******14",
                    pdf=rel, pages=pages, sha256=hashlib.sha256(data).hexdigest())
            )  # fmt: skip
        write_manifest(folder / MANIFEST, Header(id="bench", input="bench.csv"), rows)
        prof = profile.load()

        start = time.perf_counter()
        result = write_outbox(folder, prof, sender=SENDER)
        took = time.perf_counter() - start
        size = sum(p.stat().st_size for p in result.written) / max(len(result.written), 1)
        print(f"mail: {len(result.written)} messages of {size / 1024:.0f} KB in {took:.2f} s "
              f"= {len(result.written) / took:.0f} messages/s")  # fmt: skip

        start = time.perf_counter()
        result = write_outbox(folder, prof, sender=SENDER)
        took = time.perf_counter() - start
        print(f"mail again (nothing changed): {len(result.unchanged)} in {took:.2f} s")

        handler = Handler()
        with smtp_server(handler) as server:
            settings = SmtpSettings(host="127.0.0.1", port=server.port)
            start = time.perf_counter()
            summary = send_outbox(folder, settings)
            took = time.perf_counter() - start
        rate = len(summary.sent) / took
        print(f"send: {len(summary.sent)} messages in {took:.2f} s = {rate:.0f} messages/s")
        print(f"  (one connection, journal: 3 commits a message; server got {len(handler.received)})")


if __name__ == "__main__":
    main()
