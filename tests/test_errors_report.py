"""errors.csv and errors.xlsx: what the officer opens after a batch, read back as Turkish Excel reads it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook, load_workbook

import cli
from tests.batchdata import HEADERS, applicant_row


def run(*args: str) -> Result:
    return CliRunner().invoke(cli.cli, list(args))


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def _workbook(path: Path) -> Path:
    """A title row above the header (so data starts on row 3), two valid rows and two invalid ones."""
    book = Workbook()
    sheet = book.active
    sheet.append(["PERSONEL E-İMZA LİSTESİ"])
    sheet.append(HEADERS)
    rows = [applicant_row(i) for i in range(4)]
    rows[1][2] = "12345678901"  # a bad T.C. number (checksum)
    rows[1][0] = "@Ali"  # a name cell a spreadsheet would run as a formula
    rows[3][9] = "Çiftlikköy Mah. " * 6400  # a 100 KB address
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # what Turkish Excel needs
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def test_errors_csv_and_xlsx_speak_the_users_words(tmp_path: Path) -> None:
    source = _workbook(tmp_path / "personel.xlsx")
    out = tmp_path / "cikti"
    result = run("batch", str(source), "-o", str(out), "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert len(list((out / "packets").glob("*.pdf"))) == 2  # the valid rows are still produced

    rows = _read_csv(out / "errors.csv")
    assert list(rows[0]) == ["Satır", "Ad Soyad", "Sütun", "Sorun"]
    by_row = {(r["Satır"], r["Sütun"]): r for r in rows}
    assert set(by_row) == {("4", "ADI"), ("4", "T.C. KİMLİK NO"), ("6", "ADRES")}  # rows as Excel shows them
    bad_tc = by_row["4", "T.C. KİMLİK NO"]
    assert bad_tc["Ad Soyad"] == f"'@Ali {applicant_row(1)[1]}"  # neutralised: Excel would run it
    assert "kontrol haneleri tutmuyor" in bad_tc["Sorun"]
    assert "12345678901" not in (out / "errors.csv").read_text(encoding="utf-8-sig")  # KVKK
    # openpyxl cuts a cell at 32767 characters, Excel's own limit
    assert by_row["6", "ADRES"]["Sorun"] == "en çok 150 karakter olabilir (32767 karakter var); kısaltın"
    assert by_row["6", "ADRES"]["Ad Soyad"] == f"{applicant_row(3)[0]} {applicant_row(3)[1]}"

    book = load_workbook(out / "errors.xlsx")
    sheet = book.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Satır", "Ad Soyad", "Sütun", "Sorun"]
    assert [row[:3] for row in values[1:]] == [
        [4, f"@Ali {applicant_row(1)[1]}", "ADI"],
        [4, f"@Ali {applicant_row(1)[1]}", "T.C. KİMLİK NO"],
        [6, f"{applicant_row(3)[0]} {applicant_row(3)[1]}", "ADRES"],
    ]
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row[1:])  # no formula

    validate = run("validate", str(source), "--json")  # the same rules, the same fields
    assert '"field": "adres"' in validate.output and '"row": 6' in validate.output


def test_a_csv_input_gets_no_workbook_and_a_stale_one_is_removed(tmp_path: Path) -> None:
    source = tmp_path / "personel.csv"
    body = [applicant_row(0), applicant_row(1)]
    body[1][3] = "31.02.1980"
    source.write_text("\n".join(";".join(r) for r in [HEADERS, *body]) + "\n", encoding="utf-8")
    out = tmp_path / "cikti"
    out.mkdir()
    (out / "errors.xlsx").write_bytes(b"old")
    result = run("batch", str(source), "-o", str(out), "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert not (out / "errors.xlsx").exists()
    (line,) = _read_csv(out / "errors.csv")
    assert (line["Satır"], line["Sütun"]) == ("3", "DOĞUM TARİHİ") and "gerçek bir tarih değil" in line[
        "Sorun"
    ]
