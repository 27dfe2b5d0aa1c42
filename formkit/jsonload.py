"""The one safe way formkit reads a JSON file: size, nesting depth, number of values and digits limited.

`json.loads` alone turns hostile input into a RecursionError (100,000 nested lists), a ValueError (a
5,000-digit integer: Python's int limit) or gigabytes of memory. Here the file size is checked before
reading, the depth is counted on the text with the strings taken out (structure only, no recursion) before
parsing, and every number goes through a hook that refuses long ones: all as InputError, one Turkish line
naming the file. Used by the applicant readers (formkit.input.sources) and by `fill --data`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from formkit.errors import InputError
from formkit.limits import MAX_JSON_DEPTH, MAX_JSON_ITEMS, MAX_JSON_MB, MAX_NUMBER_DIGITS

_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


class _TooLong(Exception):
    """Raised from inside json's number hooks; turned into InputError below."""


def _depth(stripped: str) -> int:
    """The deepest nesting of [ and { in JSON text whose strings were removed (so theirs do not count)."""
    structure = _NOT_BRACKET.sub("", stripped)
    depth = deepest = 0
    for char in structure:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _number(text: str, convert: type[int] | type[float]) -> int | float:
    if sum(ch.isdigit() for ch in text) > MAX_NUMBER_DIGITS.value:
        raise _TooLong(text)
    value = convert(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text[:20]}… çok büyük bir sayı")
    return value


def _constant(name: str) -> Any:
    raise ValueError(f"{name} JSON'da geçerli bir değer değil")


def loads(text: str, *, label: str) -> Any:
    """Parse JSON text with the limits; `label` (the file name) starts every error message."""
    stripped = _STRING.sub('""', text)
    items = stripped.count(",") + stripped.count("[") + stripped.count("{")  # values, roughly: the memory
    if items > MAX_JSON_ITEMS.value:
        raise InputError(f"{label}: {MAX_JSON_ITEMS.message(f'JSON içinde yaklaşık {items} değer var')}")
    depth = _depth(stripped)
    if depth > MAX_JSON_DEPTH.value:
        raise InputError(f"{label}: {MAX_JSON_DEPTH.message(f'JSON çok derin iç içe ({depth} düzey)')}")
    try:
        return json.loads(
            text,
            parse_int=lambda s: _number(s, int),
            parse_float=lambda s: _number(s, float),
            parse_constant=_constant,
        )
    except _TooLong as exc:
        digits = sum(ch.isdigit() for ch in str(exc))
        raise InputError(
            f"{label}: {MAX_NUMBER_DIGITS.message(f'JSON içinde {digits} haneli bir sayı var')}"
        ) from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{label}: geçerli JSON değil (satır {exc.lineno}, sütun {exc.colno}: {exc.msg})"
        ) from exc
    except (ValueError, RecursionError) as exc:  # NaN/Infinity; recursion cannot happen after _depth
        raise InputError(f"{label}: geçerli JSON değil ({exc})") from exc


def load(path: Path) -> Any:
    """Read and parse a UTF-8 JSON file (a BOM is allowed) with the limits; InputError names the file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_JSON_MB.value * 1_000_000:
            raise InputError(
                f"{path}: {MAX_JSON_MB.message(f'JSON dosyası çok büyük ({size // 1_000_000} MB)')}"
            )
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: JSON dosyası UTF-8 olmalı") from exc
    except OSError as exc:
        raise InputError(f"{path}: dosya okunamadı ({exc.strerror or exc})") from exc
    return loads(text, label=str(path))


__all__ = ["load", "loads"]
