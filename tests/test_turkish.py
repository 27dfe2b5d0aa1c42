from datetime import date
from decimal import Decimal

from formkit import turkish


def test_upper_follows_turkish_rules() -> None:
    assert turkish.upper("şükrü") == "ŞÜKRÜ"
    assert turkish.upper("ilknur") == "İLKNUR"
    assert turkish.upper("ığdır") == "IĞDIR"
    assert turkish.upper("istanbul") == "İSTANBUL"


def test_lower_and_title() -> None:
    assert turkish.lower("İSTANBUL IĞDIR") == "istanbul ığdır"
    assert turkish.title("ilknur ığdır-çelik") == "İlknur Iğdır-Çelik"


def test_fold_matches_headers_whatever_their_case_and_marks() -> None:
    assert turkish.fold("T.C. KİMLİK NO") == turkish.fold("TC Kimlik No") == "tckimlikno"
    assert turkish.fold("DOĞUM TARİHİ") == turkish.fold("Doğum tarihi") == "dogumtarihi"
    assert turkish.fold("Soyadı") == turkish.fold("SOYADI") == "soyadi"


def test_ascii_safe_is_for_file_names_only() -> None:
    assert turkish.ascii_safe("IĞDIR") == "IGDIR"
    assert turkish.ascii_safe("Şükrü Öz/../x") == "Sukru_Oz_x"
    assert turkish.ascii_safe("...") == "x"


def test_money_dates_iban_phone() -> None:
    assert turkish.format_amount(Decimal("1080")) == "1.080,00 TL"
    assert turkish.format_amount(Decimal("780.5"), "") == "780,50"
    assert turkish.format_amount(Decimal("1234567.891")) == "1.234.567,89 TL"
    assert turkish.format_date(date(1978, 4, 12)) == "12.04.1978"
    assert turkish.group_iban("tr410001200959400005000047") == "TR41 0001 2009 5940 0005 0000 47"
    assert turkish.format_phone("5324123310") == "0532 412 33 10"
