"""The input side through the command line: hostile input ends in one Turkish line and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import cli
from formkit.resources import asset

HOSTILE = {
    "derin": ("[" * 100_000 + "]" * 100_000, "FORMKIT_MAX_JSON_DEPTH"),
    "buyuk-sayi": ('{"ad": ' + "9" * 5000 + "}", "FORMKIT_MAX_NUMBER_DIGITS"),
}


def run(*args: str) -> Result:
    return CliRunner().invoke(cli.cli, list(args))


def _commands(path: Path, tmp_path: Path) -> list[list[str]]:
    template = str(asset("forms", "nes-basvuru-formu.pdf"))
    return [
        ["validate", str(path)],
        ["batch", str(path), "-o", str(tmp_path / "cikti"), "--jobs", "1"],
        ["packet", "--input", str(path), "-o", str(tmp_path / "paket")],
        ["fill", template, "--data", str(path), "-o", str(tmp_path / "dolu.pdf")],
    ]


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_json_is_one_clear_line_in_every_command(tmp_path: Path, case: str) -> None:
    text, variable = HOSTILE[case]
    path = tmp_path / f"{case}.json"
    path.write_text(text, encoding="utf-8")
    for args in _commands(path, tmp_path):
        result = run(*args)
        lines = [line for line in result.stderr.splitlines() if line.startswith("hata:")]
        assert result.exit_code == 2, (args[0], result.output)
        assert len(lines) == 1 and variable in lines[0] and path.name in lines[0], (args[0], lines)
        assert "beklenmeyen" not in result.output and "Traceback" not in result.output


def test_packet_problems_name_the_options_the_user_typed(tmp_path: Path) -> None:
    result = run("packet", "--ad", "Ali", "--soyad", "Veli", "--tc", "12345678901", "--e-posta", "x y@z",
                 "-o", str(tmp_path))  # fmt: skip
    lines = [line for line in result.stderr.splitlines() if line.startswith("hata:")]
    assert result.exit_code == 2
    assert "hata: --tc: geçerli bir T.C. kimlik numarası değil (kontrol haneleri tutmuyor)" in lines
    assert "hata: --e-posta: boşluk içeremez" in lines
    assert "hata: --dogum-tarihi: boş olamaz" in lines  # a missing one: the option that would give it
    assert not [
        line for line in lines if "tc_kimlik_no" in line or "e_posta" in line or "komut satırı" in line
    ]


def test_packet_input_file_problems_keep_the_file_and_options_their_name(
    data_dir: Path, tmp_path: Path
) -> None:
    result = run("packet", "--input", str(data_dir / "tek_kisi.json"), "--tc", "1234", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if line.startswith("hata:")] == [
        "hata: --tc: 11 haneli olmalı (4 hane var)"
    ]


def test_validate_reads_a_renamed_workbook_and_says_so(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from tests.batchdata import HEADERS, applicant_row

    book = Workbook()
    book.active.append(HEADERS)
    book.active.append(applicant_row(0))
    book.save(tmp_path / "liste.csv")  # "Farklı Kaydet" with a typed name: an .xlsx called .csv
    result = run("validate", str(tmp_path / "liste.csv"))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "liste.csv: 1 satır, hepsi geçerli"
    assert (
        "uyarı: liste.csv: uzantısı .csv ama içeriği Excel çalışma kitabı (.xlsx); içeriğine göre okundu"
        in (result.stderr)
    )


def test_packet_input_file_problems_use_the_files_own_keys(tmp_path: Path) -> None:
    import json

    from tests.batchdata import HEADERS, applicant_row

    record = dict(zip(HEADERS, applicant_row(0), strict=True))
    record["T.C. KİMLİK NO"] = "12345678901"
    path = tmp_path / "kisi.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    result = run("packet", "--input", str(path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if line.startswith("hata:")] == [
        "hata: kisi.json, satır 2, T.C. KİMLİK NO: geçerli bir T.C. kimlik numarası değil "
        "(kontrol haneleri tutmuyor)"
    ]
