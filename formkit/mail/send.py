"""The send loop (`formkit send`): every not-yet-sent message of the outbox exactly once, over one connection.

Messages are known by what they are (recipients and the packet they carry, see journal.py), so a rerun of
the batch sends only new and changed packets; before sending, the run says how many are new, changed and
already sent. The loop reconnects when the server drops the line, retries temporary failures (4xx, a line
lost before the final "." of DATA) with bounded backoff, records permanent (5xx) answers as failed and goes
on with the others. A message whose final "." went out without an answer is *uncertain*: it is only tried
again with `retry_uncertain`.

Nothing is sent from a reserved or placeholder sender domain (`…@mersin-ism.example`): the profile's
`[mail] from` must be a real address first.
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.errors import MessageError
from pathlib import Path

from formkit import texts
from formkit.errors import (
    DeliveryDeferred,
    DeliveryRefused,
    DeliveryUncertain,
    InputError,
    MailError,
    SendStopped,
)
from formkit.mail.compose import PACKET_HEADER
from formkit.mail.journal import JOURNAL_NAME, LOCK_NAME, Journal, SendLock, State
from formkit.mail.outbox import OUTBOX_NAME, read_head
from formkit.mail.smtp import Link, SmtpSettings
from formkit.model import redact_tc
from formkit.profile import placeholder_sender

__all__ = ["Outgoing", "RetryPolicy", "SendSummary", "check_senders", "read_outbox", "send_outbox"]

_UNCERTAIN = "önceki gönderimde ileti sunucuya verildi ama yanıt alınamadı; ulaşmış olabilir"


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff for 4xx answers and lost connections."""

    retries: int = 4
    delay: float = 2.0
    max_delay: float = 60.0

    def wait(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        return float(min(self.delay * 2.0 ** (attempt - 1), self.max_delay))


@dataclass
class SendSummary:
    """The outcome of one `send` run."""

    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already sent by an earlier run
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    uncertain: list[tuple[str, str]] = field(default_factory=list)
    would_send: list[str] = field(default_factory=list)  # --dry-run
    new: int = 0  # messages never sent before
    changed: int = 0  # a changed packet for someone who got an earlier version

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.uncertain else 0

    def lines(self) -> list[str]:
        """The run's summary (texts in formkit.texts); reasons with T.C. numbers masked."""
        out = [
            texts.send_totals(
                sent=len(self.sent), skipped=len(self.skipped), failed=len(self.failed),
                uncertain=len(self.uncertain),
            )
        ]  # fmt: skip
        out += [redact_tc(texts.send_failed(name, reason)) for name, reason in self.failed]
        out += [redact_tc(texts.send_uncertain(name, reason)) for name, reason in self.uncertain]
        if self.uncertain:
            out.append(texts.send_uncertain_hint())
        return out


@dataclass(frozen=True)
class Outgoing:
    """One .eml of the outbox, known by its headers; its bytes are read only when it is sent."""

    file: Path
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    has_bcc: bool
    key: str  # what the message is: recipients + packet identity (see journal.py)

    def load(self) -> bytes:
        data = self.file.read_bytes()
        return _strip_bcc(data) if self.has_bcc else data

    @property
    def to(self) -> str:
        return ", ".join(self.recipients)


def read_outbox(outbox: Path) -> tuple[list[Outgoing], list[tuple[str, str]]]:
    """Parse every .eml of the outbox; a file that cannot be sent is reported, the others go on."""
    if not outbox.is_dir():
        raise InputError(f"{outbox}: giden kutusu yok; önce `formkit mail` çalıştırın")
    messages: list[Outgoing] = []
    broken: list[tuple[str, str]] = []
    seen: set[str] = set()
    for path in sorted(outbox.glob("*.eml")):
        try:
            msg = read_head(path)
            message_id = str(msg["Message-ID"] or "").strip()
            sender = msg["From"].addresses[0].addr_spec if msg["From"] else ""
            recipients = tuple(
                a.addr_spec for name in ("To", "Cc", "Bcc") if msg[name] for a in msg[name].addresses
            )
            subject = str(msg["Subject"] or "")
            packet = str(msg[PACKET_HEADER] or "").strip()
            draft = str(msg["X-Unsent"] or "").strip() == "1"
        except (OSError, ValueError, TypeError, IndexError, AttributeError, MessageError) as exc:
            broken.append((path.name, f"ileti okunamadı ({exc})"))
            continue
        if not message_id or not sender or not recipients:
            broken.append((path.name, "Message-ID, From veya To eksik"))
            continue
        if draft:
            broken.append((path.name, "taslak (X-Unsent: 1): Outlook'tan gönderilmek için yazıldı"))
            continue
        identity = f"packet:{packet}" if packet else f"message-id:{message_id}"
        parts = [identity, *sorted(r.lower() for r in recipients)]
        key = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        if key in seen:
            broken.append((path.name, f"aynı ileti başka bir dosyada da var: {message_id}"))
            continue
        seen.add(key)
        messages.append(Outgoing(path, message_id, sender, recipients, subject, bool(msg["Bcc"]), key))
    return messages, broken


def _strip_bcc(data: bytes) -> bytes:
    data = re.sub(rb"\r?\n", b"\n", data)
    head, sep, body = data.partition(b"\n\n")
    lines = re.split(rb"\n(?![ \t])", head)
    return b"\n".join(line for line in lines if not line.lower().startswith(b"bcc:")) + sep + body


def check_senders(messages: list[Outgoing]) -> None:
    """Refuse to send anything from a reserved or placeholder domain (RFC 2606/6761), naming the setting."""
    for sender in sorted({out.sender for out in messages}):
        domain = placeholder_sender(sender)
        if domain is not None:
            raise MailError(
                f"gönderen adresi {sender} ayrılmış/örnek bir alan adında ({domain}); bu adresten e-posta "
                "gönderilmez. Profildeki [mail] from ayarını kurumunuzun gerçek adresiyle değiştirip "
                "`formkit mail` komutunu yeniden çalıştırın (ya da `formkit mail --from ADRES`)"
            )


def send_outbox(
    folder: Path,
    settings: SmtpSettings | None,
    *,
    outbox: Path | None = None,
    rate: float = 0,
    dry_run: bool = False,
    retry_uncertain: bool = False,
    retry: RetryPolicy = RetryPolicy(),
    echo: Callable[[str], None] = lambda line: None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> SendSummary:
    """Send every not-yet-sent message of the outbox exactly once; see the module docstring.

    `settings` may be None only for a dry run.
    """
    echo = _masked(echo)  # an address holding a T.C. number is shown masked, like the number itself
    box = outbox if outbox is not None else folder / OUTBOX_NAME
    messages, broken = read_outbox(box)
    check_senders(messages)
    if settings is None and not dry_run:
        raise InputError("--smtp-host gerekli (yalnızca --dry-run onsuz çalışır)")
    summary = SendSummary(failed=list(broken))
    for name, reason in broken:
        echo(texts.send_failed(name, reason))
    if dry_run:
        with Journal(folder / JOURNAL_NAME, readonly=True) as journal:
            journal.register_all(
                [(o.key, o.message_id, o.file.name, o.to) for o in messages]
            )  # older: memory
            _plan(messages, journal, summary, retry_uncertain, echo)
            for out in messages:
                entry = journal.get(out.key)
                state = entry.state if entry is not None else State.PENDING
                if state is State.SENT:
                    summary.skipped.append(out.file.name)
                elif state is State.HANDED and not retry_uncertain:
                    summary.uncertain.append((out.file.name, _UNCERTAIN))
                else:
                    summary.would_send.append(out.file.name)
                    echo(texts.send_would_send(out.file.name, out.to, out.subject))
        return summary
    assert settings is not None
    link = Link(settings)
    interval = 60.0 / rate if rate > 0 else 0.0
    last_start: list[float] = []
    with SendLock(folder / LOCK_NAME), Journal(folder / JOURNAL_NAME) as journal:
        journal.register_all([(o.key, o.message_id, o.file.name, o.to) for o in messages])
        _plan(messages, journal, summary, retry_uncertain, echo)
        try:
            for out in messages:
                entry = journal.register(out.key, out.message_id, out.file.name, out.to)
                label = f"{out.file.name} → {out.to}"
                if entry.state is State.SENT:
                    summary.skipped.append(out.file.name)
                    continue
                if entry.state is State.HANDED and not retry_uncertain:
                    summary.uncertain.append((out.file.name, _UNCERTAIN))
                    echo(texts.send_uncertain(label, _UNCERTAIN))
                    continue
                _send_one(
                    out, entry.attempts, label, link, journal, summary, retry, interval, last_start, echo,
                    sleep, clock,
                )  # fmt: skip
        except SendStopped as exc:
            done = f"{len(summary.sent)} ileti gönderildi"
            raise SendStopped(f"{exc}\ngönderim durdu ({done}); sorunu giderip yeniden çalıştırın") from exc
        finally:
            link.quit()
    return summary


def _masked(echo: Callable[[str], None]) -> Callable[[str], None]:
    return lambda line: echo(redact_tc(line))


def _plan(
    messages: list[Outgoing],
    journal: Journal,
    summary: SendSummary,
    retry_uncertain: bool,
    echo: Callable[[str], None],
) -> None:
    """Say before sending what this run will do: new messages, changed packets, already sent."""
    sent = uncertain = 0
    for out in messages:
        entry = journal.get(out.key)
        if entry is not None and entry.state is State.SENT:
            sent += 1
        elif entry is not None and entry.state is State.HANDED and not retry_uncertain:
            uncertain += 1
        elif journal.sent_before(out.file.name, out.to):
            summary.changed += 1
        else:
            summary.new += 1
    echo(texts.send_plan(new=summary.new, changed=summary.changed, sent=sent, uncertain=uncertain))


def _hand_over(journal: Journal, key: str, attempts: int, claimed: list[bool]) -> bool:
    """Just before the final ".": record it (committed), unless another run took the message."""
    claimed[0] = journal.claim(key, attempts)
    return claimed[0]


def _send_one(
    out: Outgoing,
    attempts: int,
    label: str,
    link: Link,
    journal: Journal,
    summary: SendSummary,
    retry: RetryPolicy,
    interval: float,
    last_start: list[float],
    echo: Callable[[str], None],
    sleep: Callable[[float], None],
    clock: Callable[[], float],
) -> None:
    try:
        data = out.load()
    except OSError as exc:
        reason = f"ileti okunamadı ({exc.strerror or exc})"
        journal.mark(out.key, State.FAILED, reason)
        summary.failed.append((out.file.name, reason))
        echo(texts.send_failed(label, reason))
        return
    reason = ""
    unreachable = False
    for attempt in range(retry.retries + 1):
        if attempt:
            sleep(retry.wait(attempt))
        try:
            link.open()
        except DeliveryDeferred as exc:
            reason, unreachable = str(exc), True
            continue
        unreachable = False
        if interval and last_start:
            wait = last_start[-1] + interval - clock()
            if wait > 0:
                sleep(wait)
        last_start[:] = [clock()]
        claimed = [True]
        hand_over = functools.partial(_hand_over, journal, out.key, attempts, claimed)
        try:
            answer = link.transact(out.sender, out.recipients, data, hand_over)
        except KeyboardInterrupt:
            if not link.handed_over:  # stopped before the final ".": surely not delivered
                journal.mark(out.key, State.PENDING, "durduruldu")
            raise
        except DeliveryDeferred as exc:
            if not claimed[0]:
                reason = "başka bir gönderim çalışması bu iletiyi üstlendi"
                summary.uncertain.append((out.file.name, reason))
                echo(texts.send_uncertain(label, reason))
                return
            attempts += link.handed_over
            reason = str(exc)
            journal.mark(out.key, State.PENDING, reason)
            continue
        except DeliveryRefused as exc:
            journal.mark(out.key, State.FAILED, str(exc))
            summary.failed.append((out.file.name, str(exc)))
            echo(texts.send_failed(label, str(exc)))
            return
        except DeliveryUncertain as exc:
            journal.mark(out.key, State.HANDED, str(exc))
            summary.uncertain.append((out.file.name, str(exc)))
            echo(texts.send_uncertain(label, str(exc)))
            return
        journal.mark(out.key, State.SENT, answer)
        summary.sent.append(out.file.name)
        echo(texts.send_sent(label))
        return
    if unreachable:  # the server cannot be reached at all: every other message would fail the same way
        raise SendStopped(reason)
    final = f"{retry.retries + 1} denemede gönderilemedi; son yanıt: {reason}"
    journal.mark(out.key, State.FAILED, final)
    summary.failed.append((out.file.name, final))
    echo(texts.send_failed(label, final))
