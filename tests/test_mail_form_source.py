"""Issue 11: the e-mails follow the packet's copies (the manifest's form_source), as the cover does."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from click.testing import CliRunner
from mail_support import PEOPLE, make_batch, parse, save_manifest
from test_procedure import BANNED

import cli
from formkit import profile as profiles
from formkit.model import Track
from formkit.packet.content import profile_values
from formkit.turkish import lower as turkish_lower

SOURCES = ("portal", "profile", "data-sheet")


def bodies(path: Path) -> tuple[str, str]:
    """The plain text (unwrapped to single spaces) and the HTML's text of one message."""
    message = parse(path)
    plain, rich = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and rich is not None
    return " ".join(plain.get_content().split()), html.unescape(" ".join(rich.get_content().split()))


@pytest.mark.parametrize("source", SOURCES)
def test_each_form_source_gets_its_own_print_step(tmp_path: Path, source: str) -> None:
    manifest = make_batch(tmp_path)
    for row in manifest["rows"]:
        if row["status"] == "ok":
            row["form_source"] = source
    save_manifest(tmp_path, manifest)
    result = CliRunner().invoke(cli.cli, ["mail", str(tmp_path)], env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert result.exit_code == 0, result.stderr
    profile = profiles.load()
    for person in PEOPLE:
        track = Track(person.track)
        values = profile_values(profile, profile.copies_for(track))
        said = {key: profile.say(f"step.print.{key}", **values) for key in SOURCES}
        plain, rich = bodies(tmp_path / "outbox" / person.eml)
        for text in (plain, rich):
            assert said[source] in text, (person.eml, source)
            assert not [other for key, other in said.items() if key != source and other in text]
            assert "$" not in text  # every placeholder was filled
            assert not [phrase for phrase in BANNED if phrase in turkish_lower(text)]
        count = profile.copies_for(track)
        if source == "portal":
            assert f"Bu paketteki {count} nüsha, Kamu SM sisteminden aldığınız form çıktısıdır" in plain
            assert "veri sayfası başvuru formu değildir" not in plain
        elif source == "data-sheet":
            assert "Bu paketteki veri sayfası başvuru formu değildir" in plain
        else:
            assert f"bu paketteki il formu ({count} nüsha)" in plain
        if track is not Track.BIREYSEL:
            assert f"İmzalı {count} nüshayı E-imza Kurum Yetkilisine teslim edin" in plain


def test_the_mail_texts_leave_the_print_step_and_copies_to_the_composer() -> None:
    for track in Track:
        for suffix in ("txt", "html"):
            text = (Path(__file__).parent.parent / "assets" / "mail" / f"{track.value}.{suffix}").read_text(
                encoding="utf-8"
            )
            assert "$form_adimi" in text, (track, suffix)
            assert "son adımda verdiği form çıktısını 2 nüsha" not in text


def test_mail_removes_only_its_own_messages_and_leaves_reminders(tmp_path: Path) -> None:
    """A reminder (`<REF>-hatirlatma-N.eml`, X-Formkit-Ref set) survives `formkit mail`, even when its row has
    left the batch; the row's own message is removed."""
    from formkit.desk.mailer import reminder_name

    manifest = make_batch(tmp_path)
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    assert CliRunner().invoke(cli.cli, ["mail", str(tmp_path)], env=env).exit_code == 0
    outbox = tmp_path / "outbox"
    gone, kept = PEOPLE[2], PEOPLE[0]
    reminders = [outbox / reminder_name(person.ref, 1) for person in (gone, kept)]
    for person, path in zip((gone, kept), reminders, strict=True):
        path.write_bytes((outbox / person.eml).read_bytes())  # same headers as a reminder: X-Formkit-Ref
        assert parse(path)["X-Formkit-Ref"] == person.ref
    manifest["rows"] = [row for row in manifest["rows"] if row.get("ref") != gone.ref]
    save_manifest(tmp_path, manifest)
    result = CliRunner().invoke(cli.cli, ["mail", str(tmp_path)], env=env)
    assert result.exit_code == 0, result.stderr
    assert not (outbox / gone.eml).exists() and f"silindi: {gone.eml}" in result.stderr
    assert all(path.exists() for path in reminders)
    assert "hatirlatma" not in result.stderr


def test_a_province_form_is_named_by_its_title_from_the_profile(tmp_path: Path) -> None:
    manifest = make_batch(tmp_path / "out")
    for row in manifest["rows"]:
        if row["status"] == "ok":
            row["form_source"] = "profile"
    save_manifest(tmp_path / "out", manifest)
    text = profiles.default_path().read_text(encoding="utf-8")
    assert "[form]\ncopies = 2\n" in text
    province = tmp_path / "il.toml"
    province.write_text(
        text.replace("[form]\ncopies = 2\n", '[form]\ncopies = 2\ntitle = "İl ön başvuru formu"\n'),
        encoding="utf-8",
    )
    args = ["mail", str(tmp_path / "out"), "--profile", str(province)]
    result = CliRunner().invoke(cli.cli, args, env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert result.exit_code == 0, result.stderr
    plain, rich = bodies(tmp_path / "out" / "outbox" / PEOPLE[0].eml)
    for body in (plain, rich):
        assert "bu paketteki İl ön başvuru formu (2 nüsha) ile birlikte" in body
