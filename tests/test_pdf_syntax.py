"""The object tokenizer behind the fast PDF paths (formkit/pdf/syntax.py), case by case."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formkit.errors import DamagedPdf
from formkit.pdf import syntax
from tests.test_pdf_join_tokens import literal_strings


def _renumbered(text: bytes) -> bytes:
    return syntax.renumber(text, syntax.mask(text), lambda n: b"%d 0 R" % (n + 100))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"<< /A 1 0 R /B [2 0 R 3 0 R] >>", b"<< /A 101 0 R /B [102 0 R 103 0 R] >>"),
        (b"<< /T (see 1 0 R here) /P 4 0 R >>", b"<< /T (see 1 0 R here) /P 104 0 R >>"),
        (b"<< /T (a \\) 1 0 R (in 2 0 R) b) /P 4 0 R >>", b"<< /T (a \\) 1 0 R (in 2 0 R) b) /P 104 0 R >>"),
        (b"<< /H <3120302052> /P 4 0 R >>", b"<< /H <3120302052> /P 104 0 R >>"),
        (b"<< /A 2 % 1 0 R >> stream\n /P 4 0 R >>", b"<< /A 2 % 1 0 R >> stream\n /P 104 0 R >>"),
        (b"<< /F12 0 /G 3 /R1 [0 1 0 R] >>", b"<< /F12 0 /G 3 /R1 [0 101 0 R] >>"),
    ],
)
def test_references_are_renumbered_only_where_they_are_tokens(text: bytes, expected: bytes) -> None:
    assert _renumbered(text) == expected


def test_the_stream_keyword_inside_a_string_does_not_split_the_object() -> None:
    body = b"<< /Note (x >> stream\n y) /Length 3 >>\nstream\nabc\nendstream\n"
    found = syntax.split_stream(body)
    assert found.stream == body.index(b"stream\nabc")
    assert found.text == body[: found.stream]
    assert len(found.masked) == len(found.text) and b"x >> stream" not in found.masked


def test_hex_strings_next_to_dictionary_delimiters_are_found() -> None:
    masked = syntax.mask(b"<< /K <</L<4142>>> /M 2 0 R >>")
    assert masked == b"<< /K <</L(    )>> /M 2 0 R >>"
    assert syntax.find_top(masked, b"/M") == (22, 27)  # "2 0 R"


@pytest.mark.parametrize(
    "text",
    [
        b"<< /T (unterminated >>",
        b"<< /H <41zz> >>",
        b"<< /Type /Page 5 >>",  # a number where a key must be
        b"<< /A [1 2 >>",
        b"<< /A 1 0 S >>",
        b"<< /A \xad >>",
        b"<< /A 1 >> trailing",
    ],
)
def test_damaged_objects_are_refused(text: bytes) -> None:
    with pytest.raises(DamagedPdf):
        syntax.split_stream(text)


def test_find_top_ignores_nested_dictionaries_and_strings() -> None:
    text = b"<< /Group << /Type /Group >> /Note (/Type /Pages) /Type /Page /Kids [1 0 R] >>"
    masked = syntax.mask(text)
    start, end = syntax.find_top(masked, b"/Type") or (0, 0)
    assert text[start:end] == b"/Page"
    span = syntax.find_top(masked, b"/Kids")
    assert span is not None and text[span[0] : span[1]] == b"[1 0 R]"
    assert syntax.find_top(masked, b"/S") is None


@settings(max_examples=200, deadline=None)
@given(strings=st.lists(literal_strings(), min_size=1, max_size=4))
def test_no_reference_is_found_inside_any_string(strings: list[bytes]) -> None:
    text = b"<< " + b" ".join(b"/S%d %s" % (i, s) for i, s in enumerate(strings)) + b" /P 7 0 R >>"
    masked = syntax.mask(text)
    assert len(masked) == len(text)
    assert [number for _, _, number in syntax.references(masked)] == [7]
    assert _renumbered(text) == text.replace(b"/P 7 0 R", b"/P 107 0 R")
