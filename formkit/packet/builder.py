"""One applicant + a profile → one print-ready packet PDF (bytes); writing it to disk atomically.

Fast path: every page — cover, the two form copies, checklist, payment page — is drawn into ONE reportlab
canvas, the form's values straight onto the page (no pypdf merging, which costs ~24 ms a page). Static
parts are made once per process: fonts (formkit.pdf.fonts), QR matrices (packet.codes), laid-out static texts
(pages.layout.fit). With SOURCE_DATE_EPOCH set, reportlab runs in invariant mode and the dates on the pages
come from it, so the same input gives byte-identical output.

`--form OFFICIAL.pdf` path: the PDF that Kamu SM's portal produced for this applicant (already filled) is
used twice as the two copies, each page stamped with its copy mark (pypdf), and merged between the
reportlab-made cover and checklist/payment pages.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError, PyPdfError
from reportlab.pdfgen.canvas import Canvas

from formkit.acroform.engine import Template
from formkit.errors import InputError, TemplateError, ValidationError
from formkit.fileio import write_atomic
from formkit.input.sources import open_table
from formkit.input.validate import applicant_from_values
from formkit.model import Applicant, Problem, Profile, Track
from formkit.packet import content
from formkit.packet.checklist import draw_checklist
from formkit.packet.codes import qr_runs
from formkit.packet.cover import draw_cover
from formkit.packet.datasheet import draw_datasheet
from formkit.packet.form import COPY_FIELD, form_values
from formkit.packet.payment import draw_payment
from formkit.packet.reference import make_ref
from formkit.pdf import fonts
from formkit.pdf.fastcanvas import PacketCanvas
from formkit.pdf.layout import BOLD, MM, PAGE_H, PAGE_W, STAMP_RED, WHITE, FitError, width
from formkit.pdf.textfit import new_canvas
from formkit.profile import fee_warning
from formkit.resources import asset
from formkit.turkish import ascii_safe, upper

MAX_OFFICIAL_BYTES = 20 * 1024 * 1024
BUILTIN_TEMPLATE = "nes-basvuru-formu.pdf"


@dataclass(frozen=True)
class Packet:
    """A finished packet: its reference, file name, PDF bytes and page count."""

    ref: str
    filename: str
    data: bytes
    pages: int


def packet_ref(applicant: Applicant) -> str:
    """The applicant's packet reference (stable, checkable, not reversible to the T.C. number)."""
    return make_ref(applicant.tc_kimlik_no)


def packet_filename(ref: str, applicant: Applicant) -> str:
    """`<REF>-<SOYAD>-<AD>.pdf`, ASCII-safe, without the T.C. number."""
    return f"{ref}-{ascii_safe(upper(applicant.soyad))[:40]}-{ascii_safe(applicant.ad)[:40]}.pdf"


def build_date() -> date:
    """Today, or the day of SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC).date()
        except (ValueError, OverflowError, OSError) as exc:
            raise InputError(f"SOURCE_DATE_EPOCH geçerli bir Unix zamanı değil: {epoch!r}") from exc
    return date.today()


class _OfficialForm:
    """A filled PDF from Kamu SM's portal, checked once; re-read per copy (pypdf shares cloned pages)."""

    def __init__(self, data: bytes, label: str = "resmi form") -> None:
        self.label = label
        if len(data) > MAX_OFFICIAL_BYTES:
            raise TemplateError(f"{label}: PDF çok büyük (20 MB üstü)")
        if not data[:1024].lstrip().startswith(b"%PDF-"):
            raise TemplateError(f"{label}: PDF dosyası değil")
        self.data = data
        reader = self.reader()
        self.sizes = tuple((float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages)
        if not self.sizes:
            raise TemplateError(f"{label}: PDF'te sayfa yok")

    def reader(self) -> PdfReader:
        try:
            with _quiet_pypdf():
                reader = PdfReader(io.BytesIO(self.data))
                if reader.is_encrypted:
                    raise TemplateError(f"{self.label}: PDF şifreli; şifresiz bir çıktı verin")
                for page in reader.pages:
                    _ = page.mediabox
        except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise TemplateError(f"{self.label}: okunabilir bir PDF değil ({exc})") from exc
        return reader


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf logs recoverable damage as warnings on stderr; we report problems ourselves, once."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class PacketBuilder:
    """Builds packets for one profile; create once per process and call build() per applicant."""

    def __init__(
        self, profile: Profile, *, official_form: bytes | None = None, editable: bool = False
    ) -> None:
        fonts.register()
        if editable:  # the built-in page is a data sheet now: nothing on it is to be filled in or signed
            raise InputError(
                "--editable artık yok: imzalanacak form Kamu SM sisteminin çıktısıdır ve paketteki veri "
                "sayfası doldurulmaz; bir AcroForm'u düzenlenebilir doldurmak için formkit fill --editable"
            )
        self.profile = profile
        self.editable = editable
        self.official = _OfficialForm(official_form) if official_form is not None else None
        for track in Track:  # make the QR matrices now, not inside the first packet
            qr_runs(profile.track_url(track))

    def build(self, applicant: Applicant) -> Packet:
        """The packet for one valid applicant; ValidationError if some text cannot fit its box."""
        today = build_date()
        ref = packet_ref(applicant)
        form_source = "portal" if self.official is not None else "data-sheet"
        ctx = content.PageContext(
            applicant=applicant, profile=self.profile, ref=ref, today=today, form_source=form_source
        )
        try:
            if self.official is not None:
                data, pages = self._render_with_official(ctx, self.official)
            elif self.editable:
                data, pages = self._render_editable(ctx)
            else:
                data, pages = self._render(ctx)
        except FitError as exc:
            problem = Problem(
                field=exc.field,
                message=f"metin sayfadaki alanına sığmıyor, kısaltın: {exc.text[:60]!r}",
                row=applicant.row,
            )
            raise ValidationError([problem]) from exc
        except ValidationError as exc:  # the form's own fit checks: say which record it was
            if applicant.row is None:
                raise
            raise ValidationError([replace(p, row=p.row or applicant.row) for p in exc.problems]) from exc
        return Packet(ref=ref, filename=packet_filename(ref, applicant), data=data, pages=pages)

    def _canvas(self, buffer: io.BytesIO, ctx: content.PageContext) -> Canvas:
        reproducible = bool(os.environ.get("SOURCE_DATE_EPOCH", "").strip())
        canvas = PacketCanvas(buffer, (PAGE_W, PAGE_H), invariant=1 if reproducible else 0)
        name = content.person_name(ctx.applicant.ad, ctx.applicant.soyad)
        canvas.setTitle(f"E-imza ilk başvuru paketi — {name} ({ctx.ref})")
        canvas.setAuthor(self.profile.name)
        canvas.setSubject(ctx.track.label)
        canvas.setCreator("formkit")
        return canvas

    def _stale(self, ctx: content.PageContext) -> bool:
        return fee_warning(self.profile, ctx.today) is not None

    def _tail(self, canvas: Canvas, ctx: content.PageContext) -> int:
        """Checklist and (aile-hekimi) payment page; returns the number of pages drawn."""
        stale = self._stale(ctx)
        draw_checklist(canvas, ctx, stale_fees=stale)
        canvas.showPage()
        if ctx.track is Track.AILE_HEKIMI:
            draw_payment(canvas, ctx, stale_fees=stale)
            canvas.showPage()
            return 2
        return 1

    def _render(self, ctx: content.PageContext) -> tuple[bytes, int]:
        buffer = io.BytesIO()
        canvas = self._canvas(buffer, ctx)
        draw_cover(canvas, ctx)
        canvas.showPage()
        draw_datasheet(canvas, ctx)  # no portal printout: the data sheet, once (no copies)
        canvas.showPage()
        pages = 2 + self._tail(canvas, ctx)
        canvas.save()
        return buffer.getvalue(), pages

    def _render_editable(self, ctx: content.PageContext) -> tuple[bytes, int]:
        """--editable: the two copies from the fillable template, filled but keeping their fields.

        Each copy's fields are put under their own parent (`nusha1.ad`, `nusha2.ad`) so the two copies
        stay independent in a viewer; the copy mark is the template's own `nusha` field.
        """
        template = _builtin_template()
        values = form_values(ctx.applicant, ctx.today)
        copies = [
            template.fill({**values, COPY_FIELD: label}, flatten=False) for label in content.copy_labels(ctx)
        ]

        def add_copies(writer: PdfWriter) -> None:
            for number, copy in enumerate(copies, start=1):
                reader = PdfReader(io.BytesIO(copy))
                reader.add_form_topname(f"nusha{number}")
                writer.append(reader)

        return _assemble(self._own_pages(ctx), add_copies, "doldurulabilir form pakete eklenemedi")

    def _render_with_official(self, ctx: content.PageContext, official: _OfficialForm) -> tuple[bytes, int]:
        """--form: the portal's PDF as each copy, every page stamped with its copy mark."""
        labels = content.copy_labels(ctx)
        marks = PdfReader(io.BytesIO(_copy_marks(labels, official.sizes)))

        def add_copies(writer: PdfWriter) -> None:
            for copy in range(len(labels)):
                for index, page in enumerate(official.reader().pages):
                    added = writer.add_page(page)
                    added.merge_page(marks.pages[copy * len(official.sizes) + index])

        return _assemble(self._own_pages(ctx), add_copies, f"{official.label}: pakete eklenemedi")

    def _own_pages(self, ctx: content.PageContext) -> PdfReader:
        """The pages formkit draws itself (cover, checklist, payment page), read back for pypdf assembly."""
        buffer = io.BytesIO()
        canvas = self._canvas(buffer, ctx)
        draw_cover(canvas, ctx)
        canvas.showPage()
        self._tail(canvas, ctx)
        canvas.save()
        return PdfReader(io.BytesIO(buffer.getvalue()))


def _assemble(own: PdfReader, add_copies: Callable[[PdfWriter], None], failure: str) -> tuple[bytes, int]:
    """Cover, then the copies add_copies puts in, then the rest of formkit's own pages; (bytes, pages)."""
    writer = PdfWriter()
    try:
        with _quiet_pypdf():
            writer.add_page(own.pages[0])
            add_copies(writer)
            for page in own.pages[1:]:
                writer.add_page(page)
            writer.add_metadata(_metadata(own))
            out = io.BytesIO()
            writer.write(out)
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise TemplateError(f"{failure} ({exc})") from exc
    return out.getvalue(), len(writer.pages)


@cache
def _builtin_template() -> Template:
    """The fillable built-in form (assets/forms/), parsed once per process."""
    return Template.from_path(asset("forms", BUILTIN_TEMPLATE))


def _metadata(reader: PdfReader) -> dict[str, Any]:
    info = reader.metadata
    if info is None:
        return {}
    return {key: str(info[key]) for key in ("/Title", "/Author", "/Subject") if key in info}


def _copy_marks(labels: Sequence[str], sizes: Sequence[tuple[float, float]]) -> bytes:
    """One overlay page per (copy, official page): the copy mark in a small box in the top margin."""
    buffer = io.BytesIO()
    canvas: Canvas = new_canvas(buffer, (PAGE_W, PAGE_H))
    for label in labels:
        for page_w, page_h in sizes:
            canvas.setPageSize((page_w, page_h))
            draw_copy_mark(canvas, label, page_w, page_h)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def draw_copy_mark(canvas: Canvas, label: str, page_w: float, page_h: float) -> None:
    """A white box with a red frame and the copy mark, top right, inside the top 10 mm."""
    size = 8.5
    text_w = width(label, BOLD, size)
    box_w, box_h = text_w + 6 * MM, 6 * MM
    x = page_w - 8 * MM - box_w
    y = page_h - 2.5 * MM - box_h
    canvas.setFillColor(WHITE)
    canvas.setStrokeColor(STAMP_RED)
    canvas.setLineWidth(1)
    canvas.roundRect(x, y, box_w, box_h, 1.2 * MM, stroke=1, fill=1)
    canvas.setFillColor(STAMP_RED)
    canvas.setFont(BOLD, size)
    canvas.drawString(x + 3 * MM, y + 1.9 * MM, label)


def load_applicant(path: Path | None, overrides: Mapping[str, str]) -> Applicant:
    """One applicant from a JSON/CSV/XLSX file with one record and/or field values (which take precedence).

    Raises InputError for an unusable file and ValidationError listing every problem of the record.
    """
    values: dict[str, str] = {}
    source, row = "komut satırı", None
    headers: Mapping[str, str] = {}
    if path is not None:
        table = open_table(path)
        headers = table.fields  # a problem of the file is named by the file's own key or header
        rows = list(table.rows())
        if len(rows) != 1:
            raise InputError(
                f"{path}: tek bir başvuru sahibi bekleniyor, {len(rows)} kayıt var; "
                "çok kişi için formkit batch kullanın"
            )
        values.update(rows[0].values)
        source, row = path.name, rows[0].row
    elif not overrides:
        raise InputError("başvuru sahibi verilmedi: --input applicant.json ya da --ad, --soyad, --tc, ...")
    values.update(overrides)
    try:
        return applicant_from_values(values, source=source, row=row)
    except ValidationError as exc:
        named = [
            p if p.field in overrides else replace(p, field=headers.get(p.field, p.field))
            for p in exc.problems
        ]
        raise ValidationError(named) from exc


def read_official_form(path: Path) -> bytes:
    """The bytes of an official (portal-made) form PDF; InputError when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: resmi form okunamadı ({exc.strerror or exc})") from exc
    _OfficialForm(data, label=str(path))  # check it now, naming the file
    return data


def build_packet(applicant: Applicant, profile: Profile, **kw: Any) -> Packet:
    """Build one packet (convenience for a single applicant; use PacketBuilder for many)."""
    return PacketBuilder(profile, **kw).build(applicant)


def write_packet(packet: Packet, out_dir: Path, *, durable: bool = True) -> Path:
    """Write the packet into out_dir atomically (temp file + os.replace); return its path."""
    target = Path(out_dir) / packet.filename
    write_atomic(target, packet.data, durable=durable)
    return target
