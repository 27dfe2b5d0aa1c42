"""The one exception tree of formkit.

Every error a user can cause ends up as a FormkitError with a Turkish one-line message per problem and the
exit code the command line returns. Library exceptions (pypdf, openpyxl, smtplib, ...) are translated into
these in the module that imports the library, so nothing raw reaches the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from formkit.model import Problem


class FormkitError(Exception):
    """Base of every error formkit reports to a user; carries its exit code."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def lines(self) -> list[str]:
        """The message as one line per problem, ready to print."""
        return [line for line in self.message.splitlines() if line.strip()] or [self.message]


class InputError(FormkitError):
    """An input file or option cannot be used at all (unreadable file, missing column, bad option)."""


class ValidationError(FormkitError):
    """One or more records are invalid; holds every problem, collected before raising once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(p.line() for p in self.problems))


class ProfileError(FormkitError):
    """A profile file is missing, unreadable or inconsistent; one line per bad key."""


class TemplateError(FormkitError):
    """A PDF template cannot be used: not a PDF, encrypted, no fillable fields, too large, ..."""


class MailError(FormkitError):
    """Writing or sending e-mail failed in a way that stops the whole command."""


class DiskFullError(FormkitError):
    """The disk (or the user's quota) is full: the command stops; what was finished is kept and recorded."""


# --- the PDF layer (formkit/pdf) and the codes drawn on packet pages ----------------------------------------


class PdfError(FormkitError):
    """A PDF could not be read, joined or laid out; the base of the PDF layer's errors."""


class JoinError(PdfError):
    """A document could not be added to a print file (unreadable, no pages, an unexpected structure)."""


class NotPlain(PdfError):
    """Internal signal of the fast PDF paths: the data is not in the plain form they copy byte for byte.

    Callers catch it and take the general (pypdf) path; it reaches a user only through a bug, and then as an
    ordinary error line, never a traceback.
    """

    def __init__(self, message: str = "PDF düz biçimde değil (hızlı yol kullanılamıyor)") -> None:
        super().__init__(message)


class DamagedPdf(NotPlain):
    """A PDF in the plain form whose bytes contradict themselves (a cross-reference entry that points
    elsewhere, an unterminated string, a stream longer than its /Length, a byte that is no PDF syntax).

    Not handed to pypdf's general path: its repairs guess, and a guess can drop or change pages. Callers
    report it as a clear error instead.
    """


class FitError(PdfError):
    """A text does not fit its box even at the smallest allowed size; names the field for the report."""

    def __init__(self, field: str, text: str) -> None:
        super().__init__(f"{field}: metin sayfadaki alanına sığmıyor: {text[:60]!r}")
        self.field = field
        self.text = text


class CodeError(FormkitError):
    """A text cannot be encoded as a QR code or barcode."""


# --- mail (formkit/mail) and packet references ---------------------------------------------------------


class ReferenceKeyError(FormkitError):
    """The packet-reference key file cannot be read or created."""


class SendStopped(MailError):
    """Sending cannot go on for any message (bad password, untrusted certificate, unknown host)."""


class DeliveryError(MailError):
    """One message was not (surely) delivered; the send loop records it and goes on with the others."""

    exit_code = 1


class DeliveryDeferred(DeliveryError):
    """Not delivered, worth another try: a 4xx answer, or a connection lost before the final "." was sent."""


class DeliveryRefused(DeliveryError):
    """Not delivered and never will be as it is: a 5xx answer."""


class DeliveryUncertain(DeliveryError):
    """The final "." of DATA was sent and no answer came: the server may have taken the message."""


__all__ = [
    "CodeError",
    "DamagedPdf",
    "DeliveryDeferred",
    "DeliveryError",
    "DeliveryRefused",
    "DeliveryUncertain",
    "DiskFullError",
    "FitError",
    "FormkitError",
    "InputError",
    "JoinError",
    "MailError",
    "NotPlain",
    "PdfError",
    "ProfileError",
    "ReferenceKeyError",
    "SendStopped",
    "TemplateError",
    "ValidationError",
]
