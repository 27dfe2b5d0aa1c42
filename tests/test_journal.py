"""The send journal: states survive a reopen, answers are scrubbed, read-only mode never writes, schema 1 is
migrated without sending anything again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from formkit.errors import MailError
from formkit.mail.journal import Journal, SendLock, State, scrub

A = ("k-a", "<a@x>", "a.eml", "a@example.com")
B = ("k-b", "<b@x>", "b.eml", "b@example.com")


def test_states_are_committed_at_once_and_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with Journal(path) as journal:
        journal.register_all([A, B])
        assert journal.claim("k-a", 0)
        # Another connection (another process) sees the change before anything else happens.
        with Journal(path, readonly=True) as other:
            entry = other.get("k-a")
            assert entry is not None and entry.state is State.HANDED and entry.attempts == 1
        journal.mark("k-a", State.SENT, "250 ok")
        journal.register_all([A])  # known: untouched
    with Journal(path) as journal:
        states = {e.file: e.state for e in journal.entries()}
        assert states == {"a.eml": State.SENT, "b.eml": State.PENDING}
        assert journal.get("k-a").answer == "250 ok"  # type: ignore[union-attr]


def test_answers_never_hold_a_tc_number(tmp_path: Path) -> None:
    assert scrub("550 kullanıcı 25876543214\r\n yok") == "550 kullanıcı 258******14 yok"
    with Journal(tmp_path / "j.sqlite") as journal:
        journal.register(*A)
        journal.mark("k-a", State.FAILED, "550 25876543214")
        assert journal.get("k-a").answer == "550 258******14"  # type: ignore[union-attr]


def test_read_only_journal_of_a_folder_without_one_creates_nothing(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite", readonly=True) as journal:
        assert journal.register(*A).state is State.PENDING
        assert journal.entries() == []
    assert not (tmp_path / "j.sqlite").exists()


def test_two_runs_cannot_claim_the_same_message(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with Journal(path) as one, Journal(path) as two:
        one.register_all([A])
        seen_by_one = one.get("k-a")
        seen_by_two = two.get("k-a")
        assert seen_by_one is not None and seen_by_two is not None
        assert one.claim("k-a", seen_by_one.attempts)
        assert not two.claim("k-a", seen_by_two.attempts)  # it saw the row before `one` claimed it
        one.mark("k-a", State.PENDING, "451")
        assert one.claim("k-a", seen_by_one.attempts + 1)  # the owner retries
        one.mark("k-a", State.SENT, "250")
        assert not one.claim("k-a", seen_by_one.attempts + 2)  # sent stays sent


def test_only_one_send_runs_on_a_folder(tmp_path: Path) -> None:
    with (
        SendLock(tmp_path / "mail-send.lock"),
        pytest.raises(MailError, match="başka bir `formkit send` çalışıyor"),
        SendLock(tmp_path / "mail-send.lock"),
    ):
        pass
    with SendLock(tmp_path / "mail-send.lock"):  # released at the end of the run
        pass


def test_a_schema_1_journal_is_migrated_and_its_sent_messages_stay_sent(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with sqlite3.connect(path) as db:  # what formkit wrote before messages were keyed by content
        db.execute(
            "CREATE TABLE messages (message_id TEXT PRIMARY KEY, file TEXT NOT NULL, recipient TEXT NOT NULL,"
            " state TEXT NOT NULL, answer TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0,"
            " updated TEXT NOT NULL)"
        )
        db.executemany(
            "INSERT INTO messages VALUES (?, ?, ?, ?, ?, 1, '2026-01-01')",
            [
                ("<a@x>", "a.eml", "a@example.com", "sent", "250 ok"),
                ("<old-b@x>", "b.eml", "b@example.com", "sent", "250 ok"),
                ("<c@x>", "c.eml", "c@example.com", "sending", ""),
            ],
        )
        db.execute("PRAGMA user_version = 1")
    db.close()
    before = path.read_bytes()
    with Journal(path, readonly=True) as journal:  # a dry run: migrated in memory, the file untouched
        journal.register_all([A])
        assert journal.get("k-a").state is State.SENT  # type: ignore[union-attr]
    assert path.read_bytes() == before
    with Journal(path) as journal:
        # Same Message-ID, or (another batch id) same file and recipient: the old row is adopted, still sent.
        journal.register_all([A, ("k-b", "<new-b@x>", "b.eml", "b@example.com")])
        assert journal.get("k-a").state is State.SENT  # type: ignore[union-attr]
        assert journal.get("k-b").state is State.SENT  # type: ignore[union-attr]
        # Schema 1 could not tell "sending" from "handed over": kept uncertain.
        assert journal.register("k-c", "<c@x>", "c.eml", "c@example.com").state is State.HANDED
        assert len(journal.entries()) == 3
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    db.close()


def test_a_journal_of_a_newer_formkit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 9")
    db.close()
    with pytest.raises(MailError, match="sürümü \\(9\\) tanınmıyor"):
        Journal(path)
