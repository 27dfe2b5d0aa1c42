from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from formkit import profile as profiles
from formkit.errors import ProfileError


def test_builtin_profile_reproduces_the_seed() -> None:
    p = profiles.load()
    assert p.bank.iban == "TR410001200959400005000047"
    assert p.bank.bank == "HALK BANKASI"
    assert p.bank.recipient == "MERSİN İL SAĞLIK MÜDÜRLÜĞÜ SERMAYE İŞLETMESİ"
    assert [i.amount for i in p.fees.items] == [Decimal("780.00"), Decimal("300.00")]
    assert p.fees.total == Decimal("1080.00")
    assert p.fees.valid_from == date(2024, 3, 12)
    assert p.kamusm.postcode == "41470" and p.kamusm.district == "Gebze"
    assert p.urls.portal == "https://portal.kamusm.gov.tr/bp/ws.go"
    assert len(p.fingerprint) == 64


def test_stale_fees_warn_after_the_2026_price_change() -> None:
    p = profiles.load()
    assert profiles.fee_warning(p, date(2024, 6, 1)) is None
    warning = profiles.fee_warning(p, date(2026, 11, 26))
    assert warning is not None and "01.01.2026 tarihinde değişti" in warning


def test_fees_newer_than_the_price_change_warn_only_when_over_a_year_old() -> None:
    from dataclasses import replace

    p = profiles.load()
    fresh = replace(p, fees=replace(p.fees, valid_from=date(2026, 2, 1)))
    assert profiles.fee_warning(fresh, date(2026, 11, 26)) is None
    old = profiles.fee_warning(fresh, date(2027, 3, 1))
    assert old is not None and "bir yıldan eski" in old and "değişti" not in old


def test_bad_profile_names_every_bad_key(tmp_path: Path) -> None:
    text = profiles.default_path().read_text(encoding="utf-8")
    text = text.replace("TR41 0001 2009 5940 0005 0000 47", "TR41 0001 2009 5940 0005 0000 48")
    text = text.replace('amount = "300.00"', 'amount = "-3"')
    text = text.replace("https://portal.kamusm.gov.tr/bp/ws.go", "http://portal.kamusm.gov.tr/bp/ws.go")
    text = text.replace("{TC}", "{TCKN}")
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        profiles.load(bad)
    lines = info.value.lines()
    keys = [line.split(": ")[1] for line in lines]
    assert keys == ["bank.iban", "bank.description", "fees.items[2].amount", "urls.portal"], lines
    assert all(line.startswith(str(bad)) for line in lines)


def test_unreadable_profile(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="okunamadı"):
        profiles.load(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[profile\nname=", encoding="utf-8")
    with pytest.raises(ProfileError, match="TOML"):
        profiles.load(broken)
