"""The print-file joiner renumbers references by tokens: strings, comments and stream data stay as written.

Each defect test failed on the regex joiner (a string `(see 1 0 R here)` came out as `see null here`; a
string holding `>> stream` + newline split its object and left the rest unrenumbered). The property tests
join random pages (random strings with nesting and escapes, hex strings, comments, inline images) and check
that pypdf (strict) reads the same text and pdfium draws the same pixels as from the inputs; the mutation test
feeds a few hundred damaged inputs and accepts only a clear JoinError or an output that shows what the input
shows. Hypothesis runs a CI-sized profile; `FORMKIT_HYPOTHESIS=long` runs the long one (see README).
"""

from __future__ import annotations

import io
import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from formkit.errors import FormkitError, JoinError
from formkit.pdf.join import JoinWriter
from tests.pdfmake import Page, pixels, plain_pdf, texts

LONG = os.environ.get("FORMKIT_HYPOTHESIS") == "long"
settings.register_profile(
    "pdf-ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "pdf-long", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PROFILE = settings.get_profile("pdf-long" if LONG else "pdf-ci")
MUTATIONS = 3000 if LONG else 300


def _join(tmp_path: Path, *documents: bytes) -> bytes:
    target = tmp_path / "print.pdf"
    with JoinWriter(target) as joined:
        for index, document in enumerate(documents):
            joined.add(document, f"belge {index + 1}")
    return target.read_bytes()


def _show(text: bytes) -> bytes:
    return b"BT /F1 9 Tf 4 120 Td " + text + b" Tj ET"


# --- the two defects -------------------------------------------------------------------------------------


def test_a_reference_inside_a_string_is_not_renumbered(tmp_path: Path) -> None:
    page = Page(
        content=_show(b"(see 1 0 R here)"),
        extra=b"/Note (see 1 0 R here) /Hex <28312030205229> /Link 3 0 R",
    )
    source = plain_pdf([page])
    joined = _join(tmp_path, plain_pdf([Page(_show(b"(first)"))]), source)
    reader = PdfReader(io.BytesIO(joined), strict=True)
    second = reader.pages[1]
    assert "see 1 0 R here" in second.extract_text()
    assert second["/Note"] == "see 1 0 R here"
    assert second["/Hex"] == "(1 0 R)"
    assert second["/Link"].get_object()["/BaseFont"] == "/Helvetica"  # a real reference: renumbered
    assert b"see null here" not in joined


def test_a_string_holding_stream_keyword_does_not_split_the_object(tmp_path: Path) -> None:
    page = Page(
        content=_show(b"(whole page)"),
        extra=b"/Note (x >> stream\n y) /Other {0}",
        objects=[b"<< /Kept (yes) >>"],
    )
    source = plain_pdf([page])
    joined = _join(tmp_path, plain_pdf([Page(_show(b"(first)"))]), source)
    reader = PdfReader(io.BytesIO(joined), strict=True)
    second = reader.pages[1]
    assert second["/Note"] == "x >> stream\n y"
    assert second["/Other"].get_object()["/Kept"] == "yes"
    assert "whole page" in second.extract_text()
    assert pixels(joined)[1] == pixels(source)[0]


def test_comments_and_names_are_not_references(tmp_path: Path) -> None:
    page = Page(
        content=_show(b"(named)"),
        extra=b"/A1 2 % 1 0 R >> stream\n /Other {0}",
        objects=[b"<< /Kept (still) >>"],
    )
    joined = _join(tmp_path, plain_pdf([Page(_show(b"(x)"))]), plain_pdf([page]))
    second = PdfReader(io.BytesIO(joined), strict=True).pages[1]
    assert second["/A1"] == 2
    assert second["/Other"].get_object()["/Kept"] == "still"


# --- property tests --------------------------------------------------------------------------------------

_TRICKY = [b"1 0 R", b"2 0 R", b">> stream\n", b"endstream", b"endobj", b"%", b"<<", b">>", b"[", b"]", b"/N"]


@st.composite
def literal_strings(draw: st.DrawFn, depth: int = 0) -> bytes:
    """A valid literal string: random text, tricky words, escapes, balanced nesting."""
    pieces = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 5 if depth < 2 else 4))
        if kind == 0:
            pieces.append(draw(st.text(alphabet="abc XYZ 0123456789.-", max_size=8)).encode())
        elif kind == 1:
            pieces.append(draw(st.sampled_from(_TRICKY)))
        elif kind == 2:
            pieces.append(draw(st.sampled_from([b"\\(", b"\\)", b"\\\\", b"\\n", b"\\053", b"\\\n"])))
        elif kind == 3:
            pieces.append(b" ")
        elif kind == 4:
            pieces.append(b"\n")
        else:
            pieces.append(draw(literal_strings(depth + 1)))
    return b"(" + b"".join(pieces) + b")"


def _hex(data: bytes) -> bytes:
    return b"<" + data.hex().encode() + b">"


@st.composite
def pages(draw: st.DrawFn) -> Page:
    """A page whose content shows random strings (literal and hex), with comments and an inline image, and
    whose dictionary holds random strings, hex strings and comments around real references."""
    ops = []
    y = 130
    for _ in range(draw(st.integers(1, 4))):
        shown = draw(literal_strings()) if draw(st.booleans()) else _hex(draw(st.binary(max_size=8)))
        ops.append(b"BT /F1 7 Tf 2 %d Td %s Tj ET" % (y, shown))
        y -= 12
        if draw(st.booleans()):
            ops.append(b"% " + draw(st.sampled_from(_TRICKY)) + b" comment")
        if draw(st.booleans()):
            image = draw(st.binary(min_size=4, max_size=4))
            ops.append(b"q 40 0 0 40 60 20 cm BI /W 2 /H 2 /CS /G /BPC 8 ID " + image + b" EI Q")
    entries = []
    for index in range(draw(st.integers(0, 3))):
        value = draw(literal_strings()) if draw(st.booleans()) else _hex(draw(st.binary(max_size=6)))
        entries.append(b"/S%d %s" % (index, value))
        if draw(st.booleans()):
            entries.append(b"% " + draw(st.sampled_from(_TRICKY)) + b"\n")
    entries.append(b"/Ref {0}")
    if draw(st.booleans()):  # a name ending in digits right before a reference: /Q12 3 0 R
        entries.append(b"/Q%d {0}" % draw(st.integers(0, 99)))
    marker = draw(literal_strings())
    stream_extra = b"/Note " + draw(literal_strings()) if draw(st.booleans()) else b""
    return Page(
        content=b"\n".join(ops),
        extra=b" ".join(entries),
        stream_extra=stream_extra,
        objects=[b"<< /Marker " + marker + b" >>"],
    )


def _page_strings(data: bytes) -> list[dict[str, object]]:
    out = []
    for page in PdfReader(io.BytesIO(data), strict=True).pages:
        values: dict[str, object] = {k: page[k] for k in page if k.startswith("/S")}
        for key in page:
            if key == "/Ref" or key.startswith("/Q"):
                values[key] = page[key].get_object()["/Marker"]
        out.append(values)
    return out


@PROFILE
@given(documents=st.lists(st.lists(pages(), min_size=1, max_size=3), min_size=1, max_size=3))
def test_joined_pages_read_and_render_like_their_sources(
    tmp_path_factory: pytest.TempPathFactory, documents: list[list[Page]]
) -> None:
    sources = [plain_pdf(doc) for doc in documents]
    joined = _join(tmp_path_factory.mktemp("join"), *sources)
    assert texts(joined) == [text for source in sources for text in texts(source)]
    assert _page_strings(joined) == [strings for source in sources for strings in _page_strings(source)]
    assert pixels(joined) == [image for source in sources for image in pixels(source)]


# --- damaged inputs --------------------------------------------------------------------------------------


def _shown(data: bytes) -> tuple[list[bytes] | None, list[str] | None]:
    """What a document shows: pdfium's pixels and pypdf's text (None where it cannot be read)."""
    try:
        drawn: list[bytes] | None = pixels(data)
        if pixels(data) != drawn:  # pdfium's fallback for a font that lost its /BaseFont varies: no oracle
            drawn = None
    except Exception:
        drawn = None
    try:
        text: list[str] | None = texts(data, strict=False)
    except Exception:
        text = None
    return drawn, text


def _strict_pages(data: bytes) -> int | None:
    try:
        return len(PdfReader(io.BytesIO(data), strict=True).pages)
    except Exception:
        return None


def test_damaged_inputs_give_a_clear_error_or_what_the_input_shows(tmp_path: Path) -> None:
    rng = random.Random(12)
    page = Page(
        content=_show(b"(see 1 0 R \\( here)") + b"\n% 2 0 R\n" + _show(b"<414243>"),
        extra=b"/S0 (a >> stream\n b) /Ref {0}",
        objects=[b"<< /Marker (m) >>"],
    )
    original = plain_pdf([page, Page(_show(b"(second page)"))])
    errors = same = 0
    body = original.index(b"\n1 0 obj")  # the header line is the joiner's own (pdfium reads it for quirks)
    for _ in range(MUTATIONS):
        damaged = bytearray(original)
        for _ in range(rng.randint(1, 3)):
            damaged[rng.randrange(body, len(damaged))] = rng.randrange(256)
        data = bytes(damaged)
        try:
            joined = _join(tmp_path, data)
        except JoinError as exc:
            assert exc.lines() and "\n" not in exc.message  # one clear line, never a traceback
            errors += 1
            continue
        except FormkitError as exc:  # pragma: no cover - would be a wrong error class
            pytest.fail(f"unexpected error class {type(exc).__name__}: {exc.message}")
        drawn, text = _shown(data)
        drawn_out, text_out = _shown(joined)
        assert drawn is None or drawn_out == drawn, data
        assert text is None or text_out == text, data  # content streams are copied as they were
        if _strict_pages(data) is not None:  # a sound input gives a sound output
            assert _strict_pages(joined) == _strict_pages(data)
        same += 1
    assert errors + same == MUTATIONS
