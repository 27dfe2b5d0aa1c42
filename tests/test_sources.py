"""formkit.input.sources: real exports (cp1254 `;`, BOM, UTF-16, XLSX, JSON) and every kind of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from formkit.errors import InputError
from formkit.input import sheets
from formkit.input.sources import ALIASES, FIELDS, REQUIRED_FIELDS, canonical_field, open_table

HEADER = (
    "ADI;SOYADI;T.C. KİMLİK NO;DOĞUM TARİHİ;DOĞUM YERİ;E-POSTA;GSM;KURUM;UNVAN;ADRES;İL;İLÇE;POSTA KODU;"
    "BAŞVURU TÜRÜ"
)
ROW = (
    "Şükrü;Öztürk;41283794566;03.09.1969;Tarsus;s@example.com;0505 123 45 67;Hastane;Doktor;Adres 1;"
    "Mersin;Tarsus;33400;Doktor"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_cp1254_semicolon_crlf_as_turkish_excel_writes_it(data_dir: Path) -> None:
    raw_bytes = (data_dir / "personel_cp1254.csv").read_bytes()
    assert b"\r\n" in raw_bytes and "İ".encode("cp1254") in raw_bytes  # really cp1254 with CRLF
    table = open_table(data_dir / "personel_cp1254.csv")
    assert (table.kind, table.encoding, table.delimiter) == ("csv", "cp1254", ";")
    assert table.fields["tc_kimlik_no"] == "T.C. KİMLİK NO" and table.fields["cep_telefonu"] == "GSM"
    assert table.warnings == ("personel_cp1254.csv: 'SİCİL NO' sütunu tanınmadı, yok sayıldı",)
    rows = list(table.rows())
    assert [r.row for r in rows] == [2, 3, 4, 7, 8]  # a blank row (6) still counts, as in a spreadsheet
    first = rows[0].values
    assert (first["ad"], first["soyad"], first["il"], first["ilce"]) == (
        "İlknur",
        "Iğdır",
        "Mersin",
        "Yenişehir",
    )
    assert first["dogum_tarihi"] == "12.04.1978" and first["basvuru_turu"] == "Aile Hekimi"
    assert rows[1].values["adres"] == "Çiftlikköy Mah.; 34. Cad. No: 8/2"  # quoted delimiter survives
    assert "SİCİL NO" not in first and all(r.source == "personel_cp1254.csv" for r in rows)
    assert list(table.rows()) == rows  # rows() can be read again


def test_utf8_bom_comma(data_dir: Path) -> None:
    table = open_table(data_dir / "personel_bom.csv")
    assert (table.encoding, table.delimiter) == ("utf-8-sig", ",")
    assert table.headers[0] == "Adı"  # the BOM is not part of the first header
    rows = list(table.rows())
    assert [r.row for r in rows] == [2, 3, 4, 5]
    assert rows[0].values["ad"] == "Ümit" and rows[0].values["dogum_tarihi"] == "1988-07-22"
    assert rows[0].values["baska_marka_cihaz"] == "evet" and rows[1].values["baska_marka_cihaz"] == "hayır"


def test_excel_unicode_text_is_utf16_with_tabs(data_dir: Path) -> None:
    table = open_table(data_dir / "personel_utf16.txt")
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert [r.values["ad"] for r in table.rows()] == ["Zeynep", "İbrahim Halil"]


def test_xlsx_number_and_date_cells_are_text_without_loss(data_dir: Path) -> None:
    table = open_table(data_dir / "personel.xlsx")
    assert table.kind == "xlsx" and table.warnings == ()
    rows = list(table.rows())
    assert [r.row for r in rows] == [2, 3, 5, 6]  # row 4 is blank in the sheet
    first = rows[0].values
    assert (
        len(first["tc_kimlik_no"]) == 11 and first["tc_kimlik_no"].isdigit()
    )  # a number cell, 0.00E+00 format
    assert first["dogum_tarihi"] == "12.04.1978"  # a date cell
    assert first["cep_telefonu"] == "5324123310" and first["posta_kodu"] == "33110"
    assert first["ilce"] == "Yenişehir" and first["baska_marka_cihaz"] == "hayır"
    assert rows[1].values["dogum_tarihi"] == "03.09.1969" and rows[1].values["baska_marka_cihaz"] == "evet"


def test_xlsx_id_cell_value_is_exact(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(";"))
    sheet.append(["Ali", "Veli", 25881399814, datetime(1978, 4, 12), "Mersin", "a@example.com", 5324123310.0,
                  "K", "U", "A", "Mersin", "Mezitli", 33200, "Kurum"])  # fmt: skip
    sheet["C2"].number_format = "0.00E+00"
    book.save(tmp_path / "t.xlsx")
    (row,) = open_table(tmp_path / "t.xlsx").rows()
    assert row.values["tc_kimlik_no"] == "25881399814"
    assert row.values["cep_telefonu"] == "5324123310"  # a float cell still has no ".0"
    assert row.values["dogum_tarihi"] == "12.04.1978"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (25881399814, "25881399814"),
        (25881399814.0, "25881399814"),
        (0.5, "0.5"),
        (Decimal("33100"), "33100"),
        (datetime(1978, 4, 12), "12.04.1978"),
        (datetime(1978, 4, 12, 9, 30), "12.04.1978 09:30"),
        (date(2000, 1, 2), "02.01.2000"),
        (time(9, 5), "09:05"),
        (True, "evet"),
        (None, ""),
        ("Iğdır", "Iğdır"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert sheets.cell_text(value) == text


def test_json_list_and_single_object(data_dir: Path) -> None:
    table = open_table(data_dir / "personel.json")
    assert table.kind == "json" and table.warnings == ()
    rows = list(table.rows())
    assert [r.row for r in rows] == [2, 3]
    assert (
        rows[0].values["tc_kimlik_no"].isdigit() and len(rows[0].values["tc_kimlik_no"]) == 11
    )  # was a number
    assert rows[1].values["cep_telefonu"] == "+90 (505) 123-4567"  # given as "GSM"
    (single,) = open_table(data_dir / "tek_kisi.json").rows()
    assert single.values["ad"] == "Çağla" and single.row == 2


def test_encoding_override(data_dir: Path, tmp_path: Path) -> None:
    path = data_dir / "personel_cp1254.csv"
    assert open_table(path, encoding="cp1254").encoding == "cp1254"
    assert next(open_table(path, encoding="windows-1254").rows()).values["soyad"] == "Iğdır"
    with pytest.raises(InputError, match=r"utf-8 kodlamasıyla okunamadı \(bayt \d+\)"):
        open_table(path, encoding="utf-8")
    with pytest.raises(InputError, match="bilinmeyen karakter kodlaması: klingon"):
        open_table(path, encoding="klingon")


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("ADI", "ad"), ("Adı", "ad"), ("adı", "ad"), ("SOYADI", "soyad"), ("Soyadı", "soyad"),
        ("T.C. KİMLİK NO", "tc_kimlik_no"), ("TC Kimlik No", "tc_kimlik_no"), ("TCKN", "tc_kimlik_no"),
        ("t.c. kimlik no", "tc_kimlik_no"), ("DOĞUM TARİHİ", "dogum_tarihi"), ("Doğum Yeri", "dogum_yeri"),
        ("E-posta", "e_posta"), ("E-POSTA", "e_posta"), ("GSM", "cep_telefonu"),
        ("Cep Telefonu", "cep_telefonu"),
        ("KURUM ADI", "kurum"), ("ÜNVANI", "unvan"), ("Unvan", "unvan"), ("ADRES", "adres"), ("İL", "il"),
        ("il", "il"), ("İLÇE", "ilce"), ("Posta Kodu", "posta_kodu"), ("Başvuru Türü", "basvuru_turu"),
        ("BAŞVURU TÜRÜ", "basvuru_turu"), ("Birim", "birim"), ("Sertifika Süresi", "sertifika_suresi"),
        ("Kart Okuyucu Tipi", "kart_okuyucu"), ("Başka Marka Cihaz", "baska_marka_cihaz"),
        (" tc_kimlik_no ", "tc_kimlik_no"), ("Sicil No", None), ("", None),
    ],
)  # fmt: skip
def test_header_aliases(header: str, field: str | None) -> None:
    assert canonical_field(header) == field


def test_every_field_and_alias_maps_home() -> None:
    assert set(ALIASES) == set(FIELDS)
    for name, aliases in ALIASES.items():
        assert canonical_field(name) == name
        for alias in aliases:
            assert canonical_field(alias) == name, alias


def test_missing_required_column_names_it_and_lists_headers(data_dir: Path) -> None:
    with pytest.raises(InputError) as info:
        open_table(data_dir / "bad_missing_column.csv")
    (line,) = info.value.lines()
    assert "zorunlu sütun eksik: tc_kimlik_no" in line and "'ADI'" in line and "'BAŞVURU TÜRÜ'" in line


def test_each_missing_required_column_is_reported(tmp_path: Path) -> None:
    for index, name in enumerate(REQUIRED_FIELDS):
        cells = HEADER.split(";")
        del cells[index]
        path = write(tmp_path / f"{name}.csv", ";".join(cells) + "\n" + ROW + "\n")
        with pytest.raises(InputError, match=f"zorunlu sütun eksik: {name} "):
            open_table(path)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad_binary.csv", "bir PNG resmi, başvuru listesi değil"),
        ("bad_empty.csv", "dosya boş"),
        ("bad_header_only.csv", "başlık satırı var ama hiç veri satırı yok"),
        ("bad_empty_sheet.xlsx", "dolu bir sayfa yok"),
        ("bad_scalar.json", "JSON bir nesne ya da nesne listesi olmalı"),
        ("bad_syntax.json", "geçerli JSON değil"),
        ("bad_mojibake.csv", "Türkçe harfler bozuk görünüyor"),
        ("yok.csv", "dosya bulunamadı"),
    ],
)
def test_bad_files_are_one_clear_line(data_dir: Path, name: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        open_table(data_dir / name)
    lines = info.value.lines()
    assert len(lines) == 1 and message in lines[0] and name in lines[0]
    assert info.value.exit_code == 2


def test_other_unusable_inputs(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="klasör"):
        open_table(tmp_path)
    with pytest.raises(InputError, match=r"\.xls uzantılı ama bir çalışma kitabı değil"):
        open_table(write(tmp_path / "a.xls", "x"))
    with pytest.raises(InputError, match="xlsx uzantılı ama bir çalışma kitabı değil"):
        open_table(write(tmp_path / "a.xlsx", "ad;soyad\n"))
    with pytest.raises(InputError, match="bozuk bir ZIP/Excel dosyası"):
        open_table(tmp_path.joinpath("b.xlsx").write_bytes(b"PK\x03\x04broken") and tmp_path / "b.xlsx")
    with pytest.raises(InputError, match="JSON listesi boş"):
        open_table(write(tmp_path / "a.json", "[]"))
    with pytest.raises(InputError, match=r"2\. öğesi bir nesne değil"):
        open_table(write(tmp_path / "b.json", '[{"ad": "x"}, 3]'))
    with pytest.raises(InputError, match="yalnızca boş satırlar"):
        open_table(write(tmp_path / "blank.csv", "\r\n  \r\n"))
    nested = '{"ad": ["x"], ' + ", ".join(f'"{n}": "1"' for n in REQUIRED_FIELDS if n != "ad") + "}"
    table = open_table(write(tmp_path / "nested.json", nested))
    with pytest.raises(InputError, match=r"satır 2, ad: iç içe değer olamaz"):
        list(table.rows())


def test_mixed_encodings_are_refused(tmp_path: Path) -> None:
    # UTF-8 rows with one cp1254 row pasted in: neither encoding reads it cleanly.
    text = (HEADER + "\n" + ROW + "\n").encode("utf-8") + ROW.replace("Öztürk", "Kılıç").encode("cp1254")
    (tmp_path / "mixed.csv").write_bytes(text)
    with pytest.raises(InputError, match=r"kodlaması tanınmadı|bozuk"):
        open_table(tmp_path / "mixed.csv")


def test_excel_sep_line_and_extra_cells(tmp_path: Path) -> None:
    path = write(
        tmp_path / "sep.csv", "sep=;\r\n" + HEADER + "\r\n" + ROW + ";fazla\r\n" + ROW + "\r\n", "cp1254"
    )
    table = open_table(path)
    rows = list(table.rows())
    assert table.delimiter == ";" and [r.row for r in rows] == [2, 3]  # Excel hides the sep= line
    assert rows[0].extra == ("fazla",) and rows[1].extra == ()


def test_unknown_and_duplicate_columns_warn_once(tmp_path: Path) -> None:
    path = write(
        tmp_path / "d.csv", HEADER + ";Telefon;Notlar\n" + ROW + ";0324 111 22 33;x\n" + ROW + ";;\n"
    )
    table = open_table(path)
    assert len(table.warnings) == 2
    assert "'Telefon' sütunu da cep_telefonu alanına denk geliyor" in table.warnings[0]
    assert "'Notlar' sütunu tanınmadı" in table.warnings[1]
    assert [r.values["cep_telefonu"] for r in table.rows()] == ["0505 123 45 67"] * 2


def test_rows_stream_with_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="cp1254", newline="") as out:
        out.write(HEADER + "\r\n")
        long_row = ROW.replace("Adres 1", "Çok uzun bir adres satırı " * 12)
        for _ in range(10_000):
            out.write(long_row + "\r\n")
    size = path.stat().st_size
    assert size > 4_000_000
    tracemalloc.start()
    try:
        table = open_table(path)
        count = 0
        for raw in table.rows():
            count += 1
            assert raw.values["soyad"] == "Öztürk"
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 10_000
    assert peak < size / 8, f"peak {peak} bytes for a {size}-byte file"


def test_a_file_without_header_never_shows_a_full_tc(tmp_path: Path) -> None:
    path = write(tmp_path / "no_header.csv", ROW + "\n" + ROW + "\n")
    with pytest.raises(InputError) as info:
        open_table(path)
    (line,) = info.value.lines()
    assert "412******66" in line and "41283794566" not in line and "başlık satırı ekleyin" in line


def test_title_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    text = "PERSONEL E-İMZA LİSTESİ;;;\r\nMersin, Kasım 2026;;;\r\n\r\n" + HEADER + "\r\n" + ROW + "\r\n"
    table = open_table(write(tmp_path / "title.csv", text, "cp1254"))
    assert table.header_row == 4 and table.delimiter == ";"
    assert [r.row for r in table.rows()] == [5]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["B2"] = "PERSONEL E-İMZA LİSTESİ"
    sheet.append([])
    sheet.append(HEADER.split(";"))
    sheet.append(ROW.split(";"))
    book.save(tmp_path / "title.xlsx")
    table = open_table(tmp_path / "title.xlsx")
    (raw,) = table.rows()
    assert (table.header_row, raw.row, raw.values["soyad"]) == (4, 5, "Öztürk")


# --- JSON limits and the import graph ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[" * 100_000 + "]" * 100_000,
            r"JSON çok derin iç içe \(100000 düzey\); sınır 20 düzey.*FORMKIT_MAX_JSON_DEPTH",
        ),
        ('{"ad": ' + "9" * 5000 + "}", r"5000 haneli bir sayı var; sınır 50 hane.*FORMKIT_MAX_NUMBER_DIGITS"),
        ('{"ad": 1.5e999}', "çok büyük bir sayı"),
        ('{"ad": NaN}', "NaN JSON'da geçerli bir değer değil"),
    ],
)
def test_hostile_json_is_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "kisi.json", text)
    with pytest.raises(InputError, match=message) as info:
        open_table(path)
    assert len(info.value.lines()) == 1 and "kisi.json" in info.value.message


def test_json_size_and_value_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_MAX_JSON_MB", "1")
    with pytest.raises(InputError, match=r"JSON dosyası çok büyük.*FORMKIT_MAX_JSON_MB"):
        open_table(write(tmp_path / "buyuk.json", '[{"ad": "' + "a" * 1_100_000 + '"}]'))
    monkeypatch.delenv("FORMKIT_MAX_JSON_MB")
    monkeypatch.setenv("FORMKIT_MAX_CELL_CHARS", "10000")
    record = dict.fromkeys(REQUIRED_FIELDS, "x") | {"adres": "Ç" * 20_000}
    path = write(tmp_path / "uzun.json", json.dumps(record))
    with pytest.raises(
        InputError, match=r"satır 2, adres: değerde 20000 karakter var.*FORMKIT_MAX_CELL_CHARS"
    ):
        list(open_table(path).rows())


def test_store_does_not_import_the_file_readers() -> None:
    """sources → store → table: the store (used by the web app) no longer imports sources back."""
    code = "import sys, formkit.input.store; print('formkit.input.sources' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_json_with_too_many_values_is_refused_before_it_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORMKIT_MAX_JSON_ITEMS", "1000")
    path = write(tmp_path / "cok.json", "[" + ",".join(["{}"] * 2000) + "]")
    with pytest.raises(
        InputError, match=r"yaklaşık 4000 değer var; sınır 1000 değer.*FORMKIT_MAX_JSON_ITEMS"
    ):
        open_table(path)
    from formkit import jsonload

    monkeypatch.setenv("FORMKIT_MAX_JSON_ITEMS", "3")
    text = '{"ad": "a,b,c,[{,,,,", "soyad": "x"}'  # commas and brackets inside strings do not count
    assert jsonload.loads(text, label="tek.json") == {"ad": "a,b,c,[{,,,,", "soyad": "x"}
