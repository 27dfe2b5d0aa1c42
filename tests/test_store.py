"""The SQLite store of web submissions: write side, read back as canonical rows, bad files."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from formkit.batch.manifest import read_manifest
from formkit.errors import InputError
from formkit.input.sources import open_table
from formkit.input.store import STORE_FIELDS, STORE_FILENAME, Store, is_store_file, iter_records, read_store
from formkit.input.validate import validate_all
from tests.webutil import ROOT

ROW = {
    "ad": "Ğülşen", "soyad": "İnce", "tc_kimlik_no": "24427250916", "dogum_tarihi": "01.02.1990",
    "dogum_yeri": "Iğdır", "e_posta": "gulsen@example.org", "cep_telefonu": "05324123310",
    "kurum": "Tarsus Devlet Hastanesi", "unvan": "Hemşire", "adres": "Şehitlik Mah. 5. Sok. No: 1",
    "il": "Mersin", "ilce": "Tarsus", "posta_kodu": "33400", "basvuru_turu": "bireysel",
    "baska_marka_cihaz": "",
}  # fmt: skip


def test_save_and_read_back_in_order_with_spreadsheet_row_numbers(tmp_path: Path) -> None:
    store = Store(tmp_path / "yeni" / "klasor")
    store.save(ROW)
    store.save({**ROW, "tc_kimlik_no": "71117800296", "ad": "Çağrı"})
    store.save({**ROW, "il": "Adana"})  # same T.C.: replaces the first row, keeps its place
    assert store.count() == 2
    records = list(iter_records(store.path))
    assert [n for n, _ in records] == [2, 3]
    assert records[0][1] == {**ROW, "il": "Adana"}
    assert records[1][1]["ad"] == "Çağrı"
    assert tuple(records[0][1]) == STORE_FIELDS
    assert store.path.name == STORE_FILENAME and store.path.stat().st_mode & 0o077 == 0


def test_store_survives_reopening(tmp_path: Path) -> None:
    Store(tmp_path).save(ROW)
    again = Store(tmp_path)
    assert again.count() == 1


def test_reading_is_read_only(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save(ROW)
    before = store.path.read_bytes()
    list(iter_records(store.path))
    assert store.path.read_bytes() == before


def test_bad_files_are_one_line_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="bulunamadı"):
        list(iter_records(tmp_path / "yok.sqlite"))
    other = tmp_path / "baska.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE kisiler (ad TEXT)")
    with pytest.raises(InputError, match="başvuru deposu değil"):
        list(iter_records(other))
    junk = tmp_path / "bozuk.db"
    junk.write_bytes(b"bu bir veritabani degil" * 100)
    with pytest.raises(InputError, match=r"bozuk\.db"):
        list(iter_records(junk))


def test_store_suffixes() -> None:
    assert is_store_file(Path("a/basvurular.sqlite")) and is_store_file(Path("x.DB"))
    assert not is_store_file(Path("x.csv")) and not is_store_file(Path("x.xlsx"))


def test_open_table_reads_the_store_like_a_csv(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save(ROW)
    store.save({**ROW, "tc_kimlik_no": "71117800296", "ad": "Çağrı", "basvuru_turu": "kurum"})
    copy = tmp_path / "kopya.db"
    copy.write_bytes(store.path.read_bytes())
    for path in (store.path, copy):
        table = open_table(path)
        assert table.kind == "sqlite" and table.warnings == ()
        rows = list(table.rows())
        assert [(r.source, r.row) for r in rows] == [(path.name, 2), (path.name, 3)]
        assert rows[0].values == ROW
        results = validate_all(rows)
        assert all(not isinstance(result, list) for _, result in results), results
        assert [result.ad for _, result in results] == ["Ğülşen", "Çağrı"]  # type: ignore[union-attr]
        assert list(read_store(path)) == rows


def test_store_without_records_is_an_input_error(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with pytest.raises(InputError, match="hiç kayıt yok"):
        open_table(store.path)


def test_formkit_validate_accepts_the_store(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.save(ROW)
    store.save({**ROW, "tc_kimlik_no": "71117800296", "e_posta": "bozuk"})  # kept by hand: not from the web
    result = CliRunner().invoke(cli, ["validate", str(store.path)])
    assert result.exit_code == 1, result.output
    assert "basvurular.sqlite, satır 3, e_posta" in result.output
    assert "24427250916" not in result.output


def test_formkit_batch_makes_every_stored_packet(tmp_path: Path) -> None:
    store = Store(tmp_path / "depo")
    store.save(ROW)
    store.save({**ROW, "tc_kimlik_no": "71117800296", "ad": "Çağrı", "basvuru_turu": "kurum"})
    out = tmp_path / "cikti"
    result = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "batch", str(store.path), "-o", str(out), "--jobs", "1"],
        capture_output=True, text=True, encoding="utf-8", timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = read_manifest(out).rows
    assert [(r.row, r.status, r.name) for r in rows] == [(2, "ok", "Ğülşen İnce"), (3, "ok", "Çağrı İnce")]
    assert all((out / r.pdf).is_file() for r in rows)
