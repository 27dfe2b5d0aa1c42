"""The atomic writer never replaces a device, a FIFO, a folder or a symbolic link, and names a full disk."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT

from cli import cli
from formkit.errors import DiskFullError, FormkitError, InputError
from formkit.fileio import write_atomic, write_if_changed

FORM = str(ROOT / "assets" / "forms" / "nes-basvuru-formu.pdf")


def _fill(tmp_path: Path, output: Path) -> Result:
    data = tmp_path / "values.json"
    data.write_text(json.dumps({"ad": "İLKNUR", "soyad": "IĞDIR"}), encoding="utf-8")
    return CliRunner().invoke(cli, ["fill", FORM, "--data", str(data), "-o", str(output)])


def test_a_fifo_is_refused_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "boru.pdf"
    os.mkfifo(fifo)
    result = _fill(tmp_path, fifo)
    assert result.exit_code == 2
    assert "FIFO" in result.output and "üzerine yazılmaz" in result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    with pytest.raises(FormkitError, match="FIFO"):
        write_if_changed(fifo, b"x")  # must not block reading the FIFO to compare


def test_a_symlink_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "gercek.pdf"
    target.write_bytes(b"eski")
    link = tmp_path / "baglanti.pdf"
    link.symlink_to(target)
    result = _fill(tmp_path, link)
    assert result.exit_code == 2, result.output
    assert "sembolik bağlantı" in result.output and str(target) in result.output
    assert link.is_symlink() and target.read_bytes() == b"eski"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cikti.pdf"
    folder.mkdir()
    (folder / "icinde.txt").write_text("kalır")
    with pytest.raises(InputError, match="bir klasör"):
        write_atomic(folder, b"%PDF", error=InputError)
    assert (folder / "icinde.txt").read_text() == "kalır"
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_device_is_refused(tmp_path: Path) -> None:
    device = tmp_path / "full"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # what /dev/full is
    except (PermissionError, OSError):
        pytest.skip("making a device node needs root")
    result = _fill(tmp_path, device)
    assert result.exit_code == 2
    assert "aygıt dosyası" in result.output
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    if Path("/dev/null").exists():
        with pytest.raises(FormkitError, match="aygıt"):
            write_atomic(Path("/dev/null"), b"x")
        assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_a_regular_file_is_still_replaced(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(b"old")
    write_atomic(path, b"new")
    assert path.read_bytes() == b"new"


def test_a_full_disk_names_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.replace

    def full(src: str, dst: str | Path) -> None:
        if str(dst).endswith("a.pdf"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(DiskFullError) as caught:
        write_atomic(tmp_path / "a.pdf", b"data")
    assert str(tmp_path) in caught.value.message and "disk dolu" in caught.value.message
    assert "boş yer" in caught.value.message
    assert not list(tmp_path.iterdir())  # the temporary is gone


def test_a_packet_on_a_full_disk_says_so_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORMKIT_REF_KEY", "test-key-fileio")
    real = os.replace

    def full(src: str, dst: str | Path) -> None:
        if Path(dst).suffix == ".pdf":
            raise OSError(errno.ENOSPC, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", full)
    out = tmp_path / "cikti"
    data = ROOT / "tests" / "data" / "tek_kisi.json"
    result = CliRunner().invoke(cli, ["packet", "--input", str(data), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert f"hata: {out}: disk dolu (boş yer:" in result.output
    assert "beklenmeyen" not in result.output
    assert not [p for p in out.rglob("*") if p.is_file()]
