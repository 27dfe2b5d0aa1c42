"""Editable output: the template with its fields kept, each record's values set and given appearances.

A filled field or widget differs from the template only in /V, /AS and /AP, so the rest of each one is kept
serialised from load time and a record formats only what it changes. Each filled text widget gets an
appearance stream that shows the page's overlay clipped to the widget's rectangle, so viewers that ignore
NeedAppearances still show the value in the embedded font. Field roots found only from page /Annots are
added to /AcroForm /Fields, so viewers and readers find them too.
"""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, TextStringObject

from formkit.acroform.appearance import Overlay, overlay_objects
from formkit.acroform.streams import StreamCheck
from formkit.acroform.tree import FieldTree, Key, Widget, get, get_list
from formkit.acroform.values import Entry, TextValue
from formkit.pdf import textfit
from formkit.pdf import writer as pdfout

__all__ = ["EditableOutput"]

_CHANGING = ("/V", "/AS", "/AP")  # the keys a record changes in a field or widget


class EditableOutput:
    """The editable object table of one template, and the writer of one record's editable PDF."""

    def __init__(self, reader: PdfReader, tree: FieldTree, check: StreamCheck) -> None:
        self.pages = tree.pages
        base = self.base = pdfout.Base()
        nums = pdfout.Numbering(1)
        root: Any = reader.trailer["/Root"]
        root_num = nums.fresh()
        info_num = nums.fresh()
        catalog = DictionaryObject({k: v for k, v in root.items() if k not in ("/Perms", "/AA", "/AcroForm")})
        names = get(root, "/Names")
        if names is not None:
            kept = DictionaryObject({k: v for k, v in names.items() if k != "/JavaScript"})
            catalog[NameObject("/Names")] = kept
        acro = get(root, "/AcroForm")
        acro = acro if isinstance(acro, DictionaryObject) else None
        if acro is not None or tree.extra_roots:
            form = DictionaryObject(
                {k: v for k, v in (acro or {}).items() if k not in ("/NeedAppearances", "/XFA")}
            )
            if tree.extra_roots:
                listed = get_list(get(acro, "/Fields"))
                extra = [IndirectObject(num, gen, reader) for num, gen in tree.extra_roots]
                form[NameObject("/Fields")] = ArrayObject([*listed, *extra])
            catalog[NameObject("/AcroForm")] = form
        info = DictionaryObject({NameObject("/Producer"): TextStringObject("formkit")})
        body: list[tuple[int, bytes]] = [
            (root_num, nums.obj_bytes(root_num, catalog)),
            (info_num, nums.obj_bytes(info_num, info)),
        ]
        varying: set[Key] = set()
        for f in tree.fields.values():
            varying.update(f.keys)
            varying.update(w.key for w in f.widgets)
        self.num_of: dict[Key, int] = {}
        for key in varying:
            self.num_of[key] = nums.number(IndirectObject(key[0], key[1], reader))
        skip = set(self.num_of.values())
        self.split: dict[int, tuple[bytes, dict[str, bytes]]] = {}
        for key, num in self.num_of.items():
            obj = check.resolve(IndirectObject(key[0], key[1], reader))
            base.varying[num] = nums.obj_bytes(num, obj)
            head = nums.ser(DictionaryObject({k: v for k, v in obj.items() if k not in _CHANGING}))[:-2]
            originals = {k: nums.ser(obj.raw_get(k)) for k in _CHANGING if k in obj}
            self.split[num] = (head, originals)
        body.extend(nums.drain(check.resolve, skip))
        self.nums = nums
        pdfout.finish_base(base, body, nums.next, root_num, info_num)

    def write(self, entries: list[Entry], overlay: Overlay) -> bytes:
        """One record's editable PDF."""
        base = self.base
        parts, page_xobj, next_num = overlay_objects(overlay, self.pages, base.size)
        nums = pdfout.Numbering(next_num)
        changes: dict[int, dict[str, Any]] = {}
        empty = None
        for e in entries:
            f = e.field
            if isinstance(e, TextValue):
                for key in f.keys:
                    changes.setdefault(self.num_of[key], {})["/V"] = TextStringObject(e.value)
                for laid in e.laid:
                    w = laid.widget
                    wnum = self.num_of[w.key]
                    if laid.fitted is None or w.page not in page_xobj:
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
                state = NameObject("/" + e.state) if e.state else NameObject("/Off")
                for key in f.keys:
                    changes.setdefault(self.num_of[key], {})["/V"] = state
                checkbox = f.info.type == "checkbox"
                for w in f.widgets:
                    wnum = self.num_of[w.key]
                    on = bool(e.state) and (w.on_state == e.state or (checkbox and not w.on_state))
                    changes.setdefault(wnum, {})["/AS"] = state if on else NameObject("/Off")
                    if not w.has_ap:
                        changes[wnum]["/AP"] = _button_ap(nums, parts, w, e.state or "Yes")
        ser = self.nums
        for num, raw in base.varying.items():
            if num in changes:
                head, kept = self.split[num]
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


def _button_ap(nums: pdfout.Numbering, parts: list[tuple[int, bytes]], w: Widget, on: str) -> Any:
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
