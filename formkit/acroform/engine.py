"""The pypdf engine for any AcroForm template: list fields, fill, flatten or leave editable, in Turkish.

Why it is shaped like this:
- A `Template` is parsed once (in a worker thread with a time limit) and turned into a ready object
  table: every object the output needs is renumbered and serialised to bytes at load time. Filling a record
  then costs only what changes: the values are laid out by `pages.textfit` and written as a small content
  stream in the process-wide DejaVu subsets of `pages.fastdraw` (or, for characters outside them, drawn on
  a reportlab overlay canvas), the overlay becomes one Form XObject per page, and the output PDF is written
  by concatenating the cached template bytes with the few objects that differ (pages in flat mode; fields
  and widgets in editable mode). No per-page pypdf merge, no re-parsing of the template. (Profiled with
  cProfile: reportlab's per-document font subsetting and a pypdf parse of the overlay were ~90% of a fill.)
- Flattened output has no widgets and no /AcroForm; nothing is rasterised. Editable output keeps the fields,
  sets /V, and gives each filled widget an appearance stream that shows the overlay clipped to the widget's
  rectangle, so viewers that ignore NeedAppearances still show the value with the embedded font.
- Templates from outside are untrusted: size and page caps, pypdf's decompression limits, a parse time limit,
  JavaScript and usage-rights stripped from the output with a warning. Every pypdf exception becomes a
  TemplateError here; nothing raw reaches the user.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import re
import threading
import tomllib
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib.colors import Color

from formkit import turkish
from formkit.errors import InputError, TemplateError, ValidationError
from formkit.fileio import write_atomic
from formkit.model import Problem
from formkit.pdf import fastdraw, fonts, limits, textfit
from formkit.pdf import writer as pdfout

logging.getLogger("pypdf").addHandler(logging.NullHandler())  # its recovery notes are not the user's business

MAX_BYTES = limits.MAX_BYTES  # one size and page limit for every PDF a user gives (pdf/limits.py)
MAX_PAGES = limits.MAX_PAGES
PARSE_SECONDS = 15.0  # time limit for parsing and preparing one template

T = TypeVar("T")

_FF_READONLY = 1 << 0
_FF_REQUIRED = 1 << 1
_FF_MULTILINE = 1 << 12
_FF_RADIO = 1 << 15
_FF_PUSHBUTTON = 1 << 16
_FF_COMB = 1 << 24
_F_HIDDEN = 1 << 1
_OVERLAY = NameObject("/FormkitFill")
_DA_SIZE = re.compile(rb"([0-9.]+)\s+Tf")
_DA_FONT = re.compile(rb"/([^\s/]+)\s+[0-9.]+\s+Tf")
_DA_RGB = re.compile(rb"([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+rg")
_DA_GRAY = re.compile(rb"([0-9.]+)\s+g(?:\s|$)")
# catalog entries a flattened copy keeps (bookmarks, layers, labels...); /AcroForm, /AA, /OpenAction, /Perms
# and the structure tree (it points at the widgets) are not kept, and /Names loses its JavaScript tree
_CHANGING = ("/V", "/AS", "/AP")  # the keys a record changes in a field or widget (editable output)
_CATALOG_KEEP = (
    "/Lang", "/ViewerPreferences", "/PageLayout", "/PageMode", "/PageLabels", "/Metadata", "/Version",
    "/Outlines", "/OCProperties", "/Dests",
)  # fmt: skip


@dataclass(frozen=True)
class FieldInfo:
    """One fillable field of a template, as `formkit fields` shows it."""

    name: str  # fully qualified: parent.child
    type: str  # text | checkbox | radio | choice | signature
    page: int  # 1-based page of its first widget (0 when it has none)
    rect: tuple[float, float, float, float]  # x1, y1, x2, y2 of its first widget
    multiline: bool = False
    readonly: bool = False
    required: bool = False
    max_len: int = 0
    comb: bool = False
    on_states: tuple[str, ...] = ()  # check box / radio export names
    options: tuple[str, ...] = ()  # choice options

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (for `formkit fields --json`)."""
        return {
            "name": self.name,
            "type": self.type,
            "page": self.page,
            "rect": [round(v, 2) for v in self.rect],
            "multiline": self.multiline,
            "readonly": self.readonly,
            "required": self.required,
            "max_len": self.max_len,
            "comb": self.comb,
            "on_states": list(self.on_states),
            "options": list(self.options),
        }


@dataclass(frozen=True)
class _Widget:
    key: tuple[int, int]  # (object number, generation) in the template
    page: int  # 0-based
    rect: tuple[float, float, float, float]  # x, y, w, h
    on_state: str  # this widget's on appearance name ("" for text)
    hidden: bool
    has_ap: bool
    frame: fastdraw.Frame | None = None  # border/background from /MK, drawn when flattening
    rotation: int = 0  # /MK /R, else the page's /Rotate: text is laid out upright for the reader

    def local(self) -> tuple[tuple[float, float, float, float], fastdraw.Matrix | None]:
        """The rectangle to lay out in, and the matrix that places it on the page (None: page space)."""
        x, y, w, h = self.rect
        r = self.rotation
        if r == 0:
            return self.rect, None
        if r == 90:
            return (0.0, 0.0, h, w), (0.0, 1.0, -1.0, 0.0, x + w, y)
        if r == 180:
            return (0.0, 0.0, w, h), (-1.0, 0.0, 0.0, -1.0, x + w, y + h)
        return (0.0, 0.0, h, w), (0.0, -1.0, 1.0, 0.0, x, y + h)


@dataclass(frozen=True)
class _Field:
    info: FieldInfo
    key: tuple[int, int]  # the terminal field dictionary
    widgets: tuple[_Widget, ...]
    size: float  # from /DA (0 = auto)
    font: str  # reportlab font name: bold when /DA names a bold font of /DR
    color: tuple[float, float, float]
    align: int
    current: str  # the template's own /V (text) or on-state (buttons)


@dataclass(frozen=True)
class _Overlay:
    """One record's drawing: font-pack content streams per page, or a reportlab PDF (pages in `order`)."""

    streams: dict[int, bytes] = field(default_factory=dict)
    with_bold: bool = False  # which font pack the streams are encoded for
    pdf: bytes = b""
    order: list[int] = field(default_factory=list)


class Template:
    """An AcroForm template, parsed once and reused for every record."""

    def __init__(self, data: bytes, *, source: str = "şablon", time_limit: float = PARSE_SECONDS) -> None:
        self.source = source
        self._data = data
        self._time_limit = time_limit
        self.warnings: tuple[str, ...] = ()
        self.fields: tuple[FieldInfo, ...] = ()
        self.page_count = 0
        self._fields: dict[str, _Field] = {}
        self._pages: list[dict[str, Any]] = []
        self._flat = pdfout.Base()
        self._edit = pdfout.Base()
        _with_time_limit(lambda: self._load(data), time_limit, source)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle as the raw bytes: a worker process (spawn) parses the template once for itself."""
        return (_rebuild_template, (self._data, self.source, self._time_limit))

    @classmethod
    def from_bytes(cls, data: bytes, *, source: str = "şablon") -> Template:
        """Parse a template held in memory."""
        return cls(data, source=source)

    @classmethod
    def from_path(cls, path: Path | str) -> Template:
        """Read and parse a template file (size-capped before reading)."""
        path = Path(path)
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise TemplateError(
                    f"{path}: şablon çok büyük ({size // 1024} KB; en çok {MAX_BYTES // 1024} KB)"
                )
            data = path.read_bytes()
        except OSError as exc:
            raise TemplateError(f"{path}: okunamadı ({exc.strerror or exc})") from exc
        return cls(data, source=str(path))

    def list_fields(self) -> tuple[FieldInfo, ...]:
        """Every fillable field (buttons that only push are left out), in document order."""
        return self.fields

    # -- loading ---------------------------------------------------------------------------------------

    def _fail(self, message: str) -> TemplateError:
        return TemplateError(f"{self.source}: {message}")

    def _load(self, data: bytes) -> None:
        if len(data) > MAX_BYTES:
            raise self._fail(f"şablon çok büyük ({len(data) // 1024} KB; en çok {MAX_BYTES // 1024} KB)")
        if b"%PDF-" not in data[:1024]:
            raise self._fail("PDF dosyası değil")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._open(data)
        except TemplateError:
            raise
        except FileNotDecryptedError as exc:
            raise self._fail("şifreli; açmak için parola gerekiyor") from exc
        except (RecursionError, MemoryError) as exc:
            raise self._fail("PDF çözümlenemedi (iç içe yapı çok derin veya çok büyük)") from exc
        except (PdfReadError, PyPdfError) as exc:
            raise self._fail("PDF okunamıyor (bozuk, eksik veya başlıktan sonrası geçersiz)") from exc
        except Exception as exc:
            raise self._fail(f"PDF okunamıyor (bozuk veya beklenmeyen yapı: {type(exc).__name__})") from exc

    def _open(self, data: bytes) -> None:
        reader = PdfReader(io.BytesIO(data), strict=False)
        limits.unlock(reader, self._fail)  # the one encryption rule: empty user password only
        count = len(reader.pages)
        limits.check_pages(count, self._fail, MAX_PAGES)
        self.page_count = count
        self._inspect(reader)
        self._build_flat(reader)
        self._build_editable(reader)

    def _inspect(self, reader: PdfReader) -> None:
        root: Any = reader.trailer["/Root"]
        acro = _get(root, "/AcroForm")
        notes: list[str] = []
        if "/Perms" in root:
            notes.append("şablonda kullanım hakları (/Perms) var; çıktıda kaldırıldı")
        if _has_javascript(reader, root):
            notes.append("şablonda JavaScript var; çıktıya alınmadı")
        page_of: dict[tuple[int, int], int] = {}
        for index, page in enumerate(reader.pages):
            for annot in _get(page, "/Annots") or []:
                if isinstance(annot, IndirectObject):
                    page_of[(annot.idnum, annot.generation)] = index
        self._pages = []
        for page in reader.pages:
            box = [float(v) for v in page.mediabox]
            self._pages.append({"box": box, "rotate": int(_get(page, "/Rotate", 0) or 0)})
        fields: dict[str, _Field] = {}
        default_da = _text(_get(acro, "/DA"))
        dr_fonts = _get(_get(acro, "/DR"), "/Font") or {}
        self._bold_names = {
            str(name)[1:] for name in dr_fonts if "Bold" in str(_get(dr_fonts, name, {}).get("/BaseFont", ""))
        }
        default_q = int(_get(acro, "/Q", 0))
        top = _get(acro, "/Fields")
        for ref in top or []:
            self._walk(ref, "", {}, fields, page_of, default_da, default_q, 0)
        signed = any(f.info.type == "signature" and f.current for f in fields.values())
        if signed:
            notes.append("şablon imzalı; doldurmak imzayı geçersiz kılar")
        fillable = {name: f for name, f in fields.items() if f.info.type != "pushbutton"}
        if not fillable:
            if acro is not None and "/XFA" in acro:
                raise self._fail("doldurulabilir alan yok: yalnızca XFA formu (XFA desteklenmiyor)")
            raise self._fail("doldurulabilir alan yok (no fillable fields)")
        if acro is not None and "/XFA" in acro:
            notes.append("şablonda XFA var; yalnızca AcroForm alanları dolduruldu, XFA çıktıda kaldırıldı")
        self._fields = fillable
        self.fields = tuple(f.info for f in fillable.values())
        self.warnings = tuple(notes)

    def _walk(
        self,
        ref: Any,
        prefix: str,
        inherited: dict[str, Any],
        out: dict[str, _Field],
        page_of: dict[tuple[int, int], int],
        default_da: str,
        default_q: int,
        depth: int,
    ) -> None:
        if depth > 32 or not isinstance(ref, IndirectObject):
            return
        node = ref.get_object()
        if not isinstance(node, DictionaryObject):
            return
        partial = _text(node.get("/T"))
        name = f"{prefix}.{partial}" if prefix and partial else (partial or prefix)
        inh = dict(inherited)
        for key in ("/FT", "/Ff", "/DA", "/Q", "/MaxLen", "/V", "/Opt"):
            if key in node:
                inh[key] = node[key]
        kids = _get(node, "/Kids") or []
        field_kids = [k for k in kids if isinstance(k, IndirectObject) and _get(k, "/T") is not None]
        if field_kids:
            for kid in field_kids:
                self._walk(kid, name, inh, out, page_of, default_da, default_q, depth + 1)
            return
        widgets_refs = [k for k in kids if isinstance(k, IndirectObject)] or [ref]
        widgets = []
        for wref in widgets_refs:
            w: Any = wref.get_object()
            wkey = (wref.idnum, wref.generation)
            page = page_of.get(wkey, -1)  # a widget on no page's /Annots is shown by no viewer either
            x1, y1, x2, y2 = (float(v) for v in _get(w, "/Rect", [0, 0, 0, 0]))
            rect = (min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1))
            ap = _get(w, "/AP")
            normal = _get(ap, "/N")
            states = (
                [str(s)[1:] for s in normal if s != "/Off"] if isinstance(normal, DictionaryObject) else []
            )
            hidden = bool(int(_get(w, "/F", 0)) & _F_HIDDEN)
            frame = _frame(w)
            on = states[0] if states else ""
            rotation = _get(_get(w, "/MK"), "/R")
            if rotation is None and page >= 0:
                rotation = self._pages[page]["rotate"]
            turn = int(rotation or 0) % 360
            turn = turn if turn in (90, 180, 270) else 0
            widgets.append(_Widget(wkey, page, rect, on, hidden, ap is not None, frame, turn))
        if not name:
            return
        ft = inh.get("/FT")
        ff = int(inh.get("/Ff", 0))
        kind = {"/Tx": "text", "/Ch": "choice", "/Sig": "signature"}.get(str(ft), "")
        if ft == "/Btn":
            kind = "pushbutton" if ff & _FF_PUSHBUTTON else "radio" if ff & _FF_RADIO else "checkbox"
        if not kind:
            return
        da = _text(inh.get("/DA")) or default_da
        raw_v = inh.get("/V")
        current = ""
        if kind in ("checkbox", "radio"):
            current = str(raw_v)[1:] if isinstance(raw_v, NameObject) and raw_v != "/Off" else ""
        elif kind == "signature":
            current = "signed" if raw_v is not None else ""
        elif raw_v is not None and not isinstance(raw_v, ArrayObject):
            current = _text(raw_v)
        options = tuple(
            _text(o[0] if isinstance(o, ArrayObject) else o) for o in (inh.get("/Opt") or []) if o is not None
        )
        first = widgets[0] if widgets else None
        on_states = tuple(dict.fromkeys(w.on_state for w in widgets if w.on_state))
        if kind == "checkbox" and not on_states:
            on_states = ("Yes",)
        x, y, w_, h = first.rect if first else (0.0, 0.0, 0.0, 0.0)
        info = FieldInfo(
            name=name,
            type=kind,
            page=(first.page + 1) if first and first.page >= 0 else 0,
            rect=(x, y, x + w_, y + h),
            multiline=bool(ff & _FF_MULTILINE) and kind == "text",
            readonly=bool(ff & _FF_READONLY),
            required=bool(ff & _FF_REQUIRED),
            max_len=int(inh.get("/MaxLen", 0) or 0) if kind == "text" else 0,
            comb=bool(ff & _FF_COMB) and kind == "text",
            on_states=on_states if kind in ("checkbox", "radio") else (),
            options=options if kind == "choice" else (),
        )
        if name in out:  # a second terminal with the same name: keep the first, widgets are the same field
            return
        out[name] = _Field(
            info=info,
            key=(ref.idnum, ref.generation),
            widgets=tuple(widgets),
            size=_da_size(da),
            font=fonts.BOLD if _da_font(da) in self._bold_names else fonts.REGULAR,
            color=_da_color(da),
            align=int(inh.get("/Q", default_q) or 0),
            current=current,
        )

    def _build_flat(self, reader: PdfReader) -> None:
        """Object table of the flattened output: pages without widgets, no /AcroForm, no JavaScript."""
        base = self._flat
        nums = pdfout.Numbering(1)
        pages_num = nums.fresh()
        root_num = nums.fresh()
        info_num = nums.fresh()
        self._flat_pages: list[int] = []
        self._flat_page_dicts: list[DictionaryObject] = []
        page_refs = []
        for page in reader.pages:
            ref = page.indirect_reference
            assert ref is not None
            num = nums.number(ref)
            nums.pending = [(n, r) for n, r in nums.pending if n != num]  # pages are written per record
            self._flat_pages.append(num)
            page_refs.append(num)
            d = DictionaryObject({k: v for k, v in page.items() if k not in ("/Parent", "/Annots", "/AA")})
            d[NameObject("/Parent")] = pdfout.Ref(pages_num)
            annots = [a for a in (_get(page, "/Annots") or []) if not _is_widget(a)]
            if annots:
                d[NameObject("/Annots")] = ArrayObject(annots)
            self._flat_page_dicts.append(d)
        catalog = DictionaryObject({NameObject("/Type"): NameObject("/Catalog")})
        root: Any = reader.trailer["/Root"]
        for key in _CATALOG_KEEP:
            if key in root:
                catalog[NameObject(key)] = root.raw_get(key)
        names = _get(root, "/Names")
        if names is not None:
            catalog[NameObject("/Names")] = DictionaryObject(
                {k: v for k, v in names.items() if k != "/JavaScript"}
            )
        catalog[NameObject("/Pages")] = pdfout.Ref(pages_num)
        pages = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Count"): NumberObject(len(page_refs)),
                NameObject("/Kids"): ArrayObject(pdfout.Ref(n) for n in page_refs),
            }
        )
        info = DictionaryObject({NameObject("/Producer"): TextStringObject("formkit")})
        body: list[tuple[int, bytes]] = [
            (pages_num, nums.obj_bytes(pages_num, pages)),
            (root_num, nums.obj_bytes(root_num, catalog)),
            (info_num, nums.obj_bytes(info_num, info)),
        ]
        # the unchanged page dictionaries are serialised now, which numbers everything they reach
        for num, d in zip(self._flat_pages, self._flat_page_dicts, strict=True):
            base.varying[num] = nums.obj_bytes(num, d)
        body.extend(nums.drain(pdfout.resolve, set(self._flat_pages)))
        # the shared "restore state, then draw the overlay" stream appended to each filled page
        self._flat_q = nums.fresh()
        self._flat_tail = nums.fresh()
        body.append((self._flat_q, nums.obj_bytes(self._flat_q, pdfout.stream(b"q\n"))))
        body.append(
            (self._flat_tail, nums.obj_bytes(self._flat_tail, pdfout.stream(b"\nQ q /FormkitFill Do Q\n")))
        )
        # each page as it is written when it has values: original content wrapped in q/Q, then the overlay
        self._flat_filled: list[bytes] = []
        for num, d in zip(self._flat_pages, self._flat_page_dicts, strict=True):
            filled = DictionaryObject(d)
            raw_contents = dict.get(filled, "/Contents")
            contents = _get(filled, "/Contents")
            if isinstance(contents, ArrayObject):
                old = list(contents)
            else:
                old = [raw_contents] if raw_contents is not None else []
            filled[NameObject("/Contents")] = ArrayObject(
                [pdfout.Ref(self._flat_q), *old, pdfout.Ref(self._flat_tail)]
            )
            res = DictionaryObject(_get(filled, "/Resources") or {})
            xd = DictionaryObject(_get(res, "/XObject") or {})
            xd[_OVERLAY] = pdfout.Ref(_PLACEHOLDER_NUM)
            res[NameObject("/XObject")] = xd
            filled[NameObject("/Resources")] = res
            self._flat_filled.append(nums.obj_bytes(num, filled))
        body.extend(nums.drain(pdfout.resolve, set(self._flat_pages)))
        self._flat_nums = nums
        pdfout.finish_base(base, body, nums.next, root_num, info_num)

    def _build_editable(self, reader: PdfReader) -> None:
        """Object table of the editable output: the template minus JavaScript, usage rights and XFA."""
        base = self._edit
        nums = pdfout.Numbering(1)
        root: Any = reader.trailer["/Root"]
        root_num = nums.fresh()
        info_num = nums.fresh()
        catalog = DictionaryObject({k: v for k, v in root.items() if k not in ("/Perms", "/AA", "/AcroForm")})
        names = _get(root, "/Names")
        if names is not None:
            kept = DictionaryObject({k: v for k, v in names.items() if k != "/JavaScript"})
            catalog[NameObject("/Names")] = kept
        acro = _get(root, "/AcroForm")
        if acro is not None:
            form = DictionaryObject({k: v for k, v in acro.items() if k not in ("/NeedAppearances", "/XFA")})
            catalog[NameObject("/AcroForm")] = form
        info = DictionaryObject({NameObject("/Producer"): TextStringObject("formkit")})
        body: list[tuple[int, bytes]] = [
            (root_num, nums.obj_bytes(root_num, catalog)),
            (info_num, nums.obj_bytes(info_num, info)),
        ]
        varying: set[tuple[int, int]] = set()
        for f in self._fields.values():
            varying.add(f.key)
            varying.update(w.key for w in f.widgets)
        self._edit_num: dict[tuple[int, int], int] = {}
        for key in varying:
            self._edit_num[key] = nums.number(IndirectObject(key[0], key[1], reader))
        skip = set(self._edit_num.values())
        # a filled field or widget differs only in /V, /AS and /AP: keep the rest of it (and the original
        # values of those three) serialised, so a record only formats what it changes
        self._edit_split: dict[int, tuple[bytes, dict[str, bytes]]] = {}
        for key, num in self._edit_num.items():
            obj = pdfout.resolve(IndirectObject(key[0], key[1], reader))
            base.varying[num] = nums.obj_bytes(num, obj)
            head = nums.ser(DictionaryObject({k: v for k, v in obj.items() if k not in _CHANGING}))[:-2]
            originals = {k: nums.ser(obj.raw_get(k)) for k in _CHANGING if k in obj}
            self._edit_split[num] = (head, originals)
        body.extend(nums.drain(pdfout.resolve, skip))
        self._edit_nums = nums
        pdfout.finish_base(base, body, nums.next, root_num, info_num)

    # -- filling ---------------------------------------------------------------------------------------

    def _plan(self, values: Mapping[str, str | bool]) -> list[tuple[_Field, Any]]:
        """Check every value against the fields, lay text out; collect problems and raise once."""
        problems: list[Problem] = []
        plan: list[tuple[_Field, Any]] = []
        given = dict(values)
        for name, value in given.items():
            f = self._fields.get(name)
            if f is None:
                problems.append(Problem(name, "şablonda böyle bir alan yok"))
                continue
            kind = f.info.type
            if kind == "signature":
                problems.append(Problem(name, "imza alanı doldurulamaz"))
            elif kind == "checkbox":
                on = turkish.as_bool(value) if isinstance(value, str | bool) else None
                if on is None and isinstance(value, str) and value in f.info.on_states:
                    on = True
                if on is None:
                    problems.append(
                        Problem(name, f"onay kutusu için evet/hayır bekleniyor, {value!r} verildi")
                    )
                else:
                    plan.append((f, f.info.on_states[0] if on else ""))
            elif kind == "radio":
                choice = value if isinstance(value, str) else ""
                if choice in ("", "Off"):
                    plan.append((f, ""))
                elif choice not in f.info.on_states:
                    options = ", ".join(f.info.on_states)
                    problems.append(Problem(name, f"{value!r} seçeneklerden biri değil ({options})"))
                else:
                    plan.append((f, choice))
            else:
                if isinstance(value, bool):
                    problems.append(Problem(name, "metin alanına evet/hayır verilemez"))
                    continue
                text = str(value)
                try:
                    laid = [self._layout(f, w, text) for w in f.widgets if not w.hidden and w.page >= 0]
                except textfit.NoFit as exc:
                    problems.append(Problem(name, exc.message))
                    continue
                plan.append((f, (text, laid)))
        if problems:
            raise ValidationError(problems)
        return plan

    def _layout(self, f: _Field, w: _Widget, text: str) -> tuple[_Widget, textfit.Fitted | None]:
        if not text:
            return (w, None)
        (x, y, width, height), _ = w.local()
        info = f.info
        fitted = textfit.fit(
            text,
            x,
            y,
            width,
            height,
            font=f.font,
            size=f.size,
            align=f.align,
            multiline=info.multiline,
            comb=info.max_len if info.comb and info.max_len else 0,
            max_len=info.max_len,
        )
        return (w, fitted)

    def _overlay(self, plan: list[tuple[_Field, Any]], *, with_defaults: bool) -> _Overlay:
        """Everything to draw, per template page: a content stream in the font pack, or a reportlab PDF."""
        draws: dict[int, list[tuple[Any, ...]]] = {}
        planned = {f.info.name for f, _ in plan}
        items: list[tuple[_Field, Any]] = list(plan)
        if with_defaults:  # flattening keeps what the template itself already showed
            for name, f in self._fields.items():
                if name in planned or not f.current:
                    continue
                if f.info.type in ("text", "choice"):
                    try:
                        items.append((f, (f.current, [self._layout(f, w, f.current) for w in f.widgets])))
                    except textfit.NoFit:
                        continue
                elif f.info.type in ("checkbox", "radio"):
                    items.append((f, f.current))
        with_bold = any(
            fitted is not None and fitted.font == fonts.BOLD
            for _, what in items
            if isinstance(what, tuple)
            for _, fitted in what[1]
        )
        covered = True
        font_pack = fastdraw.pack(with_bold)
        # borders and backgrounds the widgets drew: every visible widget when flattening (the widgets go),
        # the filled text widgets when editable (their new appearance replaces the template's)
        framed = (
            self._fields.values() if with_defaults else [f for f, what in plan if isinstance(what, tuple)]
        )
        for f in framed:
            for w in f.widgets:
                if w.frame is not None and not w.hidden and w.page >= 0:
                    draws.setdefault(w.page, []).append(("frame", w.rect, w.frame, f.info.type == "radio"))
        for f, what in items:
            if isinstance(what, tuple):
                for w, fitted in what[1]:
                    if fitted is not None and not w.hidden and w.page >= 0:
                        draws.setdefault(w.page, []).append(("text", fitted, f.color, w.local()[1]))
                        covered = covered and all(font_pack.covers(run) for _, _, run in fitted.runs)
            elif what:
                radio = f.info.type == "radio"
                for w in f.widgets:
                    on = w.on_state == what or (not radio and not w.on_state)
                    if on and not w.hidden and w.page >= 0:
                        local, matrix = w.local()
                        draws.setdefault(w.page, []).append(("mark", local, f.color, radio, matrix))
        if not draws:
            return _Overlay()
        order = sorted(draws)
        if covered:
            streams = {}
            for index in order:
                stream = fastdraw.Stream(font_pack)
                for item in draws[index]:
                    if item[0] == "text":
                        stream.text(item[1], item[2], item[3])
                    elif item[0] == "frame":
                        stream.frame(item[1], item[2], circle=item[3])
                    else:
                        stream.mark(item[1], item[2], item[3], item[4])
                streams[index] = stream.compressed()
            return _Overlay(streams=streams, with_bold=with_bold)
        # text outside the font pack's repertoire: a reportlab document subsets the fonts for this record
        buf = io.BytesIO()
        box = self._pages[order[0]]["box"]
        canvas = textfit.new_canvas(buf, (box[2], box[3]))
        for index in order:
            for item in draws[index]:
                if item[0] == "frame":
                    fastdraw.draw_frame(canvas, item[1], item[2], circle=item[3])
                    continue
                color = Color(*item[2])
                canvas.saveState()
                canvas.setFillColor(color)
                canvas.setStrokeColor(color)
                matrix = item[3] if item[0] == "text" else item[4]
                if matrix is not None:
                    canvas.transform(*matrix)
                if item[0] == "text":
                    textfit.draw(canvas, item[1])
                else:
                    textfit.check_mark(canvas, *item[1], radio=item[3])
                canvas.restoreState()
            canvas.showPage()
        canvas.save()
        return _Overlay(pdf=buf.getvalue(), order=order)

    def _overlay_objects(
        self, overlay: _Overlay, start: int
    ) -> tuple[list[tuple[int, bytes]], dict[int, int], int]:
        """The overlay as objects numbered from `start`: (objects, page index → XObject, next number)."""
        if overlay.pdf:
            boxes = [self._pages[i]["box"] for i in overlay.order]
            parts, xobjs, next_num, _ = pdfout.import_reportlab(overlay.pdf, overlay.order, boxes, start)
            return parts, xobjs, next_num
        if not overlay.streams:
            return [], {}, start
        fixed, resources, next_num = _pack_objects(start, overlay.with_bold)
        parts = list(fixed)
        xobjs = {}
        for index, data in overlay.streams.items():
            num = next_num
            next_num += 1
            bbox = b" ".join(b"%.4f" % v for v in self._pages[index]["box"])
            head = (
                b"<</Type /XObject /Subtype /Form /BBox [%s] /Resources %s /Filter /FlateDecode /Length %d>>"
                % (
                    bbox,
                    resources,
                    len(data),
                )
            )
            parts.append((num, b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (num, head, data)))
            xobjs[index] = num
        return parts, xobjs, next_num

    def fill(self, values: Mapping[str, str | bool], *, flatten: bool = True) -> bytes:
        """One record: the filled template as PDF bytes (see module docstring)."""
        plan = self._plan(values)
        overlay = self._overlay(plan, with_defaults=flatten)
        return self._write_flat(overlay) if flatten else self._write_editable(plan, overlay)

    def _write_flat(self, overlay: _Overlay) -> bytes:
        base = self._flat
        parts, xobjs, _ = self._overlay_objects(overlay, base.size)
        for index, num in enumerate(self._flat_pages):
            if index in xobjs:
                parts.append((num, self._flat_filled[index].replace(_PLACEHOLDER, b"%d 0 R" % xobjs[index])))
            else:
                parts.append((num, base.varying[num]))
        return pdfout.assemble(base, parts, max([base.size, *(n + 1 for n, _ in parts)]))

    def _write_editable(self, plan: list[tuple[_Field, Any]], overlay: _Overlay) -> bytes:
        base = self._edit
        parts, page_xobj, next_num = self._overlay_objects(overlay, base.size)
        nums = pdfout.Numbering(next_num)
        ser = self._edit_nums
        changes: dict[int, dict[str, Any]] = {}
        empty = None
        for f, what in plan:
            fnum = self._edit_num[f.key]
            kind = f.info.type
            if isinstance(what, tuple):
                text, laid = what
                changes.setdefault(fnum, {})["/V"] = TextStringObject(text)
                for w, fitted in laid:
                    wnum = self._edit_num[w.key]
                    if fitted is None or w.page not in page_xobj:
                        if empty is None:
                            empty = nums.fresh()
                            parts.append(
                                (empty, nums.obj_bytes(empty, pdfout.stream(b"", bbox=[0, 0, 1, 1])))
                            )
                        changes.setdefault(wnum, {})["/AP"] = pdfout.Raw(b"<</N %d 0 R>>" % empty)
                        continue
                    # the appearance shows the page's overlay clipped to the widget's box (BBox = Rect)
                    ap = nums.fresh()
                    x, y, wd, ht = w.rect
                    bbox = b"%.4f %.4f %.4f %.4f" % (x, y, x + wd, y + ht)
                    parts.append(
                        (
                            ap,
                            b"%d 0 obj\n<</Type /XObject /Subtype /Form /BBox [%s] /Resources "
                            b"<</XObject <</FormkitFill %d 0 R>>>> /Length 15>>\nstream\n/FormkitFill Do"
                            b"\nendstream\nendobj\n" % (ap, bbox, page_xobj[w.page]),
                        )
                    )
                    changes.setdefault(wnum, {})["/AP"] = pdfout.Raw(b"<</N %d 0 R>>" % ap)
            else:
                state = NameObject("/" + what) if what else NameObject("/Off")
                changes.setdefault(fnum, {})["/V"] = state
                for w in f.widgets:
                    wnum = self._edit_num[w.key]
                    on = bool(what) and (w.on_state == what or (kind == "checkbox" and not w.on_state))
                    changes.setdefault(wnum, {})["/AS"] = NameObject("/" + what) if on else NameObject("/Off")
                    if not w.has_ap:
                        changes[wnum]["/AP"] = self._button_ap(nums, parts, w, what or "Yes")
        for num, raw in base.varying.items():
            if num in changes:
                head, kept = self._edit_split[num]
                changed = changes[num]
                tail = b"".join(
                    b"%s %s" % (key.encode(), ser.ser(changed[key]) if key in changed else kept[key])
                    for key in _CHANGING
                    if key in changed or key in kept
                )
                parts.append((num, b"%d 0 obj\n%s%s>>\nendobj\n" % (num, head, tail)))
            else:
                parts.append((num, raw))
        return pdfout.assemble(base, parts, nums.next)

    def _button_ap(self, nums: pdfout.Numbering, parts: list[tuple[int, bytes]], w: _Widget, on: str) -> Any:
        """Appearance for a check box that came without one: a vector tick, no font needed."""
        wd, ht = w.rect[2], w.rect[3]
        buf = io.BytesIO()
        canvas = textfit.new_canvas(buf, (wd, ht))
        textfit.check_mark(canvas, 0, 0, wd, ht)
        canvas.showPage()
        canvas.save()
        page = PdfReader(io.BytesIO(buf.getvalue())).pages[0]
        stream: Any = page["/Contents"]
        stream = stream[0].get_object() if isinstance(stream, ArrayObject) else stream.get_object()
        on_num, off_num = nums.fresh(), nums.fresh()
        parts.append(
            (on_num, nums.obj_bytes(on_num, pdfout.form_xobject(stream, page["/Resources"], [0, 0, wd, ht])))
        )
        parts.append((off_num, nums.obj_bytes(off_num, pdfout.stream(b"", bbox=[0, 0, wd, ht]))))
        parts.extend(nums.drain(pdfout.resolve, set()))
        return DictionaryObject(
            {
                NameObject("/N"): DictionaryObject(
                    {NameObject("/" + on): pdfout.Ref(on_num), NameObject("/Off"): pdfout.Ref(off_num)}
                )
            }
        )


# --- helpers --------------------------------------------------------------------------------------------


def _rebuild_template(data: bytes, source: str, time_limit: float) -> Template:
    return Template(data, source=source, time_limit=time_limit)


def _get(obj: Any, key: str, default: Any = None) -> Any:
    """A dictionary entry with indirect references resolved (None-safe)."""
    if obj is None:
        return default
    obj = obj.get_object() if isinstance(obj, IndirectObject) else obj
    if not isinstance(obj, dict):
        return default
    value = dict.get(obj, key)
    if value is None:
        return default
    return value.get_object() if isinstance(value, IndirectObject) else value


_PLACEHOLDER_NUM = 2_000_000_000
_PLACEHOLDER = b"%d 0 R" % _PLACEHOLDER_NUM


@functools.lru_cache(maxsize=16)
def _pack_objects(start: int, with_bold: bool) -> tuple[tuple[tuple[int, bytes], ...], bytes, int]:
    """A font pack's font objects numbered from `start` (cached: a template's base size is fixed)."""
    data = fastdraw.pack(with_bold).pdf
    parts, xobjs, next_num, resources = pdfout.import_reportlab(data, [0], [[0, 0, 1, 1]], start)
    dropped = xobjs[0]  # the pack's own page content (every glyph once) is not needed
    return tuple(p for p in parts if p[0] != dropped), resources[0], next_num


def _color(value: Any) -> tuple[float, float, float] | None:
    """A /MK colour array (gray, RGB or CMYK) as RGB; None for no colour (transparent)."""
    if not isinstance(value, list) or len(value) not in (1, 3, 4):
        return None
    try:
        v = [float(x) for x in value]
    except (TypeError, ValueError):
        return None
    if len(v) == 1:
        return (v[0], v[0], v[0])
    if len(v) == 3:
        return (v[0], v[1], v[2])
    c, m, y, k = v
    return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))


def _frame(widget: Any) -> fastdraw.Frame | None:
    """The border and background a viewer draws for a widget, from /MK /BG, /MK /BC, /BS (or /Border)."""
    mk = _get(widget, "/MK")
    background = _color(_get(mk, "/BG"))
    border = _color(_get(mk, "/BC"))
    bs = _get(widget, "/BS")
    width = 1.0
    style = "S"
    if bs is not None:
        width = float(_get(bs, "/W", 1) or 0)
        style = str(_get(bs, "/S", "/S"))[1:] or "S"
    elif isinstance(_get(widget, "/Border"), list) and len(_get(widget, "/Border")) >= 3:
        width = float(_get(widget, "/Border")[2])
    if border is None:
        width = 0.0
    if background is None and width <= 0:
        return None
    return fastdraw.Frame(background, border, width, style)


def _text(value: Any) -> str:
    if value is None:
        return ""
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def _da_size(da: str) -> float:
    found = _DA_SIZE.search(da.encode("latin-1", "replace"))
    return float(found.group(1)) if found else 0.0


def _da_font(da: str) -> str:
    found = _DA_FONT.search(da.encode("latin-1", "replace"))
    return found.group(1).decode("latin-1") if found else ""


def _da_color(da: str) -> tuple[float, float, float]:
    raw = da.encode("latin-1", "replace")
    rgb = _DA_RGB.search(raw)
    if rgb:
        return (float(rgb.group(1)), float(rgb.group(2)), float(rgb.group(3)))
    gray = _DA_GRAY.search(raw)
    if gray:
        g = float(gray.group(1))
        return (g, g, g)
    return (0.0, 0.0, 0.0)


def _is_widget(annot: Any) -> bool:
    try:
        return bool(annot.get_object().get("/Subtype") == "/Widget")
    except (AttributeError, PyPdfError):
        return False


def _has_javascript(reader: PdfReader, root: DictionaryObject) -> bool:
    names = _get(root, "/Names")
    if names is not None and "/JavaScript" in names:
        return True
    if _get(_get(root, "/OpenAction"), "/S") == "/JavaScript":
        return True
    if "/AA" in root:
        return True
    for page in reader.pages:
        if "/AA" in page:
            return True
        for annot in _get(page, "/Annots") or []:
            a = annot.get_object()
            if "/AA" in a or _get(_get(a, "/A"), "/S") == "/JavaScript":
                return True
    return False


def _with_time_limit(work: Callable[[], None], seconds: float, source: str) -> None:
    """Run `work` in a worker thread and give up after `seconds`.

    Portable (no signal.alarm, which is POSIX-only and main-thread-only). Python cannot kill a thread: a
    runaway parse keeps a core busy in a daemon thread until it ends or the process exits, but the caller
    gets a clean TemplateError and no output. pypdf's own decompression limits bound memory meanwhile.
    """
    box: dict[str, BaseException] = {}

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed back to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=run, name="formkit-template-parse", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TemplateError(f"{source}: PDF {seconds:g} saniyede çözümlenemedi (bozuk veya kasıtlı karmaşık)")
    if "error" in box:
        raise box["error"]


# --- public functions -------------------------------------------------------------------------------------


def fill(template: Template | bytes, values: Mapping[str, str | bool], *, flatten: bool = True) -> bytes:
    """Fill a template (parsed or raw bytes) with one record's values; flattened for print by default.

    Values are keyed by fully qualified field names. Unknown names, bad check box/radio values and text that
    cannot fit raise ValidationError with one Problem per field.
    """
    if not isinstance(template, Template):
        template = Template.from_bytes(template)
    return template.fill(values, flatten=flatten)


def load_values(path: Path | str) -> dict[str, str | bool]:
    """A values file: a JSON object of field name → text or true/false (nested objects give dotted names)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError(f"{path}: okunamadı ({exc.strerror or exc})") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: geçerli bir JSON dosyası değil ({exc})") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: alan adlarından değerlere bir JSON nesnesi bekleniyor")
    out: dict[str, str | bool] = {}

    def walk(prefix: str, obj: Mapping[str, Any]) -> None:
        for key, value in obj.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                walk(name, value)
            elif isinstance(value, bool | str):
                out[name] = value
            elif isinstance(value, int | float):
                out[name] = str(value)
            elif value is None:
                out[name] = ""
            else:
                raise InputError(f"{path}, {name}: metin veya true/false bekleniyor")

    walk("", data)
    return out


def write_pdf(path: Path | str, data: bytes) -> Path:
    """Write atomically (temporary file in the same folder, then os.replace): never a half-written PDF."""
    return write_atomic(Path(path), data, error=InputError)
    return path


def load_map(path: Path | str) -> dict[str, str]:
    """A map file: `[fields]` table of canonical record field → template field name."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TemplateError(f"{path}: okunamadı ({exc.strerror or exc})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: geçerli bir TOML dosyası değil ({exc})") from exc
    table = data.get("fields", data)
    bad = [k for k, v in table.items() if not isinstance(v, str)]
    if bad:
        raise TemplateError(f"{path}: [fields] değerleri şablon alan adı olmalı: {', '.join(bad)}")
    return dict(table)


def apply_map(
    template: Template, values: Mapping[str, str | bool], mapping: Mapping[str, str]
) -> dict[str, str | bool]:
    """Rename canonical keys to template field names; report bad targets and unfilled required fields."""
    names = {f.name for f in template.fields}
    problems = [
        Problem(key, f"eşlemedeki {target!r} alanı şablonda yok")
        for key, target in mapping.items()
        if target not in names
    ]
    out: dict[str, str | bool] = {}
    for key, value in values.items():
        out[mapping.get(key, key)] = value
    filled = {k for k, v in out.items() if v not in ("", None)}
    problems.extend(
        Problem(f.name, "zorunlu alan eşlenmedi veya değeri yok")
        for f in template.fields
        if f.required and f.name not in filled and f.type != "signature"
    )
    if problems:
        raise ValidationError(problems)
    return out
