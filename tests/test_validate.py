"""formkit.input.validate: every rule of issue 2, on single rows and on the real files in tests/data/."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.tr import tckimlik

from formkit import turkish
from formkit.errors import ValidationError
from formkit.input.sources import FIELDS, REQUIRED_FIELDS, RawRow, open_table
from formkit.input.validate import applicant_from_values, parse_track, validate_all, validate_row
from formkit.model import Applicant, Problem, Track

TODAY = date(2026, 11, 26)
TC = "25881399814"
assert tckimlik.is_valid(TC)

GOOD = {
    "ad": "İlknur", "soyad": "Iğdır", "tc_kimlik_no": TC, "dogum_tarihi": "12.04.1978",
    "dogum_yeri": "Iğdır", "e_posta": "ilknur.igdir@example.com", "cep_telefonu": "0532 412 33 10",
    "kurum": "Yenişehir 5 Nolu ASM", "unvan": "Aile Hekimi", "adres": "Güvenevler Mah. 1907 Sok. No: 12",
    "il": "Mersin", "ilce": "Yenişehir", "posta_kodu": "33110", "basvuru_turu": "Aile Hekimi",
}  # fmt: skip


def row(number: int = 2, **changes: str) -> RawRow:
    return RawRow(source="liste.csv", row=number, values={**GOOD, **changes})


def problems(**changes: str) -> list[Problem]:
    result = validate_row(row(**changes), today=TODAY)
    assert isinstance(result, list), result
    return result


def only(field: str, **changes: str) -> str:
    found = problems(**changes)
    assert [p.field for p in found] == [field], found
    return found[0].message


def ok(**changes: str) -> Applicant:
    result = validate_row(row(**changes), today=TODAY)
    assert isinstance(result, Applicant), result
    return result


def test_valid_row_becomes_an_applicant() -> None:
    a = ok()
    assert (a.ad, a.soyad, a.tc_kimlik_no, a.dogum_tarihi) == ("İlknur", "Iğdır", TC, date(1978, 4, 12))
    assert a.cep_telefonu == "5324123310" and a.track is Track.AILE_HEKIMI and a.row == 2
    assert (a.sertifika_suresi, a.kart_okuyucu, a.baska_marka_cihaz, a.birim) == (
        "3 Yıl", "Mini Kart Okuyucu", False, "",
    )  # fmt: skip
    assert a.masked_tc == "258******14"


def test_names_keep_their_letters_and_upper_case_the_turkish_way() -> None:
    a = ok(ad="ilknur", soyad="ığdır")
    assert (a.ad, a.soyad) == ("ilknur", "ığdır")
    assert (turkish.upper(a.ad), turkish.upper(a.soyad)) == ("İLKNUR", "IĞDIR")
    assert turkish.upper(ok(ad="şükrü").ad) == "ŞÜKRÜ"
    assert "rakam içeremez" in only("ad", ad="Ali2")


@pytest.mark.parametrize("value", ["2,58814E+10", "2.58814E+10", "2,59E+10", "2.5881399814e10"])
def test_excel_scientific_notation_gets_its_own_message(value: str) -> None:
    message = only("tc_kimlik_no", tc_kimlik_no=value)
    assert "bilimsel gösterim" in message and "Metin" in message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("25881399815", "kontrol haneleri tutmuyor"),
        ("2588139981", "11 haneli olmalı (10 hane var)"),
        ("05881399814", "0 ile başlayamaz"),
        ("2588139981X", "yalnızca rakamlardan"),
        ("", "boş olamaz"),
    ],
)
def test_tc_rules(value: str, message: str) -> None:
    assert message in only("tc_kimlik_no", tc_kimlik_no=value)


@pytest.mark.parametrize("value", [" 258 813 998 14 ", "25881399814.0"])
def test_tc_spacing_and_number_cell_leftovers(value: str) -> None:
    assert ok(tc_kimlik_no=value).tc_kimlik_no == TC


@pytest.mark.parametrize(
    ("value", "normal"),
    [
        ("ilknur.igdir@example.com", "ilknur.igdir@example.com"),
        ("Ad.Soyad@Saglik.GOV.TR", "Ad.Soyad@saglik.gov.tr"),
        ("a_b+c@alt.example.org", "a_b+c@alt.example.org"),
    ],
)
def test_email_plausible(value: str, normal: str) -> None:
    assert ok(e_posta=value).e_posta == normal


@pytest.mark.parametrize(
    "value",
    ["ayse@ornek", "a@@b.com", "a@b@c.com", "ab.com", "a b@c.com", "ayşe@example.com", "a..b@c.com",
     ".a@b.com", "a@-b.com", "a@b.c1", "a@b..com", "a@.b.com"],
)  # fmt: skip
def test_email_implausible(value: str) -> None:
    only("e_posta", e_posta=value)


@pytest.mark.parametrize(
    "value",
    ["0532 412 33 10", "+90 (532) 412-3310", "5324123310", "905324123310", "0090 532 412 33 10",
     "(0532) 412 33 10", "0532.412.33.10", "+90 532 412 33 10"],
)  # fmt: skip
def test_mobile_in_any_usual_writing(value: str) -> None:
    assert ok(cep_telefonu=value).cep_telefonu == "5324123310"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0312 123 45 67", "5 ile başlamalı"),
        ("0532 412 33", "10 haneli"),
        ("+1 555 123 4567", "+90"),
        ("0532 ABC 33 10", "yalnızca rakam"),
        ("05324123310 / 05324123311", "10 haneli"),
    ],
)
def test_mobile_rules(value: str, message: str) -> None:
    assert message in only("cep_telefonu", cep_telefonu=value)


@pytest.mark.parametrize(
    "value", ["12.04.1978", "12.4.1978", "1978-04-12", "1978-4-12", "1978-04-12 00:00:00", " 12.04.1978 "]
)
def test_birth_date_formats(value: str) -> None:
    assert ok(dogum_tarihi=value).dogum_tarihi == date(1978, 4, 12)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31.02.1980", "gerçek bir tarih değil"),
        ("29.02.2023", "gerçek bir tarih değil"),
        ("12/04/1978", "gg.aa.yyyy"),
        ("12.04.78", "gg.aa.yyyy"),
        ("28592", "gg.aa.yyyy"),
        ("01.01.2031", "geçmiş bir tarih"),
        ("26.11.2026", "geçmiş bir tarih"),  # today is not in the past
        ("01.01.1899", "1900"),
    ],
)
def test_birth_date_rules(value: str, message: str) -> None:
    assert message in only("dogum_tarihi", dogum_tarihi=value)


def test_postcode() -> None:
    assert ok(posta_kodu=" 33 110 ").posta_kodu == "33110"
    assert "baştaki 0" in only("posta_kodu", posta_kodu="1000")
    assert "5 haneli" in only("posta_kodu", posta_kodu="331100")
    assert "5 haneli" in only("posta_kodu", posta_kodu="ABCDE")
    assert "plaka" in only("posta_kodu", posta_kodu="99000")


@pytest.mark.parametrize("name", REQUIRED_FIELDS)
def test_required_fields_are_not_empty_after_trimming(name: str) -> None:
    assert only(name, **{name: "  \u00a0 "}) == "boş olamaz"


def test_missing_key_is_empty() -> None:
    values = {k: v for k, v in GOOD.items() if k != "kurum"}
    result = validate_row(RawRow("x.json", 2, values), today=TODAY)
    assert isinstance(result, list) and [(p.field, p.message) for p in result] == [("kurum", "boş olamaz")]


@pytest.mark.parametrize(
    ("word", "track"),
    [
        ("Doktor", Track.KURUM), ("Yönetici", Track.KURUM), ("YÖNETİCİ", Track.KURUM), ("Kurum", Track.KURUM),
        ("kurum", Track.KURUM), ("Aile Hekimi", Track.AILE_HEKIMI), ("aile hekimi", Track.AILE_HEKIMI),
        ("AİLE HEKİMİ", Track.AILE_HEKIMI), ("aile-hekimi", Track.AILE_HEKIMI), ("Bireysel", Track.BIREYSEL),
        ("BİREYSEL", Track.BIREYSEL), ("Kişi Ödemeli", Track.BIREYSEL), ("KİŞİ ÖDEMELİ", Track.BIREYSEL),
        ("Hemşire", None), ("", None), ("  ", None),
    ],
)  # fmt: skip
def test_parse_track(word: str, track: Track | None) -> None:
    assert parse_track(word) is track


def test_unknown_track_lists_the_accepted_words() -> None:
    message = only("basvuru_turu", basvuru_turu="Hemşire")
    assert "'Hemşire' tanınmadı" in message
    for word in ("Doktor", "Yönetici", "Kurum", "Aile Hekimi", "Bireysel", "Kişi Ödemeli"):
        assert word in message
    assert ok(basvuru_turu="YÖNETİCİ").track is Track.KURUM


@pytest.mark.parametrize("bad", ["\r", "\n", "\x00", "\x1b", "\u202e", "\u2028", "a\tb"])
def test_control_characters_are_refused(bad: str) -> None:
    message = only("adres", adres=f"Güvenevler Mah.{bad}No: 12")
    assert "kontrol karakteri" in message


def test_spaces_are_trimmed_and_folded() -> None:
    a = ok(ad="  İlknur \u00a0  Nur ", adres=" Güvenevler   Mah.\t", kurum="\tASM  5 ")
    assert (a.ad, a.adres, a.kurum) == ("İlknur Nur", "Güvenevler Mah.", "ASM 5")


def test_garbled_letters_are_a_problem() -> None:
    assert "bozuk" in only("soyad", soyad="Iðdýr")


@pytest.mark.parametrize(
    ("value", "answer"),
    [("evet", True), ("Evet", True), ("EVET", True), ("true", True), ("TRUE", True), ("1", True), ("x", True),
     ("X", True), ("Doğru", True), ("hayır", False), ("HAYIR", False), ("false", False), ("0", False),
     ("", False), ("  ", False), ("Yanlış", False)],
)  # fmt: skip
def test_baska_marka_cihaz(value: str, answer: bool) -> None:
    assert ok(baska_marka_cihaz=value).baska_marka_cihaz is answer


def test_baska_marka_cihaz_unknown_word() -> None:
    assert "evet ya da hayır" in only("baska_marka_cihaz", baska_marka_cihaz="belki")


def test_optional_fields() -> None:
    a = ok(birim=" Acil  Servis ", sertifika_suresi="3 YIL", kart_okuyucu="Mini Kart Okuyucu")
    assert (a.birim, a.sertifika_suresi) == ("Acil Servis", "3 Yıl")
    assert ok(sertifika_suresi="3").sertifika_suresi == "3 Yıl"
    assert "1, 2 ya da 3 yıl" in only("sertifika_suresi", sertifika_suresi="5 yıl")


def test_every_problem_of_a_row_is_collected() -> None:
    found = problems(soyad="", e_posta="x", cep_telefonu="1", posta_kodu="1", basvuru_turu="?")
    assert [p.field for p in found] == ["soyad", "e_posta", "cep_telefonu", "posta_kodu", "basvuru_turu"]
    assert found[0].line() == "liste.csv, satır 2, soyad: boş olamaz"


def test_extra_cells_are_a_problem() -> None:
    raw = RawRow("liste.csv", 4, GOOD, extra=("fazla",))
    result = validate_row(raw, today=TODAY)
    assert isinstance(result, list) and "başlıktan fazla hücre" in result[0].message


def test_duplicate_tc_is_a_problem_on_every_such_row() -> None:
    other = "10000000146"
    assert tckimlik.is_valid(other)
    rows = [row(2), row(3, tc_kimlik_no=other), row(5, e_posta="bozuk"), row(7, tc_kimlik_no=f" {TC} ")]
    results = validate_all(rows, today=TODAY)
    assert [r.row for r, _ in results] == [2, 3, 5, 7]
    assert isinstance(results[1][1], Applicant)
    expected = {2: "5, 7", 5: "2, 7", 7: "2, 5"}
    for raw, result in [results[0], results[2], results[3]]:
        others = expected[raw.row]
        assert isinstance(result, list)
        dup = [p for p in result if p.field == "tc_kimlik_no"]
        assert len(dup) == 1 and f"({'258******14'}) {others}. satırda da var" in dup[0].message, raw


def test_no_message_ever_holds_a_full_tc(data_dir: Path) -> None:
    lines: list[str] = []
    for raw, result in validate_all(open_table(data_dir / "hatali.csv").rows(), today=TODAY):
        assert raw.source == "hatali.csv"
        if isinstance(result, list):
            lines += [p.line() for p in result]
    bad_values = ["25881399815", "2588139981", "05881399814", "2588139981X", "2,58814E+10"]
    for value in bad_values:
        lines += [p.line() for p in problems(tc_kimlik_no=value)]
    lines += [
        p.line() for _, r in validate_all([row(2), row(3)], today=TODAY) if isinstance(r, list) for p in r
    ]
    assert len(lines) > 15
    for line in lines:
        assert not re.search(r"\d{10,}", line), line


def test_hatali_csv_row_by_row(data_dir: Path) -> None:
    results = validate_all(open_table(data_dir / "hatali.csv").rows(), today=TODAY)
    fields = {raw.row: [p.field for p in r] if isinstance(r, list) else [] for raw, r in results}
    assert fields == {
        2: [], 3: ["tc_kimlik_no"], 4: ["tc_kimlik_no"], 5: ["soyad"], 6: ["e_posta", "cep_telefonu"],
        7: ["dogum_tarihi", "posta_kodu"], 8: ["basvuru_turu"], 9: ["tc_kimlik_no"], 10: ["tc_kimlik_no"],
        11: ["adres"], 12: ["dogum_tarihi"],
    }  # fmt: skip


@pytest.mark.parametrize(
    "name",
    ["personel_cp1254.csv", "personel_bom.csv", "personel_utf16.txt", "personel.xlsx", "personel.json"],
)
def test_real_exports_are_all_valid(data_dir: Path, name: str) -> None:
    results = validate_all(open_table(data_dir / name).rows(), today=TODAY)
    assert results and all(isinstance(r, Applicant) for _, r in results), results


def test_xlsx_applicants(data_dir: Path) -> None:
    results = validate_all(open_table(data_dir / "personel.xlsx").rows(), today=TODAY)
    applicants = [r for _, r in results if isinstance(r, Applicant)]
    assert [a.row for a in applicants] == [2, 3, 5, 6]
    assert applicants[0].dogum_tarihi == date(1978, 4, 12) and applicants[1].baska_marka_cihaz is True
    assert [a.track for a in applicants] == [Track.AILE_HEKIMI, Track.KURUM, Track.BIREYSEL, Track.KURUM]


def test_applicant_from_values() -> None:
    a = applicant_from_values({**GOOD, "GSM": "0505 123 45 67"} | {"cep_telefonu": "5051234567"})
    assert a.cep_telefonu == "5051234567" and a.row is None
    with pytest.raises(ValidationError) as info:
        applicant_from_values({**GOOD, "soyad": "", "renk": "mavi"}, source="kişi.json", row=3)
    lines = info.value.lines()
    assert lines == ["kişi.json, satır 3, renk: bilinmeyen alan", "kişi.json, satır 3, soyad: boş olamaz"]
    b = applicant_from_values({"Adı": "Şükrü", **{k: v for k, v in GOOD.items() if k != "ad"}})
    assert b.ad == "Şükrü"


PIECES = ["25881399814", "10000000146", "2,58814E+10", "0532", " ", "şğıİ", "@", ".", "-", "12", "1978",
          "Doktor", "\n", "x", "Ð", "+90", "\t"]  # fmt: skip
digits_and_text = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)


@settings(max_examples=80, deadline=None)
@given(st.fixed_dictionaries({name: digits_and_text for name in FIELDS}))
def test_no_problem_line_shows_a_long_digit_run(values: dict[str, str]) -> None:
    result = validate_row(RawRow("x.csv", 2, values), today=TODAY)
    if isinstance(result, list):
        for problem in result:
            assert not re.search(r"\d{10,}", problem.line()), problem


def test_validate_stream_gives_the_same_results_as_validate_all(data_dir: Path) -> None:
    """The two-pass streaming form (used by batch) must agree with validate_all, duplicates included."""
    from formkit.input.validate import validate_stream

    for name in ("personel_cp1254.csv", "personel.xlsx", "hatali.csv"):
        table = open_table(data_dir / name)
        day = date(2026, 1, 1)
        expected = [(raw.row, outcome) for raw, outcome in validate_all(table.rows(), today=day)]
        count, stream = validate_stream(table.rows, today=day)
        assert [(raw.row, outcome) for raw, outcome in stream] == expected
        assert count == len(expected)


def test_validate_stream_flags_duplicates_on_every_row() -> None:
    from formkit.input.validate import validate_stream

    other = "123456780" + tckimlik.calc_check_digits("123456780")
    rows = [row(2), row(3, tc_kimlik_no=other), row(4, tc_kimlik_no=f" {TC} ")]
    _, stream = validate_stream(lambda: rows, today=date(2026, 1, 1))
    streamed = [outcome for _, outcome in stream]
    assert [type(o).__name__ for o in streamed] == ["list", "Applicant", "list"]
    assert all(isinstance(o, list) and o[-1].field == "tc_kimlik_no" for o in (streamed[0], streamed[2]))
    assert streamed == [o for _, o in validate_all(rows, today=date(2026, 1, 1))]


# --- lengths: validate and batch give one answer -------------------------------------------------------


def test_a_100_kb_address_is_a_problem_of_its_field() -> None:
    (problem,) = problems(adres="Çiftlikköy Mah. " * 6400)
    assert problem.field == "adres" and problem.row == 2
    assert problem.message == "en çok 150 karakter olabilir (102399 karakter var); kısaltın"


def _widest(limit: int, word: str) -> str:
    return (f"{word} " * limit)[:limit].strip()


# W and M are the widest capitals. Names and places may be one long word: 17 letters is the longest word
# in a Turkish name we know of ("Karaosmanoğulları"), 16 the longest ilçe ("Mustafakemalpaşa").
@pytest.mark.parametrize("name_word", ["ĞÜMÜŞWMĞ", "ĞÜMÜŞWMĞĞÜMÜŞWMĞĞ"])
def test_every_field_at_its_limit_fits_every_page_of_every_track(name_word: str) -> None:
    """The limits are chosen so that what validate passes, batch can print: wide capitals in every text
    field at its limit at once, each track (cover, data sheet, checklist, payment page)."""
    from formkit import profile as profiles
    from formkit.input.validate import MAX_LENGTH
    from formkit.packet.builder import PacketBuilder

    texts = ("ad", "soyad", "dogum_yeri", "kurum", "unvan", "adres", "il", "ilce", "birim")
    names = {"ad", "soyad", "dogum_yeri", "il", "ilce"}
    long = {name: _widest(MAX_LENGTH[name], name_word if name in names else "ĞÜMÜŞWMĞ") for name in texts}
    long["e_posta"] = "w" * (MAX_LENGTH["e_posta"] - len("@saglik.gov.tr")) + "@saglik.gov.tr"
    profile = profiles.load(None)
    for track in ("Doktor", "Aile Hekimi", "Bireysel"):
        applicant = ok(**long, basvuru_turu=track)
        packet = PacketBuilder(profile).build(applicant)  # (--editable is refused since the data sheet)
        assert packet.pages >= 3
