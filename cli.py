"""The `formkit` command line: click commands only (parse → one call into formkit → echo).

Every FormkitError becomes its one-line-per-problem message on stderr and its exit code; nothing else
reaches the user as a traceback (set FORMKIT_DEBUG=1 to see one).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from formkit import __version__
from formkit import profile as profiles
from formkit.errors import FormkitError
from formkit.model import Profile

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn FormkitError (and any unexpected error) into one line per problem and an exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FormkitError as exc:
            for line in exc.lines():
                click.echo(f"hata: {line}", err=True)
            sys.exit(exc.exit_code)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("durduruldu", err=True)
            sys.exit(130)
        except Exception as exc:
            if os.environ.get("FORMKIT_DEBUG"):
                raise
            click.echo(
                f"hata: beklenmeyen bir sorun oluştu ({type(exc).__name__}); ayrıntı için FORMKIT_DEBUG=1",
                err=True,
            )
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


def load_profile(path: str | None) -> Profile:
    """Load the --profile file (or the built-in one)."""
    return profiles.load(Path(path) if path else None)


def warn_fees(profile: Profile) -> None:
    """Warn once, on stderr, when the profile's fees are stale."""
    warning = profiles.fee_warning(profile)
    if warning:
        click.echo(warning, err=True)


profile_option = click.option(
    "--profile", "profile_path", type=click.Path(dir_okay=False), default=None,
    help="Profil dosyası (TOML); verilmezse yerleşik Mersin profili.",
)  # fmt: skip


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="formkit")
def cli() -> None:
    """formkit: e-imza (NES) ilk başvuru paketleri ve e-postaları.

    Makes print-ready NES application packets for health-ministry staff from applicant data.
    """


# --- profile ---------------------------------------------------------------------------------------


# --- validate --------------------------------------------------------------------------------------


# --- fields / fill ---------------------------------------------------------------------------------


# --- packet ----------------------------------------------------------------------------------------


# --- batch -----------------------------------------------------------------------------------------


# --- mail / send -----------------------------------------------------------------------------------


# --- serve -----------------------------------------------------------------------------------------


def main() -> None:
    """Console entry point."""
    cli(prog_name="formkit")


if __name__ == "__main__":
    main()
