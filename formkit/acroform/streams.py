"""Every stream an output copies from a template is checked once, at load: damaged input is not passed on.

Outputs copy the template's streams byte for byte (fast, and nothing is re-encoded). A damaged template
(a flipped byte in a Flate stream) would then give an output whose streams no reader can decode, written
with exit code 0. So each copied Flate stream is decompressed strictly once per template; one that fails is
repaired when pypdf's tolerant decoder recovers its data (re-encoded, with a warning naming the object), and
refused otherwise (TemplateError). Streams in other filters (images) are copied as they are.
"""

from __future__ import annotations

import zlib
from typing import Any

from pypdf.errors import PyPdfError
from pypdf.generic import IndirectObject, NameObject, StreamObject

from formkit.errors import TemplateError
from formkit.pdf import writer as pdfout

__all__ = ["StreamCheck"]

_FLATE = NameObject("/FlateDecode")


class StreamCheck:
    """A resolver for `Numbering.drain` that checks (and if need be repairs) each stream it hands out."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.repaired: list[int] = []
        self._checked: set[tuple[int, int]] = set()

    def resolve(self, ref: IndirectObject) -> Any:
        """The object behind `ref`, its stream checked the first time it is seen."""
        obj = pdfout.resolve(ref)
        key = (ref.idnum, ref.generation)
        if isinstance(obj, StreamObject) and key not in self._checked:
            self._checked.add(key)
            self.check(obj, ref.idnum)
        return obj

    def check(self, obj: StreamObject, number: int) -> None:
        """Strictly decode a Flate stream; repair it from pypdf's tolerant decoder or refuse the template."""
        filters = obj.get("/Filter")
        if filters != _FLATE and not (isinstance(filters, list) and list(filters) == [_FLATE]):
            return
        if "/DecodeParms" in obj:
            return  # predictors: pypdf's decoder applies them; the zlib layer is checked by reading it
        try:
            zlib.decompressobj().decompress(pdfout.raw_data(obj))  # the bytes as they will be copied
            return  # (a stream cut short without its checksum is tolerated: many producers write them)
        except zlib.error:
            pass
        try:
            data = obj.get_data()
        except (PyPdfError, zlib.error, ValueError, TypeError) as exc:
            raise TemplateError(
                f"{self.source}: PDF bozuk: {number}. nesnenin akışı çözülemiyor; çıktı yazılmadı ({exc})"
            ) from exc
        if not data:
            raise TemplateError(
                f"{self.source}: PDF bozuk: {number}. nesnenin akışı çözülemiyor; çıktı yazılmadı"
            )
        obj.set_data(data)
        self.repaired.append(number)
