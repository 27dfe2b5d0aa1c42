"""A whole HR export in one go: validate every row, build the packets in parallel, write the batch folder.

The folder layout (DESIGN.md §2): packets/, manifest.json, errors.csv, print/. Rows stream through: a first
pass finds duplicate T.C. numbers, the second validates row by row and hands valid rows to worker processes,
so memory stays flat in the input's length. A batch is resumable and idempotent: each ok row records a build
key (a hash of the applicant, the profile, the form and the formkit version, not the row number); a rerun
rebuilds only rows whose key is new or whose file is gone, and leaves every other file untouched, byte for
byte and modification time. The manifest is rewritten atomically while the batch runs, so after a kill it
still describes files that exist.

The output folder is claimed by content, not by file name: the manifest records the input's SHA-256 and the
profile's fingerprint. The same content under any name continues the batch; another file continues it only
when at least half of the people whose packets are there are in it (an edited export); otherwise, or when
the profile changed, the run stops before touching anything unless --force. A full disk stops the run
cleanly: the work in flight is collected, the manifest is written with every finished packet (or, if even
that cannot be written, the packets it would have added are removed), and a rerun once space is freed
builds only what is missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import re
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from formkit import __version__, texts
from formkit.batch import printouts
from formkit.batch.errors import ErrorReport
from formkit.batch.manifest import (
    MANIFEST,
    FormSource,
    Header,
    Manifest,
    ManifestWriter,
    PrintFile,
    Row,
    RowProblem,
    Status,
    read_manifest,
)
from formkit.errors import DiskFullError, FormkitError, InputError
from formkit.fileio import check_target, disk_full, is_disk_full, remove_temporaries
from formkit.input.sources import RawRow, Table, open_table
from formkit.input.validate import row_tc, validate_stream
from formkit.model import Applicant, Problem, Profile, redact_tc
from formkit.packet.builder import PacketBuilder, packet_ref, write_packet
from formkit.packet.content import all_copy_labels
from formkit.packet.copies import PageLayout, Printout, mark_size
from formkit.packet.reference import make_ref, reference_key
from formkit.pdf import limits
from formkit.pdf.join import JoinWriter

ERRORS = "errors.csv"  # formkit.batch.errors.CSV_NAME
PACKETS = "packets"
PRINT = "print"
PRINT_CHUNK = 500  # packets per joined print file
_CHUNK_ROWS = 4  # rows per task sent to a worker: fewer round trips, still fine-grained progress
_HASH_BLOCK = 1 << 20

Progress = Callable[[int, int], None]
_Built = tuple[list[tuple[int, Row]], str | None]  # a chunk's rows, and why it stopped (disk full)
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
    forms_dir: Path | None = None  # the applicants' portal printouts, paired with rows (batch/printouts.py)


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
    portal: int = 0  # ok rows whose copies are their portal printout
    profile_form: int = 0  # ok rows without a printout whose copies are the profile's own form
    data_sheet: int = 0  # ok rows without a printout (the data sheet instead)
    unpaired_files: int = 0  # printouts that could not be given to exactly one row
    pages: int = 0
    print_files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        return 0 if self.invalid == 0 and self.failed == 0 and self.unpaired_files == 0 else 1


@dataclass(frozen=True)
class _Task:
    row: int
    applicant: Applicant
    key: str
    form: str = ""  # path of this row's portal printout, if any
    layouts: tuple[PageLayout, ...] = ()  # its pages' layouts, from the scan


def run(
    input_path: Path, out_dir: Path, options: BatchOptions, progress: Progress | None = None
) -> BatchResult:
    """Run one batch from an input file into out_dir; raises InputError when the input cannot be read.

    Rows stream through: each is validated, then either settled at once (invalid, or its packet is up to
    date) or handed to a worker; the main process keeps only each row's manifest line.
    """
    started = time.perf_counter()
    table = open_table(input_path, encoding=options.encoding)
    claim = _Claim(out_dir, input_path, options)
    total, checked = validate_stream(claim.observe(table.rows))  # its first pass also counts known people
    previous = claim.decide()
    packets_dir = out_dir / PACKETS
    packets_dir.mkdir(parents=True, exist_ok=True)
    _remove_temporaries(out_dir)
    header = Header(
        id=(previous.header.id if previous is not None else "") or uuid.uuid4().hex,
        input=input_path.name,
        input_sha256=claim.digest,
        profile=options.profile.fingerprint,
        formkit=__version__,
    )
    old = _Previous(previous)
    del previous
    pairing = _pair_printouts(table, input_path, options)
    warnings = [*table.warnings, *pairing.warnings()]
    result = BatchResult(out_dir=out_dir, warnings=list(warnings), rows=total)
    result.unpaired_files = len(pairing.file_problems)
    writer = _TrackedWriter(out_dir / MANIFEST, header, warnings)
    plan = _PrintPlan(out_dir, options.duplex, old.print_files)
    report = ErrorReport(table.fields, workbook=table.is_spreadsheet)  # errors.csv (+ .xlsx), user's headers
    report.add(0, pairing.file_problems)  # printouts no row owns: row 0, shown empty, first
    current_pdfs: set[str] = set()
    build_id = _build_identity(options)
    writer.write()  # from the start, the folder says which batch it holds
    if progress:
        progress(0, total)

    stop: list[DiskFullError] = []  # set when the disk is full: no new row is started

    with _Runner(options.jobs if total > _CHUNK_ROWS else 1, options, packets_dir) as runner:

        def settle(entry: Row) -> None:
            """A row's outcome is final: record it, count it, and let the print plan move on."""
            writer.set(entry)
            if entry.status is Status.OK:
                result.ok += 1
                result.pages += entry.pages
                if entry.form_source == "portal":
                    result.portal += 1
                elif entry.form_source == "profile":
                    result.profile_form += 1
                else:
                    result.data_sheet += 1
                current_pdfs.add(entry.pdf)
            elif entry.status is Status.FAILED:
                result.failed += 1
                report.add(entry.row, [Problem("", entry.reason, row=entry.row)])
            plan.settle(entry)
            if not stop:
                plan.advance(runner)
                try:
                    writer.maybe_write()
                except DiskFullError as exc:
                    stop.append(exc)
            if progress:
                progress(writer.settled, total)

        def tasks() -> Iterator[_Task]:
            for raw, outcome in checked:
                if stop:
                    return
                plan.expect(raw.row)
                if isinstance(outcome, Applicant) and raw.row in pairing.row_failures:
                    reason = pairing.row_failures[raw.row]
                    settle(Row(raw.row, Status.FAILED, (RowProblem(printouts.FIELD, redact_tc(reason)),)))
                elif isinstance(outcome, Applicant):
                    form = pairing.by_row.get(raw.row)
                    key = _build_key(outcome, build_id + (f"|{form.sha256}" if form else ""))
                    reused = old.reuse(key, raw.row, out_dir)
                    if reused is not None:
                        result.up_to_date += 1
                        settle(reused)
                    else:
                        writer.set(_pending_entry(raw.row))
                        if form is None:
                            yield _Task(raw.row, outcome, key)
                        else:
                            yield _Task(raw.row, outcome, key, str(form.path), form.layouts)
                else:
                    result.invalid += 1
                    report.add(raw.row, outcome, raw.values)
                    settle(_invalid_entry(raw, outcome))

        for _row, entry in _build_all(tasks(), runner, lambda reason: stop.append(DiskFullError(reason))):
            if entry.status is Status.OK:
                result.built += 1
                writer.unsaved.append((entry.row, entry.pdf))
            settle(entry)
        if not stop:
            plan.advance(runner, final=True)
        writer.print_files = plan.finish()
        stop.extend(plan.disk_full)

    if stop:
        _stop_on_full_disk(out_dir, writer, report, stop[0], result, total)
    _delete_packets(out_dir, old.pdfs - current_pdfs)
    result.print_files = [out_dir / p.file for p in writer.print_files]
    try:
        writer.write()
    except DiskFullError as exc:
        _stop_on_full_disk(out_dir, writer, report, exc, result, total)
    report.write(out_dir)
    result.seconds = time.perf_counter() - started
    return result


# --- the output folder ------------------------------------------------------------------------------


class _Claim:
    """Whether out_dir may hold this input's batch; the previous manifest when it does.

    Decided by content: the input's SHA-256 and the profile's fingerprint, recorded in the manifest. When the
    content differs (an edited export, or another file), the first validation pass counts how many of the
    people whose packets are in the folder are in this input (by packet reference): at least half means the
    same list, edited; fewer means another input, whose packets are never deleted without --force.
    """

    def __init__(self, out_dir: Path, input_path: Path, options: BatchOptions) -> None:
        self.out_dir = out_dir
        self.input_path = input_path
        self.options = options
        self.digest = _file_digest(input_path)
        self.previous = _read_previous(out_dir, options.force)
        self.batch = self.previous.header if self.previous is not None else Header("", "")
        self.refs = {entry.ref for entry in self.previous.ok_rows()} if self.previous is not None else set()
        self.counting = bool(self.refs) and self.batch.input_sha256 != self.digest
        self.found: set[str] = set()  # references of the folder's people met in this input

    def observe(self, rows: Callable[[], Iterable[RawRow]]) -> Callable[[], Iterable[RawRow]]:
        """`rows` for validate_stream; its first pass also counts the people already in the folder."""
        passes = 0

        def counted() -> Iterator[RawRow]:
            nonlocal passes
            passes += 1
            counting = self.counting and passes == 1
            key = reference_key() if counting else b""
            for raw in rows():
                if counting:
                    tc = re.sub(r"\.0+$", "", (raw.values.get("tc_kimlik_no") or "").replace(" ", ""))
                    ref = make_ref(tc, key) if len(tc) == 11 and tc.isdigit() else ""
                    if ref in self.refs:
                        self.found.add(ref)  # a set: a person on two rows counts once
                yield raw

        return counted

    def decide(self) -> Manifest | None:
        """The previous manifest to continue from (None: a fresh start); raises InputError to protect it."""
        if self.previous is None:
            return None
        problem = None
        old_profile = self.batch.profile
        changed = bool(old_profile) and old_profile != self.options.profile.fingerprint
        if changed and self.refs:  # every packet there would be made again
            problem = texts.another_profile(
                str(self.out_dir), str(old_profile), self.options.profile.fingerprint
            )
        elif self.counting and 2 * len(self.found) < len(self.refs):
            problem = texts.another_input(
                str(self.out_dir),
                self.batch.input or "?",
                len(self.refs),
                self.input_path.name,
                len(self.found),
            )
        if problem is None:
            return self.previous
        if not self.options.force:
            raise InputError(problem)
        _delete_packets(self.out_dir, _Previous(self.previous).pdfs)
        return None


def _file_digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks (memory flat in the file's size)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(_HASH_BLOCK):
                digest.update(block)
    except OSError as exc:
        raise InputError(f"{path}: okunamadı ({exc.strerror or exc})") from exc
    return digest.hexdigest()


def _read_previous(out_dir: Path, force: bool) -> Manifest | None:
    """The folder's manifest (None when there is none); refuses a folder it cannot make sense of."""
    manifest = out_dir / MANIFEST
    if not manifest.exists():
        if (out_dir / PACKETS).is_dir() and any((out_dir / PACKETS).glob("*.pdf")) and not force:
            raise InputError(texts.folder_without_manifest(str(out_dir)))
        return None
    try:
        return read_manifest(out_dir)
    except InputError as exc:
        if force:
            return None
        raise InputError(f"{exc.lines()[0]}\n{texts.manifest_unreadable(str(manifest))}") from exc


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
    if options.profile.form_template:  # the province form's file is not part of the profile's bytes
        try:
            parts.append(hashlib.sha256(Path(options.profile.form_template).read_bytes()).hexdigest())
        except OSError as exc:
            raise InputError(f"{options.profile.form_template}: okunamadı ({exc.strerror or exc})") from exc
    parts.append(os.environ.get("SOURCE_DATE_EPOCH", ""))
    return "|".join(parts)


def _build_key(applicant: Applicant, build_id: str) -> str:
    fields = asdict(applicant)
    fields.pop("row")  # where a row stands does not change its packet
    data = json.dumps(fields, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{build_id}|{data}|{packet_ref(applicant)}".encode()).hexdigest()[:32]


def _invalid_entry(raw: RawRow, problems: list[Problem]) -> Row:
    return Row(raw.row, Status.INVALID, tuple(RowProblem(p.field, redact_tc(p.message)) for p in problems))


@dataclass
class _TrackedWriter(ManifestWriter):
    """The manifest writer, also knowing which packets were built since its last successful write: on a
    full disk those are the ones the manifest on disk does not list yet."""

    unsaved: list[tuple[int, str]] = field(default_factory=list)  # (row, pdf)

    def write(self) -> None:
        super().write()
        self.unsaved.clear()


def _pending_entry(row: int) -> Row:
    return Row(row, Status.PENDING)


def _stop_on_full_disk(
    out_dir: Path,
    writer: _TrackedWriter,
    report: ErrorReport,
    cause: DiskFullError,
    result: BatchResult,
    total: int,
) -> None:
    """The disk is full: leave a manifest true to the files on disk, then raise DiskFullError.

    Every finished packet is recorded when the manifest can still be written. When it cannot, room is made:
    first the print files go (derived from the packets; the rerun joins them again), then the newest
    unrecorded packets (1, then 2, 4, ...), each row going back to pending, until it fits; if nothing is left
    to remove, the manifest on disk is the last one written, which lists every packet built before it.
    """
    _remove_temporaries(out_dir)
    recorded, dropped, step, prints_removed = False, 0, 1, False
    while not recorded:
        try:
            writer.write()
            recorded = True
        except DiskFullError:
            if not prints_removed and writer.print_files:
                for record in writer.print_files:
                    (out_dir / record.file).unlink(missing_ok=True)
                writer.print_files, prints_removed = [], True
                continue
            if not writer.unsaved:
                break
            for _ in range(min(step, len(writer.unsaved))):
                row, pdf = writer.unsaved.pop()
                (out_dir / pdf).unlink(missing_ok=True)
                writer.set(_pending_entry(row))
                dropped += 1
            step *= 2
            _remove_temporaries(out_dir)
    with contextlib.suppress(FormkitError):  # the manifest holds the same problems
        report.write(out_dir)
    not_done = total - writer.settled + dropped
    raise DiskFullError(
        texts.disk_full_in_batch(
            cause.message, result.ok - dropped, recorded or not dropped, not_done, dropped, prints_removed
        )
    )


# --- portal printouts ------------------------------------------------------------------------------


def _pair_printouts(table: Table, input_path: Path, options: BatchOptions) -> printouts.Pairing:
    """Pair the --forms folder's PDFs and the form_pdf column's files with rows (one more pass over the
    input, only when either is used)."""
    if options.forms_dir is None and printouts.FIELD not in table.fields:
        return printouts.Pairing()
    size = mark_size(all_copy_labels(options.profile))
    rows_by_tc: dict[str, int] = {}
    repeated: set[str] = set()
    named: dict[int, printouts.Scanned] = {}
    missing: dict[int, str] = {}
    for raw in table.rows():
        tc = row_tc(raw)
        if tc is not None:
            if tc in rows_by_tc:
                repeated.add(tc)  # such rows are invalid: no file is paired with them
            rows_by_tc[tc] = raw.row
        value = (raw.values.get(printouts.FIELD) or "").strip()
        if value:
            path = input_path.parent / value
            if path.is_file():
                named[raw.row] = printouts.scan_file(path, size)
            else:
                missing[raw.row] = f"{printouts.FIELD}: dosya bulunamadı: {printouts.shown(value)}"
    for tc in repeated:
        rows_by_tc.pop(tc)
    scanned: list[printouts.Scanned] = []
    if options.forms_dir is not None:
        if not options.forms_dir.is_dir():
            raise InputError(f"{options.forms_dir}: portal çıktıları klasörü bulunamadı")
        scanned = printouts.scan(options.forms_dir, options.jobs, size)
    pairing = printouts.pair(scanned, rows_by_tc, named)
    pairing.row_failures.update(missing)
    return pairing


# --- building ---------------------------------------------------------------------------------------

_builder: PacketBuilder | None = None
_packets_dir: Path | None = None


def _init_worker(options: BatchOptions, packets_dir: Path) -> None:
    """Per process: fonts, profile, templates and static page parts are loaded once, here."""
    global _builder, _packets_dir
    _builder = PacketBuilder(options.profile, official_form=options.official_form, editable=options.editable)
    _packets_dir = packets_dir


def _build_rows(tasks: list[_Task]) -> _Built:
    """Build, write and describe the packets of a few rows (runs in a worker).

    Also returns why it stopped early, when the disk is full (the chunk's remaining rows stay pending).
    """
    assert _builder is not None and _packets_dir is not None
    results: list[tuple[int, Row]] = []
    for task in tasks:
        try:
            printout = _load_printout(Path(task.form), task.layouts) if task.form else None
            packet = _builder.build(task.applicant, printout)
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
                form_source=_form_source(packet.form_source),
                form_file=printouts.shown(Path(task.form).name) if task.form else None,
            )
        except DiskFullError as exc:  # not this row's fault: stop here, the rest of the chunk stays pending
            return results, exc.message
        except FormkitError as exc:
            reason = redact_tc(exc.message.replace("\n", "; "))
            entry = Row(task.row, Status.FAILED, (RowProblem("", reason),))
        except Exception as exc:  # a bug must cost one row, not the batch
            reason = f"paket oluşturulamadı ({type(exc).__name__})"
            entry = Row(task.row, Status.FAILED, (RowProblem("", reason),))
        results.append((task.row, entry))
    return results, None


def _form_source(value: str) -> FormSource:
    """The packet's form source as the manifest types it."""
    if value == "portal":
        return "portal"
    if value == "profile":
        return "profile"
    return "data-sheet"


def _load_printout(path: Path, layouts: tuple[PageLayout, ...]) -> Printout:
    """A row's portal printout, checked by the one PDF rule (named with its T.C. numbers masked)."""
    name = printouts.shown(path.name)
    return Printout.load(limits.read_pdf_file(path, label=name), name, layouts)


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


def _build_all(
    tasks: Iterable[_Task], runner: _Runner, disk_full: Callable[[str], None]
) -> Iterator[tuple[int, Row]]:
    """Yield (row, manifest entry) as packets are finished, keeping a bounded number of tasks in flight.

    Bounded in flight means memory stays flat however long the input. A chunk that stopped on a full disk
    is reported to `disk_full` after its finished rows (the caller then stops handing out tasks).
    """
    running: set[Future[_Built]] = set()

    def collect(
        finished: set[Future[_Built]],
    ) -> Iterator[tuple[int, Row]]:
        for future in finished:
            results, stopped = future.result()
            yield from results
            if stopped is not None:
                disk_full(stopped)

    for chunk in _chunks(tasks, _CHUNK_ROWS):
        running.add(runner.submit(_build_rows, chunk))
        if len(running) >= (runner.jobs * 4 if runner.jobs > 1 else 1):
            finished, pending = wait(running, return_when=FIRST_COMPLETED)
            running = set(pending)
            yield from collect(finished)
    while running:
        finished, pending = wait(running, return_when=FIRST_COMPLETED)
        running = set(pending)
        yield from collect(finished)


# --- print files ------------------------------------------------------------------------------------


def _join_chunk(out_dir: Path, name: str, items: list[tuple[str, str]], duplex: bool) -> int:
    """Join one print file from (pdf, bookmark title) pairs; returns its page count (runs in a worker)."""
    pages = 0
    check_target(out_dir / name)
    try:
        with JoinWriter(out_dir / name) as joined:
            for pdf, title in items:
                pages += joined.add((out_dir / pdf).read_bytes(), title, pad_to_even=duplex)
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full(out_dir / PRINT, exc) from exc
        raise InputError(f"{out_dir / name}: yazılamadı ({exc.strerror or exc})") from exc
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
        self.disk_full: list[DiskFullError] = []
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
        """Wait for the joins, drop print files of an earlier, longer run, and describe what exists.

        A join that meets a full disk is left out and noted in `disk_full` (the run then stops cleanly).
        """
        written = []
        for record, future in self.files:
            if future is not None:
                try:
                    record = replace(record, pages=future.result())
                except DiskFullError as exc:
                    self.disk_full.append(exc)
                    continue
            written.append(record)
        names = {p.file for p in written}
        for stale in (self.out_dir / PRINT).glob("basvurular-*.pdf"):
            if f"{PRINT}/{stale.name}" not in names:
                stale.unlink()
        return written


__all__ = ["ERRORS", "PACKETS", "PRINT", "PRINT_CHUNK", "BatchOptions", "BatchResult", "Progress", "run"]
