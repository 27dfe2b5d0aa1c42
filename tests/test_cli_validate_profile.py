"""`formkit validate` and `formkit profile show|check`: output, JSON shape, exit codes; help texts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from conftest import ROOT

import cli
from formkit import profile as profiles

EXAMPLES = ROOT / "examples"
FULL_TC = re.compile(r"(?<!\d)\d{11}(?!\d)")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli.cli, list(args))


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("command", all_commands(cli.cli), ids=lambda c: " ".join(c) or "formkit")
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Kullanım:" in result.output
    help_text = result.output.split("Seçenekler:")[0]
    assert len(help_text.strip().splitlines()) >= 2, "no help text"


def test_validate_all_valid_example_exits_0() -> None:
    result = run("validate", str(EXAMPLES / "applicants.csv"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "applicants.csv: 12 satır, hepsi geçerli"


@pytest.mark.parametrize(
    "path",
    [EXAMPLES / "applicant.json", ROOT / "tests/data/personel.xlsx", ROOT / "tests/data/personel_utf16.txt"],
)
def test_validate_other_formats(path: Path) -> None:
    assert run("validate", str(path)).exit_code == 0


def test_validate_human_output_one_line_per_problem_then_summary() -> None:
    result = run("validate", str(EXAMPLES / "hatali.csv"))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("hatali.csv, satır 4, T.C. KİMLİK NO: Excel sayıyı bilimsel gösterime")
    assert "hatali.csv, satır 5, SOYADI: boş olamaz" in lines  # the file's own headers
    assert lines[-1] == "hatali.csv: 7 satır; 3 geçerli, 4 hatalı"
    assert len(lines) == 6
    assert not FULL_TC.search(result.output)


def test_validate_json_shape() -> None:
    result = run("validate", "--json", str(ROOT / "tests/data/hatali.csv"))
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert list(document) == ["valid", "invalid", "rows"]
    assert (document["valid"], document["invalid"]) == (1, 10)
    assert document["rows"][0] == {"row": 2, "ok": True, "problems": []}
    third = document["rows"][1]
    assert list(third) == ["row", "ok", "problems"] and third["row"] == 3 and third["ok"] is False
    assert [list(p) for p in third["problems"]] == [["field", "message"]]
    assert third["problems"][0]["field"] == "tc_kimlik_no"
    assert [r["row"] for r in document["rows"]] == list(range(2, 13))
    fields = {p["field"] for r in document["rows"] for p in r["problems"]}
    assert fields <= {"tc_kimlik_no", "soyad", "e_posta", "cep_telefonu", "dogum_tarihi", "posta_kodu",
                      "basvuru_turu", "adres"}  # fmt: skip
    assert not FULL_TC.search(result.output)


def test_validate_warns_about_unknown_columns_on_stderr() -> None:
    result = run("validate", "--json", str(ROOT / "tests/data/personel_cp1254.csv"))
    assert result.exit_code == 0
    assert result.stderr.strip() == "uyarı: personel_cp1254.csv: 'SİCİL NO' sütunu tanınmadı, yok sayıldı"
    assert json.loads(result.stdout)["valid"] == 5


@pytest.mark.parametrize(
    "name",
    ["bad_binary.csv", "bad_empty.csv", "bad_header_only.csv", "bad_empty_sheet.xlsx", "bad_scalar.json",
     "bad_syntax.json", "bad_mojibake.csv", "bad_missing_column.csv", "does_not_exist.csv"],
)  # fmt: skip
def test_validate_unusable_file_exits_2_with_one_line(name: str) -> None:
    result = run("validate", str(ROOT / "tests/data" / name))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("hata: ") and name in lines[0]
    assert "Traceback" not in result.output


def test_validate_encoding_option() -> None:
    path = str(ROOT / "tests/data/personel_cp1254.csv")
    assert run("validate", "--encoding", "cp1254", path).exit_code == 0
    wrong = run("validate", "--encoding", "utf-8", path)
    assert wrong.exit_code == 2 and "utf-8 kodlamasıyla okunamadı" in wrong.stderr


def test_validate_with_a_bad_profile_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "p.toml"
    bad.write_text("[profile]\n", encoding="utf-8")
    result = run("validate", "--profile", str(bad), str(EXAMPLES / "applicants.csv"))
    assert result.exit_code == 2 and "hata: " in result.stderr


def test_validate_as_a_real_process_from_another_folder(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "validate", str(EXAMPLES / "hatali.csv")],
        cwd=tmp_path, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "satır 5, SOYADI: boş olamaz" in done.stdout


def test_profile_show_is_readable() -> None:
    result = run("profile", "show")
    assert result.exit_code == 0
    out = result.stdout
    assert "IBAN:     TR41 0001 2009 5940 0005 0000 47" in out
    assert re.search(r"3 Yıllık NES bedeli +780,00 TL", out)
    assert re.search(r"Mini kart okuyucu +300,00 TL", out)
    assert re.search(r"Toplam +1\.080,00 TL", out)
    assert "41470 Gebze/KOCAELİ" in out and "HALK BANKASI" in out
    assert "https://portal.kamusm.gov.tr/bp/ws.go" in out
    assert "01.01.2026" in result.stderr  # the fees are from 2024: warned once
    assert result.stderr.count("uyarı:") == 1


def test_profile_show_computes_the_total(tmp_path: Path) -> None:
    text = profiles.default_path().read_text(encoding="utf-8")
    text = text.replace('amount = "780.00"', 'amount = "1250.50"').replace(
        "valid_from = 2024-03-12", "valid_from = 2026-11-01"
    )
    path = tmp_path / "yeni.toml"
    path.write_text(text, encoding="utf-8")
    result = run("profile", "show", str(path))
    assert result.exit_code == 0
    assert re.search(r"Toplam +1\.550,50 TL", result.stdout)
    assert f"Dosya: {path}" in result.stdout


def test_profile_check() -> None:
    result = run("profile", "check")
    assert result.exit_code == 0 and result.stdout.startswith("profil geçerli")


def test_profile_check_bad_file_one_line_per_problem(tmp_path: Path) -> None:
    text = profiles.default_path().read_text(encoding="utf-8")
    text = text.replace("TR41 0001 2009", "TR42 0001 2009").replace('amount = "300.00"', 'amount = "0"')
    text = text.replace("https://onlineislemler", "http://onlineislemler").replace(
        'bank = "HALK BANKASI"\n', ""
    )
    path = tmp_path / "bozuk.toml"
    path.write_text(text, encoding="utf-8")
    result = run("profile", "check", str(path))
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    keys = [line.split(": ")[2] for line in lines]
    assert keys == ["bank.iban", "bank.bank", "fees.items[2].amount", "urls.online_islemler", "urls.payment"]
    assert all(line.startswith(f"hata: {path}: ") for line in lines)


def test_profile_check_missing_file(tmp_path: Path) -> None:
    result = run("profile", "check", str(tmp_path / "yok.toml"))
    assert result.exit_code == 2 and "okunamadı" in result.stderr and "Traceback" not in result.output


def test_demo_data_is_a_turkish_hr_export_with_all_three_tracks() -> None:
    from formkit.input.sources import open_table
    from formkit.input.validate import validate_all
    from formkit.model import Applicant, Track

    raw = (EXAMPLES / "applicants.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b";" in raw and b"\r\n" in raw
    table = open_table(EXAMPLES / "applicants.csv")
    applicants = [r for _, r in validate_all(table.rows()) if isinstance(r, Applicant)]
    assert len(applicants) == 12 and table.warnings == ()
    assert {a.track for a in applicants} == set(Track)
    assert any(a.soyad == "Iğdır" for a in applicants) and any(a.ad == "Şükrü" for a in applicants)
