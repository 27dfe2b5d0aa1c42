"""The form's own fonts as a fallback for characters the bundled DejaVu Sans does not have.

A form made for Japanese options (or any script DejaVu lacks) usually carries a font that shows them in
/AcroForm /DR. When a value has a character DejaVu cannot show, the field's /DA font is used if it is an
embedded TrueType font (/FontFile2, simple or CID-keyed) that reportlab can read, that allows embedding
(reportlab refuses fonts whose OS/2 fsType forbids it), and that has every character of the value. It is
read only when first needed, registered with reportlab once per process under a name made from its
content hash, and embedded as a subset by the per-record reportlab overlay.
"""

from __future__ import annotations

import hashlib
import io
import threading
from typing import Any

from formkit.acroform.tree import get, get_list
from formkit.pdf import textfit

__all__ = ["FormFonts", "embedded_truetype"]

MAX_FONT_BYTES = 8 * 1024 * 1024  # a larger embedded font is not used (memory, time)
_LOCK = threading.Lock()
_REGISTERED: dict[str, str | None] = {}  # content hash → reportlab name (None: not usable)


def embedded_truetype(dr_fonts: Any) -> dict[str, Any]:
    """/DR font resource name → its /FontFile2 stream, for the embedded TrueType fonts of a form."""
    out: dict[str, Any] = {}
    for name in list(dr_fonts or {}):
        font = get(dr_fonts, name)
        if font is None:
            continue
        if get(font, "/Subtype") == "/Type0":
            kids = get_list(get(font, "/DescendantFonts"))
            font = kids[0].get_object() if kids and hasattr(kids[0], "get_object") else None
        stream = get(get(font, "/FontDescriptor"), "/FontFile2")
        if stream is not None:
            out[str(name)[1:]] = stream
    return out


class FormFonts:
    """Fallback fonts of one template, looked up by /DA font resource name."""

    def __init__(self, streams: dict[str, Any]) -> None:
        self._streams = streams
        self._names: dict[str, str | None] = {}

    def font_for(self, resource: str, text: str) -> str | None:
        """A registered reportlab font that shows every character of `text`, or None."""
        if resource not in self._streams:
            return None
        if resource not in self._names:
            self._names[resource] = _register(self._streams[resource])
        name = self._names[resource]
        if name is None or textfit.missing_glyphs(text, name):
            return None
        return name


def _register(stream: Any) -> str | None:
    try:
        data = stream.get_data()
    except Exception:
        return None
    if not data or len(data) > MAX_FONT_BYTES:
        return None
    digest = hashlib.sha256(data).hexdigest()[:16]
    with _LOCK:
        if digest not in _REGISTERED:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            name = f"FormkitForm-{digest}"
            try:
                pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
                _REGISTERED[digest] = name
            except Exception:  # not a TrueType reportlab can subset, or embedding not allowed
                _REGISTERED[digest] = None
        return _REGISTERED[digest]
