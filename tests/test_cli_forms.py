"""`formkit fields` and `formkit fill` through the command line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import DATA, ROOT
from pypdf import PdfReader

from cli import cli

FORM = str(ROOT / "assets" / "forms" / "nes-basvuru-formu.pdf")


def test_help_is_there() -> None:
    runner = CliRunner()
    for command in ("fields", "fill"):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "Kullanım:" in result.output


def test_fields_json_lists_name_type_page() -> None:
    result = CliRunner().invoke(cli, ["fields", str(DATA / "foreign-form.pdf"), "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    by_name = {f["name"]: f for f in listed}
    assert by_name["kisi.ad"]["type"] == "text" and by_name["kisi.ad"]["page"] == 1
    assert by_name["cinsiyet"]["type"] == "radio" and by_name["cinsiyet"]["on_states"] == ["K", "E"]
    assert by_name["adres"]["multiline"] is True
    plain = CliRunner().invoke(cli, ["fields", FORM])
    assert "tc_kimlik_no\ttext\tsayfa 1" in plain.output


def test_fill_flat_and_editable(tmp_path: Path) -> None:
    data = tmp_path / "values.json"
    values = {"ad": "İLKNUR", "soyad": "IĞDIR", "basvuru_nedeni_ilk": "Evet"}
    data.write_text(json.dumps(values), encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(cli, ["fill", FORM, "--data", str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "İLKNUR" in PdfReader(out).pages[0].extract_text()
    editable = tmp_path / "editable.pdf"
    result = CliRunner().invoke(cli, ["fill", FORM, "--data", str(data), "-o", str(editable), "--editable"])
    assert result.exit_code == 0, result.output
    fields = PdfReader(editable).get_fields()
    assert fields is not None and fields["soyad"]["/V"] == "IĞDIR"


def test_fill_with_map(tmp_path: Path) -> None:
    data = tmp_path / "values.json"
    values = {"ad": "Ayşe", "soyad": "Öztürk", "onay": True, "cinsiyet": "E"}
    data.write_text(json.dumps(values), encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text('[fields]\nad = "kisi.ad"\nsoyad = "kisi.soyad"\n', encoding="utf-8")
    out = tmp_path / "out.pdf"
    template = str(DATA / "foreign-form.pdf")
    args = ["fill", template, "--data", str(data), "--map", str(mapping), "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    text = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "Ayşe" in text and "Öztürk" in text


def test_bad_inputs_exit_2_with_one_line_and_no_file(tmp_path: Path) -> None:
    data = tmp_path / "values.json"
    data.write_text('{"ad": "x"}', encoding="utf-8")
    out = tmp_path / "out.pdf"
    cases = [
        [str(DATA / "truncated.pdf"), "--data", str(data)],
        [str(DATA / "encrypted-password.pdf"), "--data", str(data)],
        [str(DATA / "not-a-pdf.pdf"), "--data", str(data)],
        [str(DATA / "no-fields.pdf"), "--data", str(data)],
        [FORM, "--data", str(DATA / "not-a-pdf.pdf")],
    ]
    for args in cases:
        proc = subprocess.run(
            [sys.executable, str(ROOT / "cli.py"), "fill", *args, "-o", str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 2, (args, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("hata: "), proc.stderr
        assert "Traceback" not in proc.stderr
        assert not out.exists()
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"adi": "x"}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["fill", FORM, "--data", str(unknown), "-o", str(out), "--strict"])
    assert result.exit_code == 2
    assert "unknown.json, adi: şablonda böyle bir alan yok" in result.output
    assert not out.exists()


def test_fill_writes_what_fits_and_reports_the_rest_with_exit_1(tmp_path: Path) -> None:
    data = tmp_path / "values.json"
    data.write_text(json.dumps({"ad": "Ayşe", "adi": "x", "basvuru_nedeni_ilk": "belki"}), encoding="utf-8")
    out = tmp_path / "out.pdf"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "fill", FORM, "--data", str(data), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        f"hata: {data}, adi: şablonda böyle bir alan yok",
        f"hata: {data}, basvuru_nedeni_ilk: onay kutusu için evet/hayır bekleniyor, 'belki' verildi",
    ]
    assert "Ayşe" in PdfReader(out).pages[0].extract_text()
    assert "2 değer kullanılamadı" in proc.stdout
    strict = tmp_path / "strict.pdf"
    result = CliRunner().invoke(cli, ["fill", FORM, "--data", str(data), "-o", str(strict), "--strict"])
    assert result.exit_code == 2 and not strict.exists()


def test_a_fill_that_changes_nothing_warns_and_exits_1(tmp_path: Path) -> None:
    data = tmp_path / "values.json"
    data.write_text('{"adi": "x", "soyadi": "y"}', encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = CliRunner().invoke(cli, ["fill", FORM, "--data", str(data), "-o", str(out)])
    assert result.exit_code == 1
    assert "hiçbir alan doldurulmadı" in result.output
    assert result.output.count("şablonda böyle bir alan yok") == 2


def test_javascript_template_warns(tmp_path: Path) -> None:
    data = tmp_path / "values.json"
    data.write_text('{"ad": "Ayşe"}', encoding="utf-8")
    out = tmp_path / "out.pdf"
    template = str(DATA / "javascript-perms.pdf")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "fill", template, "--data", str(data), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "uyarı:" in proc.stderr and "JavaScript" in proc.stderr
    assert b"/JavaScript" not in out.read_bytes()
