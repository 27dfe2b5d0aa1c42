"""The desk's status store: one SQLite file inside the batch folder (`desk.sqlite`).

Every change is an event row (received, receipt, reminded, dispatched, password) with who made it and when;
nothing is ever updated in place, so the table is also the audit log. Unique indexes make "received",
"receipt" and "dispatched" happen at most once per packet, whatever runs at the same time: two scanners and a
command line each write in their own short `BEGIN IMMEDIATE` transaction; WAL lets readers go on meanwhile,
and a busy timeout makes writers queue instead of failing.

The applicants themselves come from the manifest (`desk.manifest`), copied into the store whenever the
manifest changes (size and modification time), so that a scan is one indexed lookup however large the batch.
"""

from __future__ import annotations

import getpass
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import TracebackType

from formkit.desk.manifest import Applicant, manifest_stamp, read_applicants
from formkit.errors import FormkitError
from formkit.model import Track, redact_tc

STORE_NAME = "desk.sqlite"
TURKEY = timezone(timedelta(hours=3), "TRT")  # Türkiye has kept UTC+3 all year since 2016
_SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 30_000

RECEIVED, RECEIPT, REMINDED, DISPATCHED, PASSWORD = (
    "received",
    "receipt",
    "reminded",
    "dispatched",
    "password",
)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS applicants (
    ref TEXT PRIMARY KEY, row INTEGER NOT NULL, name TEXT NOT NULL, ad TEXT NOT NULL, soyad TEXT NOT NULL,
    track TEXT NOT NULL, tc TEXT NOT NULL, e_posta TEXT NOT NULL, pdf TEXT NOT NULL, made TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    ref TEXT NOT NULL,
    kind TEXT NOT NULL
        CHECK (kind IN ('{RECEIVED}', '{RECEIPT}', '{REMINDED}', '{DISPATCHED}', '{PASSWORD}')),
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS events_once ON events (ref, kind)
    WHERE kind IN ('{RECEIVED}', '{RECEIPT}', '{DISPATCHED}');
CREATE UNIQUE INDEX IF NOT EXISTS events_reminder ON events (ref, detail) WHERE kind = '{REMINDED}';
CREATE INDEX IF NOT EXISTS events_kind ON events (kind, detail);
CREATE TABLE IF NOT EXISTS dispatches (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, who TEXT NOT NULL, count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS dispatch_items (
    dispatch INTEGER NOT NULL REFERENCES dispatches (id), position INTEGER NOT NULL,
    ref TEXT NOT NULL, name TEXT NOT NULL, tc TEXT NOT NULL, track TEXT NOT NULL,
    PRIMARY KEY (dispatch, position)
);
"""


class DeskError(FormkitError):
    """The desk cannot do what was asked: unknown or mistyped reference, unusable store (exit 2)."""


def os_user() -> str:
    """Who runs this command, for the audit trail (the OS login name)."""
    try:
        return getpass.getuser() or "bilinmiyor"
    except (OSError, KeyError, ImportError):
        return "bilinmiyor"


def now_utc() -> datetime:
    """The current time, UTC, whole seconds (what every event records)."""
    return datetime.now(UTC).replace(microsecond=0)


def stamp(when: datetime) -> str:
    """An event time as stored: UTC ISO 8601."""
    return when.astimezone(UTC).isoformat(timespec="seconds")


def parse_time(text: str) -> datetime:
    """A stored UTC ISO time back as an aware datetime."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def local_time(text: str) -> str:
    """A stored time as the officer reads it: `02.12.2026 14:03` (Türkiye time)."""
    return parse_time(text).astimezone(TURKEY).strftime("%d.%m.%Y %H:%M")


@dataclass(frozen=True)
class Event:
    """One recorded change."""

    ref: str
    kind: str
    at: str  # UTC ISO
    who: str
    detail: str


@dataclass(frozen=True)
class Progress:
    """Where one applicant's paper stands at the desk (events by kind; reminders in time order)."""

    received: Event | None = None
    receipt: Event | None = None
    dispatched: Event | None = None
    reminders: tuple[Event, ...] = ()

    def history(self) -> list[Event]:
        """Every recorded change for this packet, oldest first (who and when): the audit trail."""
        events = [e for e in (self.received, self.receipt, self.dispatched) if e is not None]
        return sorted([*events, *self.reminders], key=lambda e: e.at)

    def missing_kinds(self, track: Track) -> list[str]:
        """What the officer still waits for: "form" and/or "dekont" (empty: nothing; bireysel: nothing)."""
        if track is Track.BIREYSEL:
            return []
        out = [] if self.received else ["form"]
        if track is Track.AILE_HEKIMI and self.receipt is None:
            out.append("dekont")
        return out

    def missing(self, track: Track) -> list[str]:
        """The same in the words the desk shows on screen."""
        return [_MISSING_WORDS[kind] for kind in self.missing_kinds(track)]


_MISSING_WORDS = {"form": "başvuru formu", "dekont": "banka dekontu"}


class Store:
    """The status store of one batch folder. Use as a context manager."""

    def __init__(self, folder: Path, *, sync: bool = True) -> None:
        self.folder = folder
        self.path = folder / STORE_NAME
        self._applicants: tuple[str | None, list[Applicant]] | None = None
        if not folder.is_dir():
            raise DeskError(f"{folder}: klasör yok; önce `formkit batch ... -o {folder}` çalıştırın")
        manifest_stamp(folder)  # not a batch folder: say so before creating anything in it
        try:
            if not self.path.exists():  # names and e-mail addresses: readable by this user only (KVKK)
                self.path.touch(mode=0o600)
            self.db = sqlite3.connect(
                self.path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._use_wal()
            self.db.execute("PRAGMA synchronous = NORMAL")  # WAL: durable at checkpoints, never corrupt
            with self.transaction():
                version = self.db.execute("PRAGMA user_version").fetchone()[0]
                if version not in (0, _SCHEMA_VERSION):
                    raise DeskError(f"{self.path}: durum dosyasının sürümü ({version}) tanınmıyor")
                for statement in _SCHEMA.split(";"):  # one by one: executescript would commit early
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
        except (sqlite3.Error, OSError) as exc:
            raise DeskError(f"{self.path}: durum dosyası açılamadı ({exc})") from exc
        if sync:
            self.sync()

    def _use_wal(self) -> None:
        """Switch the file to WAL once (the mode is stored in the file). The switch needs the file to
        itself and SQLite does not always wait for it (another process opening the store at the same moment
        answers "database is locked" at once), so it is retried for as long as the busy timeout allows."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        delay = 0.005
        while True:
            try:
                if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    self.db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError:
                if time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.2)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE): committed whole or not at all."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise DeskError(f"{self.path}: durum dosyası kilitli ya da yazılamıyor ({exc})") from exc
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self.db.execute("ROLLBACK")
            raise DeskError(f"{self.path}: durum dosyasına yazılamadı ({exc})") from exc

    # --- the applicants ---------------------------------------------------------------------------

    def sync(self) -> None:
        """Copy the manifest's applicants into the store when the manifest changed since the last copy."""
        current = manifest_stamp(self.folder)
        if self.meta("manifest") == current:
            return
        batch = read_applicants(self.folder)
        try:
            with self.transaction() as db:
                if self.meta("manifest") == current:  # another process copied it meanwhile
                    return
                db.execute("DELETE FROM applicants")
                db.executemany(
                    "INSERT INTO applicants VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (a.ref, a.row, a.name, a.ad, a.soyad, a.track.value, a.masked_tc, a.e_posta, a.pdf,
                         a.made)
                        for a in batch.applicants
                    ],
                )  # fmt: skip
                self._set_meta(db, "manifest", current)
                self._set_meta(db, "batch_id", batch.batch_id)
        except sqlite3.Error as exc:
            raise DeskError(f"{self.path}: durum dosyasına yazılamadı ({exc})") from exc

    def meta(self, key: str) -> str | None:
        row = self.query_one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    @staticmethod
    def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def applicant(self, ref: str) -> Applicant | None:
        row = self.query_one(f"SELECT {_APPLICANT_COLUMNS} FROM applicants WHERE ref = ?", (ref,))
        return None if row is None else _applicant(row)

    def applicants(self) -> list[Applicant]:
        """Every applicant of the batch, in row order (kept until the manifest changes)."""
        stamp = self.meta("manifest")
        if self._applicants is None or self._applicants[0] != stamp:
            rows = self.query_all(f"SELECT {_APPLICANT_COLUMNS} FROM applicants ORDER BY row")
            self._applicants = (stamp, [_applicant(r) for r in rows])
        return list(self._applicants[1])

    # --- events --------------------------------------------------------------------------------------

    def progress(self, ref: str) -> Progress:
        return _progress(
            self.query_all(f"SELECT {_EVENT_COLUMNS} FROM events WHERE ref = ? ORDER BY id", (ref,))
        )

    def all_progress(self) -> dict[str, Progress]:
        """Every packet's progress, by reference (one query)."""
        grouped: dict[str, list[tuple[str, ...]]] = {}
        for row in self.query_all(f"SELECT {_EVENT_COLUMNS} FROM events WHERE ref != '' ORDER BY id"):
            grouped.setdefault(row[0], []).append(row)
        return {ref: _progress(rows) for ref, rows in grouped.items()}

    def events(self) -> list[Event]:
        """The whole audit trail, oldest first."""
        return [Event(*row) for row in self.query_all(f"SELECT {_EVENT_COLUMNS} FROM events ORDER BY id")]

    def add(
        self, db: sqlite3.Connection, ref: str, kind: str, when: datetime, who: str, detail: str = ""
    ) -> bool:
        """Record one event inside a transaction; False when it is already there (at most once per kind)."""
        cursor = db.execute(
            "INSERT OR IGNORE INTO events (ref, kind, at, who, detail) VALUES (?, ?, ?, ?, ?)",
            (ref, kind, stamp(when), redact_tc(who)[:80], detail),
        )
        return cursor.rowcount == 1

    def query_one(self, sql: str, params: tuple[object, ...] = ()) -> tuple[object, ...] | None:
        try:
            row: tuple[object, ...] | None = self.db.execute(sql, params).fetchone()
        except sqlite3.Error as exc:
            raise DeskError(f"{self.path}: durum dosyası okunamadı ({exc})") from exc
        return row

    def query_all(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[str, ...]]:
        try:
            rows: list[tuple[str, ...]] = self.db.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise DeskError(f"{self.path}: durum dosyası okunamadı ({exc})") from exc
        return rows


_APPLICANT_COLUMNS = "ref, row, name, ad, soyad, track, tc, e_posta, pdf, made"
_EVENT_COLUMNS = "ref, kind, at, who, detail"


def _applicant(row: tuple[object, ...]) -> Applicant:
    ref, number, name, ad, soyad, track, tc, e_posta, pdf, made = row
    return Applicant(
        ref=str(ref), row=int(str(number)), name=str(name), ad=str(ad), soyad=str(soyad),
        track=_TRACKS[str(track)], masked_tc=str(tc), e_posta=str(e_posta), pdf=str(pdf), made=str(made),
    )  # fmt: skip


_TRACKS = {track.value: track for track in Track}  # a dict lookup: Track(value) is slow for 10,000 rows


def _progress(rows: list[tuple[str, ...]]) -> Progress:
    by_kind: dict[str, Event] = {}
    reminders: list[Event] = []
    for row in rows:
        event = Event(*row)
        if event.kind == REMINDED:
            reminders.append(event)
        else:
            by_kind.setdefault(event.kind, event)
    return Progress(by_kind.get(RECEIVED), by_kind.get(RECEIPT), by_kind.get(DISPATCHED), tuple(reminders))


__all__ = [
    "BUSY_TIMEOUT_MS",
    "STORE_NAME",
    "TURKEY",
    "DeskError",
    "Event",
    "Progress",
    "Store",
    "local_time",
    "now_utc",
    "os_user",
    "parse_time",
    "stamp",
]
