"""formkit batch end to end: real files in, the output folder read back."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import batchdata
import pytest
from click.testing import CliRunner
from conftest import ROOT
from openpyxl import Workbook
from pypdf import PdfReader

import cli


@pytest.fixture(autouse=True)
def _stable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_REF_KEY", "test-key-batch")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def _mixed_csv(tmp_path: Path) -> tuple[Path, list[list[str]]]:
    body = list(batchdata.rows(6))
    bad_tc = batchdata.applicant_row(6)
    bad_tc[2] = bad_tc[2][:-1] + str((int(bad_tc[2][-1]) + 1) % 10)  # wrong check digit
    no_surname = batchdata.applicant_row(7)
    no_surname[1] = "  "
    body[3:3] = [bad_tc]  # spreadsheet row 5
    body.append(no_surname)  # spreadsheet row 9
    return batchdata.write_csv(tmp_path / "personel.csv", body), body


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli.cli, list(args), catch_exceptions=False)


def _manifest(out: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return data


def test_cp1254_export_with_invalid_rows(tmp_path: Path) -> None:
    source, body = _mixed_csv(tmp_path)
    out = tmp_path / "out"
    result = _run("batch", str(source), "-o", str(out), "--jobs", "2")
    assert result.exit_code == 1, result.output
    manifest = _manifest(out)
    rows = {r["row"]: r for r in manifest["rows"]}
    assert sorted(rows) == list(range(2, 2 + len(body)))
    assert rows[5]["status"] == "invalid" and rows[5]["problems"][0]["field"] == "tc_kimlik_no"
    assert rows[9]["status"] == "invalid" and rows[9]["problems"][0]["field"] == "soyad"
    ok = [r for r in manifest["rows"] if r["status"] == "ok"]
    assert len(ok) == 6
    for entry in ok:
        pdf = out / entry["pdf"]
        assert hashlib.sha256(pdf.read_bytes()).hexdigest() == entry["sha256"]
        assert len(PdfReader(pdf).pages) == entry["pages"]
        assert entry["tc"].count("*") == 6
        assert entry["pdf"].startswith("packets/") and entry["pdf"].isascii()
    first = rows[2]
    assert first["name"] == "İlknur Iğdır" and first["track"] == "kurum"
    assert first["e_posta"] == "personel0@saglik.gov.tr"
    assert rows[4]["track"] == "aile-hekimi" and rows[4]["pages"] > rows[2]["pages"]

    with (out / "errors.csv").open(encoding="utf-8-sig", newline="") as handle:
        errors = list(csv.DictReader(handle, delimiter=";"))
    assert {(e["Satır"], e["Sütun"]) for e in errors} == {("5", "T.C. KİMLİK NO"), ("9", "SOYADI")}
    assert (out / "errors.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    printed = sorted((out / "print").glob("*.pdf"))
    assert len(printed) == 1
    reader = PdfReader(printed[0])
    assert len(reader.pages) == sum(e["pages"] for e in ok)
    assert [item.title.split(" · ")[0] for item in reader.outline] == [str(e["row"]) for e in ok]

    # KVKK: no full T.C. number outside the packets themselves
    numbers = [row[2].encode() for row in body]
    for path in [out / "manifest.json", out / "errors.csv"]:
        text = path.read_bytes()
        assert not [n for n in numbers if n in text], path
    assert not [n for n in numbers if n in result.output.encode()]
    for pdf in (out / "packets").iterdir():
        assert not re.search(r"\d{11}", pdf.name)


def test_rerun_rebuilds_nothing_and_a_changed_row_only_itself(tmp_path: Path) -> None:
    source = batchdata.write_csv(tmp_path / "personel.csv", list(batchdata.rows(5)))
    out = tmp_path / "out"
    assert _run("batch", str(source), "-o", str(out), "--jobs", "1").exit_code == 0
    files = sorted((out / "packets").iterdir()) + sorted((out / "print").iterdir())
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in files}
    time.sleep(0.01)

    again = _run("batch", str(source), "-o", str(out), "--jobs", "1")
    assert again.exit_code == 0 and "her şey güncel, 5 paket zaten hazırdı" in again.output
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in files} == before

    body = list(batchdata.rows(5))
    body[2][9] = "Yeni Mah. 3. Cad. No: 7"
    batchdata.write_csv(source, body)
    changed = _run("batch", str(source), "-o", str(out), "--jobs", "1")
    assert changed.exit_code == 0 and "1 yeni, 4 güncel" in changed.output
    entries = {r["row"]: r for r in _manifest(out)["rows"]}
    touched = [p for p in files if p.parent.name == "packets" and p.stat().st_mtime_ns != before[p][0]]
    assert [p.name for p in touched] == [Path(entries[4]["pdf"]).name]


def test_a_folder_holding_another_batch_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = batchdata.write_csv(tmp_path / "a.csv", list(batchdata.rows(2)))
    second = batchdata.write_csv(tmp_path / "b.csv", list(batchdata.rows(2, start=10)))
    assert _run("batch", str(first), "-o", str(out)).exit_code == 0
    refused = CliRunner().invoke(cli.cli, ["batch", str(second), "-o", str(out)])
    assert refused.exit_code == 2 and "başka bir girdinin paketleri var" in refused.output
    forced = _run("batch", str(second), "-o", str(out), "--force")
    assert forced.exit_code == 0
    manifest = _manifest(out)
    assert manifest["batch"]["input"] == "b.csv"
    assert len(list((out / "packets").glob("*.pdf"))) == 2


def test_xlsx_with_number_and_date_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(batchdata.HEADERS)
    from datetime import datetime

    for index in range(3):
        row: list[Any] = batchdata.applicant_row(index)
        row[2] = int(row[2])  # Excel keeps the ID as a number
        day, month, year = (int(x) for x in row[3].split("."))
        row[3] = datetime(year, month, day)
        sheet.append(row)
    source = tmp_path / "personel.xlsx"
    book.save(source)
    out = tmp_path / "out"
    result = _run("batch", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert [r["status"] for r in _manifest(out)["rows"]] == ["ok", "ok", "ok"]


def test_duplex_pads_every_packet_to_whole_sheets(tmp_path: Path) -> None:
    source = batchdata.write_csv(tmp_path / "personel.csv", list(batchdata.rows(4)))
    out = tmp_path / "out"
    assert _run("batch", str(source), "-o", str(out), "--duplex").exit_code == 0
    manifest = _manifest(out)
    reader = PdfReader(out / manifest["print"][0]["file"])
    starts = [reader.get_destination_page_number(item) for item in reader.outline]
    assert all(start % 2 == 0 for start in starts)
    assert len(reader.pages) % 2 == 0
    assert len(reader.pages) == sum(e["pages"] + e["pages"] % 2 for e in manifest["rows"])


def test_killed_batch_resumes_and_leaves_no_broken_file(tmp_path: Path) -> None:
    count = 80
    source = batchdata.write_csv(tmp_path / "personel.csv", list(batchdata.rows(count)))
    out = tmp_path / "out"
    command = [sys.executable, str(ROOT / "cli.py"), "batch", str(source), "-o", str(out), "--jobs", "1"]
    env = {**os.environ, "FORMKIT_REF_KEY": "test-key-batch", "SOURCE_DATE_EPOCH": "1767225600"}
    process = subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = list((out / "packets").glob("*.pdf")) if (out / "packets").is_dir() else []
        if len(done) >= 10:
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()

    finished = sorted((out / "packets").glob("*.pdf"))
    assert 10 <= len(finished) < count, "the batch should have been killed half-way"
    for pdf in finished:  # every file under its final name is complete
        assert len(PdfReader(pdf).pages) >= 3
    manifest = _manifest(out)
    recorded = [r for r in manifest["rows"] if r["status"] == "ok"]
    for entry in recorded:
        assert hashlib.sha256((out / entry["pdf"]).read_bytes()).hexdigest() == entry["sha256"]

    resumed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{count} paket hazır" in resumed.stdout
    assert f"{len(recorded)} güncel" in resumed.stdout
    manifest = _manifest(out)
    assert [r["status"] for r in manifest["rows"]] == ["ok"] * count
    assert not list(out.rglob("*.tmp"))
    assert len(list((out / "packets").glob("*.pdf"))) == count


def test_unreadable_input_is_exit_2_in_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.cli, ["batch", str(tmp_path / "yok.csv"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("hata:")]
    assert "Traceback" not in result.output and errors == [f"hata: {tmp_path / 'yok.csv'}: dosya bulunamadı"]


def test_errors_csv_cells_cannot_run_as_formulas(tmp_path: Path) -> None:
    from formkit.batch.errors import ErrorReport
    from formkit.model import Problem

    report = ErrorReport({"ad": "ADI"})
    report.add(3, [Problem("ad", '=HYPERLINK("http://x")')], {"ad": "-1+1", "soyad": ""})
    report.add(4, [Problem("soyad", "@SUM(A1)")])
    report.write(tmp_path)
    with (tmp_path / "errors.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert [row["Sorun"] for row in rows] == ['\'=HYPERLINK("http://x")', "'@SUM(A1)"]
    assert rows[0]["Ad Soyad"] == "'-1+1" and rows[0]["Sütun"] == "ADI"


def test_print_files_are_chunked_kept_when_unchanged_and_pruned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from formkit import profile as profiles
    from formkit.batch import run as batches

    monkeypatch.setattr(batches, "PRINT_CHUNK", 2)
    body = list(batchdata.rows(5))
    body[1][2] = "12345678901"  # invalid: its row is skipped, not a hole in a print file
    source = batchdata.write_csv(tmp_path / "personel.csv", body)
    out = tmp_path / "out"
    options = batches.BatchOptions(profile=profiles.load(), jobs=2)
    first = batches.run(source, out, options)
    assert (first.ok, first.invalid) == (4, 1)
    names = [p.name for p in first.print_files]
    assert names == ["basvurular-001.pdf", "basvurular-002.pdf"]
    titles = [[item.title.split(" · ")[0] for item in PdfReader(p).outline] for p in first.print_files]
    assert titles == [["2", "4"], ["5", "6"]]
    stamps = [p.stat().st_mtime_ns for p in first.print_files]

    body[5 - 2][9] = "Başka Mah. 1. Sok. No: 2"  # row 5: the second file changes, the first does not
    batchdata.write_csv(source, body)
    second = batches.run(source, out, options)
    assert second.built == 1
    assert first.print_files[0].stat().st_mtime_ns == stamps[0]
    assert first.print_files[1].stat().st_mtime_ns != stamps[1]

    batchdata.write_csv(source, body[:3])  # fewer rows: the second print file goes away
    third = batches.run(source, out, options)
    assert [p.name for p in third.print_files] == ["basvurular-001.pdf"]
    assert sorted(p.name for p in (out / "print").iterdir()) == ["basvurular-001.pdf"]
    assert len(list((out / "packets").glob("*.pdf"))) == 2


def test_a_row_inserted_at_the_top_rebuilds_only_itself(tmp_path: Path) -> None:
    source = batchdata.write_csv(tmp_path / "personel.csv", list(batchdata.rows(4, start=1)))
    out = tmp_path / "out"
    assert _run("batch", str(source), "-o", str(out)).exit_code == 0
    stamps = {p.name: p.stat().st_mtime_ns for p in (out / "packets").iterdir()}

    batchdata.write_csv(source, list(batchdata.rows(5, start=0)))  # a new first row shifts every other row
    result = _run("batch", str(source), "-o", str(out))
    assert result.exit_code == 0 and "1 yeni, 4 güncel" in result.output
    rows = {r["row"]: r for r in _manifest(out)["rows"]}
    assert sorted(rows) == [2, 3, 4, 5, 6]
    for row in (3, 4, 5, 6):  # the same packets, now one row further down, files untouched
        name = Path(rows[row]["pdf"]).name
        assert (out / "packets" / name).stat().st_mtime_ns == stamps[name]
    assert len(list((out / "packets").glob("*.pdf"))) == 5
