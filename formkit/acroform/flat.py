"""Flattened output: the template's pages without widgets or /AcroForm, each record's overlay drawn on top.

The object table is built once per template (every object renumbered and serialised to bytes); a record
then writes only the pages it draws on (their content wrapped in q/Q, then the overlay XObject) and the
overlay's own objects. Nothing is rasterised; JavaScript and usage rights are not kept.
"""

from __future__ import annotations

from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from formkit.acroform.appearance import Overlay, overlay_objects
from formkit.acroform.streams import StreamCheck
from formkit.acroform.tree import PageBox, get, get_list, is_widget
from formkit.pdf import writer as pdfout

__all__ = ["FlatOutput"]

OVERLAY = NameObject("/FormkitFill")
_PLACEHOLDER_NUM = 2_000_000_000
_PLACEHOLDER = b"%d 0 R" % _PLACEHOLDER_NUM
# catalog entries a flattened copy keeps (bookmarks, layers, labels...); /AcroForm, /AA, /OpenAction, /Perms
# and the structure tree (it points at the widgets) are not kept, and /Names loses its JavaScript tree
_CATALOG_KEEP = (
    "/Lang", "/ViewerPreferences", "/PageLayout", "/PageMode", "/PageLabels", "/Metadata", "/Version",
    "/Outlines", "/OCProperties", "/Dests",
)  # fmt: skip


class FlatOutput:
    """The flattened object table of one template, and the writer of one record's flattened PDF."""

    def __init__(self, reader: PdfReader, pages: tuple[PageBox, ...], check: StreamCheck) -> None:
        self.pages = pages
        base = self.base = pdfout.Base()
        nums = pdfout.Numbering(1)
        pages_num = nums.fresh()
        root_num = nums.fresh()
        info_num = nums.fresh()
        self.page_nums: list[int] = []
        page_dicts: list[DictionaryObject] = []
        for page in reader.pages:
            ref = page.indirect_reference
            assert ref is not None
            num = nums.number(ref)
            nums.pending = [(n, r) for n, r in nums.pending if n != num]  # pages are written per record
            self.page_nums.append(num)
            d = DictionaryObject({k: v for k, v in page.items() if k not in ("/Parent", "/Annots", "/AA")})
            d[NameObject("/Parent")] = pdfout.Ref(pages_num)
            annots = [a for a in (get_list(get(page, "/Annots"))) if not is_widget(a)]
            if annots:
                d[NameObject("/Annots")] = ArrayObject(annots)
            page_dicts.append(d)
        catalog = DictionaryObject({NameObject("/Type"): NameObject("/Catalog")})
        root: Any = reader.trailer["/Root"]
        for key in _CATALOG_KEEP:
            if key in root:
                catalog[NameObject(key)] = root.raw_get(key)
        names = get(root, "/Names")
        if names is not None:
            catalog[NameObject("/Names")] = DictionaryObject(
                {k: v for k, v in names.items() if k != "/JavaScript"}
            )
        catalog[NameObject("/Pages")] = pdfout.Ref(pages_num)
        pages_dict = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Count"): NumberObject(len(self.page_nums)),
                NameObject("/Kids"): ArrayObject(pdfout.Ref(n) for n in self.page_nums),
            }
        )
        info = DictionaryObject({NameObject("/Producer"): TextStringObject("formkit")})
        body: list[tuple[int, bytes]] = [
            (pages_num, nums.obj_bytes(pages_num, pages_dict)),
            (root_num, nums.obj_bytes(root_num, catalog)),
            (info_num, nums.obj_bytes(info_num, info)),
        ]
        # the unchanged page dictionaries are serialised now, which numbers everything they reach
        for num, d in zip(self.page_nums, page_dicts, strict=True):
            base.varying[num] = nums.obj_bytes(num, d)
        body.extend(nums.drain(check.resolve, set(self.page_nums)))
        # the shared "restore state, then draw the overlay" stream appended to each filled page
        q_num = nums.fresh()
        tail_num = nums.fresh()
        body.append((q_num, nums.obj_bytes(q_num, pdfout.stream(b"q\n"))))
        body.append((tail_num, nums.obj_bytes(tail_num, pdfout.stream(b"\nQ q /FormkitFill Do Q\n"))))
        # each page as it is written when it has values: original content wrapped in q/Q, then the overlay
        self.filled: list[bytes] = []
        for num, d in zip(self.page_nums, page_dicts, strict=True):
            filled = DictionaryObject(d)
            raw_contents = dict.get(filled, "/Contents")
            contents = get(filled, "/Contents")
            if isinstance(contents, ArrayObject):
                old = list(contents)
            else:
                old = [raw_contents] if raw_contents is not None else []
            filled[NameObject("/Contents")] = ArrayObject([pdfout.Ref(q_num), *old, pdfout.Ref(tail_num)])
            res = DictionaryObject(get(filled, "/Resources") or {})
            xd = DictionaryObject(get(res, "/XObject") or {})
            xd[OVERLAY] = pdfout.Ref(_PLACEHOLDER_NUM)
            res[NameObject("/XObject")] = xd
            filled[NameObject("/Resources")] = res
            self.filled.append(nums.obj_bytes(num, filled))
        body.extend(nums.drain(check.resolve, set(self.page_nums)))
        pdfout.finish_base(base, body, nums.next, root_num, info_num)

    def write(self, overlay: Overlay) -> bytes:
        """One record's flattened PDF."""
        base = self.base
        parts, xobjs, _ = overlay_objects(overlay, self.pages, base.size)
        for index, num in enumerate(self.page_nums):
            if index in xobjs:
                parts.append((num, self.filled[index].replace(_PLACEHOLDER, b"%d 0 R" % xobjs[index])))
            else:
                parts.append((num, base.varying[num]))
        return pdfout.assemble(base, parts, max([base.size, *(n + 1 for n, _ in parts)]))
