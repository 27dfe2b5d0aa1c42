"""The private internals of pypdf and reportlab that formkit/pdf/_compat.py relies on are still there.

When one of these fails after an upgrade, re-check `_compat.py` against the new library version, then
update its pins (pyproject.toml, `_compat.TESTED`) and the recorded hash.
"""

from __future__ import annotations

import io
import re
import tomllib
import zlib
from importlib.metadata import version

import pytest
from packaging.specifiers import SpecifierSet
from pypdf import PdfReader
from pypdf.generic import NameObject
from reportlab import rl_config
from reportlab.lib.pagesizes import A6
from reportlab.pdfbase.ttfonts import TTFontFace
from reportlab.pdfgen.canvas import Canvas

from formkit.pdf import _compat
from formkit.pdf.fastcanvas import PacketCanvas
from tests.conftest import ROOT


def test_installed_versions_are_the_tested_ones() -> None:
    for name, spec in _compat.TESTED.items():
        assert version(name) in SpecifierSet(spec), f"{name} {version(name)} is outside the tested {spec}"


def test_pyproject_pins_the_tested_ranges() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {re.split(r"[\[<>=]", dep, maxsplit=1)[0]: dep for dep in project["dependencies"]}
    for name, spec in _compat.TESTED.items():
        assert SpecifierSet(re.sub(r"^[^<>=]*", "", pins[name])) == SpecifierSet(spec), pins[name]


def test_reportlab_add_subset_objects_is_the_body_we_copied() -> None:
    assert _compat.source_hash(TTFontFace.addSubsetObjects) == _compat.ADD_SUBSET_OBJECTS_SHA256, (
        "reportlab changed TTFontFace.addSubsetObjects: update _compat.add_font_file to match, then the hash"
    )


def test_reportlab_canvas_internals_used_by_fastcanvas_exist() -> None:
    canvas = Canvas(io.BytesIO(), pagesize=A6)
    for name in ("_code", "_fontname", "_fontsize", "_leading", "_doc", "_extgstate", "_enforceColorSpace"):
        assert hasattr(canvas, name), name
    assert isinstance(canvas._extgstate._d, dict)
    assert hasattr(canvas._doc, "idToObject") and hasattr(canvas._doc.Pages, "pages")


def _content_filters(data: bytes) -> list[object]:
    return [list(page["/Contents"].get("/Filter", [])) for page in PdfReader(io.BytesIO(data)).pages]


def test_flate_only_is_per_canvas_and_leaves_reportlab_global_state_alone() -> None:
    before = rl_config.useA85
    buffer = io.BytesIO()
    ours = PacketCanvas(buffer, A6)
    ours.drawString(20, 20, "Şükrü Iğdır")
    ours.showPage()
    ours.drawString(20, 20, "ikinci sayfa")
    ours.save()
    assert rl_config.useA85 == before
    assert _content_filters(buffer.getvalue()) == [["/FlateDecode"], ["/FlateDecode"]]
    assert "Şükrü Iğdır" in PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text()
    plain_buffer = io.BytesIO()
    plain = Canvas(plain_buffer, pagesize=A6)  # another canvas in the same process: reportlab's own default
    plain.drawString(20, 20, "x")
    plain.save()
    expected = [["/ASCII85Decode", "/FlateDecode"]] if rl_config.useA85 else [["/FlateDecode"]]
    assert _content_filters(plain_buffer.getvalue()) == expected


@pytest.fixture
def flate_pdf() -> bytes:
    buffer = io.BytesIO()
    canvas = PacketCanvas(buffer, A6)
    canvas.drawString(20, 20, "akış")
    canvas.save()
    return buffer.getvalue()


def test_pypdf_raw_stream_bytes_are_the_stored_bytes(flate_pdf: bytes) -> None:
    contents = PdfReader(io.BytesIO(flate_pdf)).pages[0]["/Contents"].get_object()
    raw = _compat.raw_data(contents)
    assert raw != contents.get_data()  # still encoded
    assert re.search(rb"stream\r?\n" + re.escape(raw) + rb"\r?\n?endstream", flate_pdf)
    copy = _compat.stream_with_raw_data(raw)
    copy[NameObject("/Filter")] = contents["/Filter"]
    assert zlib.decompress(raw) == contents.get_data()
    out = io.BytesIO()
    copy.write_to_stream(out)
    assert raw in out.getvalue()


def test_font_memos_serve_only_formkit_documents() -> None:
    """Another reportlab document in the process gets reportlab's own font methods, not fastcanvas's memos."""
    from formkit.pdf import fastcanvas, fonts

    PacketCanvas(io.BytesIO(), A6)  # installs the memos on the registered fonts
    fastcanvas.set_caching(True)  # empties them
    regular, _ = fonts.register()
    foreign = Canvas(io.BytesIO(), pagesize=A6, pageCompression=1)
    foreign.setFont(regular, 10)
    foreign.drawString(20, 20, "Ærøskøbing ğüşıöç")
    foreign.save()
    assert not fastcanvas._FONT_FILES and not fastcanvas._CMAPS
    ours = PacketCanvas(io.BytesIO(), A6)
    ours.drawString(20, 20, "Ærøskøbing ğüşıöç")
    ours.save()
    assert fastcanvas._FONT_FILES and fastcanvas._CMAPS
