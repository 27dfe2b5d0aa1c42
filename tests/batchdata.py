"""Realistic applicant rows for batch tests and the benchmark: valid T.C. numbers, Turkish letters."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

from stdnum.tr import tckimlik

HEADERS = [
    "ADI", "SOYADI", "T.C. KİMLİK NO", "DOĞUM TARİHİ", "DOĞUM YERİ", "E-POSTA", "GSM",
    "KURUM", "UNVAN", "ADRES", "İL", "İLÇE", "POSTA KODU", "BAŞVURU TÜRÜ",
]  # fmt: skip

FIRST = ["İlknur", "Şükrü", "Çiğdem", "Ömer", "Gülşen", "Ümit", "Ayşe", "İsmail", "Özlem", "Ilgaz", "Ağah"]
LAST = ["Iğdır", "Öztürk", "Şahin", "Çelik", "Güneş", "Yıldız", "Doğan", "Karaağaç", "Ünal", "Işık"]
PLACES = [("Mersin", "Yenişehir", "33110"), ("Mersin", "Tarsus", "33400"), ("Mersin", "Silifke", "33940")]
TRACKS = ["Doktor", "YÖNETİCİ", "Aile Hekimi", "BİREYSEL"]


def tc_number(seed: int) -> str:
    """A fake but checksum-valid T.C. number, different for every seed."""
    first9 = str(100000000 + (seed * 7919) % 899999999)
    return first9 + tckimlik.calc_check_digits(first9)


def applicant_row(index: int, rng: random.Random | None = None) -> list[str]:
    """One valid row in HEADERS order."""
    rng = rng or random.Random(index)
    il, ilce, postcode = PLACES[index % len(PLACES)]
    ad, soyad = FIRST[index % len(FIRST)], LAST[(index // len(FIRST)) % len(LAST)]
    return [
        ad,
        soyad,
        tc_number(index + 1),
        f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(1960, 1998)}",
        "Mersin",
        f"personel{index}@saglik.gov.tr",
        f"0532 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        "Mersin Şehir Eğitim ve Araştırma Hastanesi",
        "Uzman Doktor",
        f"Çiftlikköy Mah. {index % 40 + 1}. Sok. No: {index % 90 + 1} D: {index % 12 + 1}",
        il,
        ilce,
        postcode,
        TRACKS[index % len(TRACKS)],
    ]


def rows(count: int, start: int = 0) -> Iterator[list[str]]:
    for index in range(start, start + count):
        yield applicant_row(index)


def write_csv(path: Path, body: list[list[str]], *, encoding: str = "cp1254", delimiter: str = ";") -> Path:
    """Write rows the way Turkish Excel saves "CSV (virgülle ayrılmış)": cp1254, `;`, CRLF."""
    lines = [delimiter.join(HEADERS)] + [delimiter.join(row) for row in body]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path
