"""A whole HR export in one go: validate every row, build the packets in parallel, write the batch folder.

The folder layout (DESIGN.md §2): packets/, manifest.json, errors.csv, print/. Rows stream through: a first
pass finds duplicate T.C. numbers, the second validates row by row and hands valid rows to worker processes,
so memory stays flat in the input's length. A batch is resumable and idempotent: each ok row records a build
key (a hash of the applicant, the profile, the form and the formkit version, not the row number); a rerun
rebuilds only rows whose key is new or whose file is gone, and leaves every other file untouched, byte for
byte and modification time. The manifest is rewritten atomically while the batch runs, so after a kill it
still describes files that exist.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from formkit import __version__
from formkit.batch.manifest import (
    MANIFEST,
    Header,
    Manifest,
    ManifestWriter,
    PrintFile,
    Row,
    RowProblem,
    Status,
    read_manifest,
)
from formkit.errors import FormkitError, InputError
from formkit.fileio import remove_temporaries, write_atomic
from formkit.input.sources import RawRow, open_table
from formkit.input.validate import validate_stream
from formkit.model import Applicant, Problem, Profile, redact_tc
from formkit.packet.builder import PacketBuilder, packet_ref, write_packet
from formkit.pdf.join import JoinWriter

ERRORS = "errors.csv"
PACKETS = "packets"
PRINT = "print"
PRINT_CHUNK = 500  # packets per joined print file
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CHUNK_ROWS = 4  # rows per task sent to a worker: fewer round trips, still fine-grained progress

Progress = Callable[[int, int], None]
_T = TypeVar("_T")


@dataclass(frozen=True)
class BatchOptions:
    """How to run a batch (everything but the input and output paths)."""

    profile: Profile
    jobs: int = 1
    encoding: str | None = None
    duplex: bool = False
    force: bool = False
    official_form: bytes | None = None
    editable: bool = False


@dataclass
class BatchResult:
    """What a batch did, for the summary and the exit code."""

    out_dir: Path
    rows: int = 0
    ok: int = 0
    built: int = 0
    up_to_date: int = 0
    invalid: int = 0
    failed: int = 0
    pages: int = 0
    print_files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 0 if self.invalid == 0 and self.failed == 0 else 1


@dataclass(frozen=True)
class _Task:
    row: int
    applicant: Applicant
    key: str


def run(
    input_path: Path, out_dir: Path, options: BatchOptions, progress: Progress | None = None
) -> BatchResult:
    """Run one batch from an input file into out_dir; raises InputError when the input cannot be read.

    Rows stream through: each is validated, then either settled at once (invalid, or its packet is up to
    date) or handed to a worker; the main process keeps only each row's manifest line.
    """
    started = time.perf_counter()
    table = open_table(input_path, encoding=options.encoding)
    previous = _claim_folder(out_dir, input_path, options.force)
    packets_dir = out_dir / PACKETS
    packets_dir.mkdir(parents=True, exist_ok=True)
    _remove_temporaries(out_dir)
    header = Header(
        id=(previous.header.id if previous is not None else "") or uuid.uuid4().hex,
        input=input_path.name,
        profile=options.profile.fingerprint,
        formkit=__version__,
    )
    old = _Previous(previous)
    del previous
    total, checked = validate_stream(table.rows)
    result = BatchResult(out_dir=out_dir, warnings=list(table.warnings), rows=total)
    writer = ManifestWriter(out_dir / MANIFEST, header, list(table.warnings))
    plan = _PrintPlan(out_dir, options.duplex, old.print_files)
    problems: list[tuple[int, Problem]] = []
    current_pdfs: set[str] = set()
    build_id = _build_identity(options)
    writer.write()  # from the start, the folder says which batch it holds
    if progress:
        progress(0, total)

    with _Runner(options.jobs if total > _CHUNK_ROWS else 1, options, packets_dir) as runner:

        def settle(entry: Row) -> None:
            """A row's outcome is final: record it, count it, and let the print plan move on."""
            writer.set(entry)
            if entry.status is Status.OK:
                result.ok += 1
                result.pages += entry.pages
                current_pdfs.add(entry.pdf)
            elif entry.status is Status.FAILED:
                result.failed += 1
                problems.append((entry.row, Problem("", entry.reason, row=entry.row)))
            plan.settle(entry)
            plan.advance(runner)
            writer.maybe_write()
            if progress:
                progress(writer.settled, total)

        def tasks() -> Iterator[_Task]:
            for raw, outcome in checked:
                plan.expect(raw.row)
                if isinstance(outcome, Applicant):
                    key = _build_key(outcome, build_id)
                    reused = old.reuse(key, raw.row, out_dir)
                    if reused is not None:
                        result.up_to_date += 1
                        settle(reused)
                    else:
                        writer.set(Row(raw.row, Status.PENDING))
                        yield _Task(raw.row, outcome, key)
                else:
                    result.invalid += 1
                    problems.extend((raw.row, p) for p in outcome)
                    settle(_invalid_entry(raw, outcome))

        for _row, entry in _build_all(tasks(), runner):
            if entry.status is Status.OK:
                result.built += 1
            settle(entry)
        plan.advance(runner, final=True)
        writer.print_files = plan.finish()

    _delete_packets(out_dir, old.pdfs - current_pdfs)
    result.print_files = [out_dir / p.file for p in writer.print_files]
    writer.write()
    _write_errors(out_dir / ERRORS, sorted(problems, key=lambda item: item[0]))
    result.seconds = time.perf_counter() - started
    return result


# --- the output folder ------------------------------------------------------------------------------


def _claim_folder(out_dir: Path, input_path: Path, force: bool) -> Manifest | None:
    """The previous manifest of this batch (None for a new one); refuses a folder holding another batch."""
    manifest = out_dir / MANIFEST
    if not manifest.exists():
        if (out_dir / PACKETS).is_dir() and any((out_dir / PACKETS).glob("*.pdf")) and not force:
            raise InputError(
                f"{out_dir}: klasörde manifest.json olmadan paketler var; "
                "başka bir klasör seçin ya da --force"
            )
        return None
    try:
        previous = read_manifest(out_dir)
    except InputError as exc:
        if force:
            return None
        first = exc.lines()[0]
        hint = f"{manifest}: klasörü kontrol edin ya da --force ile yeniden başlatın"
        raise InputError(f"{first}\n{hint}") from exc
    if previous.header.input == input_path.name:
        return previous
    if not force:
        raise InputError(
            f"{out_dir}: bu klasörde başka bir toplu iş var ({previous.header.input or '?'}); "
            "başka bir çıktı klasörü seçin ya da --force ile üzerine yazın"
        )
    _delete_packets(out_dir, _Previous(previous).pdfs)
    return None


def _remove_temporaries(out_dir: Path) -> None:
    """Temporary files a killed run may have left behind; never a finished file."""
    for folder in (out_dir, out_dir / PACKETS, out_dir / PRINT):
        remove_temporaries(folder)


def _delete_packets(out_dir: Path, pdfs: Iterable[str]) -> None:
    """Delete packet files of an earlier run that no current row points to (changed names, dropped rows)."""
    for pdf in pdfs:
        if pdf.startswith(f"{PACKETS}/") and "/.." not in pdf and "\\" not in pdf:
            (out_dir / pdf).unlink(missing_ok=True)


class _Previous:
    """The previous run's ok rows, found by build key rather than row number: inserting a row at the top
    of an export shifts every row number below it, and those packets are still up to date."""

    def __init__(self, manifest: Manifest | None) -> None:
        self.by_key: dict[str, Row] = {}  # build key -> that row's entry
        self.pdfs: set[str] = set()
        for entry in manifest.ok_rows() if manifest is not None else ():
            self.pdfs.add(entry.pdf)
            if entry.key:
                self.by_key[entry.key] = entry
        self.print_files = list(manifest.print_files) if manifest is not None else []

    def reuse(self, key: str, row: int, out_dir: Path) -> Row | None:
        """The earlier entry for this key, now at `row`, when its file is exactly as recorded; else None."""
        entry = self.by_key.pop(key, None)
        if entry is None or not _is_current(out_dir, entry, key):
            return None
        return replace(entry, row=row)


def _is_current(out_dir: Path, entry: Row, key: str) -> bool:
    """True when the row's packet exists exactly as the manifest recorded it, built from the same key."""
    if entry.status is not Status.OK or entry.key != key or not entry.pdf:
        return False
    try:
        stat = (out_dir / entry.pdf).stat()
    except OSError:
        return False
    return stat.st_size == entry.size and stat.st_mtime_ns == entry.mtime_ns


def _build_identity(options: BatchOptions) -> str:
    """Everything besides the row that decides a packet's bytes."""
    parts = [__version__, options.profile.fingerprint, str(options.editable)]
    if options.official_form is not None:
        parts.append(hashlib.sha256(options.official_form).hexdigest())
    parts.append(os.environ.get("SOURCE_DATE_EPOCH", ""))
    return "|".join(parts)


def _build_key(applicant: Applicant, build_id: str) -> str:
    fields = asdict(applicant)
    fields.pop("row")  # where a row stands does not change its packet
    data = json.dumps(fields, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{build_id}|{data}|{packet_ref(applicant)}".encode()).hexdigest()[:32]


def _invalid_entry(raw: RawRow, problems: list[Problem]) -> Row:
    return Row(raw.row, Status.INVALID, tuple(RowProblem(p.field, redact_tc(p.message)) for p in problems))


def _neutralise(cell: str) -> str:
    """OWASP CSV injection defence: a cell a spreadsheet would run as a formula starts with a quote."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _write_errors(path: Path, problems: list[tuple[int, Problem]]) -> None:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    out.writerow(["satır", "alan", "hata"])
    for row, problem in problems:
        out.writerow([str(row), _neutralise(problem.field), _neutralise(redact_tc(problem.message))])
    write_atomic(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"))


# --- building ---------------------------------------------------------------------------------------

_builder: PacketBuilder | None = None
_packets_dir: Path | None = None


def _init_worker(options: BatchOptions, packets_dir: Path) -> None:
    """Per process: fonts, profile, templates and static page parts are loaded once, here."""
    global _builder, _packets_dir
    _builder = PacketBuilder(options.profile, official_form=options.official_form, editable=options.editable)
    _packets_dir = packets_dir


def _build_rows(tasks: list[_Task]) -> list[tuple[int, Row]]:
    """Build, write and describe the packets of a few rows (runs in a worker)."""
    assert _builder is not None and _packets_dir is not None
    results = []
    for task in tasks:
        try:
            packet = _builder.build(task.applicant)
            path = write_packet(packet, _packets_dir, durable=False)
            stat = path.stat()
            entry = Row(
                row=task.row,
                status=Status.OK,
                ref=packet.ref,
                name=f"{task.applicant.ad} {task.applicant.soyad}",
                ad=task.applicant.ad,
                soyad=task.applicant.soyad,
                track=task.applicant.track.value,
                e_posta=task.applicant.e_posta,
                tc=task.applicant.masked_tc,
                pdf=f"{PACKETS}/{path.name}",
                pages=packet.pages,
                sha256=hashlib.sha256(packet.data).hexdigest(),
                size=stat.st_size,
                mtime_ns=stat.st_mtime_ns,
                key=task.key,
            )
        except FormkitError as exc:
            reason = redact_tc(exc.message.replace("\n", "; "))
            entry = Row(task.row, Status.FAILED, (RowProblem("", reason),))
        except Exception as exc:  # a bug must cost one row, not the batch
            reason = f"paket oluşturulamadı ({type(exc).__name__})"
            entry = Row(task.row, Status.FAILED, (RowProblem("", reason),))
        results.append((task.row, entry))
    return results


def _chunks(tasks: Iterable[_Task], size: int) -> Iterator[list[_Task]]:
    """The tasks a few at a time, pulled from the stream only as they are handed out (memory)."""
    chunk: list[_Task] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Runner:
    """Runs work in a pool of worker processes, or in this process for one job (same code path).

    The pool starts at the first task, so a rerun with nothing to rebuild starts no worker at all.
    """

    def __init__(self, jobs: int, options: BatchOptions, packets_dir: Path) -> None:
        self.jobs = jobs
        self.options = options
        self.packets_dir = packets_dir
        self.pool: ProcessPoolExecutor | None = None
        self.ready = False

    def submit(self, fn: Callable[..., _T], *args: Any) -> Future[_T]:
        if not self.ready:
            self.ready = True
            if self.jobs > 1:
                # spawn, as on Windows: workers start clean instead of inheriting this process's memory
                self.pool = ProcessPoolExecutor(
                    max_workers=self.jobs,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_init_worker,
                    initargs=(self.options, self.packets_dir),
                )
            else:
                _init_worker(self.options, self.packets_dir)
        if self.pool is not None:
            return self.pool.submit(fn, *args)
        future: Future[_T] = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def __enter__(self) -> _Runner:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=kind is not None)


def _build_all(tasks: Iterable[_Task], runner: _Runner) -> Iterator[tuple[int, Row]]:
    """Yield (row, manifest entry) as packets are finished, keeping a bounded number of tasks in flight.

    Bounded in flight means memory stays flat however long the input.
    """
    running: set[Future[list[tuple[int, Row]]]] = set()
    for chunk in _chunks(tasks, _CHUNK_ROWS):
        running.add(runner.submit(_build_rows, chunk))
        if len(running) >= (runner.jobs * 4 if runner.jobs > 1 else 1):
            finished, pending = wait(running, return_when=FIRST_COMPLETED)
            running = set(pending)
            for future in finished:
                yield from future.result()
    while running:
        finished, pending = wait(running, return_when=FIRST_COMPLETED)
        running = set(pending)
        for future in finished:
            yield from future.result()


# --- print files ------------------------------------------------------------------------------------


def _join_chunk(out_dir: Path, name: str, items: list[tuple[str, str]], duplex: bool) -> int:
    """Join one print file from (pdf, bookmark title) pairs; returns its page count (runs in a worker)."""
    pages = 0
    with JoinWriter(out_dir / name) as joined:
        for pdf, title in items:
            pages += joined.add((out_dir / pdf).read_bytes(), title, pad_to_even=duplex)
    return pages


class _PrintPlan:
    """The ok packets in row order, joined into files of at most PRINT_CHUNK packets.

    Rows are announced in order (`expect`) and settle in any order; a file is scheduled as soon as every row
    up to its last packet is settled, so joining overlaps the building of later rows, and only the rows not
    yet placed in a file are held. A file whose packets are unchanged is kept as it is.
    """

    def __init__(self, out_dir: Path, duplex: bool, previous: list[PrintFile]) -> None:
        self.out_dir = out_dir
        self.duplex = duplex
        self.expected: deque[int] = deque()
        self.outcomes: dict[int, tuple[str, str, str] | None] = {}  # row -> (sha256, pdf, title) if ok
        self.chunk: list[tuple[int, str, str, str]] = []
        self.old = {p.file: p for p in previous}
        self.files: list[tuple[PrintFile, Future[int] | None]] = []
        (out_dir / PRINT).mkdir(exist_ok=True)

    def expect(self, row: int) -> None:
        self.expected.append(row)

    def settle(self, entry: Row) -> None:
        ok = entry.status is Status.OK
        title = f"{entry.row} · {entry.name} · {entry.ref}"
        self.outcomes[entry.row] = (entry.sha256, entry.pdf, title) if ok else None

    def advance(self, runner: _Runner, *, final: bool = False) -> None:
        while self.expected and self.expected[0] in self.outcomes:
            row = self.expected.popleft()
            outcome = self.outcomes.pop(row)
            if outcome is not None:
                self.chunk.append((row, *outcome))
            if len(self.chunk) == PRINT_CHUNK:
                self._schedule(runner)
        if final and self.chunk:
            self._schedule(runner)

    def _schedule(self, runner: _Runner) -> None:
        chunk, self.chunk = self.chunk, []
        name = f"{PRINT}/basvurular-{len(self.files) + 1:03d}.pdf"
        fingerprint = hashlib.sha256(
            json.dumps([[row, sha] for row, sha, _, _ in chunk] + [self.duplex]).encode()
        ).hexdigest()
        record = PrintFile(name, len(chunk), self.duplex, fingerprint)
        before = self.old.get(name)
        if before and before.fingerprint == fingerprint and (self.out_dir / name).exists():
            self.files.append((before, None))
            return
        items = [(pdf, title) for _, _, pdf, title in chunk]
        self.files.append((record, runner.submit(_join_chunk, self.out_dir, name, items, self.duplex)))

    def finish(self) -> list[PrintFile]:
        """Wait for the joins, drop print files of an earlier, longer run, and describe what exists."""
        written = []
        for record, future in self.files:
            written.append(record if future is None else replace(record, pages=future.result()))
        names = {p.file for p in written}
        for stale in (self.out_dir / PRINT).glob("basvurular-*.pdf"):
            if f"{PRINT}/{stale.name}" not in names:
                stale.unlink()
        return written
