"""Score form filling on real-world AcroForms: formkit next to PyPDFForm and PyMuPDF, same values.

    python bench/fetch_form_corpus.py            # once: the PDFs listed in bench/form_corpus.csv
    python bench/form_corpus.py [--tools formkit,pypdfform,pymupdf] [--limit N] [--failures]

For every corpus PDF the fields are enumerated independently of the tools, with pypdf: every widget on
every page's /Annots, joined to its terminal field through /Parent (full dotted name, inherited /FT, /Ff,
/MaxLen, /Opt). Each field gets a value: Turkish text in every text field (short, unique per field, cut to
/MaxLen), every check box on, every radio group to its last state, every choice to its last option.

Scoring:
- flattened: a text or choice field is right when its value (for an (export, display) choice, the display
  text) is found, whitespace ignored, in the text pypdfium2 extracts inside one of its widgets' rectangles;
  a check box or radio group is right when the rendered pixels inside its "on" widget differ from the
  same tool's flattening of the form with every button set off.
- editable: the output is read back with pypdf, from each page's widgets to their fields (full names);
  a field is right when its /V is the value given (text),
  the on state (buttons), or the export value or display text (choices).
A form a tool refuses (exception, or every field left out) counts all its fields wrong and as refused.
PyMuPDF (AGPL) is imported only here, optionally. PyPDFForm 6 has no flattening (no flattened column).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject  # noqa: E402

from bench.fetch_form_corpus import CORPUS, MANIFEST, local_name  # noqa: E402

WORDS = ("Işığ", "Çöğ", "Şüİ", "Ğıç", "Ömü")
BUTTONS = ("checkbox", "radio")


@dataclass
class Field:
    """One terminal field with the widgets that show it (page index, rect, on state)."""

    name: str
    kind: str  # text | checkbox | radio | choice
    widgets: list[tuple[int, tuple[float, float, float, float], str]] = field(default_factory=list)
    max_len: int = 0
    options: list[tuple[str, str]] = field(default_factory=list)  # (export, display)
    value: Any = None  # what is filled in
    shown: str = ""  # what a flattened copy must show (text, choice)
    readonly: bool = False


def _get(obj: Any, key: str) -> Any:
    obj = obj.get_object() if isinstance(obj, IndirectObject) else obj
    if not isinstance(obj, DictionaryObject):
        return None
    value = obj.get(key)
    return value.get_object() if isinstance(value, IndirectObject) else value


def _inherited(node: Any, key: str) -> Any:
    for _ in range(64):
        if node is None:
            return None
        value = _get(node, key)
        if value is not None:
            return value
        node = _get(node, "/Parent")
    return None


def enumerate_fields(data: bytes) -> list[Field]:
    """Every fillable field that has a widget on a page, in page order (independent of the tools)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        found: dict[str, Field] = {}
        for index, page in enumerate(reader.pages):
            for annot in _get(page, "/Annots") or []:
                w = annot.get_object()
                if not isinstance(w, DictionaryObject) or w.get("/Subtype") != "/Widget":
                    continue
                terminal = w if "/T" in w else _get(w, "/Parent")
                if terminal is None:
                    continue
                parts = []
                node: Any = terminal
                for _ in range(64):
                    if node is None:
                        break
                    t = _get(node, "/T")
                    if t is not None:
                        parts.append(str(t))
                    node = _get(node, "/Parent")
                name = ".".join(reversed(parts))
                ft = _inherited(w, "/FT")
                ff = int(_inherited(w, "/Ff") or 0)
                if ft == "/Tx":
                    kind = "text"
                elif ft == "/Ch":
                    kind = "choice"
                elif ft == "/Btn" and not ff & (1 << 16):
                    kind = "radio" if ff & (1 << 15) else "checkbox"
                else:
                    continue
                if not name:
                    continue
                x1, y1, x2, y2 = (float(v) for v in (_get(w, "/Rect") or [0, 0, 0, 0]))
                rect = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
                normal = _get(_get(w, "/AP"), "/N")
                states = (
                    [str(s)[1:] for s in normal if s != "/Off"]
                    if isinstance(normal, DictionaryObject)
                    else []
                )
                f = found.setdefault(name, Field(name, kind))
                if f.kind != kind:
                    continue
                f.widgets.append((index, rect, states[0] if states else ""))
                f.readonly = bool(ff & 1)
                f.max_len = int(_inherited(w, "/MaxLen") or 0)
                opts = _inherited(w, "/Opt") or []
                f.options = [
                    (str(o[0]), str(o[1])) if isinstance(o, ArrayObject) and len(o) >= 2 else (str(o), str(o))
                    for o in (x.get_object() if isinstance(x, IndirectObject) else x for x in opts)
                ]
    fields = [f for f in found.values() if not (f.kind == "choice" and not f.options)]
    for i, f in enumerate(fields):
        if f.kind == "text":
            text = f"{WORDS[i % len(WORDS)]}{i}"
            if f.max_len:
                text = text[-f.max_len :] if f.max_len < len(text) else text
            f.value = f.shown = text
        elif f.kind == "checkbox":
            f.value = True
        elif f.kind == "radio":
            states = [s for _, _, s in f.widgets if s]
            if not states:
                f.value = None
                continue
            f.value = states[-1]
        else:
            f.value, f.shown = f.options[-1]
    return [f for f in fields if f.value is not None]


# --- the tools --------------------------------------------------------------------------------------------


def formkit_fill(data: bytes, fields: list[Field], flatten: bool) -> bytes:
    from formkit.acroform import engine

    template = engine.Template.from_bytes(data, source="corpus")
    values = {f.name: f.value for f in fields}
    if hasattr(engine, "fill_partial"):
        return engine.fill_partial(template, values, flatten=flatten).pdf
    return template.fill(values, flatten=flatten)


def formkit_empty(data: bytes, fields: list[Field]) -> bytes:
    from formkit.acroform import engine

    off: dict[str, str | bool] = {
        f.name: False if f.kind == "checkbox" else "" for f in fields if f.kind in BUTTONS
    }
    template = engine.Template.from_bytes(data, source="corpus")
    if hasattr(engine, "fill_partial"):
        return engine.fill_partial(template, off, flatten=True).pdf
    return template.fill(off, flatten=True)


def pypdfform_fill(data: bytes, fields: list[Field], flatten: bool) -> bytes:
    from PyPDFForm import PdfWrapper

    wrapper = PdfWrapper(data, use_full_widget_name=True)
    known = set(wrapper.widgets)
    values: dict[str, Any] = {}
    for f in fields:
        if f.name not in known:
            continue
        if f.kind == "radio":
            states = [s for _, _, s in f.widgets]
            values[f.name] = states.index(f.value)
        elif f.kind == "choice":
            values[f.name] = len(f.options) - 1
        else:
            values[f.name] = f.value
    out: bytes = wrapper.fill(values).read()
    return out


def pymupdf_fill(data: bytes, fields: list[Field], flatten: bool) -> bytes:
    import pymupdf

    by_name = {f.name: f for f in fields}
    doc = pymupdf.open(stream=data, filetype="pdf")
    for page in doc:
        for w in page.widgets():
            f = by_name.get(w.field_name)
            if f is None:
                continue
            if f.kind == "text":
                w.field_value = f.value
            elif f.kind == "checkbox":
                w.field_value = w.on_state()
            elif f.kind == "radio":
                if w.on_state() != f.value:
                    continue
                w.field_value = True
            else:
                w.field_value = f.value if f.value in (w.choice_values or []) else f.shown
            w.update()
    if flatten:
        doc.bake()
    out: bytes = doc.tobytes()
    return out


def pymupdf_empty(data: bytes, fields: list[Field]) -> bytes:
    import pymupdf

    buttons = {f.name for f in fields if f.kind in BUTTONS}
    doc = pymupdf.open(stream=data, filetype="pdf")
    for page in doc:
        for w in page.widgets():
            if w.field_name in buttons:
                w.field_value = False
                w.update()
    doc.bake()
    out: bytes = doc.tobytes()
    return out


TOOLS: dict[str, tuple[Callable[..., bytes], Callable[..., bytes] | None]] = {
    "formkit": (formkit_fill, formkit_empty),
    "pypdfform": (pypdfform_fill, None),
    "pymupdf": (pymupdf_fill, pymupdf_empty),
}


# --- scoring ----------------------------------------------------------------------------------------------


def _squash(text: str) -> str:
    return "".join(text.split())


def score_flat(out: bytes, empty: bytes, fields: list[Field]) -> list[bool]:
    """Per field: does the flattened output show it (text in its rectangle, or a changed box)?"""
    pdf = pdfium.PdfDocument(out)
    base = pdfium.PdfDocument(empty)
    texts: dict[int, Any] = {}
    renders: dict[tuple[int, bool], Any] = {}

    def render(doc: Any, index: int, key: bool) -> Any:
        if (index, key) not in renders:
            renders[(index, key)] = doc[index].render(scale=2).to_pil().convert("L")
        return renders[(index, key)]

    right = []
    for f in fields:
        ok = False
        for index, (x1, y1, x2, y2), state in f.widgets:
            if index >= len(pdf):
                continue
            if f.kind in ("text", "choice"):
                if index not in texts:
                    texts[index] = pdf[index].get_textpage()
                got = texts[index].get_text_bounded(left=x1 - 2, bottom=y1 - 2, right=x2 + 2, top=y2 + 2)
                if _squash(f.shown) in _squash(got):
                    ok = True
                    break
            elif f.kind == "checkbox" or state == f.value:
                if index >= len(base):
                    continue
                page = pdf[index]
                left, _, _, top = page.get_bbox()
                a, b = render(pdf, index, True), render(base, index, False)
                if a.size != b.size:
                    continue
                box = (int((x1 - left) * 2), int((top - y2) * 2), int((x2 - left) * 2), int((top - y1) * 2))
                ca, cb = a.crop(box), b.crop(box)
                if ca.size[0] > 0 and ca.size[1] > 0 and list(ca.getdata()) != list(cb.getdata()):
                    ok = True
                    break
        right.append(ok)
    return right


def read_values(data: bytes) -> dict[str, str]:
    """Full field name → /V as text, found from the widgets of every page (pypdf's get_fields keys by /TM)."""
    out: dict[str, str] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(io.BytesIO(data), strict=False)
        for page in reader.pages:
            for annot in _get(page, "/Annots") or []:
                w = annot.get_object()
                if not isinstance(w, DictionaryObject) or w.get("/Subtype") != "/Widget":
                    continue
                terminal = w if "/T" in w else _get(w, "/Parent")
                parts, node = [], terminal
                for _ in range(64):
                    if node is None:
                        break
                    if _get(node, "/T") is not None:
                        parts.append(str(_get(node, "/T")))
                    node = _get(node, "/Parent")
                value = _inherited(terminal, "/V")
                if parts and value is not None:
                    out.setdefault(".".join(reversed(parts)), str(value))
    return out


def score_editable(out: bytes, fields: list[Field]) -> list[bool]:
    """Per field: is the value given read back (as /V of the field its widgets belong to)?"""
    got = read_values(out)
    right = []
    for f in fields:
        value = got.get(f.name, "")
        if f.kind == "text":
            right.append(value == f.value)
        elif f.kind in ("checkbox", "radio"):
            want = f.value if f.kind == "radio" else next((s for _, _, s in f.widgets if s), "Yes")
            right.append(value.lstrip("/") == want)
        else:
            right.append(value in (f.value, f.shown))
    return right


@dataclass
class Tally:
    """Fields right / fields, forms fully right, forms refused, seconds."""

    right: int = 0
    total: int = 0
    full: int = 0
    refused: int = 0
    seconds: float = 0.0
    refused_names: list[str] = field(default_factory=list)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tools", default="formkit,pypdfform,pymupdf")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--failures", action="store_true", help="list every field a tool got wrong")
    parser.add_argument("--only", default="", help="only corpus files whose name contains this")
    args = parser.parse_args()
    tools = [t for t in args.tools.split(",") if t]
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if args.only:
        rows = [r for r in rows if args.only in r["path"]]
    if args.limit:
        rows = rows[: args.limit]
    tallies = {(t, mode): Tally() for t in tools for mode in ("flat", "edit")}
    forms = 0
    for row in rows:
        path = CORPUS / local_name(row["repo"], row["path"])
        if not path.exists():
            print(f"missing (run bench/fetch_form_corpus.py): {path.name}", file=sys.stderr)
            continue
        data = path.read_bytes()
        try:
            fields = enumerate_fields(data)
        except Exception:
            continue
        if not fields:
            continue
        forms += 1
        for tool in tools:
            fill, empty_fill = TOOLS[tool]
            for mode in ("flat", "edit"):
                if mode == "flat" and empty_fill is None:
                    continue
                tally = tallies[(tool, mode)]
                tally.total += len(fields)
                start = time.perf_counter()
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        out = fill(data, fields, mode == "flat")
                        right = (
                            score_flat(out, empty_fill(data, fields), fields)  # type: ignore[misc]
                            if mode == "flat"
                            else score_editable(out, fields)
                        )
                except Exception as exc:
                    tally.seconds += time.perf_counter() - start
                    tally.refused += 1
                    tally.refused_names.append(f"{path.name}: {type(exc).__name__}: {str(exc)[:150]}")
                    if args.failures:
                        traceback.print_exc(limit=2)
                    continue
                tally.seconds += time.perf_counter() - start
                tally.right += sum(right)
                tally.full += all(right)
                if args.failures:
                    for f, ok in zip(fields, right, strict=True):
                        if not ok:
                            print(f"{tool} {mode} {path.name}: {f.kind} {f.name!r} = {f.value!r}")
    print(f"{forms} forms, {tallies[(tools[0], 'edit')].total} fields\n")
    print("| tool | fields right (flattened) | forms fully right (flattened) | fields right (editable) "
          "| forms fully right (editable) | refused (flat/editable) |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for tool in tools:
        cells = []
        for mode in ("flat", "edit"):
            t = tallies[(tool, mode)]
            if t.total == 0:
                cells += ["—", "—"]
            else:
                cells += [f"{100 * t.right / t.total:.1f} % ({t.right}/{t.total})", f"{t.full}/{forms}"]
        refused = "/".join(
            str(tallies[(tool, m)].refused) if tallies[(tool, m)].total else "—" for m in ("flat", "edit")
        )
        print(f"| {tool} | {cells[0]} | {cells[1]} | {cells[2]} | {cells[3]} | {refused} |")
    for (tool, mode), t in tallies.items():
        for name in t.refused_names:
            print(f"refused by {tool} ({mode}): {name}", file=sys.stderr)


if __name__ == "__main__":
    main()
