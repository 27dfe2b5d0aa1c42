"""Every spreadsheet an office has (.xlsx, .xls, .ods), told by content, and the limits on what it may cost.

The .xls and .ods files are written here by xlwt and odfpy (dev dependencies), the zip bombs are generated
in the test: nothing large is committed.
"""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from formkit.errors import InputError
from formkit.input.sources import open_table
from formkit.input.validate import validate_all
from tests.batchdata import HEADERS, applicant_row

TC = 25881399814  # checksum-valid test number
HEADER = HEADERS  # ADI, SOYADI, T.C. KİMLİK NO, DOĞUM TARİHİ, ...


def _typed_row(index: int) -> list[object]:
    """A valid row with the T.C. number as a number and the birth date as a date, as Excel stores them."""
    row: list[object] = list(applicant_row(index))
    row[2] = int(str(row[2]))
    day, month, year = (int(part) for part in str(row[3]).split("."))
    row[3] = date(year, month, day)
    return row


def write_xls(path: Path, rows: list[list[object]], *, hidden_first: bool = False) -> Path:
    import xlwt  # type: ignore[import-untyped]

    book = xlwt.Workbook(encoding="utf-8")
    if hidden_first:
        hidden = book.add_sheet("Eski")
        hidden.write(0, 0, "eski veri")
        hidden.visibility = 1
    sheet = book.add_sheet("Personel")
    dates = xlwt.easyxf(num_format_str="DD.MM.YYYY")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(r, c, value, dates)
            else:
                sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_ods(path: Path, rows: list[list[object]]) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet  # type: ignore[import-untyped]
    from odf.table import Table, TableCell, TableRow  # type: ignore[import-untyped]
    from odf.text import P  # type: ignore[import-untyped]

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Personel")
    for row in rows:
        tr = TableRow()
        for value in row:
            if isinstance(value, date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
            elif isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=value)
            else:
                cell = TableCell(valuetype="string")
            cell.addElement(P(text=str(value)))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(path))
    return path


def _rows(count: int = 3) -> list[list[object]]:
    return [list(HEADER), *(_typed_row(i) for i in range(count))]


@pytest.mark.parametrize("writer", [write_xls, write_ods], ids=["xls-xlwt", "ods-odfpy"])
def test_xls_and_ods_written_by_a_library_are_read_like_xlsx(tmp_path: Path, writer: object) -> None:
    suffix = ".xls" if writer is write_xls else ".ods"
    path = writer(tmp_path / f"personel{suffix}", _rows())  # type: ignore[operator]
    table = open_table(path)
    assert table.kind == suffix[1:] and table.warnings == ()
    assert table.fields["tc_kimlik_no"] == "T.C. KİMLİK NO"
    rows = list(table.rows())
    expected = [applicant_row(i) for i in range(3)]
    assert [r.row for r in rows] == [2, 3, 4]
    assert [r.values["tc_kimlik_no"] for r in rows] == [e[2] for e in expected]  # a number cell, 11 digits
    assert [r.values["dogum_tarihi"] for r in rows] == [e[3] for e in expected]  # a date cell → gg.aa.yyyy
    assert rows[0].values["kurum"] == "Mersin Şehir Eğitim ve Araştırma Hastanesi"  # Turkish letters intact
    assert all(not isinstance(result, list) for _, result in validate_all(table.rows()))


def test_hidden_sheets_are_named_and_not_read(tmp_path: Path) -> None:
    table = open_table(write_xls(tmp_path / "gizli.xls", _rows(1), hidden_first=True))
    assert [r.row for r in table.rows()] == [2]
    assert table.warnings == ("gizli.xls: gizli 'Eski' sayfası okunmadı",)

    book = Workbook()
    book.active.title = "Boş"
    data = book.create_sheet("Veriler")
    for row in _rows(1):
        data.append(row)
    data.sheet_state = "hidden"
    book.save(tmp_path / "yalniz-gizli.xlsx")
    with pytest.raises(InputError, match=r"veriler gizli 'Veriler' sayfasında.*'Göster'"):
        open_table(tmp_path / "yalniz-gizli.xlsx")


def test_first_non_empty_sheet_is_read_and_others_are_named(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Kapak"  # left empty, as Excel's untouched first sheet
    for name in ("Personel", "Ek"):
        sheet = book.create_sheet(name)
        for row in _rows(2):
            sheet.append(row)
    book.save(tmp_path / "kitap.xlsx")
    table = open_table(tmp_path / "kitap.xlsx")
    assert len(list(table.rows())) == 2
    assert table.warnings == ("kitap.xlsx: yalnızca ilk dolu sayfa 'Personel' okundu; 'Ek' okunmadı",)


def test_title_row_and_merged_header_cells(tmp_path: Path) -> None:
    """A title merged across the sheet, a group title over three columns, names merged down two rows,
    and the address header merged over two columns whose values are joined."""
    book = Workbook()
    sheet = book.active
    width = len(HEADER) + 1  # the address takes two columns
    sheet.cell(1, 1, "MERSİN İL SAĞLIK MÜDÜRLÜĞÜ E-İMZA LİSTESİ 2026")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(3, 1, "KİMLİK BİLGİLERİ")
    sheet.merge_cells("A3:C3")
    address = HEADER.index("ADRES")
    names = [*HEADER[: address + 1], "", *HEADER[address + 1 :]]
    for col, name in enumerate(names, start=1):
        if col <= 3:
            sheet.cell(4, col, name)  # under the group title
        elif name:
            sheet.cell(3, col, name)
            sheet.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)  # merged down
    sheet.merge_cells(start_row=3, start_column=address + 1, end_row=4, end_column=address + 2)
    for i in range(2):
        row = _typed_row(i)
        street, _, number = str(row[address]).partition(" No: ")
        sheet.append([*row[:address], street, f"No: {number}", *row[address + 1 :]])
    book.save(tmp_path / "baslikli.xlsx")

    table = open_table(tmp_path / "baslikli.xlsx")
    assert table.header_row == 4 and table.fields["ad"] == "ADI" and table.fields["adres"] == "ADRES"
    rows = list(table.rows())
    assert [r.row for r in rows] == [5, 6]
    assert rows[0].values["adres"] == applicant_row(0)[address]  # both columns, joined with a space
    assert rows[0].values["tc_kimlik_no"] == applicant_row(0)[2]
    assert any("birleştirilmiş bir hücre (J-K sütunları)" in w for w in table.warnings)
    assert all(not isinstance(result, list) for _, result in validate_all(table.rows()))


def test_a_header_cell_merged_where_the_format_does_not_say_is_named(tmp_path: Path) -> None:
    """.ods does not tell calamine about merges: a column without a header is named, not dropped silently."""
    rows = _rows(1)
    rows[0] = [*rows[0], ""]
    rows[1] = [*rows[1], "Daire 3"]
    table = open_table(write_ods(tmp_path / "birlesik.ods", rows))
    assert table.warnings == (
        "birlesik.ods: O sütununun başlığı yok ama veri içeriyor; okunmadı (başlık hücresi birleştirilmiş "
        "olabilir: her sütuna kendi başlığını yazın)",
    )


def test_number_cells_serial_dates_and_booleans(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    row = _typed_row(0)
    row[3] = 28592  # 12.04.1978 as Excel stores it when the cell lost its date format
    row[12] = 33400  # postcode as a number
    sheet.append(row)
    book.save(tmp_path / "sayilar.xlsx")
    (raw,) = open_table(tmp_path / "sayilar.xlsx").rows()
    assert raw.values["dogum_tarihi"] == "12.04.1978"
    assert raw.values["tc_kimlik_no"] == applicant_row(0)[2] and raw.values["posta_kodu"] == "33400"


def _xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("real", "name", "kind_word"),
    [("xlsx", "liste.csv", "Excel çalışma kitabı (.xlsx)"), ("ods", "liste.xlsx", "LibreOffice")],
)
def test_format_is_decided_by_content_not_name(tmp_path: Path, real: str, name: str, kind_word: str) -> None:
    source = tmp_path / f"kaynak.{real}"
    if real == "xlsx":
        source.write_bytes(_xlsx_bytes(_rows(2)))
    else:
        write_ods(source, _rows(2))
    renamed = tmp_path / name
    source.rename(renamed)
    table = open_table(renamed)
    assert table.kind == real and len(list(table.rows())) == 2
    assert f"uzantısı {renamed.suffix} ama içeriği {kind_word}" in table.warnings[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\n1 0 obj", "bir PDF belgesi, başvuru listesi değil"),
        (
            b"<html><body><table><tr><td>ADI</td></tr></table>",
            r"HTML \(web\) sayfası, gerçek bir Excel dosyası değil",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "bir PNG resmi"),
    ],
)
def test_other_files_are_named_for_what_they_are(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "personel.xls"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        open_table(path)


def test_zip_that_is_no_spreadsheet_is_named(tmp_path: Path) -> None:
    docx = tmp_path / "liste.xlsx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(InputError, match=r"bir Word belgesi \(\.docx\)"):
        open_table(docx)
    plain = tmp_path / "liste.csv"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("personel.csv", "ADI;SOYADI\n")
    with pytest.raises(InputError, match=r"bir ZIP arşivi \(içinde: personel.csv\).*arşivi açıp"):
        open_table(plain)
    odt = tmp_path / "liste.ods"
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with pytest.raises(InputError, match=r"bir metin belgesi \(\.odt\)"):
        open_table(odt)


# --- limits ----------------------------------------------------------------------------------------


def _bomb(path: Path, megabytes: int) -> Path:
    """A small .xlsx whose sheet unpacks to `megabytes` MB of cells (written in pieces, never held whole)."""
    good = zipfile.ZipFile(io.BytesIO(_xlsx_bytes(_rows(1))))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in good.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, good.read(info.filename))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            row = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
            for _ in range(megabytes * 1000):
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    return path


def test_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = _bomb(tmp_path / "bomba.xlsx", 60)
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(InputError) as info:
        open_table(bomb)  # 60 MB at > 200:1
    assert "kat sıkıştırılmış" in info.value.message and "FORMKIT_MAX_ZIP_RATIO" in info.value.message
    monkeypatch.setenv("FORMKIT_MAX_ZIP_RATIO", "100000")
    monkeypatch.setenv("FORMKIT_MAX_UNPACKED_MB", "20")
    with pytest.raises(InputError, match=r"açılınca 6\d MB tutuyor; sınır 20 MB.*FORMKIT_MAX_UNPACKED_MB"):
        open_table(bomb)


def test_a_zip_directory_that_understates_a_size_is_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sizes in the directory are the attacker's to write: what really unpacks is counted."""
    bomb = _bomb(tmp_path / "yalanci.xlsx", 5)
    data = bytearray(bomb.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (46 if signature == b"PK\x01\x02" else 30)
            ours = data[name_at : name_at + len(name)] == name
            if ours and struct.unpack_from("<L", data, start + size_at)[0] != 0xFFFFFFFF:
                struct.pack_into("<L", data, start + size_at, 1000)
            start += 4
    bomb.write_bytes(bytes(data))
    with pytest.raises(InputError, match="ZIP dizininde yazandan büyük açılıyor"):
        open_table(bomb)


def test_rows_columns_and_cell_limits_name_their_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = [applicant_row(i) for i in range(6)]
    path = tmp_path / "uzun.csv"
    path.write_text("\n".join(";".join(r) for r in [HEADER, *body]) + "\n", encoding="utf-8")
    monkeypatch.setenv("FORMKIT_MAX_ROWS", "5")
    table = open_table(path)
    with pytest.raises(
        InputError, match=r"5 satırdan fazla veri satırı var; sınır 5 satır.*FORMKIT_MAX_ROWS"
    ):
        list(table.rows())
    xlsx = tmp_path / "uzun.xlsx"
    xlsx.write_bytes(_xlsx_bytes([list(HEADER), *body]))
    with pytest.raises(InputError, match="fazla veri satırı var; sınır 5 satır"):
        list(open_table(xlsx).rows())
    xlsx.write_bytes(_xlsx_bytes([list(HEADER), *(body * 4)]))  # 25 rows: past the limit and the header room
    with pytest.raises(InputError, match="son dolu satır 25; sınır 5 satır"):
        open_table(xlsx)
    xlsx.write_bytes(_xlsx_bytes([list(HEADER), *body]))
    monkeypatch.delenv("FORMKIT_MAX_ROWS")

    monkeypatch.setenv("FORMKIT_MAX_COLUMNS", "10")
    with pytest.raises(InputError, match=r"son dolu sütun N; sınır 10 sütun.*FORMKIT_MAX_COLUMNS"):
        open_table(xlsx)
    with pytest.raises(InputError, match=r"14 sütun.*FORMKIT_MAX_COLUMNS"):
        open_table(path)
    monkeypatch.delenv("FORMKIT_MAX_COLUMNS")

    monkeypatch.setenv("FORMKIT_MAX_CELL_CHARS", "10000")
    huge = [list(HEADER), applicant_row(0)]
    huge[1][9] = "Ç" * 20_000
    xlsx.write_bytes(_xlsx_bytes(huge))  # type: ignore[arg-type]
    with pytest.raises(
        InputError, match=r"satır 2, sütun J: hücrede 20000 karakter var.*FORMKIT_MAX_CELL_CHARS"
    ):
        list(open_table(xlsx).rows())
    path.write_text("\n".join(";".join(r) for r in huge) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="FORMKIT_MAX_CELL_CHARS"):
        list(open_table(path).rows())
    path.write_text(";".join(HEADER) + "\n" + "x" * 2_000_000, encoding="utf-8")  # one line, no newline
    with pytest.raises(InputError, match=r"satır çok uzun.*FORMKIT_MAX_CELL_CHARS"):
        list(open_table(path).rows())


def test_a_bad_limit_setting_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_MAX_ROWS", "çok")
    path = tmp_path / "a.csv"
    path.write_text(";".join(HEADER) + "\n" + ";".join(applicant_row(0)) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="FORMKIT_MAX_ROWS='çok': pozitif bir tam sayı olmalı"):
        list(open_table(path).rows())


def test_a_truncated_xls_is_one_clear_line(tmp_path: Path) -> None:
    """Found by fuzzing: calamine panics (a BaseException from Rust) on an .xls cut short."""
    data = write_xls(tmp_path / "tam.xls", _rows(3)).read_bytes()
    cut = tmp_path / "yarim.xls"
    cut.write_bytes(data[:4096])
    with pytest.raises(
        InputError, match=r"eski Excel çalışma kitabı \(\.xls\) okunamadı; dosya bozuk olabilir"
    ):
        open_table(cut)


def test_a_zip_with_a_huge_directory_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    many = tmp_path / "cok-parcali.xlsx"
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for index in range(10_001):
            archive.writestr(f"x/{index}", b"")
    with pytest.raises(InputError, match=r"ZIP dizini çok büyük \(10002 parça\); en çok 10000"):
        open_table(many)


def _sparse_xlsx(path: Path, far: str) -> Path:
    book = Workbook()
    book.active.append(list(HEADER))
    book.active.append(applicant_row(0))
    book.active[far] = "x"
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("far", "message"),
    [
        ("XFD1048576", "son dolu satır 1048576; sınır 100000 satır"),
        ("A1048576", "son dolu satır 1048576"),
        ("XFD1", "son dolu sütun XFD; sınır 200 sütun"),
        ("GR90000", r"sayfa 90000 satır × 200 sütunluk bir alana yayılıyor; sınır 5000000 hücre"),
    ],
)
def test_a_sheet_that_reaches_far_is_refused_before_it_is_laid_out(
    tmp_path: Path, far: str, message: str
) -> None:
    """A 5 KB .xlsx with A1 and XFD1048576 made calamine ask for 17 billion cells (the process aborted)."""
    path = _sparse_xlsx(tmp_path / "uzak.xlsx", far)
    assert path.stat().st_size < 10_000
    with pytest.raises(InputError, match=message):
        open_table(path)


def test_an_ods_with_repeated_cells_is_refused_before_it_is_laid_out(tmp_path: Path) -> None:
    """One cell with a value, repeated 16,000 columns × 1,000,000 rows, in a 1 KB file."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="S"><table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell table:number-columns-repeated="16000" office:value-type="string">'
        "<text:p>x</text:p>"
        "</table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'  # an empty tail, as LibreOffice writes
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "tekrar.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    with pytest.raises(InputError, match="son dolu satır 1000000; sınır 100000 satır"):
        open_table(path)


def test_a_sheet_stored_at_an_unusual_path_is_scanned_too(tmp_path: Path) -> None:
    """The workbook's rels may name any part as a sheet: every XML part under xl/ is scanned."""
    source = zipfile.ZipFile(_sparse_xlsx(tmp_path / "uzak.xlsx", "XFD1048576"))
    moved = tmp_path / "tasinmis.xlsx"
    with zipfile.ZipFile(moved, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            name = info.filename.replace("worksheets/sheet1.xml", "veri/tablo.xml")
            archive.writestr(name, data.replace(b"worksheets/sheet1.xml", b"veri/tablo.xml"))
    with pytest.raises(InputError, match="son dolu satır 1048576"):
        open_table(moved)


def test_xlsb_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "liste.xlsb"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x00")
    with pytest.raises(InputError, match=r"\.xlsb\) okunmuyor; Excel'de açıp 'Farklı Kaydet'"):
        open_table(path)


def test_an_xls_that_reaches_far_is_refused_before_it_is_laid_out(tmp_path: Path) -> None:
    """A 5.6 KB .xls with a value at IV65536 made calamine lay out 16.7 million cells (1 GB, measured)."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("S")
    for col, name in enumerate(HEADER):
        sheet.write(0, col, name)
    sheet.write(65535, 255, "x")
    book.save(str(tmp_path / "uzak.xls"))
    with pytest.raises(InputError, match=r"sayfa 65536 satır × 256 sütun|son dolu sütun IV; sınır 200 sütun"):
        open_table(tmp_path / "uzak.xls")


def test_an_old_office_file_that_is_no_workbook_is_named(tmp_path: Path) -> None:
    import olefile

    data = write_xls(tmp_path / "gercek.xls", _rows(1)).read_bytes()
    doc = tmp_path / "mektup.xls"
    doc.write_bytes(data.replace("Workbook".encode("utf-16-le"), "WordDocu".encode("utf-16-le")))
    assert olefile.isOleFile(str(doc))
    with pytest.raises(InputError, match=r"eski bir Office dosyası ama Excel çalışma kitabı değil"):
        open_table(doc)


def test_an_ods_whose_xml_names_an_unknown_encoding_is_one_clear_line(tmp_path: Path) -> None:
    """Found by fuzzing: expat raised LookupError for encoding="UT-aa"."""
    path = tmp_path / "kodlama.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", '<?xml version="1.0" encoding="UT-aa"?><a/>')
    with pytest.raises(InputError, match="bozuk bir ZIP/Excel dosyası"):
        open_table(path)
