"""Reminder e-mails for those who have not handed in (`formkit remind DIR --after DAYS`).

A `kurum` or `aile-hekimi` applicant gets one when their packet was mailed at least DAYS ago and the desk
still waits for their form (or, for `aile-hekimi`, for the bank receipt), and their last reminder is at
least DAYS old too; so running the command again within DAYS writes nothing new. Each reminder is claimed in
the status store first (a unique event per outbox file), then written; two runs at once never write one
twice. The wording is the profile's (`[desk]`), the facts come from the profile and the status store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from formkit import turkish
from formkit.desk import mailer, texts
from formkit.desk.manifest import Applicant
from formkit.desk.store import REMINDED, Store, local_time, now_utc, parse_time
from formkit.errors import InputError, MailError
from formkit.model import Profile, Track

MAX_DAYS = 3650


@dataclass
class Reminders:
    """What one `remind` run did."""

    written: list[tuple[Applicant, Path, list[str]]] = field(default_factory=list)  # who, file, missing
    refused: list[str] = field(default_factory=list)  # one Turkish line each
    not_mailed: int = 0  # waiting applicants whose packet has no e-mail yet
    restored: list[Path] = field(
        default_factory=list
    )  # recorded reminders that vanished unsent, written again

    @property
    def exit_code(self) -> int:
        return 1 if self.refused else 0


def remind(
    store: Store, profile: Profile, *, after_days: int, who: str, now: datetime | None = None
) -> Reminders:
    """Write the reminders that are due into the outbox; see the module docstring."""
    if not 0 <= after_days <= MAX_DAYS:
        raise InputError(f"--after: 0 ile {MAX_DAYS} gün arasında olmalı")
    # a bad [desk] table stops the run before anything is written
    desk_texts = texts.load(profile, reminder=True)
    now = now or now_utc()
    due = now - timedelta(days=after_days)
    folder = store.folder
    applicants = [a for a in store.applicants() if a.track is not Track.BIREYSEL]
    progress = store.all_progress()
    mailed = mailer.mailed(folder, [a.ref for a in applicants])
    batch = mailer.batch_id(folder, store.meta("batch_id") or "")
    sent_files = mailer.sent_files(folder)
    result = Reminders()

    def write(applicant: Applicant, number: int, kinds: list[str], mailed_at: str, when: datetime) -> Path:
        missing = desk_texts.missing_words(kinds)
        values = {
            "eksik": "\n".join(f"- {word}" for word in missing),
            "posta_tarihi": local_time(mailed_at)[:10],
        }
        return mailer.write_reminder(
            folder, profile, applicant, batch=batch, number=number, subject=desk_texts.reminder_subject,
            text=desk_texts.reminder_text, values=values, when=when,
        )  # fmt: skip

    for applicant in applicants:
        state = progress.get(applicant.ref)
        kinds = state.missing_kinds(applicant.track) if state else _all_missing(applicant.track)
        if not kinds or (state and state.dispatched):
            continue
        sent = mailed.get(applicant.ref)
        if sent is None:
            result.not_mailed += 1
            continue
        if state and state.reminders:
            latest = state.reminders[-1]
            if not (mailer.outbox(folder) / latest.detail).exists() and latest.detail not in sent_files:
                # recorded but gone before it was sent (e.g. a later `formkit mail` cleared the outbox):
                # the same message again, same date and Message-ID
                try:
                    number = len(state.reminders)
                    path = write(applicant, number, kinds, sent.at, parse_time(latest.at))
                except MailError as exc:
                    result.refused.append(f"{applicant.ref} {applicant.display_name}: {exc.message}")
                else:
                    result.restored.append(path)
                continue
        last = state.reminders[-1].at if state and state.reminders else sent.at
        if parse_time(last) > due or parse_time(sent.at) > due:
            continue
        number = len(state.reminders) + 1 if state else 1
        name = mailer.reminder_name(applicant.ref, number)
        with store.transaction() as db:
            claimed = store.add(db, applicant.ref, REMINDED, now, who, name)
        if not claimed:  # another run wrote this one
            continue
        try:
            path = write(applicant, number, kinds, sent.at, now)
        except MailError as exc:
            with store.transaction() as db:  # not written: free the claim so a later run tries again
                db.execute("DELETE FROM events WHERE ref = ? AND kind = ? AND detail = ?",
                           (applicant.ref, REMINDED, name))  # fmt: skip
            result.refused.append(f"{applicant.ref} {applicant.display_name}: {exc.message}")
            continue
        result.written.append((applicant, path, desk_texts.missing_words(kinds)))
    return result


def _all_missing(track: Track) -> list[str]:
    return ["form", "dekont"] if track is Track.AILE_HEKIMI else ["form"]


def summary(result: Reminders, after_days: int, folder: Path) -> list[str]:
    """The lines `formkit remind` prints."""
    lines = [
        f"hatırlatma: {path.name} → {a.display_name} ({a.ref}); eksik: {', '.join(missing)}"
        for a, path, missing in result.written
    ]
    lines += [f"yeniden yazıldı (gönderilmeden silinmişti): {path.name}" for path in result.restored]
    lines += [f"yazılamadı: {line}" for line in result.refused]
    lines.append(
        f"{len(result.written)} hatırlatma giden kutusuna yazıldı ({after_days} gün kuralı)"
        + (
            f"; {result.not_mailed} kişinin paketi henüz e-postayla gönderilmemiş"
            if result.not_mailed
            else ""
        )
        + (f"; göndermek için: formkit send {folder} --smtp-host ..." if result.written else "")
    )
    return [turkish.normalise_space(line) for line in lines]


__all__ = ["MAX_DAYS", "Reminders", "remind", "summary"]
