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
