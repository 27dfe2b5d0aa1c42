"""The date of Kamu SM's price change is profile data with its source (`[fees] price_change`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from formkit import profile as profiles
from formkit.errors import ProfileError

BUILTIN_LINES = ("price_change = 2026-01-01\n", 'price_change_source = "kamusm-fiyat-2026"\n')


def variant(tmp_path: Path, *, drop: tuple[str, ...] = (), replace: tuple[tuple[str, str], ...] = ()) -> Path:
    text = profiles.default_path().read_text(encoding="utf-8")
    for line in drop:
        assert line in text
        text = text.replace(line, "")
    for old, new in replace:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "il.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_builtin_profile_has_the_change_with_its_source() -> None:
    p = profiles.load()
    assert p.fees.price_change == date(2026, 1, 1)
    assert p.fees.price_change_sources == ("kamusm-fiyat-2026",)
    source = p.sources["kamusm-fiyat-2026"]
    assert source.url.startswith("https://kamusm.bilgem.tubitak.gov.tr/")
    warning = profiles.fee_warning(p, date(2026, 11, 26))
    assert warning is not None and "01.01.2026 tarihinde değişti (kaynak: Kamu SM duyurusu" in warning
    assert source.url in warning


def test_the_warning_reads_the_date_from_the_profile(tmp_path: Path) -> None:
    path = variant(tmp_path, replace=(("price_change = 2026-01-01", "price_change = 2027-06-01"),))
    p = profiles.load(path)
    # Fees of 12.03.2024 are over a year old either way; the change named is the profile's.
    warning = profiles.fee_warning(p, date(2027, 7, 1))
    assert warning is not None and "01.06.2027 tarihinde değişti" in warning
    before = profiles.fee_warning(p, date(2027, 5, 1))  # before the change: only the one-year rule
    assert before is not None and "bir yıldan eski" in before and "değişti" not in before


def test_a_profile_without_the_date_loads_and_check_reports_it(tmp_path: Path) -> None:
    path = variant(tmp_path, drop=BUILTIN_LINES)
    p = profiles.load(path)
    assert p.fees.price_change is None
    warning = profiles.fee_warning(p, date(2026, 11, 26))
    assert warning is not None and "değişti" not in warning and "bir yıldan eski" in warning
    result = CliRunner().invoke(cli.cli, ["profile", "check", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "[fees] price_change" in result.stderr and "eksik" not in result.stdout
    builtin = CliRunner().invoke(cli.cli, ["profile", "check"])
    assert builtin.exit_code == 0 and "price_change" not in builtin.stderr


@pytest.mark.parametrize(
    ("change", "key", "message"),
    [
        (('price_change_source = "kamusm-fiyat-2026"\n', ""), "fees.price_change_source", "kaynak yok"),
        (('"kamusm-fiyat-2026"\n', '"uydurma"\n'), "fees.price_change_source", "bilinmeyen kaynak uydurma"),
        (("price_change = 2026-01-01", 'price_change = "01.01.2026"'), "fees.price_change", "tarih olmalı"),
    ],
)
def test_a_date_without_a_real_source_or_not_a_date_is_refused(
    tmp_path: Path, change: tuple[str, str], key: str, message: str
) -> None:
    path = variant(tmp_path, replace=(change,))
    with pytest.raises(ProfileError) as info:
        profiles.load(path)
    lines = info.value.lines()
    assert [line for line in lines if f": {key}: " in line and message in line], lines
    result = CliRunner().invoke(cli.cli, ["profile", "check", str(path)])
    assert result.exit_code == 2 and key in result.stderr
