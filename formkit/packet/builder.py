"""One applicant + a profile → one print-ready packet PDF (bytes); writing it to disk atomically.

Fast path: every page — cover, the two form copies, checklist, payment page — is drawn into ONE reportlab
canvas, the form's values straight onto the page (no pypdf merging, which costs ~24 ms a page). Static
parts are made once per process: fonts (formkit.pdf.fonts), QR matrices (packet.codes), laid-out static texts
(pages.layout.fit). With SOURCE_DATE_EPOCH set, reportlab runs in invariant mode and the dates on the pages
come from it, so the same input gives byte-identical output.

Portal printout path (`--form FILE.pdf`, a batch's `--forms DIR`, the web upload): the PDF Kamu SM's system
produced for this applicant becomes the copies, as many as the profile says, each page left as it is and
marked in a blank margin; pdfium puts them between the reportlab-made cover and checklist/payment pages
(packet.copies).
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from formkit.acroform.engine import Template
from formkit.errors import InputError, ProfileError, ValidationError
from formkit.fileio import write_atomic
from formkit.input.sources import open_table
from formkit.input.validate import applicant_from_values
from formkit.model import Applicant, Problem, Profile, Track
from formkit.packet import content
from formkit.packet.checklist import draw_checklist
from formkit.packet.codes import qr_runs
from formkit.packet.copies import Printout, assemble, mark_size
from formkit.packet.cover import draw_cover
from formkit.packet.datasheet import draw_datasheet
from formkit.packet.form import form_values
from formkit.packet.payment import draw_payment
from formkit.packet.reference import make_ref
from formkit.pdf import fonts, limits
from formkit.pdf.fastcanvas import PacketCanvas
from formkit.pdf.layout import PAGE_H, PAGE_W, FitError
from formkit.profile import fee_warning
from formkit.turkish import ascii_safe, upper


@dataclass(frozen=True)
class Packet:
    """A finished packet: its reference, file name, PDF bytes, page count, and what its copies are.

    form_source: "portal" (the applicant's printout), "profile" (a form the profile names) or "data-sheet";
    warnings: what the user should check (e.g. a copy mark that found no blank margin).
    """

    ref: str
    filename: str
    data: bytes
    pages: int
    form_source: str = "data-sheet"
    warnings: tuple[str, ...] = ()


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


class PacketBuilder:
    """Builds packets for one profile; create once per process and call build() per applicant."""

    def __init__(
        self,
        profile: Profile,
        *,
        official_form: bytes | None = None,
        editable: bool = False,
        official_label: str = "portal çıktısı",
    ) -> None:
        """official_form: one portal printout for every packet (`packet --form`), named official_label."""
        fonts.register()
        if editable:  # the built-in page is a data sheet now: nothing on it is to be filled in or signed
            raise InputError(
                "--editable artık yok: imzalanacak form Kamu SM sisteminin çıktısıdır ve paketteki veri "
                "sayfası doldurulmaz; bir AcroForm'u düzenlenebilir doldurmak için formkit fill --editable"
            )
        self.profile = profile
        self.official = Printout.load(official_form, official_label) if official_form is not None else None
        self.province_form = _province_form(profile) if profile.form_template else None
        for track in Track:  # make the QR matrices now, not inside the first packet
            qr_runs(profile.track_url(track))

    def build(self, applicant: Applicant, printout: Printout | None = None) -> Packet:
        """The packet for one valid applicant; ValidationError if some text cannot fit its box.

        printout: this applicant's portal printout (else the builder's `official_form`, if any).
        """
        today = build_date()
        ref = packet_ref(applicant)
        printout = printout or self.official
        source = "portal" if printout is not None else "data-sheet"
        if printout is None and self.province_form is not None:
            printout = self._fill_province_form(applicant, today)
            source = "profile"
        ctx = content.PageContext(
            applicant=applicant,
            profile=self.profile,
            ref=ref,
            today=today,
            form_source=source,
            form_title=self.profile.form_title if source == "profile" else "",
        )
        notes: list[str] = []
        try:
            if printout is not None:
                data, pages = self._render_with_printout(ctx, printout, notes)
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
        return Packet(
            ref=ref,
            filename=packet_filename(ref, applicant),
            data=data,
            pages=pages,
            form_source=source,
            warnings=tuple(notes),
        )

    def _fill_province_form(self, applicant: Applicant, today: date) -> Printout:
        """The profile's own form filled for this applicant (flattened), to be copied like a printout."""
        assert self.province_form is not None
        values = form_values(applicant, today)
        filled = self.province_form.fill(
            {field: values[source] for field, source in self.profile.form_fields}, flatten=True
        )
        return Printout.load(filled, self.profile.form_title)

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

    def _render_with_printout(
        self, ctx: content.PageContext, printout: Printout, notes: list[str]
    ) -> tuple[bytes, int]:
        """The portal printout as each copy, whole, every page marked in a blank margin (pdfium)."""
        labels = content.copy_labels(ctx)
        notes.extend(printout.warnings(*mark_size(labels)))
        buffer = io.BytesIO()
        canvas = self._canvas(buffer, ctx)
        draw_cover(canvas, ctx)
        canvas.showPage()
        self._tail(canvas, ctx)
        canvas.save()
        return assemble(buffer.getvalue(), printout, labels)


def _province_form(profile: Profile) -> Template:
    """The profile's [form] template, parsed once per process, its field map checked against it."""
    template = _template_at(profile.form_template)
    known = {f.name for f in template.list_fields()}
    sources = set(form_values(_SAMPLE, date(2000, 1, 1)))
    label = profile.path or "profil"
    problems = [
        f"{label}: form.fields: şablonda '{name}' alanı yok"
        for name, _ in profile.form_fields
        if name not in known
    ] + [
        f"{label}: form.fields.{name}: bilinmeyen başvuru alanı '{source}' (olabilecekler: "
        f"{', '.join(sorted(sources))})"
        for name, source in profile.form_fields
        if source not in sources
    ]
    if problems:
        raise ProfileError("\n".join(problems))
    return template


@cache
def _template_at(path: str) -> Template:
    return Template.from_path(path)


_SAMPLE = Applicant(
    ad="", soyad="", tc_kimlik_no="", dogum_tarihi=date(2000, 1, 1), dogum_yeri="", e_posta="",
    cep_telefonu="", kurum="", unvan="", adres="", il="", ilce="", posta_kodu="", track=Track.KURUM,
)  # fmt: skip


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
    """A portal printout file's bytes, checked (size, PDF, encryption, pages); TemplateError naming it."""
    data = limits.read_pdf_file(path)
    Printout.load(data, str(path))  # check it now, naming the file
    return data


def build_packet(applicant: Applicant, profile: Profile, **kw: Any) -> Packet:
    """Build one packet (convenience for a single applicant; use PacketBuilder for many)."""
    return PacketBuilder(profile, **kw).build(applicant)


def write_packet(packet: Packet, out_dir: Path, *, durable: bool = True) -> Path:
    """Write the packet into out_dir atomically (temp file + os.replace); return its path."""
    target = Path(out_dir) / packet.filename
    write_atomic(target, packet.data, durable=durable)
    return target


__all__ = [
    "Packet",
    "PacketBuilder",
    "build_date",
    "build_packet",
    "load_applicant",
    "packet_filename",
    "packet_ref",
    "read_official_form",
    "write_packet",
]
