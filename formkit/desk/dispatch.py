"""The list for the envelope to Kamu SM (`formkit dispatch DIR [--again ID]`).

Every received packet not yet sent on (for `aile-hekimi`: only with the bank receipt, since the officer
approves a physician's form together with the payment) goes on one numbered list: date, count, and per packet
reference, name, masked T.C. number and track. The list is recorded first (one transaction: the list, its
rows as they were, a "dispatched" event per packet), then drawn as an A4 PDF with the embedded Unicode font
and written atomically; `--again ID` draws the recorded list again, identical. A profile may add a cover
letter page ("üst yazı") from its `[desk]` table.
"""

from __future__ import annotations

import io
import string
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4

from formkit import turkish
from formkit.desk import texts
from formkit.desk.store import DISPATCHED, DeskError, Store, local_time, now_utc, stamp
from formkit.fileio import write_atomic
from formkit.model import Profile, Track
from formkit.pdf import fonts
from formkit.pdf.textfit import new_canvas, wrap
from formkit.profile import address_lines

FOLDER = "kamusm"
ROWS_PER_PAGE = 38
NAME_WIDTH = 210.0  # points between the name column and the next
_TRACK_SHORT = {
    Track.KURUM.value: "kurum",
    Track.AILE_HEKIMI.value: "aile hekimi",
    Track.BIREYSEL.value: "bireysel",
}


@dataclass(frozen=True)
class Item:
    ref: str
    name: str
    tc: str  # masked
    track: str


@dataclass(frozen=True)
class Dispatch:
    """One recorded list."""

    id: int
    at: str  # UTC ISO
    who: str
    items: tuple[Item, ...]
    waiting_receipt: int = 0  # received aile-hekimi packets left out for their receipt (new lists only)

    @property
    def file_name(self) -> str:
        return f"kamusm-liste-{self.id:03d}.pdf"


def dispatch(store: Store, *, who: str, now: datetime | None = None) -> Dispatch | None:
    """Record a new list of every received packet not yet sent on; None when there is nothing to send."""
    when = now or now_utc()
    with store.transaction() as db:
        rows = db.execute(
            """
            SELECT a.ref, a.name, a.tc, a.track FROM applicants a
            JOIN events r ON r.ref = a.ref AND r.kind = 'received'
            WHERE a.track != 'bireysel'
              AND NOT EXISTS (SELECT 1 FROM events d WHERE d.ref = a.ref AND d.kind = 'dispatched')
              AND (a.track != 'aile-hekimi'
                   OR EXISTS (SELECT 1 FROM events p WHERE p.ref = a.ref AND p.kind = 'receipt'))
            ORDER BY r.id
            """
        ).fetchall()
        waiting = db.execute(
            """
            SELECT count(*) FROM applicants a JOIN events r ON r.ref = a.ref AND r.kind = 'received'
            WHERE a.track = 'aile-hekimi'
              AND NOT EXISTS (SELECT 1 FROM events p WHERE p.ref = a.ref AND p.kind = 'receipt')
            """
        ).fetchone()[0]
        if not rows:
            return Dispatch(0, stamp(when), who, (), waiting) if waiting else None
        number = db.execute(
            "INSERT INTO dispatches (at, who, count) VALUES (?, ?, ?)", (stamp(when), who, len(rows))
        ).lastrowid
        assert number is not None
        db.executemany(
            "INSERT INTO dispatch_items VALUES (?, ?, ?, ?, ?, ?)",
            [(number, position, *row) for position, row in enumerate(rows, start=1)],
        )
        for row in rows:
            store.add(db, row[0], DISPATCHED, when, who, str(number))
    return Dispatch(number, stamp(when), who, tuple(Item(*row) for row in rows), waiting)


def recorded(store: Store, number: int) -> Dispatch:
    """A list recorded earlier, as it was (for `--again`)."""
    head = store.query_one("SELECT id, at, who FROM dispatches WHERE id = ?", (number,))
    if head is None:
        known = [str(r[0]) for r in store.query_all("SELECT id FROM dispatches ORDER BY id")]
        hint = f"kayıtlı listeler: {', '.join(known)}" if known else "henüz hiç liste yok"
        raise DeskError(f"--again {number}: böyle bir gönderim listesi yok ({hint})")
    items = store.query_all(
        "SELECT ref, name, tc, track FROM dispatch_items WHERE dispatch = ? ORDER BY position", (number,)
    )
    return Dispatch(int(str(head[0])), str(head[1]), str(head[2]), tuple(Item(*row) for row in items))


def write(store: Store, profile: Profile, listing: Dispatch) -> Path:
    """Draw the list (and the profile's cover letter) and write it atomically into DIR/kamusm/."""
    desk_texts = texts.load(profile)
    pdf = render(listing, profile, desk_texts)
    path = store.folder / FOLDER / listing.file_name
    write_atomic(path, pdf, error=DeskError)
    return path


def render(listing: Dispatch, profile: Profile, desk_texts: texts.DeskTexts) -> bytes:
    """The PDF bytes: an optional cover-letter page, then the list, 38 rows a page, numbered pages."""
    regular, bold = fonts.register()
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, A4)
    canvas.setTitle(f"Kamu SM gönderim listesi {listing.id}")
    canvas.setAuthor(profile.name)
    width, height = A4
    margin = 56.0
    day = local_time(listing.at)[:10]
    if desk_texts.cover_letter:
        _cover_letter(canvas, listing, profile, desk_texts, day)
    pages = max(1, -(-len(listing.items) // ROWS_PER_PAGE))
    columns = [(margin, "Sıra"), (margin + 34, "Paket no"), (margin + 110, "Ad soyad"),
               (margin + 330, "T.C. kimlik no"), (margin + 420, "Başvuru türü")]  # fmt: skip
    for page in range(pages):
        y = height - margin
        canvas.setFont(bold, 14)
        canvas.drawString(margin, y, "Kamu SM'ye gönderilen başvuru formları")
        y -= 20
        canvas.setFont(regular, 10)
        canvas.drawString(margin, y, profile.name)
        y -= 14
        canvas.drawString(margin, y, f"Liste no: {listing.id}    Tarih: {day}    Adet: {len(listing.items)}")
        y -= 24
        canvas.setFont(bold, 9)
        for x, label in columns:
            canvas.drawString(x, y, label)
        y -= 4
        canvas.line(margin, y, width - margin, y)
        y -= 13
        canvas.setFont(regular, 9)
        start = page * ROWS_PER_PAGE
        for position, item in enumerate(listing.items[start : start + ROWS_PER_PAGE], start=start + 1):
            cells = [str(position), item.ref, item.name, item.tc, _TRACK_SHORT.get(item.track, item.track)]
            for column, ((x, _), cell) in enumerate(zip(columns, cells, strict=True)):
                size = 9.0
                if column == 2:  # a long name is set smaller, never cut: the list names the person in full
                    size = min(size, size * NAME_WIDTH / max(fonts.string_width(cell, regular, size), 1.0))
                canvas.setFont(regular, size)
                canvas.drawString(x, y, cell)
            y -= 16
        canvas.setFont(regular, 8)
        canvas.drawRightString(width - margin, margin / 2, f"Sayfa {page + 1} / {pages}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _cover_letter(c: Any, listing: Dispatch, profile: Profile, desk_texts: texts.DeskTexts, day: str) -> None:
    """The "üst yazı" page: heading, date, subject, Kamu SM's address, the profile's text, signature."""
    regular, bold = fonts.register()
    width, height = A4
    margin = 70.0
    values = {
        "tarih": day,
        "liste_no": str(listing.id),
        "adet": str(len(listing.items)),
        "kurum_adi": profile.name,
    }
    y = height - margin
    c.setFont(bold, 11)
    for line in [profile.name, *profile.officer.organisation[1:]]:
        c.drawCentredString(width / 2, y, turkish.upper(line))
        y -= 15
    c.setFont(regular, 10)
    c.drawRightString(width - margin, y - 10, day)
    y -= 40
    if desk_texts.cover_letter_subject:
        subject = string.Template(desk_texts.cover_letter_subject).safe_substitute(values)
        c.drawString(margin, y, f"Konu: {subject}")
        y -= 30
    c.setFont(bold, 10)
    for line in address_lines(profile.kamusm):
        c.drawString(margin + 60, y, line)
        y -= 14
    y -= 20
    c.setFont(regular, 10.5)
    body = string.Template(desk_texts.cover_letter).safe_substitute(values)
    for line in wrap(body.split("\n"), regular, 10.5, width - 2 * margin):
        c.drawString(margin, y, line)
        y -= 15
    y -= 30
    c.setFont(regular, 10)
    for line in [profile.officer.name, *profile.officer.organisation]:
        c.drawRightString(width - margin, y, line)
        y -= 14
    c.showPage()


__all__ = [
    "FOLDER",
    "NAME_WIDTH",
    "ROWS_PER_PAGE",
    "Dispatch",
    "Item",
    "dispatch",
    "recorded",
    "render",
    "write",
]
