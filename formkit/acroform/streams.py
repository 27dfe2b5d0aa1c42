"""Every stream an output copies from a template is checked once, at load: damaged input is not passed on.

Outputs copy the template's streams byte for byte (fast, and nothing is re-encoded). A damaged template
(a flipped byte in a Flate stream) would then give an output whose streams no reader can decode, written
with exit code 0. So each copied stream whose filters are text or Flate filters (ASCII85, ASCIIHex,
RunLength, LZW, Flate, in any chain) is decoded once per template, the Flate layer strictly (zlib, checksum
included). One that fails is repaired when pypdf's tolerant decoder recovers its data — the copy is then a
new Flate stream of that data, with a warning naming the object — and refused otherwise (TemplateError).
Image filters (DCT, JPX, JBIG2, CCITT) end the check: what follows them is image data for the viewer.
"""

from __future__ import annotations

import zlib
from typing import Any

from pypdf import filters
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DecodedStreamObject, IndirectObject, NameObject, StreamObject

from formkit.errors import TemplateError
from formkit.pdf import writer as pdfout

__all__ = ["StreamCheck"]

_TEXT_FILTERS: dict[str, Any] = {
    "/ASCII85Decode": filters.ASCII85Decode,
    "/A85": filters.ASCII85Decode,
    "/ASCIIHexDecode": filters.ASCIIHexDecode,
    "/AHx": filters.ASCIIHexDecode,
    "/RunLengthDecode": filters.RunLengthDecode,
    "/RL": filters.RunLengthDecode,
    "/LZWDecode": filters.LZWDecode,
    "/LZW": filters.LZWDecode,
}
_FLATE = ("/FlateDecode", "/Fl")


class StreamCheck:
    """A resolver for `Numbering.drain` that checks (and if need be repairs) each stream it hands out."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.repaired: list[int] = []
        self._done: dict[tuple[int, int], Any] = {}

    def resolve(self, ref: IndirectObject) -> Any:
        """The object behind `ref` (a repaired copy for a damaged stream), checked when first seen."""
        key = (ref.idnum, ref.generation)
        if key in self._done:
            return self._done[key]
        obj = pdfout.resolve(ref)
        if isinstance(obj, StreamObject) and not _decodes(obj):
            obj = self._repair(obj, ref.idnum)
        self._done[key] = obj
        return obj

    def _repair(self, obj: StreamObject, number: int) -> StreamObject:
        """A Flate copy of what pypdf's tolerant decoder recovers; TemplateError when it recovers nothing."""
        try:
            data = obj.get_data()
        except (PyPdfError, zlib.error, ValueError, TypeError, NotImplementedError) as exc:
            raise TemplateError(
                f"{self.source}: PDF bozuk: {number}. nesnenin akışı çözülemiyor; çıktı yazılmadı ({exc})"
            ) from exc
        if not data:
            raise TemplateError(
                f"{self.source}: PDF bozuk: {number}. nesnenin akışı çözülemiyor; çıktı yazılmadı"
            )
        plain = DecodedStreamObject()
        for key, value in obj.items():
            if key not in ("/Filter", "/DecodeParms", "/Length", "/DL"):
                plain[NameObject(key)] = value
        plain.set_data(data)
        self.repaired.append(number)
        repaired: StreamObject = plain.flate_encode()
        return repaired


def _decodes(obj: StreamObject) -> bool:
    """True when every text and Flate layer of the stream decodes (Flate strictly, with its checksum)."""
    chain = obj.get("/Filter")
    names = [str(f) for f in chain] if isinstance(chain, ArrayObject) else [str(chain)] if chain else []
    parms = obj.get("/DecodeParms")
    if not names or (names[0] not in _TEXT_FILTERS and names[0] not in _FLATE):
        return True  # unfiltered, or an image filter first: nothing we can check cheaply
    data = pdfout.raw_data(obj)  # the bytes as they will be copied
    for name in names:
        if name in _FLATE:
            try:
                data = zlib.decompressobj().decompress(data)
            except zlib.error:
                return False
            if parms is not None:  # a predictor follows: the zlib layer was what could be damaged
                return True
        elif name in _TEXT_FILTERS and parms is None:
            try:
                data = _TEXT_FILTERS[name].decode(data)
            except Exception:  # pypdf's decoders raise several types on bad input
                return False
        else:
            return True  # an image filter (or parameters we do not check): the rest is for the viewer
    return True
