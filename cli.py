"""The `formkit` command line: click commands only (parse → one call into formkit → echo).

Every FormkitError becomes its one-line-per-problem message on stderr and its exit code; nothing else
reaches the user as a traceback (set FORMKIT_DEBUG=1 to see one).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from formkit import __version__
from formkit import profile as profiles
from formkit.errors import FormkitError, ValidationError
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


@cli.command("fields")
@click.argument("template", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Alan listesini JSON olarak yaz.")
@reports_errors
def fields_command(template: str, as_json: bool) -> None:
    """Bir PDF formunun doldurulabilir alanlarını listeler (ad, tür, sayfa, dikdörtgen, bayraklar).

    Lists a template's fillable fields: full name, type, page, rectangle, flags, max length, on-states.
    """
    from formkit import forms

    parsed = forms.Template.from_path(template)
    for warning in parsed.warnings:
        click.echo(f"uyarı: {template}: {warning}", err=True)
    if as_json:
        click.echo(json.dumps([f.as_dict() for f in parsed.list_fields()], ensure_ascii=False, indent=2))
        return
    for f in parsed.list_fields():
        flags = [
            word
            for word, on in (
                ("çok satırlı", f.multiline),
                ("salt okunur", f.readonly),
                ("zorunlu", f.required),
                ("tarak", f.comb),
            )
            if on
        ]
        extra = []
        if f.max_len:
            extra.append(f"en çok {f.max_len}")
        if f.on_states:
            extra.append("seçenekler: " + "/".join(f.on_states))
        if f.options:
            extra.append("liste: " + "/".join(f.options))
        rect = ",".join(f"{v:.0f}" for v in f.rect)
        line = f"{f.name}\t{f.type}\tsayfa {f.page}\t[{rect}]"
        click.echo("\t".join([line, *flags, *extra]))


@cli.command("fill")
@click.argument("template", type=click.Path(dir_okay=False))
@click.option("--data", "data_path", required=True, type=click.Path(dir_okay=False), help="Değerler (JSON).")
@click.option("--map", "map_path", type=click.Path(dir_okay=False), help="Alan eşlemesi (TOML, [fields]).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Çıktı PDF dosyası.")
@click.option("--editable", is_flag=True, help="Alanları bırak (düzenlenebilir); verilmezse düzleştirilir.")
@reports_errors
def fill_command(template: str, data_path: str, map_path: str | None, output: str, editable: bool) -> None:
    """Bir PDF formunu JSON değerleriyle doldurur; varsayılan çıktı baskıya hazır (düzleştirilmiş).

    Fills an AcroForm template with values from a JSON file; flattened for print unless --editable.
    """
    from formkit import forms

    parsed = forms.Template.from_path(template)
    for warning in parsed.warnings:
        click.echo(f"uyarı: {template}: {warning}", err=True)
    values = forms.load_values(data_path)
    try:
        if map_path:
            values = forms.apply_map(parsed, values, forms.load_map(map_path))
        pdf = forms.fill(parsed, values, flatten=not editable)
    except ValidationError as exc:  # name the values file in every line
        raise ValidationError([replace(p, source=p.source or data_path) for p in exc.problems]) from exc
    path = forms.write_pdf(output, pdf)
    kind = "düzenlenebilir" if editable else "düzleştirilmiş"
    click.echo(f"{path} yazıldı ({kind}, {len(pdf) // 1024} KB)")


# --- packet ----------------------------------------------------------------------------------------


# --- batch -----------------------------------------------------------------------------------------


# --- mail / send -----------------------------------------------------------------------------------


# --- serve -----------------------------------------------------------------------------------------


def main() -> None:
    """Console entry point."""
    cli(prog_name="formkit")


if __name__ == "__main__":
    main()
