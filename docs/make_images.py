"""Render the README's example packet pages to PNG (100 dpi, palette) into docs/images/.

python docs/make_images.py
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("FORMKIT_REF_KEY", "readme-example")
os.environ.setdefault("SOURCE_DATE_EPOCH", "1764115200")

import pypdfium2 as pdfium  # noqa: E402

from formkit import profile as profiles  # noqa: E402
from formkit.model import Applicant, Track  # noqa: E402
from formkit.packet.builder import PacketBuilder  # noqa: E402

OUT = ROOT / "docs" / "images"


def example(track: Track) -> Applicant:
    return Applicant(
        ad="İlknur",
        soyad="Iğdır",
        tc_kimlik_no="10000000146",
        dogum_tarihi=date(1985, 4, 23),
        dogum_yeri="Tarsus",
        e_posta="ilknur.igdir@saglik.gov.tr",
        cep_telefonu="5324123310",
        kurum="Yenişehir 12 No'lu Aile Sağlığı Merkezi",
        unvan="Aile Hekimi",
        adres="Çiftlikköy Mah. 34. Cad. No: 12 Daire 3",
        il="Mersin",
        ilce="Yenişehir",
        posta_kodu="33110",
        track=track,
    )


def save(data: bytes, index: int, name: str) -> None:
    image = pdfium.PdfDocument(data)[index].render(scale=100 / 72).to_pil()
    image.convert("RGB").quantize(colors=256).save(OUT / name, optimize=True)
    print(OUT / name)


def stand_in_printout() -> bytes:
    """A stand-in for a Kamu SM portal printout (the real layout is Kamu SM's and is not reproduced here):
    a page of text with the usual margins, saying plainly that it is a sample."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from formkit.pdf import fonts

    regular, bold = fonts.register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    canvas.setFont(bold, 14)
    canvas.drawString(60, height - 90, "ÖRNEK: portal çıktısının yerine geçen bir sayfa")
    canvas.setFont(regular, 10)
    lines = [
        "Bu sayfa README resmi için üretildi; Kamu SM'nin çıktısı değildir.",
        "Gerçek pakette burada başvuru sahibinin Kamu SM sisteminden aldığı PDF olur,",
        "her sayfası dokunulmadan; formkit yalnızca boş bir kenara nüsha işaretini koyar.",
        "",
        "T.C. Kimlik No: 100******46   Ad Soyad: İlknur IĞDIR   Doğum Yeri: TARSUS",
    ]
    for index, line in enumerate(lines):
        canvas.drawString(60, height - 130 - 16 * index, line)
    canvas.rect(60, 120, width - 120, height - 300)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    builder = PacketBuilder(profiles.load())
    aile = builder.build(example(Track.AILE_HEKIMI)).data
    for index, name in enumerate(["cover.png", "datasheet.png", "checklist.png", "payment.png"]):
        if name:
            save(aile, index, f"packet-{name}")
    save(builder.build(example(Track.BIREYSEL)).data, 0, "packet-cover-bireysel.png")
    portal = PacketBuilder(profiles.load(), official_form=stand_in_printout(), official_label="örnek.pdf")
    save(portal.build(example(Track.KURUM)).data, 1, "packet-portal-copy.png")


if __name__ == "__main__":
    main()
