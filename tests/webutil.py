"""Helpers shared by the web tests: a valid applicant's form values and a small HTML reader."""

from __future__ import annotations

import contextlib
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the checkout

# Real check digits (python-stdnum agrees); not a real person's number.
VALID_TC = "24427250916"
WRONG_TC = "24427250917"  # last check digit off by one

VALUES: dict[str, str] = {
    "ad": "İlknur Şükriye",
    "soyad": "Iğdır",
    "tc_kimlik_no": VALID_TC,
    "dogum_tarihi": "07.03.1985",
    "dogum_yeri": "Ağrı",
    "e_posta": "ilknur.igdir@example.org",
    "cep_telefonu": "0532 412 33 10",
    "kurum": "Mersin Şehir Eğitim ve Araştırma Hastanesi",
    "unvan": "Aile Hekimi",
    "adres": "Çiftlikköy Mah. Şehit Öğretmen Cad. No: 12 Daire: 4",
    "il": "Mersin",
    "ilce": "Yenişehir",
    "posta_kodu": "33110",
    "basvuru_turu": "aile-hekimi",
}


class Elements(HTMLParser):
    """Collects every element's attributes by id and the text inside elements that have an id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, dict[str, str]] = {}
        self.text: dict[str, str] = {}
        self.tags: list[tuple[str, dict[str, str]]] = []
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.append((tag, values))
        ident = values.get("id")
        if ident:
            self.attrs[ident] = values
            self.text.setdefault(ident, "")
        if tag not in {"input", "br", "meta", "link", "img"}:
            self._open.append((tag, ident))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, ident in self._open:
            if ident:
                self.text[ident] += data


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@contextlib.contextmanager
def running_server(*args: str, log: Path) -> Iterator[str]:
    """`formkit serve --port 0 ARGS` as a real process (default host 127.0.0.1); yields its base URL.

    stderr (the server's log) goes to `log`, to be read after the block.
    """
    with log.open("w", encoding="utf-8") as errors:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "cli.py"), "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()  # printed once the socket is listening
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            assert match, f"no address announced: {line!r}"
            yield f"http://127.0.0.1:{match.group(1)}/"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout:
                process.stdout.close()
