"""Every help page and usage error is Turkish, click's own words included (formkit.cli_tr)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import cli
from formkit import cli_tr, texts

# English words that must not reach the user (option names such as --smtp-host are removed first).
ENGLISH = (
    r"usage|options|commands|command|arguments|argument|show|this|message|exit|missing|invalid|value|"
    r"error|try|help|such|option|version|default|required|text|integer|file|directory|path|range|args|"
    r"folder|template|build|write|send|makes|lists|fills|checks|the|and|for|with|of|every|into"
)
_OPTION = re.compile(r"(?<![\w])--?[A-Za-z][\w-]*")
_WORD = re.compile(rf"\b({ENGLISH})\b", re.IGNORECASE)


def english_words(output: str) -> list[str]:
    """English words left once option names and command names (send, show, ...) are taken out."""
    text = _OPTION.sub(" ", output)
    text = re.sub(rf"\b({'|'.join(_command_names(cli.cli))})\b", " ", text)
    return _WORD.findall(text)


def _command_names(group: click.Group) -> set[str]:
    names = set(group.commands)
    for command in group.commands.values():
        if isinstance(command, click.Group):
            names |= _command_names(command)
    return names


def run(*args: str) -> Result:
    return CliRunner().invoke(cli.cli, list(args), prog_name="formkit")


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("command", commands(cli.cli), ids=lambda c: " ".join(c) or "formkit")
def test_every_help_page_is_turkish(command: tuple[str, ...]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Kullanım: formkit")
    assert "Seçenekler:" in result.output and "Bu yardımı göster ve çık." in result.output
    assert english_words(result.output) == [], result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("send",), "Hata: Eksik argüman 'KLASÖR'."),
        (("batch", "--bogus", "x.csv"), "Hata: Böyle bir seçenek yok: '--bogus'."),
        (
            ("send", "--smtp-port", "x", "."),
            "Hata: '--smtp-port' için geçersiz değer: 'x' geçerli bir sayı değil.",
        ),
        (("batch", "x.csv", "--jobs", "0"), "izin verilen aralıkta değil"),
        (("fill", "a.pdf", "-o", "b.pdf"), "Hata: Eksik seçenek '--data'."),
        (("nope",), "Hata: Böyle bir komut yok: 'nope'."),
        (("validate", "a.csv", "b.csv"), "Hata: Beklenmeyen fazla argüman (b.csv)"),
        (("mail", "--outbox"), "Hata: '--outbox' seçeneği bir değer ister."),
    ],
)
def test_usage_errors_are_turkish(args: tuple[str, ...], expected: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert expected in result.output, result.output
    assert english_words(result.output) == [], result.output


def test_version_and_group_usage_are_turkish() -> None:
    assert "Yardım için: 'formkit send --help'" in run("send").output
    assert run("--version").output.startswith("formkit, sürüm ")
    assert run().output.startswith("Kullanım: formkit [SEÇENEKLER] KOMUT [ARGÜMANLAR]...")


def _msgids(module_path: Path) -> list[str]:
    """Every literal message a click module passes to gettext (`_`) or ngettext."""
    found = []
    for node in ast.walk(ast.parse(module_path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            count = {"_": 1, "ngettext": 2}.get(node.func.id, 0)
            found += [a.value for a in node.args[:count] if isinstance(a, ast.Constant)]
    return found


def test_the_catalogue_covers_every_message_of_the_installed_click() -> None:
    """Fails loudly when a click upgrade adds or rewords a message: add its Turkish to texts.CLICK."""
    root = Path(click.__file__).parent
    msgids = {m for path in root.glob("*.py") for m in _msgids(path)}
    assert len(msgids) > 50  # click still uses gettext the way cli_tr expects
    assert sorted(msgids - set(texts.CLICK)) == []
    for module in cli_tr.click_modules():  # and every module that took gettext's functions now has ours
        assert getattr(module, "_", cli_tr.translate) is cli_tr.translate
        assert getattr(module, "ngettext", cli_tr.translate_plural) is cli_tr.translate_plural
    placeholders = re.compile(r"\{(\w+)")
    for msgid, turkish in texts.CLICK.items():  # no placeholder that click does not fill
        assert set(placeholders.findall(turkish)) <= set(placeholders.findall(msgid)), msgid


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """`formkit validate big.csv | head` closes the pipe early: no "unexpected" line, no traceback."""
    import subprocess
    import sys

    example = (Path(cli.__file__).parent / "examples" / "hatali.csv").read_text(encoding="utf-8-sig")
    header, *rows = example.splitlines()
    table = tmp_path / "liste.csv"  # the example's bad rows many times over: thousands of problem lines
    table.write_text("\n".join([header, *(rows * 300)]) + "\n", encoding="utf-8")
    run = subprocess.Popen(
        [sys.executable, "-c", "import cli; cli.main()", "validate", str(table)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(cli.__file__).parent,
    )
    assert run.stdout is not None and run.stderr is not None
    run.stdout.readline()
    run.stdout.close()  # the reader goes away after the first line, as `head -1` does
    err = run.stderr.read().decode()
    run.wait(timeout=120)
    assert "beklenmeyen" not in err and "Traceback" not in err, err[-500:]
