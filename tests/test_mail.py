"""`formkit mail`: the outbox of .eml messages built from a batch folder (manifest.json + packets/)."""

from __future__ import annotations

import email
import hashlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from mail_support import ELEVEN_DIGITS, FULL_TC, PEOPLE, make_batch, parse, save_manifest, write_pdf

import cli
from formkit import profile as profiles
from formkit.batch.manifest import read_manifest
from formkit.errors import InputError, TemplateError
from formkit.mail import compose as mail
from formkit.turkish import lower as turkish_lower

SUKRU, ILKNUR, AYSE = PEOPLE

EPOCH = "1767225600"  # 2026-01-01 00:00 UTC


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.cli, list(args), env=env or {"SOURCE_DATE_EPOCH": EPOCH})
    return result.exit_code, result.stdout, result.stderr


def texts_of(path: Path) -> tuple[str, str]:
    message = parse(path)
    plain, rich = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and rich is not None
    return plain.get_content(), rich.get_content()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def test_one_message_per_ok_row_parses_back_to_the_same_content(tmp_path: Path) -> None:
    manifest = make_batch(tmp_path)
    code, out, err = run("mail", str(tmp_path))
    assert code == 0, err
    assert "3 ileti" in out and "1 paketsiz satır" in out
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert [f.name for f in files] == sorted(f"{p.ref}.eml" for p in PEOPLE)
    sha = {row["ref"]: row["sha256"] for row in manifest["rows"] if row["status"] == "ok"}
    for person in PEOPLE:
        message = parse(tmp_path / "outbox" / f"{person.ref}.eml")
        ad, soyad = person.ad, person.soyad
        turkish_upper = soyad.replace("i", "İ").upper()
        assert message["Subject"] == f"E-imza başvuru paketiniz — {ad} {turkish_upper}"
        assert [a.addr_spec for a in message["To"].addresses] == [person.e_posta]
        assert message["To"].addresses[0].display_name == person.name
        assert message["From"].addresses[0].addr_spec == "e-imza@mersin-ism.example"
        assert message["Message-ID"].endswith("@mersin-ism.example>")
        assert message["X-Formkit-Ref"] == person.ref
        assert message["Date"].datetime.timestamp() == int(EPOCH)
        attachments = list(message.iter_attachments())
        assert len(attachments) == 1
        pdf = attachments[0].get_content()
        assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == sha[person.ref]
        assert attachments[0].get_filename() == f"E-imza başvuru paketi - {ad} {turkish_upper}.pdf"
        plain, rich = texts_of(tmp_path / "outbox" / f"{person.ref}.eml")
        assert f"Sayın {person.name}," in plain
        assert person.ref in plain and person.ref in rich
    # Subjects of two rows spelled out: Turkish capitals are Turkish.
    assert parse(tmp_path / "outbox" / ILKNUR.eml)["Subject"] == "E-imza başvuru paketiniz — İlknur IĞDIR"
    assert parse(tmp_path / "outbox" / SUKRU.eml)["Subject"] == "E-imza başvuru paketiniz — Şükrü ÖZTÜRK"


def test_attachment_name_has_an_ascii_fallback_for_outlook(tmp_path: Path) -> None:
    make_batch(tmp_path)
    assert run("mail", str(tmp_path))[0] == 0
    raw = (tmp_path / "outbox" / ILKNUR.eml).read_bytes()
    assert raw.isascii()
    assert b"filename*" in raw and b"utf-8''" in raw
    # A parser without RFC 2231 (the compat32 API, like Outlook) sees the plain ASCII filename.
    legacy = email.message_from_bytes(raw)
    names = [part.get_filename() for part in legacy.walk() if part.get_filename()]
    assert names == ["E_imza_basvuru_paketi_Ilknur_IGDIR.pdf"]
    pdf_part = next(part for part in legacy.walk() if part.get_content_type() == "application/pdf")
    assert pdf_part.get_param("name") == "E_imza_basvuru_paketi_Ilknur_IGDIR.pdf"


def test_each_track_tells_its_own_next_steps_with_facts_from_the_profile(tmp_path: Path) -> None:
    make_batch(tmp_path)
    assert run("mail", str(tmp_path))[0] == 0
    p = profiles.load()
    kurum, kurum_html = texts_of(tmp_path / "outbox" / SUKRU.eml)
    words = " ".join(kurum.split())  # the plain text is wrapped at 100 columns
    assert "İmzalanan kâğıt, Kamu SM sisteminin verdiği form çıktısıdır" in words
    assert "her nüshayı elle (ıslak imzayla) imzalayın" in words and p.urls.portal in kurum
    assert "kurye" in kurum and "güvenlik sözcüğü" in kurum
    assert "Sağlık Müdürlüğü Eski Devlet Hastanesi Yerleşkesi" in kurum
    assert "E-imza Kurum Yetkilisi" in kurum and "Sağlık Bilgi Sistemleri Birimi" in kurum
    assert "IBAN" not in kurum and "onlineislemler" not in kurum
    assert "Eski Devlet Hastanesi Yerleşkesi" in kurum_html

    aile, aile_html = texts_of(tmp_path / "outbox" / ILKNUR.eml)
    assert "TR41 0001 2009 5940 0005 0000 47" in aile
    assert "HALK BANKASI" in aile and "MERSİN İL SAĞLIK MÜDÜRLÜĞÜ SERMAYE İŞLETMESİ" in aile
    assert "1.080,00 TL" in aile and "780,00 TL" in aile and "300,00 TL" in aile
    assert "İLKNUR-IĞDIR-<T.C. KİMLİK NO>/ AÇIKLAMA = E-İMZA 3 YILLIK BAŞVURUSU" in aile
    aile_words = " ".join(aile.split())
    assert "Banka dekontunu başvuru formuyla birlikte" in aile_words
    assert "27/06/2016" in aile and "64395869" in aile
    assert "Eski Devlet Hastanesi Yerleşkesi" in aile
    assert "İLKNUR-IĞDIR-&lt;T.C. KİMLİK NO&gt;/ AÇIKLAMA" in aile_html

    bireysel, bireysel_html = texts_of(tmp_path / "outbox" / AYSE.eml)
    bireysel = " ".join(bireysel.split())
    assert p.urls.online_islemler in bireysel
    assert "Kişi Ödemeli Başvurular" in bireysel and "İLK BAŞVURU" in bireysel
    assert "41470 Gebze/KOCAELİ" in bireysel and "P.K. 74" in bireysel
    assert "Başka marka e-imza cihazınız yoksa" in bireysel
    assert "Ödemeyi ancak ekranda gördükten sonra" in bireysel and '"Ödeme"' in bireysel
    assert " TL" not in bireysel  # no fee amount for bireysel: Kamu SM's screen shows it
    assert "ıslak imza" in bireysel and "IBAN" not in bireysel
    assert f'href="{p.urls.online_islemler}"' in bireysel_html


def test_no_rule_without_a_source_is_mailed(tmp_path: Path) -> None:
    make_batch(tmp_path)
    assert run("mail", str(tmp_path))[0] == 0
    banned = ("mavi", "tükenmez", "fotokopi", "dekontsuz", "kimliğinizdeki imza")
    for path in (tmp_path / "outbox").glob("*.eml"):
        for text in texts_of(path):
            assert not [word for word in banned if word in turkish_lower(text)], path.name


def test_facts_come_from_the_profile_not_from_code(tmp_path: Path) -> None:
    make_batch(tmp_path)
    text = profiles.default_path().read_text(encoding="utf-8")
    changed = (
        text.replace("TR41 0001 2009 5940 0005 0000 47", "TR33 0006 1005 1978 6457 8413 26")
        .replace('"780.00"', '"1500.00"')
        .replace("HALK BANKASI", "ZİRAAT BANKASI")
        .replace('reply_to = ""', 'reply_to = "Yardım Masası <yardim@il.example>"')
        .replace(
            'from = "Mersin İl Sağlık Müdürlüğü E-imza <e-imza@mersin-ism.example>"', 'from = "x@il.example"'
        )
    )
    other = tmp_path / "other.toml"
    other.write_text(changed, encoding="utf-8")
    assert run("mail", str(tmp_path), "--profile", str(other))[0] == 0
    aile, _ = texts_of(tmp_path / "outbox" / ILKNUR.eml)
    assert "TR33 0006 1005 1978 6457 8413 26" in aile and "ZİRAAT BANKASI" in aile
    assert "1.800,00 TL" in aile and "TR41" not in aile
    message = parse(tmp_path / "outbox" / ILKNUR.eml)
    assert message["Message-ID"].endswith("@il.example>")
    assert message["Reply-To"].addresses[0].addr_spec == "yardim@il.example"
    assert message["Reply-To"].addresses[0].display_name == "Yardım Masası"


def _odd_name(folder: Path) -> None:
    """A name with & < > (validation refuses them now; a hand-edited or older manifest may hold one)."""
    manifest = make_batch(folder)
    row = next(r for r in manifest["rows"] if r.get("ref") == AYSE.ref)
    row.update(name="Ayşe & <Gül> Çelik", ad="Ayşe & <Gül>")
    save_manifest(folder, manifest)


def test_html_escapes_every_value(tmp_path: Path) -> None:
    _odd_name(tmp_path)
    assert run("mail", str(tmp_path))[0] == 0
    plain, rich = texts_of(tmp_path / "outbox" / AYSE.eml)
    assert "Sayın Ayşe & <Gül> Çelik," in plain
    assert "Ayşe &amp; &lt;Gül&gt; Çelik" in rich
    assert "<Gül>" not in rich
    parser = _Text()
    parser.feed(rich)
    assert "Sayın Ayşe & <Gül> Çelik," in "".join(parser.parts)


def test_no_full_tc_number_anywhere(tmp_path: Path) -> None:
    manifest = make_batch(tmp_path)
    # Even a manifest that wrongly carries a full T.C. number does not leak it: mail never reads it.
    manifest["rows"][0]["tc"] = FULL_TC
    save_manifest(tmp_path, manifest)
    code, out, err = run("mail", str(tmp_path))
    assert code == 0
    assert not ELEVEN_DIGITS.search(out + err)
    for path in (tmp_path / "outbox").glob("*.eml"):
        message = parse(path)
        assert FULL_TC.encode() not in path.read_bytes()
        for part in message.walk():
            if part.get_content_maintype() == "text":
                assert not ELEVEN_DIGITS.search(part.get_content())
        assert not ELEVEN_DIGITS.search(str(message["Subject"]))


def test_writing_twice_gives_the_same_bytes(tmp_path: Path) -> None:
    make_batch(tmp_path)
    assert run("mail", str(tmp_path))[0] == 0
    first = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (tmp_path / "outbox").glob("*.eml")}
    code, out, _ = run("mail", str(tmp_path))
    assert code == 0 and "0 yeni/değişen, 3 aynı" in out
    second = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (tmp_path / "outbox").glob("*.eml")}
    assert first == second
    # Another outbox of the same batch: byte for byte the same messages.
    assert run("mail", str(tmp_path), "--outbox", str(tmp_path / "again"))[0] == 0
    for name, (data, _) in first.items():
        assert (tmp_path / "again" / name).read_bytes() == data
    assert not list((tmp_path / "outbox").glob(".*tmp"))


def test_without_source_date_epoch_a_rewrite_keeps_the_first_date(tmp_path: Path) -> None:
    make_batch(tmp_path)
    assert run("mail", str(tmp_path), env={"SOURCE_DATE_EPOCH": ""})[0] == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "outbox").glob("*.eml")}
    assert run("mail", str(tmp_path), env={"SOURCE_DATE_EPOCH": ""})[0] == 0
    assert before == {p.name: p.read_bytes() for p in (tmp_path / "outbox").glob("*.eml")}


def test_message_ids_are_per_batch_and_row(tmp_path: Path) -> None:
    manifest = make_batch(tmp_path)
    assert run("mail", str(tmp_path))[0] == 0
    ids = {parse(p)["Message-ID"] for p in (tmp_path / "outbox").glob("*.eml")}
    assert len(ids) == 3
    manifest["batch"]["id"] = "2026-11-ikinci-parti"
    save_manifest(tmp_path, manifest)
    assert run("mail", str(tmp_path), "--outbox", str(tmp_path / "b2"))[0] == 0
    other = {parse(p)["Message-ID"] for p in (tmp_path / "b2").glob("*.eml")}
    assert len(other) == 3 and not ids & other


def test_from_option_overrides_the_profile(tmp_path: Path) -> None:
    make_batch(tmp_path)
    assert run("mail", str(tmp_path), "--from", "Birim Şefliği <sefl@saglik.example>")[0] == 0
    message = parse(tmp_path / "outbox" / SUKRU.eml)
    assert message["From"].addresses[0].display_name == "Birim Şefliği"
    assert message["From"].addresses[0].addr_spec == "sefl@saglik.example"
    assert message["Message-ID"].endswith("@saglik.example>")
    code, _, err = run("mail", str(tmp_path), "--from", "adres değil")
    assert code == 2 and err.startswith("hata: gönderen adresi kullanılamıyor")


def test_a_message_over_max_size_is_refused_and_the_others_go_on(tmp_path: Path) -> None:
    manifest = make_batch(tmp_path)
    big = tmp_path / "packets" / "big.pdf"
    data = write_pdf(big, "Çok sayfalı paket " + "ğüşiöç " * 40, pages=800)
    row = manifest["rows"][1]
    row.update(pdf="packets/big.pdf", sha256=hashlib.sha256(data).hexdigest())
    save_manifest(tmp_path, manifest)
    assert len(data) > 100 * 1024
    code, out, err = run("mail", str(tmp_path), "--max-size", "100KB")
    assert code == 1
    assert f"reddedildi: satır 3, {ILKNUR.ref}: paket " in err and "--max-size" in err
    assert sorted(p.name for p in (tmp_path / "outbox").glob("*.eml")) == sorted([AYSE.eml, SUKRU.eml])
    assert "1 reddedilen" in out


def test_bad_rows_are_refused_with_a_reason(tmp_path: Path) -> None:
    manifest = make_batch(tmp_path)
    rows = manifest["rows"]
    rows[0]["e_posta"] = "sukru@"  # unusable address
    rows[1]["sha256"] = "0" * 64  # packet changed after the manifest was written
    rows[2]["track"] = "başka"  # not a track
    rows.append(dict(rows[0], row=9, ref="Z1", e_posta="z@example.com", pdf="packets/yok.pdf"))
    save_manifest(tmp_path, manifest)
    code, _, err = run("mail", str(tmp_path))
    assert code == 1
    lines = err.splitlines()
    assert f"reddedildi: satır 2, {SUKRU.ref}: e-posta adresi kullanılamıyor: 'sukru@'" in lines
    assert any(line.startswith(f"reddedildi: satır 3, {ILKNUR.ref}: ") and "sha256" in line for line in lines)
    assert f"reddedildi: satır 4, {AYSE.ref}: bilinmeyen başvuru türü: 'başka'" in lines
    assert any(line.startswith("reddedildi: satır 9, Z1: paket okunamadı: yok.pdf") for line in lines)
    assert not list((tmp_path / "outbox").glob("*.eml"))


def test_a_refused_row_leaves_no_old_message_behind(tmp_path: Path) -> None:
    manifest = make_batch(tmp_path)
    assert run("mail", str(tmp_path))[0] == 0
    manifest["rows"][0]["sha256"] = "1" * 64
    save_manifest(tmp_path, manifest)
    assert run("mail", str(tmp_path))[0] == 1
    assert not (tmp_path / "outbox" / SUKRU.eml).exists()


def test_cr_lf_in_data_never_reaches_a_header(tmp_path: Path) -> None:
    manifest = make_batch(tmp_path)
    manifest["rows"][0]["name"] = "Şükrü\r\nBcc: kotu@example.com\r\nÖztürk"
    save_manifest(tmp_path, manifest)
    assert run("mail", str(tmp_path))[0] == 0
    message = parse(tmp_path / "outbox" / SUKRU.eml)
    assert message["Bcc"] is None
    assert message["To"].addresses[0].display_name == "Şükrü Bcc: kotu@example.com Öztürk"
    assert [a.addr_spec for a in message["To"].addresses] == ["sukru.ozturk@example.com"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "manifest yok"),
        ("{not json", "geçerli bir JSON değil"),
        ('["rows"]', "biçiminde bir manifest değil"),
        ('{"rows": 3}', "biçiminde bir manifest değil"),
        (b"\xff\xfe\x00", "UTF-8 değil"),
    ],
)
def test_a_missing_or_broken_manifest_is_one_line_and_exit_2(
    tmp_path: Path, content: str | bytes | None, expected: str
) -> None:
    if isinstance(content, bytes):
        (tmp_path / "manifest.json").write_bytes(content)
    elif content is not None:
        (tmp_path / "manifest.json").write_text(content, encoding="utf-8")
    code, out, err = run("mail", str(tmp_path))
    assert code == 2
    assert len(err.splitlines()) == 1 and err.startswith("hata: ") and expected in err
    assert "Traceback" not in out + err
    with pytest.raises(InputError):
        read_manifest(tmp_path)


def test_texts_can_be_reworded_and_unknown_placeholders_are_reported(tmp_path: Path) -> None:
    _odd_name(tmp_path)
    texts = tmp_path / "metinler"
    texts.mkdir()
    for track in ("kurum", "aile-hekimi", "bireysel"):
        (texts / f"{track}.txt").write_text(f"Merhaba $ad_soyad ($ref), {track} yolu.\n", encoding="utf-8")
        (texts / f"{track}.html").write_text("<p>Merhaba $ad_soyad</p>\n", encoding="utf-8")
    assert run("mail", str(tmp_path), "--templates", str(texts))[0] == 0
    plain, rich = texts_of(tmp_path / "outbox" / AYSE.eml)
    assert plain == f"Merhaba Ayşe & <Gül> Çelik ({AYSE.ref}), bireysel yolu.\n"
    assert rich == "<p>Merhaba Ayşe &amp; &lt;Gül&gt; Çelik</p>\n"

    (texts / "kurum.txt").write_text("Merhaba $adi\n", encoding="utf-8")
    (texts / "bireysel.html").unlink()
    code, _, err = run("mail", str(tmp_path), "--templates", str(texts))
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 2
    assert "kurum.txt: bilinmeyen yer tutucu $adi" in lines[0]
    assert "bireysel.html: e-posta şablonu okunamadı" in lines[1]
    with pytest.raises(TemplateError):
        mail.load_texts(texts)


def test_builtin_texts_use_only_known_placeholders() -> None:
    texts = mail.load_texts()
    assert set(texts) == {"kurum", "aile-hekimi", "bireysel"}


@pytest.mark.parametrize(
    ("text", "size"), [("10MB", 10 * 1024**2), ("500 KB", 500 * 1024), ("2m", 2 * 1024**2), ("12345", 12345)]
)
def test_parse_size(text: str, size: int) -> None:
    assert mail.parse_size(text) == size


def test_bad_max_size_is_a_usage_error(tmp_path: Path) -> None:
    make_batch(tmp_path)
    code, _, err = run("mail", str(tmp_path), "--max-size", "çok")
    assert code == 2 and "--max-size" in err


def test_commands_have_help() -> None:
    for command in ("mail", "send"):
        result = CliRunner().invoke(cli.cli, [command, "--help"])
        assert result.exit_code == 0 and "KLASÖR" in result.output


def test_a_duplicate_ref_is_refused_not_fatal(tmp_path: Path) -> None:
    manifest = make_batch(tmp_path)
    manifest["rows"].append(dict(manifest["rows"][0], row=12))
    save_manifest(tmp_path, manifest)
    code, out, err = run("mail", str(tmp_path))
    assert code == 1
    assert f"reddedildi: satır 12, {SUKRU.ref}: bu paket numarası manifestte birden çok kez var" in err
    assert "3 ileti" in out


def test_a_damaged_manifest_names_every_bad_entry_and_sends_nothing(tmp_path: Path) -> None:
    manifest = make_batch(tmp_path)
    manifest["rows"][2]["pdf"] = "../../etc/passwd"  # outside the folder
    manifest["rows"].append("bozuk kayıt")
    manifest["rows"].append(dict(manifest["rows"][0]))  # the same row number twice
    manifest["rows"].append({"row": 20, "status": "belki"})
    save_manifest(tmp_path, manifest)
    code, out, err = run("mail", str(tmp_path))
    assert code == 2 and "Traceback" not in out + err
    lines = err.splitlines()
    assert len(lines) == 4 and all(line.startswith("hata: ") for line in lines)
    assert "manifestin 3. kaydı bozuk: pdf yolu çıktı klasörünün dışını gösteriyor" in lines[0]
    assert "manifestin 5. kaydı bozuk: bir nesne değil" in lines[1]
    assert "satır 2 manifestte birden çok kez var" in lines[2]
    assert "manifestin 7. kaydı bozuk: status alanı 'belki'" in lines[3]
    assert not list((tmp_path / "outbox").glob("*.eml"))


def test_a_manifest_of_a_newer_formkit_is_refused(tmp_path: Path) -> None:
    manifest = make_batch(tmp_path)
    assert manifest["schema"] == 1
    manifest["schema"] = 99
    save_manifest(tmp_path, manifest)
    code, _, err = run("mail", str(tmp_path))
    assert code == 2
    assert "daha yeni bir formkit ile yazılmış (sürüm 99" in err and len(err.splitlines()) == 1


def test_an_address_holding_a_tc_number_is_masked_and_not_mailed(tmp_path: Path) -> None:
    from mail_support import Person

    tc = Person(2, "Ömer", "Güneş", "kurum", "", 7).tc
    person = Person(2, "Ömer", "Güneş", "kurum", f"{tc}@saglik.gov.tr", 7)
    manifest = make_batch(tmp_path, (person, ILKNUR))
    row = manifest["rows"][0]
    masked = f"{tc[:3]}******{tc[-2:]}@saglik.gov.tr"
    assert row["status"] == "ok" and row["e_posta"] == masked
    assert tc not in (tmp_path / "manifest.json").read_text(encoding="utf-8")
    code, out, err = run("mail", str(tmp_path))
    assert code == 1 and tc not in out + err
    expected = f"reddedildi: satır 2, {person.ref}: e-posta adresi T.C. kimlik numarası içeriyor ({masked})"
    assert expected in err
    assert sorted(p.name for p in (tmp_path / "outbox").glob("*.eml")) == [ILKNUR.eml]


def test_drafts_open_as_unsent_messages_in_outlook(tmp_path: Path) -> None:
    make_batch(tmp_path)
    code, out, err = run("mail", str(tmp_path), "--draft")
    assert code == 0, err
    assert "3 ileti" in out and "taslaklar: Outlook'ta çift tıklayın" in out and "ayrılmış" not in err
    assert not (tmp_path / "outbox").exists()
    drafts = sorted((tmp_path / "drafts").glob("*.eml"))
    assert [p.name for p in drafts] == sorted(p.eml for p in PEOPLE)
    for person in PEOPLE:
        message = parse(tmp_path / "drafts" / person.eml)
        assert message["X-Unsent"] == "1"
        assert [a.addr_spec for a in message["To"].addresses] == [person.e_posta]
        assert person.ref in texts_of(tmp_path / "drafts" / person.eml)[0]
    # `send` never sends a draft, even one moved into the outbox by hand.
    (tmp_path / "outbox").mkdir()
    (tmp_path / "outbox" / SUKRU.eml).write_bytes((tmp_path / "drafts" / SUKRU.eml).read_bytes())
    code, out, _ = run("send", str(tmp_path), "--dry-run")
    assert code == 0 and "taslak (X-Unsent: 1)" in out and "gönderilecek:" not in out


def test_a_message_whose_row_left_the_batch_is_removed(tmp_path: Path) -> None:
    manifest = make_batch(tmp_path)
    assert run("mail", str(tmp_path))[0] == 0
    (tmp_path / "outbox" / "not-ours.eml").write_bytes(b"Subject: el ile\n\nmetin\n")
    manifest["rows"] = [row for row in manifest["rows"] if row.get("ref") != AYSE.ref]
    save_manifest(tmp_path, manifest)
    code, _, err = run("mail", str(tmp_path))
    assert code == 0
    assert f"silindi: {AYSE.eml} (satırı artık manifestte yok)" in err
    names = sorted(p.name for p in (tmp_path / "outbox").glob("*.eml"))
    assert names == sorted([ILKNUR.eml, SUKRU.eml, "not-ours.eml"])


def test_a_tc_number_slipped_into_the_name_is_refused(tmp_path: Path) -> None:
    manifest = make_batch(tmp_path)
    manifest["rows"][2]["name"] = f"Ayşe Çelik {FULL_TC}"
    save_manifest(tmp_path, manifest)
    code, out, err = run("mail", str(tmp_path))
    assert code == 1 and f"satır 4, {AYSE.ref}: manifestte T.C. kimlik numarasına benzeyen" in err
    assert FULL_TC not in out + err
    assert not (tmp_path / "outbox" / AYSE.eml).exists()


def test_the_two_filename_parameters_fold_with_any_line_end() -> None:
    from email import policy

    header = mail._disposition("E-imza başvuru paketi - Ayşe Nur ÇELİKÖZ-ŞAHİNOĞLU.pdf", "E_imza.pdf")
    for linesep in ("\n", "\r\n"):
        folded = header.fold(policy=policy.default.clone(linesep=linesep))
        lines = folded.split(linesep)
        assert lines[-1] == "" and all(len(line) <= 78 for line in lines)
        assert "\r" not in folded.replace("\r\n", "") and "\n" not in folded.replace(linesep, "")
        assert lines[0] == "Content-Disposition: attachment;"
        assert lines[-2] == ' filename="E_imza.pdf"'


def test_message_ids_survive_shifted_rows_but_differ_between_batch_folders(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    manifest = make_batch(one)
    other = make_batch(two)
    other["batch"]["id"] = "ikinci-batch-calismasi"  # what another `formkit batch` run gets: its own id
    save_manifest(two, other)
    assert run("mail", str(one))[0] == 0 and run("mail", str(two))[0] == 0
    ids_one = {p.name: parse(p)["Message-ID"] for p in (one / "outbox").glob("*.eml")}
    ids_two = {p.name: parse(p)["Message-ID"] for p in (two / "outbox").glob("*.eml")}
    assert not set(ids_one.values()) & set(ids_two.values())
    # A row added at the top of the export shifts the row numbers; the messages keep their identity.
    for row in manifest["rows"]:
        row["row"] += 1
    save_manifest(one, manifest)
    code, out, _ = run("mail", str(one))
    assert code == 0
    assert ids_one == {p.name: parse(p)["Message-ID"] for p in (one / "outbox").glob("*.eml")}
    assert "0 yeni/değişen, 3 aynı" in out


@pytest.mark.parametrize(
    ("ref", "name"),
    [("27B9-8TGJ1", "27B9-8TGJ1.eml"), ("ÇŞ 1-ığ", "CS_1-ig.eml"), ("../../etc/passwd", "etc_passwd.eml")],
)
def test_outbox_file_names_are_ascii_and_stay_in_the_outbox(ref: str, name: str) -> None:
    assert mail.eml_name(ref) == name
