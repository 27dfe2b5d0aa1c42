"""Fill + flatten records/s for the built-in form: formkit's engine next to PyPDFForm, in the same run.

    python bench/bench_fill.py [--n 1000] [--baseline-n N]

Both fill the committed template assets/forms/nes-basvuru-formu.pdf with the same varied Turkish records
and produce PDF bytes in memory. formkit parses the template once (reported separately) and flattens:
values drawn into the page with the embedded font, no fields left. PyPDFForm 6 has no flattening; its
`fill(..., readonly=True)` (the replacement of its old `flatten=True`) is used, which leaves the fields in
place with the read-only bit set. The script also checks what each output shows as page text, and times
the packets' fast path (pages.form.draw_form straight onto a reportlab canvas, no pypdf) for reference.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402

from formkit.acroform import engine as forms  # noqa: E402
from formkit.packet.form import draw_form  # noqa: E402
from formkit.pdf import textfit  # noqa: E402
from formkit.resources import asset  # noqa: E402

FIRST = ["İlknur", "Şükrü", "Ayşe", "Çağrı", "Ömer", "Gülşen", "Işıl", "Doğan", "Ümmügülsüm", "İsmail"]
LAST = ["IĞDIR", "Öztürk", "Çelik", "Şahin", "Yıldırım", "Güneş", "Kılıç", "Doğru", "Aydın", "Erdoğan"]
PLACES = [("Mersin", "Yenişehir", "33110"), ("Iğdır", "Merkez", "76000"), ("İzmir", "Karşıyaka", "35530")]


def record(i: int) -> dict[str, str | bool]:
    il, ilce, pk = PLACES[i % len(PLACES)]
    return {
        "tc_kimlik_no": f"{10000000000 + i * 7919:011d}"[:11],
        "ad": FIRST[i % len(FIRST)],
        "soyad": LAST[(i // len(FIRST)) % len(LAST)],
        "dogum_yeri": il,
        "dogum_tarihi": f"{1 + i % 28:02d}.{1 + i % 12:02d}.{1960 + i % 40}",
        "kurum": "Mersin Şehir Eğitim ve Araştırma Hastanesi" if i % 2 else f"{ilce} İlçe Sağlık Müdürlüğü",
        "unvan": "Uzman Doktor" if i % 3 else "Aile Hekimi",
        "e_posta": f"kisi{i}@saglik.gov.tr",
        "cep_telefonu": f"0532 {100 + i % 900:03d} {i % 100:02d} {(i * 7) % 100:02d}",
        "adres": f"Çiftlikköy Mah. Şehit Öğretmen Ümit Güçlü Cad. No: {i % 200 + 1}/{i % 9 + 1}",
        "il": il,
        "ilce": ilce,
        "posta_kodu": pk,
        "sertifika_suresi": "3 Yıl",
        "kart_okuyucu": "Mini Kart Okuyucu",
        "basvuru_nedeni_ilk": True,
        "tarih": "26.11.2026",
        "nusha": "1. NÜSHA — E-imza Kurum Yetkilisine teslim edilir",
    }


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds else float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="records for formkit (default 1000)")
    parser.add_argument("--baseline-n", type=int, default=None, help="records for PyPDFForm (default: --n)")
    args = parser.parse_args()
    n = args.n
    base_n = args.baseline_n or n
    path = asset("forms", "nes-basvuru-formu.pdf")
    data = path.read_bytes()
    records = [record(i) for i in range(max(n, base_n))]

    t0 = time.perf_counter()
    template = forms.Template.from_bytes(data)
    parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = [forms.fill(template, records[i]) for i in range(n)]
    ours_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    for i in range(n):
        forms.fill(template, records[i], flatten=False)
    editable_s = time.perf_counter() - t0

    from PyPDFForm import PdfWrapper

    t0 = time.perf_counter()
    theirs = [PdfWrapper(data).fill(records[i], readonly=True).read() for i in range(base_n)]
    theirs_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    for i in range(n):
        buf = io.BytesIO()
        canvas = textfit.new_canvas(buf, A4)
        draw_form(canvas, records[i])
        canvas.showPage()
        canvas.save()
    direct_s = time.perf_counter() - t0

    def shows(pdf: bytes, text: str) -> bool:
        return text in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()

    def fields_left(pdf: bytes) -> int:
        return len(PdfReader(io.BytesIO(pdf)).get_fields() or {})

    ours_rate, theirs_rate = rate(n, ours_s), rate(base_n, theirs_s)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"template parse (once): {parse * 1000:.0f} ms")
    print(
        f"formkit fill+flatten : {ours_rate:7.1f} records/s  ({n} records, {ours_s:.2f} s; "
        f"page text has 'IĞDIR': {shows(ours[0], 'IĞDIR')}, fields left: {fields_left(ours[0])}, "
        f"{len(ours[0]) // 1024} KB)"
    )
    print(
        f"PyPDFForm fill+readonly: {theirs_rate:5.1f} records/s  ({base_n} records, {theirs_s:.2f} s; "
        f"page text has 'IĞDIR': {shows(theirs[0], 'IĞDIR')}, fields left: {fields_left(theirs[0])}, "
        f"{len(theirs[0]) // 1024} KB)"
    )
    print(f"ratio formkit / PyPDFForm: {ours_rate / theirs_rate:.1f}x")
    print(f"(formkit fill, editable: {rate(n, editable_s):.1f} records/s)")
    print(f"(packets' direct path, draw_form on a canvas: {rate(n, direct_s):.1f} records/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
