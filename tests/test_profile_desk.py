"""`[desk]` is checked like every other table: its source is a key of [sources], and `formkit profile check`
runs the desk's own check (formkit.desktable) on its placeholders and keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from formkit import profile as profiles
from formkit.desk import texts as desk_texts

DESK_SOURCE = 'source = "seed"  # a key of [sources], as in every other table\n'


def variant(tmp_path: Path, old: str, new: str) -> Path:
    text = profiles.default_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "il.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def check(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli.cli, ["profile", "check", str(path)])
    return result.exit_code, result.stdout + result.stderr


def test_the_builtin_desk_cites_a_source_key() -> None:
    profile = profiles.load()
    assert desk_texts.load(profile, reminder=True).source == ("seed",)
    assert "seed" in profile.sources


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # the free text that used to stand here is not a key of [sources]
        (
            DESK_SOURCE,
            'source = "Mersin İSM, 12.03.2024"\n',
            "desk.source: bilinmeyen kaynak",
        ),
        (DESK_SOURCE, "", "desk.source: kaynak yok"),
        (DESK_SOURCE, "source = 3\n", "desk.source: kaynak bir metin ya da metin listesi olmalı"),
        (
            'cover_letter = ""',
            'cover_letter = "Sayı: $sayi"',
            "desk.cover_letter: bilinmeyen yer tutucu",
        ),
        ("$eksik", "$eksikler", "desk.reminder_text: bilinmeyen yer tutucu $eksikler"),
        ('reminder_subject = "', 'reminder_subjet = "', "desk.reminder_subjet: bilinmeyen anahtar"),
        ("missing_form = ", "missing_form = 2 #", "desk.missing_form: metin olmalı"),
    ],
)
def test_profile_check_refuses_a_bad_desk_table(tmp_path: Path, old: str, new: str, expected: str) -> None:
    path = variant(tmp_path, old, new)
    code, output = check(path)
    assert code == 2 and expected in output, output
    assert "Traceback" not in output
    assert all(line.startswith(f"hata: {path}: ") for line in output.strip().splitlines()), output


def test_a_list_of_source_keys_is_fine_and_no_desk_table_is_fine(tmp_path: Path) -> None:
    listed = variant(tmp_path, DESK_SOURCE, 'source = ["seed", "nigdeism-30551"]\n')
    assert check(listed)[0] == 0
    assert desk_texts.load(profiles.load(listed)).source == ("seed", "nigdeism-30551")
    text = profiles.default_path().read_text(encoding="utf-8")
    plain = tmp_path / "masasiz.toml"
    plain.write_text(text[: text.index("[desk]")], encoding="utf-8")
    assert check(plain)[0] == 0


def test_the_profile_loader_does_not_import_the_desk() -> None:
    import ast

    tree = ast.parse(Path(profiles.__file__).read_text(encoding="utf-8"))
    imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    assert not [name for name in imported if name.startswith("formkit.desk")], imported
