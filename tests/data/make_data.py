"""Write the test inputs in tests/data/ and the demo data in examples/ (run: python tests/data/make_data.py).

Every T.C. number here is fake but valid: nine arbitrary digits plus the two check digits computed by
python-stdnum. Files are written the way Turkish offices really produce them (Excel on Windows-1254 with
`;` and CRLF, "CSV UTF-8" with a BOM, workbooks with ID numbers in number cells and dates in date cells).
The outputs are committed; rerun this script only to change them.
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from stdnum.tr import tckimlik

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent.parent / "examples"


def fake_tc(rng: random.Random) -> str:
    """A fake T.C. number with valid check digits."""
    first9 = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
    return first9 + tckimlik.calc_check_digits(first9)


# name, surname, birth date, birth place, e-mail, phone as written, institution, title, address,
# il, ilçe, postcode, application type as written, unit
PEOPLE = [
    ("İlknur", "Iğdır", "12.04.1978", "Iğdır", "ilknur.igdir@example.com", "0532 412 33 10",
     "Yenişehir 5 Nolu Aile Sağlığı Merkezi", "Aile Hekimi", "Güvenevler Mah. 1907 Sok. No: 12 D: 4",
     "Mersin", "Yenişehir", "33110", "Aile Hekimi", ""),
    ("Şükrü", "Öztürk", "3.9.1969", "Tarsus", "sukru.ozturk@example.com", "+90 (505) 123-4567",
     "Mersin Şehir Eğitim ve Araştırma Hastanesi", "Uzman Doktor", "Çiftlikköy Mah. 34. Cad. No: 8/2",
     "Mersin", "Yenişehir", "33120", "Doktor", "Kardiyoloji"),
    ("Çağla", "Güneş", "1990-06-21", "Mersin", "cagla.gunes@example.org", "5441234567",
     "Toroslar Devlet Hastanesi", "Hemşire", "Akbelen Mah. Şehit Ali Ören Cad. No: 45 D: 9",
     "Mersin", "Toroslar", "33140", "Bireysel", "Acil Servis"),
    ("Ömer Faruk", "Yıldırım", "15.01.1975", "Adana", "omerfaruk.yildirim@example.com", "0 (535) 987 65 43",
     "Mersin İl Sağlık Müdürlüğü", "İl Sağlık Müdür Yardımcısı", "İstiklal Mah. Kuvayi Milliye Cad. No: 71",
     "Mersin", "Akdeniz", "33010", "YÖNETİCİ", "Halk Sağlığı Hizmetleri"),
    ("Gülşen", "Ağaoğlu", "08.11.1982", "Silifke", "gulsen.agaoglu@example.com", "0506 222 11 00",
     "Silifke 2 Nolu Aile Sağlığı Merkezi", "Aile Hekimi", "Saray Mah. Atatürk Cad. No: 19",
     "Mersin", "Silifke", "33940", "aile hekimi", ""),
    ("Ümit", "Çelik", "22.07.1988", "Erdemli", "umit.celik@example.org", "0 555 876 54 32",
     "Erdemli Devlet Hastanesi", "Sağlık Memuru", "Alata Mah. Gazi Cad. No: 3 D: 1",
     "Mersin", "Erdemli", "33730", "Kişi Ödemeli", "Laboratuvar"),
    ("Işıl", "Doğan", "30.12.1985", "İzmir", "isil.dogan@example.com", "0532 700 80 90",
     "Tarsus Devlet Hastanesi", "Uzman Doktor", "Kızılmurat Mah. 5012 Sok. No: 6",
     "Mersin", "Tarsus", "33400", "Doktor", "Çocuk Sağlığı"),
    ("Hülya", "Şahin", "1979-02-14", "Kayseri", "hulya.sahin@example.com", "0542 111 22 33",
     "Mezitli Devlet Hastanesi", "Ebe", "Viranşehir Mah. 33. Sok. No: 27 D: 2",
     "Mersin", "Mezitli", "33200", "BİREYSEL", "Doğumhane"),
    ("Oğuz", "Kılıç", "05.05.1971", "Mut", "oguz.kilic@example.com", "0 532 333 44 55",
     "Mersin Şehir Eğitim ve Araştırma Hastanesi", "Başhekim Yardımcısı", "Cumhuriyet Mah. 1606 Sok. No: 2",
     "Mersin", "Yenişehir", "33130", "Yönetici", "Başhekimlik"),
    ("Zeynep", "Ünal", "19.08.1992", "Anamur", "zeynep.unal@example.org", "0507 444 55 66",
     "Anamur 1 Nolu Aile Sağlığı Merkezi", "Aile Hekimi", "Saray Mah. İnönü Cad. No: 40",
     "Mersin", "Anamur", "33630", "Aile Hekimi", ""),
    ("İbrahim Halil", "Erdoğan", "11.03.1980", "Şanlıurfa", "ibrahimhalil.erdogan@example.com", "05301234567",
     "Toroslar Devlet Hastanesi", "Pratisyen Hekim", "Yalınayak Mah. 2. Sok. No: 14",
     "Mersin", "Toroslar", "33150", "Doktor", "Dahiliye"),
    ("Ayşegül", "Türkoğlu", "27.10.1995", "Mersin", "aysegul.turkoglu@example.org", "+90 543 210 98 76",
     "Mezitli Devlet Hastanesi", "Hemşire", "Deniz Mah. 2. Cad. No: 88 D: 12",
     "Mersin", "Mezitli", "33200", "Bireysel", "Yoğun Bakım"),
]  # fmt: skip

CANONICAL = [
    "ad", "soyad", "tc_kimlik_no", "dogum_tarihi", "dogum_yeri", "e_posta", "cep_telefonu", "kurum",
    "unvan", "adres", "il", "ilce", "posta_kodu", "basvuru_turu", "birim",
]  # fmt: skip
EXCEL_TR_HEADERS = [
    "ADI", "SOYADI", "T.C. KİMLİK NO", "DOĞUM TARİHİ", "DOĞUM YERİ", "E-POSTA", "GSM", "KURUM ADI",
    "ÜNVANI", "ADRES", "İL", "İLÇE", "POSTA KODU", "BAŞVURU TÜRÜ", "BİRİMİ",
]  # fmt: skip
MIXED_HEADERS = [
    "Adı", "Soyadı", "TC Kimlik No", "Doğum Tarihi", "Doğum Yeri", "E-posta", "Cep Telefonu", "Kurum",
    "Unvan", "Adres", "İl", "İlçe", "Posta Kodu", "Başvuru Türü", "Birim",
]  # fmt: skip


def records(rng: random.Random) -> list[list[str]]:
    return [[p[0], p[1], fake_tc(rng), *p[2:]] for p in PEOPLE]


def birth_datetime(text: str) -> datetime:
    """A date cell value from 12.04.1978, 3.9.1969 or 1990-06-21."""
    if "-" in text:
        return datetime.strptime(text, "%Y-%m-%d")
    day, month, year = (int(part) for part in text.split("."))
    return datetime(year, month, day)


def csv_text(header: list[str], rows: list[list[str]], delimiter: str, newline: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_xlsx(path: Path, header: list[str], rows: list[list[object]], formats: dict[int, str]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Personel"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    book.properties.created = book.properties.modified = datetime(2026, 1, 1)
    book.save(path)


def main() -> None:
    rng = random.Random(20240312)
    rows = records(rng)

    # Turkish Excel "CSV (virgülle ayrılmış)": Windows-1254, ';', CRLF, capital Turkish headers,
    # an extra column nobody asked for, a blank row, an address holding the delimiter (quoted).
    excel = [[*r, f"S-{1000 + i}"] for i, r in enumerate(rows[:5])]
    excel[1][9] = "Çiftlikköy Mah.; 34. Cad. No: 8/2"
    text = csv_text([*EXCEL_TR_HEADERS, "SİCİL NO"], excel[:3], ";", "\r\n")
    text += ";" * 15 + "\r\n" + csv_text([], excel[3:], ";", "\r\n")
    (HERE / "personel_cp1254.csv").write_bytes(text.encode("cp1254"))

    # Excel "CSV UTF-8": BOM, ',' and ISO dates, a yes/no column.
    bom_rows = [[*r[:14], "hayır" if i % 2 else "evet"] for i, r in enumerate(rows[5:9])]
    bom_rows[0][3] = "1988-07-22"
    header = [*MIXED_HEADERS[:14], "Başka Marka Cihaz"]
    (HERE / "personel_bom.csv").write_bytes(b"\xef\xbb\xbf" + csv_text(header, bom_rows, ",", "\n").encode())

    # Excel "Unicode Text": UTF-16 with BOM, tab separated.
    utf16 = csv_text(EXCEL_TR_HEADERS, rows[9:11], "\t", "\r\n")
    (HERE / "personel_utf16.txt").write_bytes(utf16.encode("utf-16"))

    # A workbook: T.C. and phone in number cells (one shown in scientific notation), birth dates in date
    # cells, postcode as a number, a boolean cell, a blank row in the middle.
    xlsx_rows: list[list[object]] = []
    for i, r in enumerate(rows[:4]):
        born = birth_datetime(r[3])
        phone = int("".join(ch for ch in r[6] if ch.isdigit())[-10:])
        xlsx_rows.append([r[0], r[1], int(r[2]), born, r[4], r[5], phone, *r[7:11], r[11], int(r[12]), r[13],
                          bool(i % 2)])  # fmt: skip
    xlsx_rows.insert(2, [None] * 15)
    xlsx_header = [*EXCEL_TR_HEADERS[:11], "İLÇESİ", "POSTA KODU", "BAŞVURU TÜRÜ", "BAŞKA MARKA CİHAZ"]
    write_xlsx(HERE / "personel.xlsx", xlsx_header, xlsx_rows, {3: "0.00E+00", 4: "DD.MM.YYYY", 7: "0"})

    # JSON: a list of objects (canonical names, one alias, a number T.C.) and a single object.
    people = [dict(zip(CANONICAL, r, strict=True)) for r in rows[:2]]
    people[0]["tc_kimlik_no"] = int(people[0]["tc_kimlik_no"])  # type: ignore[assignment]
    people[1]["GSM"] = people[1].pop("cep_telefonu")
    (HERE / "personel.json").write_text(json.dumps(people, ensure_ascii=False, indent=2) + "\n", "utf-8")
    single = dict(zip(CANONICAL, rows[2], strict=True))
    (HERE / "tek_kisi.json").write_text(json.dumps(single, ensure_ascii=False, indent=2) + "\n", "utf-8")

    # Invalid rows, one rule each (row numbers as a spreadsheet shows them), UTF-8 BOM with ';'.
    base = rows[0]
    dup = fake_tc(rng)
    bad = [
        list(base),  # 2: valid
        [*base[:2], "2,58814E+10", *base[3:]],  # 3: Excel scientific notation
        [*base[:2], base[2][:-1] + str((int(base[2][-1]) + 1) % 10), *base[3:]],  # 4: checksum
        [base[0], "  ", fake_tc(rng), *base[3:]],  # 5: empty surname
        [*base[:2], fake_tc(rng), base[3], base[4], "ayse@ornek", "0312 123 45 67", *base[7:]],  # 6
        [*base[:2], fake_tc(rng), "31.02.1980", *base[4:12], "3310", *base[13:]],  # 7: date, postcode
        [*base[:2], fake_tc(rng), *base[3:13], "Hemşire", base[14]],  # 8: unknown track
        [*base[:2], dup, *base[3:]],  # 9: duplicate of 10
        [*rows[1][:2], dup, *rows[1][3:]],  # 10: duplicate of 9
        [*base[:2], fake_tc(rng), *base[3:9], "Güvenevler Mah.\n1907 Sok.", *base[10:]],  # 11: line break
        [*base[:2], fake_tc(rng), "2031-01-01", *base[4:]],  # 12: birth date in the future
    ]
    text = csv_text(MIXED_HEADERS, bad, ";", "\r\n")
    (HERE / "hatali.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())

    # Files that cannot be used at all.
    (HERE / "bad_binary.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (HERE / "bad_empty.csv").write_bytes(b"")
    (HERE / "bad_header_only.csv").write_bytes((";".join(EXCEL_TR_HEADERS) + "\r\n").encode("cp1254"))
    write_xlsx(HERE / "bad_empty_sheet.xlsx", [], [], {})
    (HERE / "bad_scalar.json").write_text('"Ad Soyad"\n', "utf-8")
    (HERE / "bad_syntax.json").write_text('[{"ad": "Şükrü",}]\n', "utf-8")
    kept = [h for h in EXCEL_TR_HEADERS if h != "T.C. KİMLİK NO"]
    missing = csv_text(kept, [r[:2] + r[3:] for r in rows[:2]], ";", "\r\n")
    (HERE / "bad_missing_column.csv").write_bytes(missing.encode("cp1254"))
    # A Windows-1254 export that some tool decoded as Windows-1252 and saved again as UTF-8: ş→þ, ı→ý, İ→Ý.
    garbled = csv_text(EXCEL_TR_HEADERS, rows[:2], ";", "\r\n").encode("cp1254").decode("cp1252")
    (HERE / "bad_mojibake.csv").write_text(garbled, "utf-8", newline="")

    # Demo data (README: make demo): a Turkish "CSV UTF-8" HR export, all rows valid.
    EXAMPLES.mkdir(exist_ok=True)
    demo_rows = [[*r, "Evet" if r[1] == "Şahin" else "Hayır"] for r in rows]
    demo = csv_text([*EXCEL_TR_HEADERS, "BAŞKA MARKA E-İMZA CİHAZI"], demo_rows, ";", "\r\n")
    (EXAMPLES / "applicants.csv").write_bytes(b"\xef\xbb\xbf" + demo.encode())
    applicant = dict(zip(CANONICAL, rows[0], strict=True)) | {"baska_marka_cihaz": "hayır"}
    (EXAMPLES / "applicant.json").write_text(
        json.dumps(applicant, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    shown = [bad[0], rows[3], bad[1], bad[3], bad[4], bad[6], rows[7]]
    (EXAMPLES / "hatali.csv").write_bytes(
        b"\xef\xbb\xbf" + csv_text(EXCEL_TR_HEADERS, shown, ";", "\r\n").encode()
    )


if __name__ == "__main__":
    main()
