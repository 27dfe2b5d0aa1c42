"""Where every applicant stands (`formkit status`): made → mailed → received → sent to Kamu SM.

One row per applicant of the batch with the date of each step, and counts per step. Three renderings:
aligned text for the terminal, JSON for scripts, CSV (`;`, UTF-8 with BOM, formula-like cells neutralised)
for Excel. Only masked T.C. numbers appear, as everywhere outside the form.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from formkit.batch.errors import neutralise  # the same OWASP CSV-injection rule as errors.csv
from formkit.desk import mailer
from formkit.desk.manifest import Applicant
from formkit.desk.store import Progress, Store, local_time
from formkit.model import Track, redact_tc

STEPS = ("made", "mailed", "received", "receipt", "dispatched")
STEP_WORDS = {
    "made": "hazırlandı",
    "mailed": "e-postalandı",
    "received": "teslim alındı",
    "receipt": "dekont",
    "dispatched": "Kamu SM'ye gönderildi",
}


@dataclass(frozen=True)
class Line:
    """One applicant's status."""

    applicant: Applicant
    progress: Progress
    mailed: mailer.Mailed | None

    @property
    def stage(self) -> str:
        """The last step reached: made, mailed, received, dispatched."""
        if self.progress.dispatched:
            return "dispatched"
        if self.progress.received:
            return "received"
        return "mailed" if self.mailed else "made"

    def dates(self) -> dict[str, str]:
        """UTC ISO time of each step reached ("" when not reached; receipt only for aile-hekimi)."""
        p = self.progress
        return {
            "made": self.applicant.made,
            "mailed": self.mailed.at if self.mailed else "",
            "received": p.received.at if p.received else "",
            "receipt": p.receipt.at if p.receipt else "",
            "dispatched": p.dispatched.at if p.dispatched else "",
        }

    def as_dict(self) -> dict[str, Any]:
        a = self.applicant
        return {
            "ref": a.ref,
            "row": a.row,
            "name": a.name,
            "track": a.track.value,
            "tc": a.masked_tc,
            "stage": self.stage,
            "mail_sent": bool(self.mailed and self.mailed.sent),
            "missing": self.progress.missing(a.track),
            "reminders": len(self.progress.reminders),
            **self.dates(),
            "history": [
                {"kind": e.kind, "at": e.at, "who": e.who, "detail": e.detail}
                for e in self.progress.history()
            ],
        }


def lines(store: Store) -> list[Line]:
    """Every applicant of the batch, in row order, with their progress."""
    applicants = store.applicants()
    return combine(applicants, store.all_progress(), mailer.mailed(store.folder, [a.ref for a in applicants]))


def combine(
    applicants: list[Applicant], progress: dict[str, Progress], mailed: dict[str, mailer.Mailed]
) -> list[Line]:
    """The lines from what the store and the mail folder say (the desk page reads the two separately)."""
    return [Line(a, progress.get(a.ref, Progress()), mailed.get(a.ref)) for a in applicants]


def summary(rows: list[Line]) -> dict[str, int]:
    """Counts: applicants, per stage reached, and those waiting for a receipt."""
    counts = {"applicants": len(rows), "made": len(rows)}
    counts["mailed"] = sum(1 for r in rows if r.mailed)
    counts["received"] = sum(1 for r in rows if r.progress.received)
    counts["receipt_missing"] = sum(
        1
        for r in rows
        if r.applicant.track is Track.AILE_HEKIMI and r.progress.received and not r.progress.receipt
    )
    counts["dispatched"] = sum(1 for r in rows if r.progress.dispatched)
    counts["waiting"] = sum(
        1 for r in rows if r.applicant.track is not Track.BIREYSEL and not r.progress.received
    )
    return counts


def _day(text: str) -> str:
    return local_time(text) if text else "-"


def text(rows: list[Line]) -> list[str]:
    """Aligned lines for the terminal and a closing summary."""
    out: list[str] = []
    width = max((len(r.applicant.name) for r in rows), default=10)
    for r in rows:
        a, d = r.applicant, r.dates()
        mailed = _day(d["mailed"]) + ("" if not r.mailed or r.mailed.sent else " (giden kutusunda)")
        parts = [
            f"{a.ref}  {a.name:<{width}}  {a.track.value:<11}  {a.masked_tc}",
            f"hazırlandı {_day(d['made'])}",
            f"e-posta {mailed}",
        ]
        if a.track is not Track.BIREYSEL:
            parts.append(f"teslim {_day(d['received'])}")
            if a.track is Track.AILE_HEKIMI:
                parts.append(f"dekont {_day(d['receipt'])}")
            parts.append(f"Kamu SM {_day(d['dispatched'])}")
        out.append("  ".join(parts))
    s = summary(rows)
    out.append(
        f"toplam {s['applicants']} kişi: {s['mailed']} e-postalandı, {s['received']} teslim alındı "
        f"({s['receipt_missing']} dekontu eksik), {s['dispatched']} Kamu SM'ye gönderildi, "
        f"{s['waiting']} teslim bekleniyor (bireysel başvurular masada izlenmez)"
    )
    return out


def as_json(rows: list[Line]) -> str:
    return json.dumps(
        {"applicants": [r.as_dict() for r in rows], "summary": summary(rows)}, ensure_ascii=False, indent=2
    )


CSV_HEADERS = [
    "paket no", "satır", "ad soyad", "başvuru türü", "T.C. (maskeli)", "durum", "eksik",
    "hazırlandı", "e-postalandı", "teslim alındı", "dekont", "Kamu SM'ye gönderildi",
]  # fmt: skip


def as_csv(rows: list[Line]) -> bytes:
    """UTF-8 with BOM, `;`-separated, CRLF: what Turkish Excel opens without asking."""
    buffer = io.StringIO()
    out = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    out.writerow(CSV_HEADERS)
    for r in rows:
        a, d = r.applicant, r.dates()
        cells = [
            a.ref, str(a.row), a.name, a.track.value, a.masked_tc, STEP_WORDS[r.stage],
            ", ".join(r.progress.missing(a.track)),
            *(_day(d[step]) if d[step] else "" for step in STEPS),
        ]  # fmt: skip
        out.writerow([neutralise(redact_tc(cell)) for cell in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


__all__ = [
    "CSV_HEADERS",
    "STEPS",
    "STEP_WORDS",
    "Line",
    "as_csv",
    "as_json",
    "combine",
    "lines",
    "summary",
    "text",
]
