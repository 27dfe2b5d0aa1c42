"""click in Turkish: its built-in messages, help headings and value placeholders.

click passes every message it prints through gettext (`_("Usage:")`, `ngettext(...)`) but ships no Turkish
catalogue, and gettext would pick a catalogue from the user's locale, which an office PC may not have set.
So `install()` points the `_`/`ngettext` names inside click's modules at formkit.texts.CLICK: the only place
formkit touches click's internals (tested against the installed click: every msgid must be in the catalogue,
and a help page and a usage error must come out in Turkish). `TurkishGroup` makes the commands show Turkish
placeholders (`[SEÇENEKLER]`, `KOMUT`, `DOSYA`, `SAYI`) instead of `[OPTIONS]`, `COMMAND`, `FILE`, `INTEGER`.

Call `install()` before the commands are declared: some texts (option help, path kinds) are read then.
"""

from __future__ import annotations

import gettext
import sys
from collections.abc import Sequence
from typing import Any

import click

from formkit import texts, turkish

_installed = False


def translate(message: str) -> str:
    """click's gettext: the Turkish text for one of its msgids (the msgid itself when unknown)."""
    return texts.CLICK.get(message, message)


def translate_plural(singular: str, plural: str, count: int) -> str:
    """click's ngettext: Turkish does not inflect after a number, but click's two forms differ in words."""
    return translate(singular if count == 1 else plural)


def click_modules() -> list[Any]:
    """click's loaded modules that took gettext's functions by name at import time."""
    found = []
    for name, module in sorted(sys.modules.items()):
        ours = name == "click" or name.startswith("click.")
        if ours and (
            getattr(module, "_", None) in (gettext.gettext, translate) or hasattr(module, "ngettext")
        ):
            found.append(module)
    return found


def install() -> None:
    """Make click speak Turkish in this process (idempotent)."""
    global _installed
    if _installed:
        return
    for module in click_modules():
        if getattr(module, "_", None) is gettext.gettext:
            module._ = translate
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = translate_plural
    _installed = True


def _metavar(param: click.Parameter) -> str | None:
    """The Turkish placeholder for a parameter that has none of its own; None to keep click's."""
    if param.metavar is not None or (isinstance(param, click.Option) and (param.is_flag or param.count)):
        return None
    if isinstance(param, click.Argument):
        name = param.name or ""
        if name in texts.ARGUMENT_METAVARS:
            shown = texts.ARGUMENT_METAVARS[name]
        elif isinstance(param.type, click.Path):
            shown = turkish.upper(param.type.name)
        else:
            return None
        if not param.required:
            shown = f"[{shown}]"
        return shown + ("..." if param.nargs != 1 else "")
    if isinstance(param.type, click.Path):
        return turkish.upper(param.type.name) + ("..." if param.nargs != 1 else "")
    known = texts.METAVARS.get(param.type.name)
    return None if known is None else known + ("..." if param.nargs != 1 else "")


def _turkish_params(params: Sequence[click.Parameter]) -> None:
    for param in params:
        shown = _metavar(param)
        if shown is not None:
            param.metavar = shown


class TurkishCommand(click.Command):
    """A command whose usage line and option placeholders are Turkish."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", texts.OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)
        _turkish_params(self.params)


class TurkishGroup(click.Group):
    """A group whose subcommands (and subgroups) are Turkish too."""

    command_class = TurkishCommand
    group_class = type  # subgroups are TurkishGroups as well

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", texts.OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", texts.SUBCOMMAND_METAVAR)
        super().__init__(*args, **kwargs)
        _turkish_params(self.params)


__all__ = ["TurkishCommand", "TurkishGroup", "click_modules", "install", "translate", "translate_plural"]
