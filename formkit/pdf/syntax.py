"""PDF object syntax by tokens, for the fast paths that copy objects as bytes (the plain reader, the joiner,
the overlay import in the writer).

Object references (`12 0 R`) may only be renumbered where they are tokens: never inside a literal string
(`(see 1 0 R here)`, with nesting and backslash escapes), a hex string (`<0A1B>`), a comment (`% 1 0 R`)
or a name (digits that end a name, as in `/F12 0 R`, never start a reference). A stream's data is never
looked at: the object is split at its `stream` keyword found by the same tokenizer, so a string that holds
`>> stream` and a newline cannot split it. Inline images (`BI … ID … EI`) live only inside content streams,
which are copied untouched.

`mask` returns the object's text with every string, hex string and comment blanked to `(   )` or spaces, at
the same offsets: simple patterns (references, `/Type /Page`, `/Kids [...]`) then run over the masked text and
cannot match inside strings, while the original bytes are copied at the matched offsets. Every object's text
is also checked to be exactly one PDF object (`DamagedPdf` otherwise). A batch repeats the same dictionaries
in every packet, so these analyses are remembered in bounded caches keyed by the object's bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from formkit.errors import DamagedPdf

__all__ = ["Masked", "find_top", "mask", "references", "renumber", "split_stream"]

# A reference: two unsigned integers and R, each a whole token. The first integer must follow whitespace or a
# delimiter other than "/" (so digits ending a name or a real number never start one); R must end its token.
REFERENCE = re.compile(rb"(?<![^\s()<>\[\]{}%])(\d+)\s+(\d+)\s+R(?![^\s()<>\[\]{}/%])")
# The next byte that starts a string, a hex string or a comment; a run of "<<" pairs is skipped in one step
# (it opens dictionaries), "<" after it opens a hex string. `stream` is the keyword that ends an object's
# dictionary (the stream data after it is never scanned).
_SPECIAL = re.compile(rb"\(|%|(?<!<)(?:<<)*<(?!<)|(?<![^\s()<>\[\]{}%])stream(?=\r\n|\n)")
_STRING_BYTE = re.compile(rb"[()\\]")
_EOL = re.compile(rb"[\r\n]")
_HEX_BODY = re.compile(rb"[0-9A-Fa-f\s]*")
_LIMIT_DEPTH = 256  # nesting of parentheses inside one literal string


@dataclass(frozen=True)
class Masked:
    """An object's text up to its stream data: `text` as written, `masked` blanked, `stream` the offset of
    the `stream` keyword (None for an object without stream)."""

    text: bytes
    masked: bytes
    stream: int | None


def _plain(data: bytes) -> bool:
    """No string, hex string or comment can start here (every "<" is part of a "<<")."""
    return b"(" not in data and b"%" not in data and data.count(b"<") == 2 * data.count(b"<<")


def split_stream(body: bytes) -> Masked:
    """The object's text before its stream data, masked; DamagedPdf when it is not one well-formed object.

    `body` is everything between `n g obj` and `endobj`. The part from `stream` on is not scanned. The same
    dictionaries recur in every packet of a batch, so the scan of the text up to the first `stream` is
    remembered (a bounded cache keyed by those bytes).
    """
    at = body.find(b"stream")
    if at < 0:
        return _split_cached(body) if len(body) <= _CACHE_BYTES else _split(body)
    head = body[: at + 8]  # the keyword and its end of line: the scanner looks two bytes ahead
    if len(head) <= _CACHE_BYTES:
        try:
            found = _split_cached(head)
        except DamagedPdf:  # perhaps a string that the first "stream" is part of: scan it all
            found = None
        if found is not None and found.stream is not None:
            return found
    return _split(body)


# Bounded caches: at most _CACHE_ENTRIES texts of at most _CACHE_BYTES each (a few MB in the worst case;
# a packet's recurring heads are a few hundred bytes).
_CACHE_BYTES = 2048
_CACHE_ENTRIES = 2048


@lru_cache(maxsize=_CACHE_ENTRIES)
def _split_cached(body: bytes) -> Masked:
    return _split(body)


def _split(body: bytes) -> Masked:
    found = _scan(body)
    if _NOT_SYNTAX.search(found.masked) is not None:
        raise DamagedPdf("PDF bozuk: nesnede dizgi dışında beklenmeyen bayt")  # or raw bytes in a name
    _check_object(found.masked)
    return found


_OBJECT_TOKEN = re.compile(
    rb"\s*(?:(<<|>>|\[|\]|\( *\))|(?:(/[^\s()<>\[\]{}/%]*)|([+-]?(?:\d+\.?\d*|\.\d+))|(true|false|null|R))"
    rb"(?![^\s()<>\[\]{}/%]))"
)
_MAX_NESTING = 256


def _check_object(masked: bytes) -> None:
    """The text is exactly one PDF object (dictionary keys are names, references are `int int R`), else
    DamagedPdf: a damaged dictionary is reported rather than copied for each reader to guess at."""
    tokens: list[tuple[int, bytes]] = []  # (group: 1 delimiter, 2 name, 3 number, 4 keyword; text)
    pos = 0
    end = len(masked.rstrip())
    while pos < end:
        found = _OBJECT_TOKEN.match(masked, pos)
        if found is None:
            raise DamagedPdf("PDF bozuk: nesne sözdizimi okunamadı")
        group = found.lastindex or 0
        tokens.append((group, found.group(group)))
        pos = found.end()
    index = _object_end(tokens, 0, 0)
    if index != len(tokens):
        raise DamagedPdf("PDF bozuk: nesne sözdizimi okunamadı")


def _object_end(tokens: list[tuple[int, bytes]], index: int, depth: int) -> int:
    """Index after the one value starting at `index`; DamagedPdf when there is none."""
    if index >= len(tokens) or depth > _MAX_NESTING:
        raise DamagedPdf("PDF bozuk: nesne sözdizimi okunamadı")
    group, text = tokens[index]
    if group == 3:
        if (
            index + 2 < len(tokens)
            and tokens[index + 2] == (4, b"R")
            and tokens[index + 1][0] == 3
            and text.isdigit()
            and tokens[index + 1][1].isdigit()
        ):
            return index + 3
        return index + 1
    if group == 2 or (group == 4 and text != b"R") or (group == 1 and text.startswith(b"(")):
        return index + 1
    if text == b"[":
        index += 1
        while index < len(tokens) and tokens[index][1] != b"]":
            index = _object_end(tokens, index, depth + 1)
        if index >= len(tokens):
            raise DamagedPdf("PDF bozuk: kapanmamış dizi")
        return index + 1
    if text == b"<<":
        index += 1
        while index < len(tokens) and tokens[index][1] != b">>":
            if tokens[index][0] != 2:
                raise DamagedPdf("PDF bozuk: sözlük anahtarı bir ad değil")
            index = _object_end(tokens, index + 1, depth + 1)
        if index >= len(tokens):
            raise DamagedPdf("PDF bozuk: kapanmamış sözlük")
        return index + 1
    raise DamagedPdf("PDF bozuk: nesne sözdizimi okunamadı")


# Outside strings, comments and stream data PDF syntax is printable ASCII and whitespace.
_NOT_SYNTAX = re.compile(rb"[^\t\n\f\r\x00 -~]")


def _scan(body: bytes) -> Masked:
    if _plain(body) and b"stream" not in body:
        return Masked(body, body, None)
    parts: list[bytes] = []
    pos = 0
    stream: int | None = None
    while True:
        found = _SPECIAL.search(body, pos)
        if found is None:
            break
        start = found.start()
        first = body[start : start + 1]
        if first == b"s":  # the stream keyword
            stream = start
            break
        if first == b"%":
            eol = _EOL.search(body, start)
            end = len(body) if eol is None else eol.start()
            parts.append(body[pos:start])
            parts.append(b" " * (end - start))
        elif first == b"(":
            end = _string_end(body, start)
            parts.append(body[pos:start])
            parts.append(b"(" + b" " * (end - start - 2) + b")")
        else:  # a hex string, after any "<<" pairs
            hex_start = found.end() - 1
            body_match = _HEX_BODY.match(body, hex_start + 1)
            end = body_match.end() if body_match else hex_start + 1
            if body[end : end + 1] != b">":
                raise DamagedPdf("PDF bozuk: kapanmamış onaltılık dizgi")
            end += 1
            parts.append(body[pos:hex_start])
            # masked as a literal string: no "<" or ">" that could be mistaken for a dictionary's "<<" / ">>"
            parts.append(b"(" + b" " * (end - hex_start - 2) + b")")
        pos = end
    text = body if stream is None else body[:stream]
    parts.append(text[pos:])
    return Masked(text, b"".join(parts), stream)


def _string_end(data: bytes, start: int) -> int:
    """Offset just after the literal string opening at `start` (balanced parentheses, backslash escapes)."""
    close = data.find(b")", start + 1)
    if close > 0 and data.find(b"(", start + 1, close) < 0 and data.find(b"\\", start + 1, close) < 0:
        return close + 1  # the common string: no nesting, no escape
    depth = 0
    pos = start
    while True:
        found = _STRING_BYTE.search(data, pos)
        if found is None:
            raise DamagedPdf("PDF bozuk: kapanmamış dizgi")
        char = data[found.start() : found.start() + 1]
        pos = found.start() + 1
        if char == b"\\":
            pos += 1  # the escaped byte, whatever it is (an octal escape's digits need no care)
        elif char == b"(":
            depth += 1
            if depth > _LIMIT_DEPTH:
                raise DamagedPdf("PDF bozuk: dizgi çok derin iç içe")
        else:
            depth -= 1
            if depth == 0:
                return pos


def mask(text: bytes) -> bytes:
    """`text` (an object's text without stream data) with strings, hex strings and comments blanked."""
    masked = split_stream(text)
    if masked.stream is not None:
        raise DamagedPdf("PDF bozuk: beklenmeyen stream anahtar sözcüğü")
    return masked.masked


@lru_cache(maxsize=_CACHE_ENTRIES)
def references(masked: bytes) -> tuple[tuple[int, int, int], ...]:
    """(start, end, object number) of each reference token in a masked text (remembered: heads recur)."""
    return tuple((m.start(), m.end(), int(m.group(1))) for m in REFERENCE.finditer(masked))


def renumber(text: bytes, masked: bytes, new: Callable[[int], bytes]) -> bytes:
    """`text` with each reference replaced by `new(object number)` (found in `masked`, copied from `text`)."""
    spans = references(masked) if len(masked) <= _CACHE_BYTES else references.__wrapped__(masked)
    if not spans:
        return text
    out: list[bytes] = []
    pos = 0
    for start, end, number in spans:
        out.append(text[pos:start])
        out.append(new(number))
        pos = end
    out.append(text[pos:])
    return b"".join(out)


_TOKEN = re.compile(rb"<<|>>|\[|\]|\( *\)|/[^\s()<>\[\]{}/%]*|[^\s()<>\[\]{}/%]+")
_VALUE_REF = re.compile(rb"\s*" + REFERENCE.pattern)


def find_top(masked: bytes, key: bytes) -> tuple[int, int] | None:
    """(start, end) of the value of `key` (e.g. b"/Type") in the outermost dictionary of a masked text.

    The value is one token, a `n g R` reference, or a whole array or dictionary; None when the key is absent.
    """
    if key not in masked:
        return None
    return _find_top_cached(masked, key) if len(masked) <= _CACHE_BYTES else _find_top(masked, key)


@lru_cache(maxsize=_CACHE_ENTRIES)
def _find_top_cached(masked: bytes, key: bytes) -> tuple[int, int] | None:
    return _find_top(masked, key)


def _find_top(masked: bytes, key: bytes) -> tuple[int, int] | None:
    depth = 0
    tokens = _TOKEN.finditer(masked)
    for token in tokens:
        word = token.group()
        if word in (b"<<", b"["):
            depth += 1
        elif word in (b">>", b"]"):
            depth -= 1
            if depth <= 0:
                return None
        elif depth == 1 and word == key:
            return _value(masked, token.end())
    return None


def _value(masked: bytes, at: int) -> tuple[int, int] | None:
    ref = _VALUE_REF.match(masked, at)
    if ref is not None:
        return ref.start(1), ref.end()
    first = _TOKEN.search(masked, at)
    if first is None:
        return None
    word = first.group()
    if word not in (b"<<", b"["):
        if word in (b">>", b"]"):
            return None
        return first.start(), first.end()
    depth = 0
    for token in _TOKEN.finditer(masked, first.start()):
        inner = token.group()
        if inner in (b"<<", b"["):
            depth += 1
        elif inner in (b">>", b"]"):
            depth -= 1
            if depth == 0:
                return first.start(), token.end()
    return None
