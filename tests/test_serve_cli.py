"""`formkit serve` on the command line: help, default address, clear errors instead of tracebacks."""

from __future__ import annotations

import http.cookiejar
import io
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from cli import cli
from formkit.input.store import STORE_FILENAME, read_store
from formkit.web.server import is_loopback
from tests.webutil import ROOT, VALID_TC, VALUES, csrf_from, running_server


def test_serve_help_lists_its_options() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--profile", "--store"):
        assert option in result.output
    assert "127.0.0.1" in result.output


def test_port_in_use_is_a_one_line_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                str(ROOT / "cli.py"),
                "serve",
                "--port",
                str(port),
                "--store",
                str(tmp_path / "d"),
            ],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("hata:")]
    assert errors == [f"hata: 127.0.0.1:{port} dinlenemiyor (Address already in use)"]
    assert "Traceback" not in result.stderr


def test_bad_profile_is_reported_before_serving(tmp_path: Path) -> None:
    bad = tmp_path / "bozuk.toml"
    bad.write_text("[profile\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--profile", str(bad)])
    assert result.exit_code == 2
    assert "hata:" in result.output and "bozuk.toml" in result.output


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10") and not is_loopback("sunucu")


def test_real_server_serves_stores_and_refuses(tmp_path: Path) -> None:
    """Through waitress, not the test client: headers, PDF, --store, 413, CSRF, and a T.C.-free log."""
    store_dir = tmp_path / "depo"
    log = tmp_path / "stderr.txt"
    with running_server("--store", str(store_dir), log=log) as url:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(url, timeout=30) as response:
            html = response.read().decode("utf-8")
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "KVKK" in html
        body = urllib.parse.urlencode({**VALUES, "csrf_token": csrf_from(html)}).encode()
        with opener.open(url, data=body, timeout=60) as response:
            assert response.headers["Content-Type"] == "application/pdf"
            assert "attachment" in response.headers["Content-Disposition"]
            pdf = response.read()
        assert len(PdfReader(io.BytesIO(pdf)).pages) >= 4
        statuses = []
        for data in (
            urllib.parse.urlencode({**VALUES, "csrf_token": "yanlış"}).encode(),
            urllib.parse.urlencode({**VALUES, "adres": "x" * 70_000, "csrf_token": csrf_from(html)}).encode(),
        ):
            try:
                opener.open(url, data=data, timeout=30)
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)
        assert statuses == [400, 413]
    rows = list(read_store(store_dir / STORE_FILENAME))
    assert [(r.row, r.values["soyad"], r.values["tc_kimlik_no"]) for r in rows] == [(2, "Iğdır", VALID_TC)]
    server_log = log.read_text(encoding="utf-8")
    assert "paket hazırlandı" in server_log and "244******16" in server_log
    assert VALID_TC not in server_log
