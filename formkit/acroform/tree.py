"""Reading a template's field tree: every fillable field with the widgets that show it.

Real producers write the tree in many shapes, so fields are found two ways and joined:
- downward from `/AcroForm /Fields` (terminal fields, their kids, inherited /FT /Ff /DA /Q /MaxLen /V /Opt);
- upward from every page's `/Annots`: a widget is joined to its field through /Parent, so widgets that the
  /Fields array misses (forms cut from larger ones, kids without /T, a parent without /Kids) are found too.
Terminals that share one full name (a radio group written twice, a field with an orphan copy on no page)
become one field with all their widgets; a record's value is written to each of their dictionaries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from formkit.errors import TemplateError
from formkit.pdf import fastdraw, fonts

__all__ = ["Field", "FieldInfo", "FieldTree", "PageBox", "Widget", "get", "has_javascript", "read_fields"]

Key = tuple[int, int]  # (object number, generation) in the template

FF_READONLY = 1 << 0
FF_REQUIRED = 1 << 1
FF_MULTILINE = 1 << 12
FF_RADIO = 1 << 15
FF_PUSHBUTTON = 1 << 16
FF_COMB = 1 << 24
F_HIDDEN = 1 << 1
MAX_DEPTH = 32  # deeper field trees are not followed (hostile or broken input)
_INHERITED = ("/FT", "/Ff", "/DA", "/Q", "/MaxLen", "/V", "/Opt")
_DA_SIZE = re.compile(rb"([0-9.]+)\s+Tf")
_DA_FONT = re.compile(rb"/([^\s/]+)\s+[0-9.]+\s+Tf")
_DA_RGB = re.compile(rb"([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+rg")
_DA_GRAY = re.compile(rb"([0-9.]+)\s+g(?:\s|$)")


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
    options: tuple[str, ...] = ()  # choice options (export values)

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
class Widget:
    """One widget annotation: where a field shows on a page."""

    key: Key
    page: int  # 0-based; -1 for a widget on no page (no viewer shows it either)
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

    @property
    def shown(self) -> bool:
        """On a page and not hidden: drawn by viewers, so drawn by us."""
        return self.page >= 0 and not self.hidden


@dataclass(frozen=True)
class Field:
    """A terminal field with everything a fill needs: widgets, font, size, colour, alignment."""

    info: FieldInfo
    key: Key  # the terminal field dictionary
    widgets: tuple[Widget, ...]
    size: float  # from /DA (0 = auto)
    font: str  # reportlab font name: bold when /DA names a bold font of /DR
    color: tuple[float, float, float]
    align: int
    current: str  # the template's own /V (text) or on-state (buttons)
    choices: tuple[tuple[str, str], ...] = ()  # /Opt as (export value, display text)
    also: tuple[Key, ...] = ()  # further terminal dictionaries of the same name (their /V is set too)
    da_font: str = ""  # the /DA font's resource name in /DR (the form's own font, a glyph fallback)

    def display(self, value: str) -> str:
        """What a choice shows for a value: the display text of an (export, display) option."""
        for export, text in self.choices:
            if value == export:
                return text
        return value

    @property
    def keys(self) -> tuple[Key, ...]:
        """Every dictionary that holds this field's value."""
        return (self.key, *self.also)


@dataclass(frozen=True)
class PageBox:
    """A page's media box and rotation."""

    box: tuple[float, float, float, float]
    rotate: int


@dataclass(frozen=True)
class FieldTree:
    """What reading a template's form found."""

    fields: dict[str, Field]  # fillable fields (push buttons left out), in document order
    pages: tuple[PageBox, ...]
    notes: tuple[str, ...]  # warnings for the user (JavaScript, usage rights, signed, XFA)
    extra_roots: tuple[Key, ...]  # field roots found only from page /Annots (editable output lists them)
    dr_fonts: Any = None  # /AcroForm /DR /Font (the form's own fonts)


def read_fields(reader: PdfReader, source: str) -> FieldTree:
    """Every fillable field of an opened template; TemplateError when there is none."""
    root: Any = reader.trailer["/Root"]
    acro = get(root, "/AcroForm")
    notes: list[str] = []
    if "/Perms" in root:
        notes.append("şablonda kullanım hakları (/Perms) var; çıktıda kaldırıldı")
    if has_javascript(reader, root):
        notes.append("şablonda JavaScript var; çıktıya alınmadı")
    pages = tuple(
        PageBox(
            tuple(float(v) for v in page.mediabox),  # type: ignore[arg-type]
            number(get(page, "/Rotate")),
        )
        for page in reader.pages
    )
    walker = _Walker(pages, acro)
    for index, page in enumerate(reader.pages):
        for annot in get_list(get(page, "/Annots")):
            if isinstance(annot, IndirectObject):
                walker.page_of[(annot.idnum, annot.generation)] = index
    for ref in get_list(get(acro, "/Fields")):
        walker.walk(ref, "", {}, 0)
    extra = walker.join_orphan_widgets(reader)
    fields = walker.out
    if any(f.info.type == "signature" and f.current for f in fields.values()):
        notes.append("şablon imzalı; doldurmak imzayı geçersiz kılar")
    fillable = {name: f for name, f in fields.items() if f.info.type != "pushbutton"}
    xfa = isinstance(acro, DictionaryObject) and "/XFA" in acro
    if not fillable:
        if xfa:
            raise TemplateError(f"{source}: doldurulabilir alan yok: yalnızca XFA formu (XFA desteklenmiyor)")
        raise TemplateError(f"{source}: doldurulabilir alan yok (no fillable fields)")
    if xfa:
        notes.append("şablonda XFA var; yalnızca AcroForm alanları dolduruldu, XFA çıktıda kaldırıldı")
    return FieldTree(fillable, pages, tuple(notes), extra, get(get(acro, "/DR"), "/Font"))


class _Walker:
    """Builds the fields of one template (see the module docstring)."""

    def __init__(self, pages: tuple[PageBox, ...], acro: Any) -> None:
        self.pages = pages
        self.page_of: dict[Key, int] = {}
        self.out: dict[str, Field] = {}
        self.seen: set[Key] = set()  # every node reached from /AcroForm /Fields
        self.default_da = text_of(get(acro, "/DA"))
        self.default_q = number(get(acro, "/Q"))
        dr_fonts = get(get(acro, "/DR"), "/Font") or {}
        self.bold_names = {
            str(name)[1:] for name in dr_fonts if "Bold" in str(get(get(dr_fonts, name), "/BaseFont", ""))
        }

    def walk(self, ref: Any, prefix: str, inherited: dict[str, Any], depth: int) -> None:
        """One node of the /Fields tree and everything under it."""
        if depth > MAX_DEPTH or not isinstance(ref, IndirectObject):
            return
        key = (ref.idnum, ref.generation)
        if key in self.seen:
            return
        self.seen.add(key)
        node = ref.get_object()
        if not isinstance(node, DictionaryObject):
            return
        partial = text_of(node.get("/T"))
        name = f"{prefix}.{partial}" if prefix and partial else (partial or prefix)
        inh = dict(inherited)
        for k in _INHERITED:
            if k in node:
                inh[k] = node[k]
        kids = get(node, "/Kids") or []
        field_kids = [k for k in kids if isinstance(k, IndirectObject) and get(k, "/T") is not None]
        if field_kids:
            for kid in field_kids:
                if get(kid, "/Parent") is not None:
                    self.walk(kid, name, inh, depth + 1)
                else:  # listed as a kid but not pointing back (pdf.js issue 15096): a field of its own,
                    self.walk(
                        kid, "", {}, depth + 1
                    )  # named as viewers name it ("Group1", not "Group1.Group1")
            return
        widget_refs = [k for k in kids if isinstance(k, IndirectObject)] or [ref]
        for wref in widget_refs:
            self.seen.add((wref.idnum, wref.generation))
        self.add(name, key, node, inh, widget_refs)

    def join_orphan_widgets(self, reader: PdfReader) -> tuple[Key, ...]:
        """Widgets on pages that the /Fields walk did not reach, joined to their fields via /Parent."""
        joined = {w.key for f in self.out.values() for w in f.widgets}
        extra: dict[Key, None] = {}
        for page in reader.pages:
            for annot in get_list(get(page, "/Annots")):
                if not isinstance(annot, IndirectObject) or not is_widget(annot):
                    continue
                wkey = (annot.idnum, annot.generation)
                if wkey in joined:
                    continue
                chain = list(_parents(annot))
                terminal = chain[0] if get(annot, "/T") is not None or len(chain) == 1 else chain[1]
                tail = chain[chain.index(terminal) :]
                name = ".".join(reversed([text_of(get(r, "/T")) for r in tail if get(r, "/T") is not None]))
                inh: dict[str, Any] = {}
                for r in reversed(tail):  # nearest ancestor wins
                    obj = r.get_object()
                    for k in _INHERITED:
                        if isinstance(obj, DictionaryObject) and k in obj:
                            inh[k] = obj[k]
                key = (terminal.idnum, terminal.generation)
                self.add(name, key, terminal.get_object(), inh, [annot])
                joined.add(wkey)
                top = chain[-1]
                if (top.idnum, top.generation) not in self.seen:
                    extra[(top.idnum, top.generation)] = None
        return tuple(extra)

    def add(
        self, name: str, key: Key, node: Any, inh: dict[str, Any], widget_refs: list[IndirectObject]
    ) -> None:
        """A terminal field (or more widgets of one already found under the same name)."""
        if not name:
            return
        ft = inh.get("/FT")
        ff = number(inh.get("/Ff"))
        kind = {"/Tx": "text", "/Ch": "choice", "/Sig": "signature"}.get(str(ft), "")
        if ft == "/Btn":
            kind = "pushbutton" if ff & FF_PUSHBUTTON else "radio" if ff & FF_RADIO else "checkbox"
        if not kind:
            return
        if not isinstance(node, DictionaryObject):
            return  # a damaged file: the field's dictionary is something else
        widgets = [self.widget(r) for r in widget_refs if isinstance(r.get_object(), DictionaryObject)]
        old = self.out.get(name)
        if old is not None:
            if old.info.type != kind:
                return  # two different fields under one name: the first one is fillable
            known = {w.key for w in old.widgets}
            merged = (*old.widgets, *(w for w in widgets if w.key not in known))
            also = old.also if key == old.key or key in old.also else (*old.also, key)
            self.out[name] = replace(old, widgets=merged, also=also, info=_info(old.info, merged))
            return
        da = text_of(inh.get("/DA")) or self.default_da
        raw_v = inh.get("/V")
        current = ""
        if kind in ("checkbox", "radio"):
            current = str(raw_v)[1:] if isinstance(raw_v, NameObject) and raw_v != "/Off" else ""
        elif kind == "signature":
            current = "signed" if raw_v is not None else ""
        elif raw_v is not None and not isinstance(raw_v, ArrayObject):
            current = text_of(raw_v)
        choices = tuple(_option(o) for o in (get_list(inh.get("/Opt"))) if o is not None)
        base = FieldInfo(
            name=name,
            type=kind,
            page=0,
            rect=(0.0, 0.0, 0.0, 0.0),
            multiline=bool(ff & FF_MULTILINE) and kind == "text",
            readonly=bool(ff & FF_READONLY),
            required=bool(ff & FF_REQUIRED),
            max_len=max(0, number(inh.get("/MaxLen"))) if kind == "text" else 0,
            comb=bool(ff & FF_COMB) and kind == "text",
            options=tuple(export for export, _ in choices) if kind == "choice" else (),
        )
        self.out[name] = Field(
            info=_info(base, widgets),
            key=key,
            widgets=tuple(widgets),
            size=_da_size(da),
            font=fonts.BOLD if _da_font(da) in self.bold_names else fonts.REGULAR,
            color=_da_color(da),
            align=number(inh.get("/Q"), self.default_q),
            current=current,
            choices=choices if kind in ("choice", "radio") else (),
            da_font=_da_font(da),
        )

    def widget(self, ref: IndirectObject) -> Widget:
        """One widget dictionary as a Widget."""
        w: Any = ref.get_object()
        key = (ref.idnum, ref.generation)
        page = self.page_of.get(key, -1)
        try:
            x1, y1, x2, y2 = (float(v) for v in get(w, "/Rect", [0, 0, 0, 0]))
        except (TypeError, ValueError):
            x1 = y1 = x2 = y2 = 0.0
        rect = (min(x1, x2), min(y1, y2), abs(x2 - x1), abs(y2 - y1))
        ap = get(w, "/AP")
        normal = get(ap, "/N")
        states = [str(s)[1:] for s in normal if s != "/Off"] if isinstance(normal, DictionaryObject) else []
        hidden = bool(number(get(w, "/F")) & F_HIDDEN)
        rotation = get(get(w, "/MK"), "/R")
        if rotation is None and page >= 0:
            rotation = self.pages[page].rotate
        turn = number(rotation) % 360
        turn = turn if turn in (90, 180, 270) else 0
        on = states[0] if states else ""
        return Widget(key, page, rect, on, hidden, ap is not None, _frame(w), turn)


def _info(info: FieldInfo, widgets: tuple[Widget, ...] | list[Widget]) -> FieldInfo:
    """Page, rectangle and on-states of a field from its widgets (the first one on a page)."""
    first = next((w for w in widgets if w.page >= 0), widgets[0] if widgets else None)
    x, y, w_, h = first.rect if first else (0.0, 0.0, 0.0, 0.0)
    on_states: tuple[str, ...] = ()
    if info.type in ("checkbox", "radio"):
        on_states = tuple(dict.fromkeys(w.on_state for w in widgets if w.on_state))
        if info.type == "checkbox" and not on_states:
            on_states = ("Yes",)
    return replace(
        info,
        page=(first.page + 1) if first and first.page >= 0 else 0,
        rect=(x, y, x + w_, y + h),
        on_states=on_states,
    )


def _parents(ref: IndirectObject) -> Iterator[IndirectObject]:
    """A widget and its ancestors, nearest first (cycles and very deep chains cut)."""
    seen: set[int] = set()
    node: Any = ref
    for _ in range(MAX_DEPTH):
        if not isinstance(node, IndirectObject) or node.idnum in seen:
            return
        seen.add(node.idnum)
        yield node
        obj = node.get_object()
        node = obj.raw_get("/Parent") if isinstance(obj, DictionaryObject) and "/Parent" in obj else None


def _option(value: Any) -> tuple[str, str]:
    """One /Opt entry as (export value, display text)."""
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(value, ArrayObject) and len(value) >= 2:
        return text_of(value[0]), text_of(value[1])
    if isinstance(value, ArrayObject) and value:
        return text_of(value[0]), text_of(value[0])
    return text_of(value), text_of(value)


# --- small readers ------------------------------------------------------------------------------------------


def get(obj: Any, key: str, default: Any = None) -> Any:
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


def get_list(value: Any) -> list[Any]:
    """An array entry (resolved), or an empty list for anything else."""
    value = value.get_object() if isinstance(value, IndirectObject) else value
    return list(value) if isinstance(value, list) else []


def number(value: Any, default: int = 0) -> int:
    """An integer entry (flags, rotation, alignment, length); `default` for anything that is not a number."""
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    try:
        return int(value)
    except (OverflowError, ValueError):  # inf, nan
        return default


def text_of(value: Any) -> str:
    """A PDF string or name as text."""
    if value is None:
        return ""
    value = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def is_widget(annot: Any) -> bool:
    """True for a /Widget annotation."""
    try:
        return bool(annot.get_object().get("/Subtype") == "/Widget")
    except (AttributeError, PyPdfError):
        return False


def has_javascript(reader: PdfReader, root: DictionaryObject) -> bool:
    """Document, page or annotation JavaScript anywhere a viewer would run it."""
    names = get(root, "/Names")
    if names is not None and "/JavaScript" in names:
        return True
    if get(get(root, "/OpenAction"), "/S") == "/JavaScript":
        return True
    if "/AA" in root:
        return True
    for page in reader.pages:
        if "/AA" in page:
            return True
        for annot in get_list(get(page, "/Annots")):
            a = annot.get_object()
            if not isinstance(a, DictionaryObject):
                continue
            if "/AA" in a or get(get(a, "/A"), "/S") == "/JavaScript":
                return True
    return False


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
    mk = get(widget, "/MK")
    background = _color(get(mk, "/BG"))
    border = _color(get(mk, "/BC"))
    bs = get(widget, "/BS")
    width = 1.0
    style = "S"
    try:
        if bs is not None:
            width = float(get(bs, "/W", 1) or 0)
            style = str(get(bs, "/S", "/S"))[1:] or "S"
        elif isinstance(get(widget, "/Border"), list) and len(get(widget, "/Border")) >= 3:
            width = float(get(widget, "/Border")[2])
    except (TypeError, ValueError):
        width = 1.0
    if border is None:
        width = 0.0
    if background is None and width <= 0:
        return None
    return fastdraw.Frame(background, border, width, style)


def _da_size(da: str) -> float:
    found = _DA_SIZE.search(da.encode("latin-1", "replace"))
    try:
        return float(found.group(1)) if found else 0.0
    except ValueError:
        return 0.0


def _da_font(da: str) -> str:
    found = _DA_FONT.search(da.encode("latin-1", "replace"))
    return found.group(1).decode("latin-1") if found else ""


def _da_color(da: str) -> tuple[float, float, float]:
    raw = da.encode("latin-1", "replace")
    try:
        rgb = _DA_RGB.search(raw)
        if rgb:
            return (float(rgb.group(1)), float(rgb.group(2)), float(rgb.group(3)))
        gray = _DA_GRAY.search(raw)
        if gray:
            g = float(gray.group(1))
            return (g, g, g)
    except ValueError:
        pass
    return (0.0, 0.0, 0.0)
