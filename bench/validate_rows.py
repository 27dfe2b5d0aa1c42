"""How fast are rows read and validated? Writes N-row CSV (cp1254, `;`) and XLSX files, times open + validate.

Run: python bench/validate_rows.py [N]   (default 20000 rows; files go to a temporary folder)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from formkit.input.sources import open_table
from formkit.input.validate import validate_all

HEADER = (
    "ADI;SOYADI;T.C. KİMLİK NO;DOĞUM TARİHİ;DOĞUM YERİ;E-POSTA;GSM;KURUM;UNVAN;ADRES;İL;İLÇE;POSTA KODU;"
    "BAŞVURU TÜRÜ"
)
ROW = (
    "Şükrü;Öztürk;{tc};03.09.1969;Tarsus;sukru.ozturk@example.com;0505 123 45 67;Mersin Şehir Hastanesi;"
    "Uzman Doktor;Çiftlikköy Mah. 34. Cad. No: 8/2;Mersin;Yenişehir;33120;Doktor"
)


def tc(n: int) -> str:
    from stdnum.tr import tckimlik

    first9 = str(100000000 + n)
    return first9 + tckimlik.calc_check_digits(first9)


def measure(path: Path) -> None:
    start = time.perf_counter()
    table = open_table(path)
    results = validate_all(table.rows())
    seconds = time.perf_counter() - start
    valid = sum(not isinstance(r, list) for _, r in results)
    rate = len(results) / seconds
    print(f"{path.suffix}: {len(results)} rows ({valid} valid) in {seconds:.2f} s = {rate:,.0f} rows/s")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "big.csv"
        with csv_path.open("w", encoding="cp1254", newline="") as out:
            out.write(HEADER + "\r\n")
            for n in range(count):
                out.write(ROW.format(tc=tc(n)) + "\r\n")
        measure(csv_path)
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(HEADER.split(";"))
        for n in range(count):
            cells: list[object] = ROW.format(tc=tc(n)).split(";")
            cells[2] = int(str(cells[2]))
            sheet.append(cells)
        xlsx_path = Path(folder) / "big.xlsx"
        book.save(xlsx_path)
        measure(xlsx_path)


if __name__ == "__main__":
    main()
