"""Whatever is typed or scanned into the desk: an answer or one clear error, never a traceback, never a
T.C. number echoed back."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formkit.desk.receive import receive
from formkit.desk.store import DeskError, Store
from formkit.packet.reference import make_ref

KEY = b"test-key-desk-input"


def small_batch(folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    refs = [make_ref(str(10000000146 + n), KEY) for n in range(3)]
    rows = [
        {"row": n + 2, "status": "ok", "ref": ref, "name": "Ayşe Işık", "track": "kurum",
         "e_posta": "a@example.org", "tc": "100******46", "pdf": f"packets/{ref}.pdf"}
        for n, ref in enumerate(refs)
    ]  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps({"rows": rows}), encoding="utf-8")
    return refs


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, list[str]]]:
    folder = tmp_path_factory.mktemp("desk-input") / "b"
    refs = small_batch(folder)
    with Store(folder) as opened:
        yield opened, refs


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=120) | st.from_regex(r"[0-9A-Za-z -]{8,14}", fullmatch=True))
def test_any_input_is_an_answer_or_one_clear_line(store: tuple[Store, list[str]], typed: str) -> None:
    opened, refs = store
    try:
        scan = receive(opened, typed, who="test")
    except DeskError as exc:
        assert len(exc.lines()) == 1
        assert not re.search(r"\d{10,}", exc.message)  # digit runs are masked when echoed
        assert len(exc.message) < 400
    else:
        assert scan.applicant.ref in refs
