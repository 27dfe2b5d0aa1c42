"""`formkit batch --forms DIR`: portal printouts paired with rows by T.C. number, never wrongly; every
mismatch a problem; printouts from other producers end up whole in the packets and the print files."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import batchdata
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from conftest import ROOT

import cli
from formkit.batch.printouts import numbers_in
from tests import printouts

LABEL = "NÜSHA 1/2 — "


@pytest.fixture(autouse=True)
def _stable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_REF_KEY", "test-key-batch")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def reason(row: dict[str, Any]) -> str:
    """A failed row's problems on one line (the manifest keeps them as a list)."""
    return "; ".join(problem["message"] for problem in row["problems"])


def page_texts(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    return [document[i].get_textpage().get_text_range() for i in range(len(document))]


def _setup(tmp_path: Path) -> tuple[Path, Path, list[list[str]], dict[str, bytes]]:
    body = [[*row, ""] for row in batchdata.rows(8)]
    tcs = [row[2] for row in body]
    forms = tmp_path / "ciktilar"
    forms.mkdir()
    own = tmp_path / "ozel"
    own.mkdir()
    made: dict[str, bytes] = {}

    def put(folder: Path, name: str, data: bytes) -> None:
        (folder / name).write_bytes(data)
        made[name] = data

    put(forms, "basvuru-a.pdf", printouts.printout(tcs[0]))  # row 2: the number in the text
    # row 3: no number in the text, the file name holds it; object streams and an xref stream (qpdf)
    put(forms, f"{tcs[1]}_form.pdf", printouts.with_object_streams(printouts.printout("", name="Ümit Öz")))
    put(forms, "x1.pdf", printouts.printout(tcs[2]))  # row 4: two files for one row
    put(forms, "x2.pdf", printouts.printout(tcs[2], pages=2))
    # row 5: no printout → data sheet
    put(forms, f"{tcs[4]}.pdf", printouts.encrypted(printouts.printout(tcs[4]), user="gizli"))  # row 6
    body[5][-1] = "ozel/kendi.pdf"  # row 7: named by the form_pdf column, with an incremental update
    put(own, "kendi.pdf", printouts.with_incremental_update(printouts.printout(tcs[5])))
    body[6][-1] = "ozel/baskasi.pdf"  # row 8: the named file is someone else's
    put(own, "baskasi.pdf", printouts.printout(batchdata.tc_number(9999)))
    body[7][-1] = "ozel/yok.pdf"  # row 9: the named file does not exist
    put(forms, "yabanci.pdf", printouts.printout(batchdata.tc_number(5000)))  # matches no row
    put(forms, "iki-kisi.pdf", printouts.printout(f"{tcs[0]} ve {tcs[3]}"))  # matches two rows
    put(forms, "bos.pdf", printouts.printout(""))  # no number anywhere
    lines = [";".join([*batchdata.HEADERS, "PORTAL ÇIKTISI"])] + [";".join(row) for row in body]
    source = tmp_path / "personel.csv"
    source.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1254"))
    return source, forms, body, made


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli.cli, list(args), catch_exceptions=False)


def test_printouts_are_paired_by_number_and_every_mismatch_is_a_problem(tmp_path: Path) -> None:
    source, forms, body, made = _setup(tmp_path)
    tcs = [row[2] for row in body]
    out = tmp_path / "out"
    result = _run("batch", str(source), "-o", str(out), "--forms", str(forms), "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert "portal çıktısıyla 3 paket, çıktısı olmadığı için veri sayfasıyla 1 paket" in result.output
    assert "eşlenemeyen dosya: 5" in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    rows = {r["row"]: r for r in manifest["rows"]}
    masked1 = tcs[1][:3] + "******" + tcs[1][-2:]
    assert (rows[2]["status"], rows[2]["form_source"], rows[2]["form_file"]) == (
        "ok",
        "portal",
        "basvuru-a.pdf",
    )
    assert (rows[3]["form_source"], rows[3]["form_file"]) == ("portal", f"{masked1}_form.pdf")
    assert rows[4]["status"] == "failed" and "x1.pdf, x2.pdf" in reason(rows[4])
    assert (rows[5]["status"], rows[5]["form_source"], rows[5].get("form_file")) == ("ok", "data-sheet", None)
    assert rows[6]["status"] == "failed" and "şifreli" in reason(rows[6])
    assert tcs[4] not in reason(rows[6]) and tcs[4][:3] + "******" in reason(rows[6])
    assert (rows[7]["form_source"], rows[7]["form_file"]) == ("portal", "kendi.pdf")
    assert rows[8]["status"] == "failed" and "başka birinin çıktısı" in reason(rows[8])
    assert rows[9]["status"] == "failed" and "dosya bulunamadı" in reason(rows[9])

    with (out / "errors.csv").open(encoding="utf-8-sig", newline="") as handle:
        errors = list(csv.reader(handle, delimiter=";"))[1:]  # Satır;Ad Soyad;Sütun;Sorun
    files = {message.split(":")[0]: (row, message) for row, _name, _column, message in errors if row == ""}
    assert {column for row, _name, column, _message in errors if row == ""} == {"PORTAL ÇIKTISI"}
    assert set(files) == {"yabanci.pdf", "iki-kisi.pdf", "bos.pdf", "x1.pdf", "x2.pdf"}
    assert "hiçbir geçerli satırda yok" in files["yabanci.pdf"][1]
    assert "birden çok satırın" in files["iki-kisi.pdf"][1] and "2, 5" in files["iki-kisi.pdf"][1]
    assert "hiçbir satırla eşleştirilmedi" in files["bos.pdf"][1]
    assert {row for row, _, _, _ in errors if row} == {"4", "6", "8", "9"}
    everything = (out / "errors.csv").read_text(encoding="utf-8-sig") + (out / "manifest.json").read_text()
    for tc in [*tcs, batchdata.tc_number(5000), batchdata.tc_number(9999)]:
        assert tc not in everything  # KVKK: masked everywhere outside the form

    # Each portal row's copies are its printout, text intact; also in the print file.
    joined = b"".join((out / p["file"]).read_bytes() for p in manifest["print"])
    print_texts = page_texts(joined)
    for row, name in ((2, "basvuru-a.pdf"), (3, f"{tcs[1]}_form.pdf"), (7, "kendi.pdf")):
        original = page_texts(made[name])[0]
        packet = page_texts((out / rows[row]["pdf"]).read_bytes())
        assert packet[1].startswith(original + "\r\n" + LABEL)
        assert packet[2].startswith(original + "\r\n" + "NÜSHA 2/2 — ")
        assert sum(text.startswith(original + "\r\n" + "NÜSHA") for text in print_texts) == 2
    assert len(print_texts) == sum(int(rows[r]["pages"]) for r in (2, 3, 5, 7))

    again = _run("batch", str(source), "-o", str(out), "--forms", str(forms), "--jobs", "1")
    assert "4 paket zaten hazırdı, yeniden üretilen yok" in again.output  # nothing changed: nothing rebuilt
    (forms / "x2.pdf").unlink()
    third = _run("batch", str(source), "-o", str(out), "--forms", str(forms), "--jobs", "1")
    assert "(1 yeni, 4 güncel)" in third.output  # row 4 now has exactly one printout
    rows = {r["row"]: r for r in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["rows"]}
    assert (rows[4]["status"], rows[4]["form_file"]) == ("ok", "x1.pdf")


def test_numbers_in_text_need_a_valid_check_digit() -> None:
    good = batchdata.tc_number(1)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert numbers_in(f"TC: {good}, başka: {bad}, {' '.join(good)}") == {good}
    assert numbers_in(f"x{good}1") == frozenset()


def test_an_unreadable_file_without_a_number_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    source = batchdata.write_csv(tmp_path / "p.csv", list(batchdata.rows(2)))
    forms = tmp_path / "f"
    forms.mkdir()
    (forms / "bozuk.pdf").write_bytes(b"%PDF-1.4\nbozuk")
    (forms / "notlar.txt").write_text("PDF değil, yok sayılır", encoding="utf-8")
    out = tmp_path / "out"
    result = _run("batch", str(source), "-o", str(out), "--forms", str(forms), "--jobs", "1")
    assert result.exit_code == 1
    errors = (out / "errors.csv").read_text(encoding="utf-8-sig")
    assert re.search(
        r'^;;form_pdf;"bozuk\.pdf: metni okunamadı \(bozuk ya da PDF değil\), dosya adında da yok',
        errors,
        re.M,
    )
    assert "notlar" not in errors
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [r["form_source"] for r in manifest["rows"]] == ["data-sheet", "data-sheet"]


def test_a_missing_forms_folder_is_an_input_error(tmp_path: Path) -> None:
    source = batchdata.write_csv(tmp_path / "p.csv", list(batchdata.rows(1)))
    result = CliRunner().invoke(cli.cli, ["batch", str(source), "-o", str(tmp_path / "o"), "--forms", "yok"])
    assert result.exit_code == 2 and "portal çıktıları klasörü bulunamadı" in result.stderr


def test_marks_can_be_sized_in_a_fresh_process() -> None:
    """The batch's main process sizes the marks before anything registered the fonts (found by the bench)."""
    code = "from formkit.packet.copies import mark; print(round(mark('NÜSHA 1/2 — sizde kalacak').w))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 100


def test_a_printout_with_no_blank_margin_is_a_warning_of_the_batch(tmp_path: Path) -> None:
    body = list(batchdata.rows(2))
    source = batchdata.write_csv(tmp_path / "p.csv", body)
    forms = tmp_path / "f"
    forms.mkdir()
    (forms / "dolu.pdf").write_bytes(printouts.printout(body[0][2], full=True))
    out = tmp_path / "out"
    result = _run("batch", str(source), "-o", str(out), "--forms", str(forms), "--jobs", "1")
    assert result.exit_code == 0, result.output
    line = "dolu.pdf (2. satır), sayfa 1: boş kenar boşluğu yok"
    assert f"uyarı: {line}" in result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert any(line in warning for warning in manifest["warnings"])
    assert [r["form_source"] for r in manifest["rows"]] == ["portal", "data-sheet"]
