"""Build the e-mail texts (assets/mail/<track>.txt|.html) from a profile's sentences.

Every instruction an e-mail gives is a `[texts."key"]` sentence of the profile, with its source: the
same sentences the packet's pages print. This script only lays them out as the `string.Template` files
`formkit mail` fills per message. A sentence's `{placeholders}` become the mail's `$placeholders` where one
exists (the portal address, the officer on one line, the fee total, the number of copies, ...); what the
mail has no placeholder for (the receipt's e-mail address, an extra document) is written in from the profile.
The print-and-sign step is `$form_adimi`: `formkit mail` fills it per message with the profile's
`step.print.<form_source>` sentence, so the e-mail says what the packet's copies are (the portal printout,
the province's form, or a data sheet) as the cover does.

    python scripts/build_mail_texts.py                 # rewrite assets/mail/ from the built-in profile
    python scripts/build_mail_texts.py --profile il.toml --out metinler/
                                                       # then: formkit mail DIR --templates metinler/
    python scripts/build_mail_texts.py --check         # exit 1 when assets/mail/ differs from a fresh build
"""

from __future__ import annotations

import argparse
import html
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formkit import profile as profiles  # noqa: E402
from formkit.model import Profile, Track  # noqa: E402
from formkit.packet.content import profile_values  # noqa: E402

# A sentence's placeholder → the mail template's placeholder (formkit.mail.core.PLACEHOLDERS).
MAIL_PLACEHOLDERS = {
    "portal": "$portal_adresi",
    "online_islemler": "$online_islemler_adresi",
    "odeme": "$odeme_adresi",
    "fees_url": "$ucret_adresi",
    "fees_date": "$ucret_tarihi",
    "officer": "$teslim_yeri_tek_satir",
    "total": "$tutar",
    "sum": "$tutar ($ucret_kalemleri)",
    "bank": "$banka",
    "kamusm_phone": "$kamusm_telefon",
    "ref": "$ref",
    "copies": "$nusha_sayisi",
}
PRINT_STEP = "$form_adimi"  # not a sentence key: the mail composer fills it per packet (its form_source)
WIDTH = 100


def steps(profile: Profile, track: Track) -> list[tuple[tuple[str, ...], str]]:
    """(sentence keys, block after them) for each numbered step; a block is a table or an address."""
    extra = ("step.extra_document",) if profile.procedure.extra_document else ()
    first = ("step.system.bireysel" if track is Track.BIREYSEL else "step.system", "step.security_word")
    if track is Track.KURUM:
        return [(first, ""), ((PRINT_STEP,), ""), (("step.hand_in.kurum", *extra), "")]
    if track is Track.AILE_HEKIMI:
        receipt = "receipt.email" if profile.procedure.receipt == "email" else "receipt.paper"
        return [
            (first, ""),
            ((PRINT_STEP,), ""),
            (("step.pay.aile-hekimi",), "bank"),
            (("step.hand_in.aile-hekimi", *extra, receipt), ""),
        ]
    return [
        (first, ""),
        ((PRINT_STEP,), ""),
        (("step.post.bireysel",), "kamusm"),
        (("step.pay.bireysel",), ""),
    ]


def closing(track: Track) -> list[tuple[str, ...]]:
    """Paragraphs after the steps: the packet, who pays (aile-hekimi: the letter, fee date), what follows."""
    paragraphs: list[tuple[str, ...]] = [("mail.packet",)]
    if track is Track.KURUM:
        paragraphs.append(("fee.kurum",))
    elif track is Track.AILE_HEKIMI:
        paragraphs += [("payment.letter",), ("fee.date",)]
    after = ("step.after",) if track is Track.BIREYSEL else ("step.after.officer", "step.after")
    return [*paragraphs, after]


URLS = ("portal", "online_islemler", "odeme", "fees_url")


def say(profile: Profile, track: Track, keys: tuple[str, ...], *, as_html: bool = False) -> str:
    """The sentences `keys`, joined, with the mail's placeholders in (HTML: escaped, addresses as links)."""
    values = {**profile_values(profile, profile.copies_for(track)), **MAIL_PLACEHOLDERS}
    if as_html:
        values = {key: html.escape(value, quote=False) for key, value in values.items()}
        values.update(
            {key: f'<a href="{MAIL_PLACEHOLDERS[key]}">{MAIL_PLACEHOLDERS[key]}</a>' for key in URLS}
        )
    out = []
    for key in keys:
        if key == PRINT_STEP:
            out.append(PRINT_STEP)
            continue
        text = profile.texts[key].text.replace("$", "$$")
        out.append((html.escape(text, quote=False) if as_html else text).format_map(values))
    return " ".join(out)


BANK_TXT = """   IBAN     : $iban
   Banka    : $banka
   Alıcı    : $alici
   Tutar    : $tutar ($ucret_kalemleri)
   Açıklama : $aciklama

   Açıklamayı harfi harfine yazın; <T.C. KİMLİK NO> yerine kendi T.C. kimlik numaranızı yazın
   (paketin ödeme sayfasında açıklama eksiksiz yazılıdır)."""

BANK_HTML = """<table style="border-collapse: collapse; margin: 6px 0 6px 16px;">
<tr><td style="padding: 2px 12px 2px 0;">IBAN</td><td><strong>$iban</strong></td></tr>
<tr><td style="padding: 2px 12px 2px 0;">Banka</td><td>$banka</td></tr>
<tr><td style="padding: 2px 12px 2px 0;">Alıcı</td><td>$alici</td></tr>
<tr><td style="padding: 2px 12px 2px 0;">Tutar</td><td><strong>$tutar</strong> ($ucret_kalemleri)</td></tr>
<tr><td style="padding: 2px 12px 2px 0;">Açıklama</td><td><code>$aciklama</code></td></tr>
</table>
Açıklamayı harfi harfine yazın; &lt;T.C. KİMLİK NO&gt; yerine kendi T.C. kimlik numaranızı yazın
(paketin ödeme sayfasında açıklama eksiksiz yazılıdır)."""

HEAD_TXT = """Sayın $ad_soyad,

E-imza (nitelikli elektronik sertifika, NES) ilk başvurunuz için hazırlanan paket bu iletinin ekindedir.

  Ek dosya     : $ek_dosya
  Paket no     : $ref
  Başvuru türü : $basvuru_turu
"""

HEAD_HTML = """<!DOCTYPE html>
<html lang="tr">
<head><meta charset="utf-8"><title>E-imza başvuru paketiniz</title></head>
<body style="font-family: Arial, Helvetica, sans-serif; font-size: 15px; line-height: 1.5; color: #1a1a1a;">
<p>Sayın $ad_soyad,</p>
<p>E-imza (nitelikli elektronik sertifika, NES) ilk başvurunuz için hazırlanan paket bu iletinin \
ekindedir.</p>
<table style="border-collapse: collapse;">
<tr><td style="padding: 2px 12px 2px 0;">Ek dosya</td><td><strong>$ek_dosya</strong></td></tr>
<tr><td style="padding: 2px 12px 2px 0;">Paket no</td><td>$ref</td></tr>
<tr><td style="padding: 2px 12px 2px 0;">Başvuru türü</td><td>$basvuru_turu</td></tr>
</table>"""

FOOT_TXT = """Sorularınız için bu iletiyi yanıtlayabilirsiniz.

Saygılarımızla,
$kurum_adi
"""

FOOT_HTML = """<p>Sorularınız için bu iletiyi yanıtlayabilirsiniz.</p>
<p>Saygılarımızla,<br>
$kurum_adi</p>
</body>
</html>
"""


def text_body(profile: Profile, track: Track) -> str:
    """The plain-text template of one track."""
    out = [HEAD_TXT, _wrap(say(profile, track, ("sign.rule",)) + " Yapmanız gerekenler:"), ""]
    for number, (keys, block) in enumerate(steps(profile, track), start=1):
        out.append(_wrap(say(profile, track, keys), first=f"{number}. ", rest="   "))
        if block == "bank":
            out += ["", BANK_TXT]
        elif block == "kamusm":
            out += ["", "$kamusm_adresi", ""]
    out.append("")
    for keys in closing(track):
        out += [_wrap(say(profile, track, keys)), ""]
    out.append(FOOT_TXT)
    return "\n".join(out)


def html_body(profile: Profile, track: Track) -> str:
    """The HTML template of one track (sentences escaped; formkit mail escapes the placeholders' values)."""
    lead = say(profile, track, ("sign.rule",), as_html=True)
    out = [HEAD_HTML, f"<p><strong>{lead}</strong> Yapmanız gerekenler:</p>", "<ol>"]
    for keys, block in steps(profile, track):
        item = say(profile, track, keys, as_html=True)
        if block == "bank":
            item += "\n" + BANK_HTML
        elif block == "kamusm":
            item += (
                '<br>\n<address style="font-style: normal; margin: 6px 0 6px 16px;">$kamusm_adresi</address>'
            )
        out.append(f"<li>{item}</li>")
    out.append("</ol>")
    out += [f"<p>{say(profile, track, keys, as_html=True)}</p>" for keys in closing(track)]
    out.append(FOOT_HTML)
    return "\n".join(out)


def _wrap(text: str, first: str = "", rest: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_long_words=False,
                         break_on_hyphens=False)  # fmt: skip


def build(profile: Profile) -> dict[str, str]:
    """File name → content, for every track."""
    files: dict[str, str] = {}
    for track in Track:
        files[f"{track.value}.txt"] = text_body(profile, track)
        files[f"{track.value}.html"] = html_body(profile, track)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--profile", help="profile TOML (default: the built-in one)")
    parser.add_argument("--out", default=str(ROOT / "assets" / "mail"), help="folder to write (assets/mail/)")
    parser.add_argument("--check", action="store_true", help="compare with the folder, write nothing")
    args = parser.parse_args()
    files = build(profiles.load(args.profile))
    out = Path(args.out)
    if args.check:
        stale = [name for name, body in files.items() if not (out / name).is_file()
                 or (out / name).read_text(encoding="utf-8") != body]  # fmt: skip
        for name in stale:
            print(f"{out / name}: profilden üretilenle aynı değil; python scripts/build_mail_texts.py")
        return 1 if stale else 0
    out.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (out / name).write_text(body, encoding="utf-8")
        print(out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
