"""The send journal: one SQLite row per outgoing message, so that nothing is ever sent twice.

A message is known by what it is, not by the batch that made it: its key is the recipients plus the identity
of the packet it carries (`X-Formkit-Packet`), so `batch --force` under a new file name followed by `mail`
and `send` sends only the packets that changed. Each message goes pending → handed → sent | failed, and every
change is committed before the next SMTP step: "handed" just before the final "." of DATA goes out (a claim:
it only succeeds for the run that last saw the row, so two runs never both send one message),
"sent"/"failed" right after the server's answer, "pending" again after a temporary failure.

A run killed before the final "." leaves its message pending: the server never took it and it is sent again.
A row found in "handed" is *uncertain* (the server may have it) and is not touched unless the user says so.
Only one `send` runs on a folder at a time (SendLock), which also makes "another run is sending" a clear
error instead of a race.

Schema 1 (keyed by Message-ID) is migrated in place: its rows are kept and adopted by the first message with
the same Message-ID, or else the same file and recipient; its "sending" rows become "handed" (uncertain),
since schema 1 could not tell the two apart. A read-only open (a dry run) migrates a copy in memory and leaves
the file as it is.

The journal stores the recipient's address and the server's answer, never a T.C. number: any 11-digit run in
an answer is masked before it is written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from types import TracebackType

from formkit.errors import MailError
from formkit.model import redact_tc

__all__ = ["JOURNAL_NAME", "LOCK_NAME", "Entry", "Journal", "SendLock", "State", "scrub"]

JOURNAL_NAME = "mail-journal.sqlite"
LOCK_NAME = "mail-send.lock"
_SCHEMA_VERSION = 2
_LEGACY = "message-id:"  # key prefix of rows migrated from schema 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    key        TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    file       TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('pending', 'handed', 'sent', 'failed')),
    answer     TEXT NOT NULL DEFAULT '',
    attempts   INTEGER NOT NULL DEFAULT 0,
    updated    TEXT NOT NULL
)
"""

_MIGRATE_1 = [
    "ALTER TABLE messages RENAME TO messages_v1",
    _SCHEMA,
    "INSERT INTO messages (key, message_id, file, recipient, state, answer, attempts, updated)"
    f" SELECT '{_LEGACY}' || message_id, message_id, file, recipient,"
    " CASE state WHEN 'sending' THEN 'handed' ELSE state END, answer, attempts, updated FROM messages_v1",
    "DROP TABLE messages_v1",
]

_COLUMNS = "key, message_id, file, recipient, state, answer, attempts, updated"


class State(StrEnum):
    """Where one message is on its way out."""

    PENDING = "pending"
    HANDED = "handed"  # the final "." went (or was about to go) out; no answer recorded yet
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class Entry:
    """One message as the journal knows it."""

    key: str
    message_id: str
    file: str
    recipient: str
    state: State
    answer: str
    attempts: int
    updated: str


def scrub(text: str) -> str:
    """Mask anything that looks like a T.C. number and flatten the text to one line."""
    one_line = " ".join(text.split())
    return redact_tc(one_line)


class Journal:
    """The SQLite journal of one batch folder. Use as a context manager; every write is committed at once."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self._scratch = False  # a migrated in-memory copy of an older journal (read-only runs): writable
        self._db: sqlite3.Connection | None = None
        try:
            if readonly:
                if path.exists():
                    disk = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
                    if disk.execute("PRAGMA user_version").fetchone()[0] == _SCHEMA_VERSION:
                        self._db = disk
                    else:  # an older journal: migrate a copy in memory, the file stays as it is
                        self._db = sqlite3.connect(":memory:", isolation_level=None)
                        disk.backup(self._db)
                        disk.close()
                        self._scratch = True
                        self._upgrade()
            else:
                self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
                # Rollback journal kept between commits (PERSIST): as crash-safe as the default, works on
                # network shares (unlike WAL), and a commit costs ~1 ms instead of ~20 ms (no file deletion).
                self._db.execute("PRAGMA journal_mode = PERSIST")
                self._db.execute("PRAGMA synchronous = FULL")
                self._upgrade()
        except sqlite3.Error as exc:
            raise MailError(f"{path}: gönderim günlüğü açılamadı ({exc})") from exc

    def _upgrade(self) -> None:
        assert self._db is not None
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == 1:
                for statement in _MIGRATE_1:
                    self._db.execute(statement)
            elif version not in (0, _SCHEMA_VERSION):
                raise MailError(
                    f"{self.path}: gönderim günlüğünün sürümü ({version}) tanınmıyor; "
                    "daha yeni bir formkit ile yazılmış olabilir"
                )
            self._db.execute(_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the database (every change is already committed)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def register(self, key: str, message_id: str, file: str, recipient: str) -> Entry:
        """The entry of a message; a new one is added as pending (a schema-1 row of it is adopted)."""
        known = self.get(key)
        if known is not None:
            return known
        if not self.readonly or self._scratch:
            self.register_all([(key, message_id, file, recipient)])
            known = self.get(key)
            if known is not None:
                return known
        return Entry(key, message_id, file, recipient, State.PENDING, "", 0, _now())

    def register_all(self, messages: Iterable[tuple[str, str, str, str]]) -> None:
        """Add every (key, message_id, file, recipient) not yet known, in one committed transaction.

        A schema-1 row with the same Message-ID, or else the same file and recipient, is taken over by the
        message (its state kept), so an upgrade never sends again what was sent before it.
        """
        if self._db is None or (self.readonly and not self._scratch):
            return
        now = _now()
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                for key, message_id, file, recipient in messages:
                    if self._db.execute("SELECT 1 FROM messages WHERE key = ?", (key,)).fetchone():
                        continue
                    legacy = self._db.execute(
                        "SELECT key FROM messages WHERE key LIKE ? || '%' AND"
                        " (message_id = ? OR (file = ? AND recipient = ?))"
                        " ORDER BY message_id = ? DESC LIMIT 1",
                        (_LEGACY, message_id, file, recipient, message_id),
                    ).fetchone()
                    if legacy is not None:
                        self._db.execute(
                            "UPDATE messages SET key = ?, message_id = ? WHERE key = ?",
                            (key, message_id, legacy[0]),
                        )
                        continue
                    self._db.execute(
                        f"INSERT INTO messages ({_COLUMNS}) VALUES (?, ?, ?, ?, 'pending', '', 0, ?)",
                        (key, message_id, file, recipient, now),
                    )
        except sqlite3.Error as exc:
            raise MailError(f"{self.path}: gönderim günlüğüne yazılamadı ({exc})") from exc

    def get(self, key: str) -> Entry | None:
        """The journal's entry for a message key, or None."""
        rows = self._select(f"SELECT {_COLUMNS} FROM messages WHERE key = ?", (key,))
        return rows[0] if rows else None

    def entries(self) -> list[Entry]:
        """Every message the journal knows, in file order."""
        return self._select(f"SELECT {_COLUMNS} FROM messages ORDER BY file, updated", ())

    def sent_before(self, file: str, recipient: str) -> bool:
        """True when another version of this message (same file and recipient) was sent: a changed packet."""
        rows = self._select(
            f"SELECT {_COLUMNS} FROM messages WHERE file = ? AND recipient = ? AND state = 'sent'",
            (file, recipient),
        )
        return bool(rows)

    def claim(self, key: str, attempts: int) -> bool:
        """Mark a message "handed" (committed before the final "." of DATA); False if another run was first.

        The claim only succeeds while the row still has the attempt count this run last saw (optimistic
        locking), so two `send` runs on the same folder can never both send one message.
        """
        return (
            self._write(
                "UPDATE messages SET state = ?, attempts = attempts + 1, updated = ?"
                " WHERE key = ? AND attempts = ? AND state != ?",
                (State.HANDED.value, _now(), key, attempts, State.SENT.value),
            )
            == 1
        )

    def mark(self, key: str, state: State, answer: str) -> None:
        """Record where a message stands now and the server's answer (T.C.-like numbers masked)."""
        self._write(
            "UPDATE messages SET state = ?, answer = ?, updated = ? WHERE key = ?",
            (state.value, scrub(answer), _now(), key),
        )

    def _select(self, sql: str, params: tuple[object, ...]) -> list[Entry]:
        if self._db is None:
            return []
        try:
            rows = self._db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise MailError(f"{self.path}: gönderim günlüğü okunamadı ({exc})") from exc
        return [_entry(row) for row in rows]

    def _write(self, sql: str, params: tuple[object, ...]) -> int:
        if self._db is None or (self.readonly and not self._scratch):
            raise MailError(f"{self.path}: gönderim günlüğü salt okunur açıldı")
        try:
            with self._db:  # one committed transaction per change
                self._db.execute("BEGIN IMMEDIATE")
                return self._db.execute(sql, params).rowcount
        except sqlite3.Error as exc:
            raise MailError(f"{self.path}: gönderim günlüğüne yazılamadı ({exc})") from exc


class SendLock:
    """Only one `send` per folder at a time: an exclusive SQLite lock on DIR/mail-send.lock, held for the run.

    The operating system drops the lock when the process ends, however it ends (SIGKILL included), so a
    crashed run never blocks the next one.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> SendLock:
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=0)
            self._db.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as exc:
            self.__exit__(None, None, None)
            if "locked" in str(exc):
                raise MailError(
                    f"{self.path.parent}: bu klasörde başka bir `formkit send` çalışıyor; bitmesini bekleyin"
                ) from exc
            raise MailError(f"{self.path}: kilit dosyası açılamadı ({exc})") from exc
        return self

    def __exit__(self, *_: object) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _entry(row: tuple[str, str, str, str, str, str, int, str]) -> Entry:
    return Entry(row[0], row[1], row[2], row[3], State(row[4]), row[5], row[6], row[7])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
