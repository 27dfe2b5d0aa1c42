"""The send journal: states survive a reopen, answers are scrubbed, read-only mode never writes."""

from __future__ import annotations

from pathlib import Path

from formkit.mail.journal import Journal, State, scrub


def test_states_are_committed_at_once_and_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with Journal(path) as journal:
        journal.register_all([("<a@x>", "a.eml", "a@example.com"), ("<b@x>", "b.eml", "b@example.com")])
        assert journal.claim("<a@x>", 0)
        # Another connection (another process) sees the change before anything else happens.
        with Journal(path, readonly=True) as other:
            entry = other.get("<a@x>")
            assert entry is not None and entry.state is State.SENDING and entry.attempts == 1
        journal.mark("<a@x>", State.SENT, "250 ok")
        journal.register_all([("<a@x>", "a.eml", "a@example.com")])  # known: untouched
    with Journal(path) as journal:
        states = {e.file: e.state for e in journal.entries()}
        assert states == {"a.eml": State.SENT, "b.eml": State.PENDING}
        assert journal.get("<a@x>").answer == "250 ok"  # type: ignore[union-attr]


def test_answers_never_hold_a_tc_number(tmp_path: Path) -> None:
    assert scrub("550 kullanıcı 25876543214\r\n yok") == "550 kullanıcı 258******14 yok"
    with Journal(tmp_path / "j.sqlite") as journal:
        journal.register("<a@x>", "a.eml", "a@example.com")
        journal.mark("<a@x>", State.FAILED, "550 25876543214")
        assert journal.get("<a@x>").answer == "550 258******14"  # type: ignore[union-attr]


def test_read_only_journal_of_a_folder_without_one_creates_nothing(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite", readonly=True) as journal:
        assert journal.register("<a@x>", "a.eml", "a@example.com").state is State.PENDING
        assert journal.entries() == []
    assert not (tmp_path / "j.sqlite").exists()


def test_two_runs_cannot_claim_the_same_message(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with Journal(path) as one, Journal(path) as two:
        one.register_all([("<a@x>", "a.eml", "a@example.com")])
        seen_by_one = one.get("<a@x>")
        seen_by_two = two.get("<a@x>")
        assert seen_by_one is not None and seen_by_two is not None
        assert one.claim("<a@x>", seen_by_one.attempts)
        assert not two.claim("<a@x>", seen_by_two.attempts)  # it saw the row before `one` claimed it
        one.mark("<a@x>", State.PENDING, "451")
        assert one.claim("<a@x>", seen_by_one.attempts + 1)  # the owner retries
        one.mark("<a@x>", State.SENT, "250")
        assert not one.claim("<a@x>", seen_by_one.attempts + 2)  # sent stays sent
