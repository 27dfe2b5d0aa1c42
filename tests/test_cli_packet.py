"""`formkit packet` on the command line: from JSON, from options, bad data, the official form."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from cli import cli

OPTIONS = [
    "--ad", "Ayşe", "--soyad", "Yılmaz", "--tc", "10000000146", "--dogum-tarihi", "01.02.1980",
    "--dogum-yeri", "Mersin", "--e-posta", "ayse@example.org", "--cep-telefonu", "0532 412 33 10",
    "--kurum", "Mezitli 3 No'lu ASM", "--unvan", "Aile Hekimi", "--adres", "Bir Mah. İki Sok. No: 3",
    "--il", "Mersin", "--ilce", "Mezitli", "--posta-kodu", "33200", "--track", "Aile Hekimi",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_REF_KEY", "test-key")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764115200")


def test_help() -> None:
    result = CliRunner().invoke(cli, ["packet", "--help"])
    assert result.exit_code == 0
    for option in ("--input", "--tc", "--track", "--form", "--editable", "--profile", "-o"):
        assert option in result.output


def test_from_json(data_dir: Path, tmp_path: Path) -> None:
    args = ["packet", "--input", str(data_dir / "tek_kisi.json"), "-o", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip().splitlines()[-1])
    assert path.parent == tmp_path and path.name.endswith("-GUNES-Cagla.pdf")
    assert "77459762568" not in path.name
    reader = PdfReader(path)
    assert len(reader.pages) == 3  # bireysel: cover, data sheet, checklist
    assert "Çağla GÜNEŞ" in reader.pages[0].extract_text()


def test_from_options(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["packet", *OPTIONS, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip().splitlines()[-1])
    reader = PdfReader(path)
    assert len(reader.pages) == 4  # aile-hekimi: with the payment page
    assert "AYŞE-YILMAZ-10000000146" in reader.pages[3].extract_text()


def test_options_override_the_file(data_dir: Path, tmp_path: Path) -> None:
    args = ["packet", "--input", str(data_dir / "tek_kisi.json"), "--track", "kurum", "-o", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Kurum Yetkilisine" in PdfReader(result.stdout.strip()).pages[0].extract_text()


def test_invalid_data_lists_every_problem_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["packet", "--ad", "", "--soyad", "Yılmaz", "--tc", "10000000147", "--track", "yok"]
    args += ["-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    for option in ("--ad", "--tc", "--track", "--e-posta", "--adres"):  # the option typed, not the field
        assert f"hata: {option}:" in result.stderr, option
    assert "10000000147" not in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_official_form(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.drawString(72, 700, "PORTAL FORM")
    canvas.showPage()
    canvas.save()
    official = tmp_path / "resmi.pdf"
    official.write_bytes(buffer.getvalue())
    result = CliRunner().invoke(cli, ["packet", *OPTIONS, "--form", str(official), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    pages = PdfReader(result.stdout.strip()).pages
    assert len(pages) == 5
    assert "PORTAL FORM" in pages[1].extract_text() and "NÜSHA 1/2" in pages[1].extract_text()
    assert "PORTAL FORM" in pages[2].extract_text() and "NÜSHA 2/2" in pages[2].extract_text()


def test_official_form_that_is_not_a_pdf(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_text("hello")
    result = CliRunner().invoke(cli, ["packet", *OPTIONS, "--form", str(bad), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"{bad}: PDF dosyası değil" in result.stderr
    assert not (tmp_path / "o").exists()


def test_editable_is_refused_with_what_to_do_instead(tmp_path: Path) -> None:
    out = tmp_path / "o"
    result = CliRunner().invoke(cli, ["packet", *OPTIONS, "--editable", "-o", str(out)])
    assert result.exit_code == 2
    assert "--editable artık yok" in result.stderr and "Kamu SM sisteminin çıktısı" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_form_and_editable_do_not_mix(tmp_path: Path) -> None:
    official = tmp_path / "resmi.pdf"
    official.write_bytes(b"%PDF-1.4")
    args = ["packet", *OPTIONS, "--form", str(official), "--editable", "-o", str(tmp_path / "o")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "--form ile --editable" in result.stderr
