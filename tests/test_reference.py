"""Packet references: format, stability, check symbol, secrecy of the key, the key file."""

from __future__ import annotations

import hashlib
import re
import stat
import sys
from pathlib import Path

import pytest

from formkit.packet import reference
from formkit.packet.reference import ALPHABET, check_symbol, make_ref, normalise_ref

REF = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{5}$")
TCS = ["10000000146", "12345678950", "25814736938", "79876543256", "34567891238"]


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_REF_KEY", "test-key")


def test_format_is_two_groups_and_a_check_symbol() -> None:
    for tc in TCS:
        ref = make_ref(tc)
        assert REF.match(ref), ref
        body = ref.replace("-", "")[:8]
        assert ref[-1] == check_symbol(body)
        assert tc not in ref


def test_stable_and_distinct() -> None:
    refs = [make_ref(tc) for tc in TCS]
    assert refs == [make_ref(tc) for tc in TCS]
    assert len(set(refs)) == len(refs)


def test_depends_on_the_secret_key_not_only_on_the_number() -> None:
    tc = TCS[0]
    assert make_ref(tc, b"one key") != make_ref(tc, b"another key")
    # Not a plain hash of the T.C. number: nobody without the key can rebuild it by trying numbers.
    plain = hashlib.sha256(tc.encode()).digest()
    number = int.from_bytes(plain[:5], "big")
    plain_body = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(8)))
    assert make_ref(tc).replace("-", "")[:8] != plain_body


def test_check_symbol_catches_every_single_error_and_neighbour_swap() -> None:
    ref = make_ref(TCS[1])
    compact = ref.replace("-", "")
    for i in range(len(compact)):
        for ch in ALPHABET:
            if ch != compact[i]:
                typo = compact[:i] + ch + compact[i + 1 :]
                assert normalise_ref(typo) is None, typo
    for i in range(len(compact) - 1):
        if compact[i] != compact[i + 1]:
            swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
            assert normalise_ref(swapped) is None, swapped


def test_normalise_accepts_what_people_type() -> None:
    ref = make_ref(TCS[2])
    assert normalise_ref(ref) == ref
    assert normalise_ref(ref.lower().replace("-", " ")) == ref
    assert normalise_ref(ref.replace("0", "O").replace("1", "l")) == ref
    assert normalise_ref("ABCD") is None


def test_key_file_is_created_once_and_reused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FORMKIT_REF_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("APPDATA", str(tmp_path))
    reference._file_key.cache_clear()
    try:
        first = make_ref(TCS[0])
        key_file = tmp_path / "formkit" / "ref.key"
        assert key_file.is_file()
        assert len(key_file.read_bytes().strip()) == 64
        if sys.platform != "win32":
            assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert [p.name for p in key_file.parent.iterdir()] == ["ref.key"]  # no temp file left
        reference._file_key.cache_clear()
        assert make_ref(TCS[0]) == first  # read back, not regenerated
    finally:
        reference._file_key.cache_clear()


def test_existing_key_file_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("FORMKIT_REF_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("APPDATA", str(tmp_path))
    (tmp_path / "formkit").mkdir()
    (tmp_path / "formkit" / "ref.key").write_text("shared office key\n")
    reference._file_key.cache_clear()
    try:
        assert make_ref(TCS[0]) == make_ref(TCS[0], b"shared office key")
    finally:
        reference._file_key.cache_clear()
