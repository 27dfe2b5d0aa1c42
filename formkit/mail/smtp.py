"""One SMTP connection: opened lazily, TLS (STARTTLS or SMTPS), AUTH, one transaction per message.

smtplib's errors become the delivery outcomes of formkit.errors: DeliveryDeferred (4xx, or the line lost
before the final "." of DATA was sent: surely not delivered, try again), DeliveryRefused (5xx),
DeliveryUncertain (the final "." went out and no answer came: the server may have the message) and
SendStopped (nothing can be sent: bad password, untrusted certificate, unknown host).

A dropped connection is told apart by when it happened. Before the final ".", the payload goes out first and
the socket is checked: a server that answered or hung up early has not taken the message. After it, a reset
(ECONNRESET/EPIPE) means the server discarded bytes we sent, so it never read the final "." either; only a
clean close or a timeout after the "." leaves the message uncertain.
"""

from __future__ import annotations

import base64
import contextlib
import re
import select
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from formkit.errors import (
    DeliveryDeferred,
    DeliveryRefused,
    DeliveryUncertain,
    MailError,
    SendStopped,
)
from formkit.mail.journal import scrub

__all__ = ["Link", "Security", "SmtpSettings", "dot_stuffed"]

Security = Literal["plain", "starttls", "ssl"]


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the server. The password never comes from a command-line option."""

    host: str
    port: int | None = None
    security: Security = "plain"
    user: str | None = None
    password: str | None = None
    ca_file: Path | None = None
    timeout: float = 30.0

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        return {"plain": 25, "starttls": 587, "ssl": 465}[self.security]


def _answer(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return scrub(f"{code} {words}")


class Link:
    """One SMTP connection, opened lazily, reused across messages and reopened after a drop."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.context: ssl.SSLContext | None = None
        self.handed_over = False  # the current message's last byte has gone to the server
        if settings.security != "plain":
            try:
                self.context = ssl.create_default_context(
                    cafile=str(settings.ca_file) if settings.ca_file else None
                )
            except (OSError, ssl.SSLError) as exc:
                raise MailError(f"{settings.ca_file}: sertifika dosyası okunamadı ({exc})") from exc
        if settings.user and settings.security == "plain":
            raise MailError("parola şifresiz bağlantıda gönderilmez: --starttls veya --ssl ile kullanın")

    def open(self) -> smtplib.SMTP:
        if self.smtp is not None:
            return self.smtp
        s = self.settings
        where = f"{s.host}:{s.effective_port}"
        smtp: smtplib.SMTP | None = None
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.effective_port, timeout=s.timeout, context=self.context)
            else:
                smtp = smtplib.SMTP(s.host, s.effective_port, timeout=s.timeout)
            smtp.ehlo_or_helo_if_needed()
            if s.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise SendStopped(f"{where}: sunucu STARTTLS desteklemiyor")
                smtp.starttls(context=self.context)
                smtp.ehlo()
            if s.user:
                _login(smtp, s.user, s.password or "")
        except ssl.SSLCertVerificationError as exc:
            _close(smtp)
            raise SendStopped(
                f"{where}: sunucunun sertifikası doğrulanamadı ({exc.verify_message}); "
                "güvenilen sertifikayı --ca-file ile verin"
            ) from exc
        except ssl.SSLError as exc:
            _close(smtp)
            raise SendStopped(f"{where}: TLS bağlantısı kurulamadı ({exc.reason or exc})") from exc
        except smtplib.SMTPAuthenticationError as exc:
            _close(smtp)
            answer = _answer(exc.smtp_code, exc.smtp_error)
            raise SendStopped(f"{where}: kullanıcı adı veya parola kabul edilmedi ({answer})") from exc
        except smtplib.SMTPNotSupportedError as exc:
            _close(smtp)
            raise SendStopped(f"{where}: sunucu kimlik doğrulamayı (AUTH) desteklemiyor") from exc
        except socket.gaierror as exc:
            _close(smtp)
            raise SendStopped(f"{where}: sunucu adı çözülemedi ({exc.strerror})") from exc
        except smtplib.SMTPResponseException as exc:
            _close(smtp)
            if 400 <= exc.smtp_code < 500:
                raise DeliveryDeferred(f"bağlantı: {_answer(exc.smtp_code, exc.smtp_error)}") from exc
            raise SendStopped(
                f"{where}: sunucu bağlantıyı reddetti ({_answer(exc.smtp_code, exc.smtp_error)})"
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            _close(smtp)
            raise DeliveryDeferred(f"{where}: bağlanılamadı ({exc})") from exc
        except SendStopped:
            _close(smtp)
            raise
        if smtp.sock is not None:
            # The final "." goes out as its own small write after the check: without NODELAY, Nagle's
            # algorithm would hold it until the server's delayed ACK (up to 40 ms a message on Linux).
            with contextlib.suppress(OSError):
                smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.smtp = smtp
        return smtp

    def drop(self) -> None:
        _close(self.smtp)
        self.smtp = None

    def quit(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.drop()

    def reset(self) -> None:
        """RSET after a refused step, so the next message starts clean; a broken line is dropped."""
        if self.smtp is None:
            return
        try:
            self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.drop()

    def transact(
        self,
        sender: str,
        recipients: tuple[str, ...],
        data: bytes,
        before_dot: Callable[[], bool] = lambda: True,
    ) -> str:
        """MAIL, RCPT, DATA for one message: the server's final answer, or a Delivery* exception.

        `before_dot` runs just before the final "." goes out: the send loop records "handed over" there, so
        that after a crash the journal knows whether the server may have the message. When it returns False
        (another run took the message) the line is dropped instead, so the server discards what it got.
        """
        smtp = self.open()
        self.handed_over = dot_sent = False
        try:
            code, text = smtp.mail(sender)
            self._check(code, text, "MAIL FROM")
            for rcpt in recipients:
                code, text = smtp.rcpt(rcpt)
                self._check(code, text, f"RCPT TO {rcpt}")
            code, text = smtp.docmd("DATA")
            if code != 354:
                self._check(code, text, "DATA")
                raise DeliveryRefused(f"DATA: {_answer(code, text)}")
            smtp.send(dot_stuffed(data)[: -len(_END)])
            if _spoke_early(smtp):
                raise smtplib.SMTPServerDisconnected("sunucu ileti bitmeden bağlantıyı kapattı")
            try:
                keep = before_dot()
            except BaseException:  # the journal could not record it: never let the "." go out unrecorded
                self.drop()
                raise
            if not keep:
                raise smtplib.SMTPServerDisconnected("ileti başka bir çalışmaya geçti; bağlantı kesildi")
            self.handed_over = True
            smtp.send(_END)
            dot_sent = True
            code, text = smtp.getreply()
            self._check(code, text, "ileti")
            return _answer(code, text)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.drop()
            if dot_sent and not _reset(exc):
                raise DeliveryUncertain(f"ileti gönderildi ama sunucunun yanıtı alınamadı ({exc})") from exc
            raise DeliveryDeferred(f"bağlantı ileti tamamlanmadan koptu ({exc})") from exc
        except KeyboardInterrupt:
            self.drop()  # mid-transaction: a polite QUIT would be read as message text
            raise

    def _check(self, code: int, text: bytes, step: str) -> None:
        if 200 <= code < 300:
            return
        answer = _answer(code, text)
        if code == 421 or code < 0:  # the server is closing the line
            self.drop()
            raise DeliveryDeferred(f"{step}: {answer}")
        self.reset()
        if 400 <= code < 500:
            raise DeliveryDeferred(f"{step}: {answer}")
        raise DeliveryRefused(f"{step}: {answer}")


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH. smtplib sends credentials as ASCII only: UTF-8 ones (a Turkish password) go by PLAIN or LOGIN."""
    if (user + password).isascii():
        smtp.login(user, password)
        return
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("AUTH")
    mechanisms = smtp.esmtp_features["auth"].upper().split()
    if "PLAIN" in mechanisms:
        token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode("ascii")
        code, text = smtp.docmd("AUTH", f"PLAIN {token}")
    elif "LOGIN" in mechanisms:
        code, text = smtp.docmd("AUTH", "LOGIN " + base64.b64encode(user.encode()).decode("ascii"))
        if code == 334:
            code, text = smtp.docmd(base64.b64encode(password.encode()).decode("ascii"))
    else:
        raise smtplib.SMTPNotSupportedError("AUTH PLAIN/LOGIN")
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, text)


_END = b".\r\n"


def _spoke_early(smtp: smtplib.SMTP) -> bool:
    """True when the server sent something (an answer, a close, a reset) before the final ".": it has not
    taken the message. Checked without waiting."""
    sock = smtp.sock
    if sock is None:
        return True
    if isinstance(sock, ssl.SSLSocket) and sock.pending():
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _reset(exc: BaseException) -> bool:
    """True when the connection was reset by the server (it discarded what we sent) rather than closed."""
    for cause in (exc, exc.__cause__, exc.__context__):
        if isinstance(cause, ConnectionResetError | BrokenPipeError):
            return True
    return False


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        with contextlib.suppress(OSError):
            smtp.close()


def dot_stuffed(data: bytes) -> bytes:
    """The DATA payload: CRLF line ends, leading dots doubled, ended by CRLF . CRLF."""
    body = re.sub(rb"\r?\n|\r", b"\r\n", data)
    body = re.sub(rb"(?m)^\.", b"..", body)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    return body + b".\r\n"
