"""The output folder is claimed by content, a full disk stops a batch cleanly, and the run's summary."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import batchdata
import pytest
from click.testing import CliRunner, Result
from conftest import ROOT

import cli
from formkit import profile as profiles


@pytest.fixture(autouse=True)
def _stable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_REF_KEY", "test-key-batch")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli.cli, list(args))


def _manifest(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return data


def _packets(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((out / "packets").glob("*.pdf"))}


def _true_to_disk(out: Path) -> list[dict[str, Any]]:
    """The manifest's ok rows, checked against the files: every listed packet exists as recorded, and every
    packet on disk is listed."""
    ok = [r for r in _manifest(out)["rows"] if r["status"] == "ok"]
    for entry in ok:
        assert hashlib.sha256((out / entry["pdf"]).read_bytes()).hexdigest() == entry["sha256"]
    assert sorted(Path(e["pdf"]).name for e in ok) == sorted(_packets(out))
    return ok


def test_two_different_files_with_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = batchdata.write_csv(tmp_path / "a" / "personel.csv", list(batchdata.rows(3)))
    second = batchdata.write_csv(tmp_path / "b" / "personel.csv", list(batchdata.rows(3, start=20)))
    out = tmp_path / "out"
    assert _run("batch", str(first), "-o", str(out), "-j", "1").exit_code == 0
    before = _packets(out)

    refused = _run("batch", str(second), "-o", str(out), "-j", "1")
    assert refused.exit_code == 2, refused.output
    line = refused.output.strip().splitlines()[-1]
    assert line.startswith("hata: ") and "başka bir girdinin paketleri var" in line
    assert "--force" in line and "başka bir çıktı klasörü" in line
    assert _packets(out) == before  # nothing deleted, nothing written
    assert _manifest(out)["batch"]["input_sha256"] == hashlib.sha256(first.read_bytes()).hexdigest()

    forced = _run("batch", str(second), "-o", str(out), "-j", "1", "--force")
    assert forced.exit_code == 0, forced.output
    assert not set(_packets(out)) & set(before) and len(_packets(out)) == 3
    _true_to_disk(out)


def test_the_same_data_under_a_new_name_continues_the_batch(tmp_path: Path) -> None:
    source = batchdata.write_csv(tmp_path / "personel.csv", list(batchdata.rows(3)))
    out = tmp_path / "out"
    assert _run("batch", str(source), "-o", str(out), "-j", "1").exit_code == 0
    renamed = tmp_path / "personel-kopya.csv"
    shutil.copyfile(source, renamed)
    again = _run("batch", str(renamed), "-o", str(out), "-j", "1")
    assert again.exit_code == 0, again.output
    assert "her şey güncel" in again.output and "3 paket zaten hazırdı" in again.output
    assert "paket/sn" not in again.output


def test_an_edited_export_under_a_new_name_continues_the_batch(tmp_path: Path) -> None:
    source = batchdata.write_csv(tmp_path / "personel.csv", list(batchdata.rows(4)))
    out = tmp_path / "out"
    assert _run("batch", str(source), "-o", str(out), "-j", "1").exit_code == 0
    body = list(batchdata.rows(4))
    body[1][9] = "Yeni Mah. 3. Cad. No: 7"
    edited = batchdata.write_csv(tmp_path / "personel-duzeltilmis.csv", body[:3])
    result = _run("batch", str(edited), "-o", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    assert "1 yeni, 2 güncel" in result.output
    assert len(_true_to_disk(out)) == 3  # the dropped row's packet is gone: same list, edited


def test_another_profile_is_refused_without_force(tmp_path: Path) -> None:
    source = batchdata.write_csv(tmp_path / "personel.csv", list(batchdata.rows(2)))
    out = tmp_path / "out"
    assert _run("batch", str(source), "-o", str(out), "-j", "1").exit_code == 0
    other = tmp_path / "il.toml"
    other.write_text(
        profiles.default_path().read_text(encoding="utf-8") + "\n# başka bir il\n", encoding="utf-8"
    )
    before = _packets(out)
    refused = _run("batch", str(source), "-o", str(out), "--profile", str(other))
    assert refused.exit_code == 2 and "başka bir profille" in refused.output
    assert _packets(out) == before
    assert _run("batch", str(source), "-o", str(out), "--profile", str(other), "--force").exit_code == 0


def test_the_fee_warning_comes_once_after_the_summary(tmp_path: Path) -> None:
    source = batchdata.write_csv(tmp_path / "personel.csv", list(batchdata.rows(2)))
    out = tmp_path / "out"
    result = _run("batch", str(source), "-o", str(out), "-j", "1")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    warnings = [n for n, line in enumerate(lines) if "profildeki ücretler" in line]
    summary = next(n for n, line in enumerate(lines) if "paket hazır" in line)
    assert len(warnings) == 1 and warnings[0] > summary
    mailed = _run("mail", str(out))
    assert mailed.exit_code == 0 and "profildeki ücretler" not in mailed.output


def test_a_full_disk_keeps_the_manifest_true_and_the_rerun_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC simulated at the rename of the 4th packet (in-process batch, so the patch applies)."""
    count = 9
    source = batchdata.write_csv(tmp_path / "personel.csv", list(batchdata.rows(count)))
    out = tmp_path / "out"
    real = os.replace
    written: list[str] = []

    def full_after_three(src: str, dst: str | os.PathLike[str]) -> None:
        if Path(dst).parent.name == "packets":
            if len(written) >= 3:
                raise OSError(errno.ENOSPC, "No space left on device")
            written.append(str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", full_after_three)
    stopped = _run("batch", str(source), "-o", str(out), "-j", "1")
    assert stopped.exit_code == 2, stopped.output
    assert "beklenmeyen" not in stopped.output and "Traceback" not in stopped.output
    assert f"{out / 'packets'}: disk dolu" in stopped.output
    assert "3 paket hazır ve manifest.json'da kayıtlı" in stopped.output
    assert f"{count - 3} satır yapılmadı" in stopped.output
    assert len(_true_to_disk(out)) == 3
    assert not list(out.rglob("*.tmp"))

    again = _run("batch", str(source), "-o", str(out), "-j", "1")  # still full: same clean stop
    assert again.exit_code == 2 and "disk dolu" in again.output
    assert len(_true_to_disk(out)) == 3

    monkeypatch.setattr(os, "replace", real)  # space freed
    resumed = _run("batch", str(source), "-o", str(out), "-j", "1")
    assert resumed.exit_code == 0, resumed.output
    assert f"{count} paket hazır ({count - 3} yeni, 3 güncel)" in resumed.output
    assert len(_true_to_disk(out)) == count
    assert len(list((out / "print").glob("*.pdf"))) == 1


def test_a_real_full_disk_with_worker_processes(tmp_path: Path) -> None:
    """A 512 KB tmpfs (needs root and mount; skipped where that is not possible)."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(disk)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"tmpfs cannot be mounted here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        count = 16  # ≈ 60 KB a packet: about 7 fit
        source = batchdata.write_csv(tmp_path / "personel.csv", list(batchdata.rows(count)))
        out = disk / "out"
        command = [sys.executable, str(ROOT / "cli.py"), "batch", str(source), "-o", str(out), "-j", "2"]
        env = {**os.environ, "FORMKIT_REF_KEY": "test-key-batch", "SOURCE_DATE_EPOCH": "1767225600"}
        stopped = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert stopped.returncode == 2, stopped.stderr
        assert "disk dolu" in stopped.stderr and "beklenmeyen" not in stopped.stderr
        kept = len(_true_to_disk(out))
        assert 0 < kept < count
        assert not list(out.rglob("*.tmp"))

        subprocess.run(["mount", "-o", "remount,size=4m", str(disk)], check=True)  # space freed
        resumed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert resumed.returncode == 0, resumed.stderr
        assert f"{count} paket hazır ({count - kept} yeni, {kept} güncel)" in resumed.stdout
        assert len(_true_to_disk(out)) == count
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_when_even_the_manifest_does_not_fit_the_newest_packet_makes_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk modelled at rename time: after the 3rd packet it is full but for 100 bytes."""
    source = batchdata.write_csv(tmp_path / "personel.csv", list(batchdata.rows(6)))
    out = tmp_path / "out"
    real = os.replace
    limit: list[int] = []

    def used() -> int:
        return sum(p.stat().st_size for p in out.rglob("*") if p.is_file() and not p.name.endswith(".tmp"))

    def small_disk(src: str, dst: str | os.PathLike[str]) -> None:
        target = Path(dst)
        if not limit and target.parent.name == "packets" and len(list(target.parent.glob("*.pdf"))) == 3:
            limit.append(used() + 100)
        if limit:
            replaced = target.stat().st_size if target.exists() else 0
            if used() - replaced + Path(src).stat().st_size > limit[0]:
                raise OSError(errno.ENOSPC, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(os, "replace", small_disk)
    stopped = _run("batch", str(source), "-o", str(out), "-j", "1")
    assert stopped.exit_code == 2, stopped.output
    assert "2 paket hazır ve manifest.json'da kayıtlı" in stopped.output
    assert "son 1 paket silindi" in stopped.output and "4 satır yapılmadı" in stopped.output
    assert len(_true_to_disk(out)) == 2
    assert [r["status"] for r in _manifest(out)["rows"]] == ["ok", "ok", "pending", "pending"]

    monkeypatch.setattr(os, "replace", real)
    resumed = _run("batch", str(source), "-o", str(out), "-j", "1")
    assert resumed.exit_code == 0, resumed.output
    assert "6 paket hazır (4 yeni, 2 güncel)" in resumed.output
    assert len(_true_to_disk(out)) == 6


def test_one_person_repeated_does_not_make_another_file_the_same_list(tmp_path: Path) -> None:
    first = batchdata.write_csv(tmp_path / "a.csv", list(batchdata.rows(4)))
    out = tmp_path / "out"
    assert _run("batch", str(first), "-o", str(out), "-j", "1").exit_code == 0
    repeated = [batchdata.applicant_row(0)] * 3 + list(batchdata.rows(3, start=30))
    other = batchdata.write_csv(tmp_path / "b.csv", repeated)
    refused = _run("batch", str(other), "-o", str(out), "-j", "1")
    assert refused.exit_code == 2 and "yalnızca 1 tanesi var" in refused.output
