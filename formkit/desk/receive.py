"""Record a hand-in at the desk by packet reference (`formkit receive`, the desk page's scan field).

The reference carries a check symbol (`formkit.packet.reference`): a mistyped or misread one is refused
before the store is asked. A second scan of the same packet records nothing and says when it was first
received; for `aile-hekimi` the bank receipt is a separate fact that a later scan with the receipt completes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from formkit.desk.manifest import Applicant
from formkit.desk.store import RECEIPT, RECEIVED, DeskError, Event, Progress, Store, local_time, now_utc
from formkit.model import Track, mask_digit_runs
from formkit.packet.reference import normalise_ref

MAX_TYPED = 64  # longer input is not a reference: nothing is echoed back beyond this
_SEPARATORS = re.compile(r"[\s*_/.\-]+")


class Outcome(StrEnum):
    """What a scan did."""

    RECEIVED = "received"  # first hand-in recorded now
    RECEIPT_ADDED = "receipt-added"  # form was already here; the receipt is recorded now
    ALREADY = "already"  # nothing new: recorded earlier


@dataclass(frozen=True)
class Scan:
    """The answer to one scan: who it is, what happened, what is still missing."""

    applicant: Applicant
    outcome: Outcome
    progress: Progress  # after this scan
    dekont_ignored: bool = False  # --dekont given for a track that pays no fee

    @property
    def missing(self) -> list[str]:
        return self.progress.missing(self.applicant.track)

    @property
    def first_received(self) -> Event:
        assert self.progress.received is not None
        return self.progress.received

    def message(self) -> str:
        """One Turkish line for the terminal and the desk page."""
        a = self.applicant
        who = f"{a.ref} {a.display_name} ({a.track.value})"
        first = self.first_received
        if self.outcome is Outcome.RECEIVED:
            head = f"teslim alındı: {who}"
        elif self.outcome is Outcome.RECEIPT_ADDED:
            head = f"dekont kaydedildi: {who}; form {local_time(first.at)} tarihinde teslim alınmıştı"
        else:
            head = (
                f"zaten teslim alınmış: {who}; ilk teslim {local_time(first.at)} ({first.who}); "
                "yeni kayıt eklenmedi"
            )
        parts = [head]
        if self.missing:
            parts.append("eksik: " + ", ".join(self.missing))
        if self.progress.dispatched is not None:
            parts.append(f"Kamu SM'ye gönderildi: {local_time(self.progress.dispatched.at)}")
        if self.dekont_ignored:
            parts.append("bu başvuru türünde dekont istenmez; kaydedilmedi")
        return "; ".join(parts)


def shown(text: str) -> str:
    """What the user typed, safe to echo: cut short, digit runs (a T.C. number?) masked."""
    one_line = " ".join(text.split())
    return mask_digit_runs(one_line[:MAX_TYPED] + ("…" if len(one_line) > MAX_TYPED else ""))


def find(store: Store, typed: str) -> Applicant:
    """The applicant a typed or scanned reference names; DeskError (exit 2) when it names none."""
    # A USB scanner types as a US keyboard; on a Turkish-Q layout its "-" arrives as "*" (and people type
    # "/", "_" or "." between the groups): every such separator is dropped before the check.
    ref = normalise_ref(_SEPARATORS.sub("", typed)) if len(typed) <= MAX_TYPED else None
    if ref is None:
        raise DeskError(
            f"{shown(typed)!r}: geçerli bir paket numarası değil (kontrol karakteri tutmuyor ya da uzunluğu "
            "yanlış); barkodu yeniden okutun ya da kapaktaki numarayı kontrol edin"
        )
    applicant = store.applicant(ref)
    if applicant is None:
        raise DeskError(f"{ref}: bu toplu işte ({store.folder}) böyle bir paket yok")
    if applicant.track is Track.BIREYSEL:
        raise DeskError(
            f"{ref} {applicant.display_name}: bireysel (kişi ödemeli) başvuru; bireysel başvurular masada "
            "izlenmez, teslim kaydı tutulmadı"
        )
    return applicant


def receive(
    store: Store, typed: str, *, dekont: bool = False, who: str, when: datetime | None = None
) -> Scan:
    """Record a hand-in (and the bank receipt with it) once; a rescan records nothing new."""
    applicant = find(store, typed)
    when = when or now_utc()
    wants_receipt = dekont and applicant.track is Track.AILE_HEKIMI
    with store.transaction() as db:
        new = store.add(db, applicant.ref, RECEIVED, when, who)
        receipt = wants_receipt and store.add(db, applicant.ref, RECEIPT, when, who)
    progress = store.progress(applicant.ref)
    if progress.received is None:  # cannot happen: the insert or an earlier one is there
        raise DeskError(f"{applicant.ref}: teslim kaydı yazılamadı")
    outcome = Outcome.RECEIVED if new else Outcome.RECEIPT_ADDED if receipt else Outcome.ALREADY
    return Scan(applicant, outcome, progress, dekont_ignored=dekont and not wants_receipt)


__all__ = ["MAX_TYPED", "Outcome", "Scan", "find", "receive", "shown"]
