"""`formkit serve` on the command line: help, default address, clear errors instead of tracebacks."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import ROOT

from cli import cli
from formkit.web.server import is_loopback


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
