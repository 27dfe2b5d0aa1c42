"""The typed batch manifest: what is written is read back the same, and a damaged or newer file is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formkit.batch.manifest import (
    MANIFEST,
    Header,
    PrintFile,
    Row,
    RowProblem,
    Status,
    read_manifest,
    write_manifest,
)
from formkit.errors import InputError

TURKISH = st.text(
    alphabet="abcçdefgğhıijklmnoöprsştuüvyzABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ -'&<>\"\\", max_size=30
)
PROBLEMS = st.lists(st.builds(RowProblem, field=TURKISH, message=TURKISH), max_size=3).map(tuple)


@st.composite
def rows(draw: st.DrawFn) -> list[Row]:
    numbers = draw(st.lists(st.integers(2, 100_000), unique=True, max_size=8))
    out = []
    for number in numbers:
        status = draw(st.sampled_from(list(Status)))
        if status is Status.PENDING:
            out.append(Row(number, status))
        elif status is not Status.OK:
            out.append(Row(number, status, draw(PROBLEMS) or (RowProblem("", "sorun"),)))
        else:
            out.append(
                Row(
                    number,
                    status,
                    ref=draw(st.from_regex(r"[0-9A-Z]{4}-[0-9A-Z]{5}", fullmatch=True)),
                    name=draw(TURKISH),
                    ad=draw(TURKISH),
                    soyad=draw(TURKISH),
                    track=draw(st.sampled_from(["kurum", "aile-hekimi", "bireysel"])),
                    e_posta=draw(st.from_regex(r"[a-z.]{1,10}@[a-z]{1,8}\.gov\.tr", fullmatch=True)),
                    tc="258******14",
                    pdf=f"packets/{number}-{draw(st.from_regex(r'[A-Z_]{1,12}', fullmatch=True))}.pdf",
                    pages=draw(st.integers(1, 50)),
                    sha256="ab" * 32,
                    size=draw(st.integers(0, 10**9)),
                    mtime_ns=draw(st.integers(0, 2**62)),
                    key="cd" * 16,
                    form_source=draw(st.sampled_from(["portal", "profile", "data-sheet"])),
                    form_file=draw(st.none() | st.just("formlar/basvuru.pdf")),
                )
            )
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows(), name=TURKISH)
def test_what_is_written_is_read_back_the_same(tmp_path: Path, rows: list[Row], name: str) -> None:
    header = Header(id="b1", input=f"{name}.csv", profile="p", formkit="1", input_sha256="ef" * 32)
    printed = [PrintFile("print/basvurular-001.pdf", 3, True, "f" * 64, 12)]
    write_manifest(tmp_path / MANIFEST, header, reversed(rows), printed, ["uyarı: ş"])
    manifest = read_manifest(tmp_path)
    assert manifest.header == header and manifest.print_files == tuple(printed)
    assert manifest.rows == tuple(sorted(rows, key=lambda r: r.row))  # in row order, whatever the order set
    assert manifest.warnings == ("uyarı: ş",)


def test_an_address_holding_a_tc_number_is_written_masked(tmp_path: Path) -> None:
    row = Row(2, Status.OK, ref="A", track="kurum", pdf="packets/a.pdf", e_posta="26897684628@saglik.gov.tr")
    write_manifest(tmp_path / MANIFEST, Header("b", "x.csv"), [row])
    assert "26897684628" not in (tmp_path / MANIFEST).read_text(encoding="utf-8")
    assert read_manifest(tmp_path).rows[0].e_posta == "268******28@saglik.gov.tr"


def test_a_manifest_without_a_schema_is_version_1_and_a_newer_one_is_refused(tmp_path: Path) -> None:
    data = {"batch": {"id": "b", "input": "x.csv"}, "rows": [{"row": 2, "status": "failed", "reason": "yok"}]}
    (tmp_path / MANIFEST).write_text(json.dumps(data), encoding="utf-8")
    assert read_manifest(tmp_path).rows == (Row(2, Status.FAILED, (RowProblem("", "yok"),)),)
    (tmp_path / MANIFEST).write_text(json.dumps({**data, "schema": 2}), encoding="utf-8")
    with pytest.raises(InputError, match="daha yeni bir formkit"):
        read_manifest(tmp_path)


@pytest.mark.parametrize("cut", [1, 10, 100, 200])
def test_a_truncated_manifest_is_one_clear_error(tmp_path: Path, cut: int) -> None:
    write_manifest(
        tmp_path / MANIFEST, Header("b", "x.csv"), [Row(2, Status.OK, ref="A", track="kurum", pdf="p")]
    )
    data = (tmp_path / MANIFEST).read_bytes()
    (tmp_path / MANIFEST).write_bytes(data[:cut])
    with pytest.raises(InputError, match="manifest") as caught:
        read_manifest(tmp_path)
    assert "Traceback" not in caught.value.message


def test_a_manifest_over_the_size_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from formkit.batch import manifest

    write_manifest(tmp_path / MANIFEST, Header("b", "x.csv"), [Row(2, Status.PENDING)])
    monkeypatch.setattr(manifest, "MAX_BYTES", 10)
    with pytest.raises(InputError, match="manifest çok büyük"):
        read_manifest(tmp_path)
