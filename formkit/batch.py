"""A whole HR export in one go: validate every row, build the packets in parallel, write the batch folder.

The folder layout (DESIGN.md §2): packets/, manifest.json, errors.csv, print/. A batch is resumable and
idempotent: each ok row records a build key (a hash of the applicant, the profile, the form and the formkit
version); a rerun rebuilds only rows whose key changed or whose file is gone, and leaves every other file
untouched, byte for byte and modification time. The manifest is rewritten atomically while the batch runs,
so after a kill it still describes exactly the files that exist.
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
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from formkit import __version__
from formkit.errors import FormkitError, InputError
from formkit.fileio import remove_temporaries, write_atomic
from formkit.model import Applicant, Problem, Profile, redact_tc
from formkit.packet import PacketBuilder, packet_ref, write_packet
from formkit.pdfjoin import JoinWriter
from formkit.sources import RawRow, open_table
from formkit.validate import validate_all

MANIFEST = "manifest.json"
ERRORS = "errors.csv"
PACKETS = "packets"
PRINT = "print"
PRINT_CHUNK = 500  # packets per joined print file
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CHUNK_ROWS = 4  # rows per task sent to a worker: fewer round trips, still fine-grained progress
_MANIFEST_EVERY = 2.0  # seconds between manifest rewrites during a run

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
    """Run one batch from an input file into out_dir; raises InputError when the input cannot be read."""
    started = time.perf_counter()
    table = open_table(input_path, encoding=options.encoding)
    checked = validate_all(table.rows())
    result = BatchResult(out_dir=out_dir, warnings=list(table.warnings), rows=len(checked))
    previous = _claim_folder(out_dir, input_path, options.force)
    packets_dir = out_dir / PACKETS
    packets_dir.mkdir(parents=True, exist_ok=True)
    _remove_temporaries(out_dir)

    build_id = _build_identity(options)
    old_rows = {int(r["row"]): r for r in previous.get("rows", []) if isinstance(r, dict) and "row" in r}
    entries: dict[int, dict[str, Any]] = {}
    problems: list[tuple[int, Problem]] = []
    tasks: list[_Task] = []
    for raw, outcome in checked:
        if isinstance(outcome, Applicant):
            key = _build_key(outcome, build_id)
            old = old_rows.get(raw.row)
            if old is not None and _is_current(out_dir, old, key):
                entries[raw.row] = old
                result.up_to_date += 1
            else:
                entries[raw.row] = {"row": raw.row, "status": "pending"}
                tasks.append(_Task(raw.row, outcome, key))
        else:
            entries[raw.row] = _invalid_entry(raw, outcome)
            problems.extend((raw.row, p) for p in outcome)
    del checked  # the raw rows are no longer needed: only entries and the pending applicants stay
    result.invalid = sum(1 for e in entries.values() if e["status"] == "invalid")

    identity = {
        "id": previous.get("batch", {}).get("id") or uuid.uuid4().hex,
        "input": input_path.name,
        "profile": options.profile.fingerprint,
        "formkit": __version__,
    }
    writer = _ManifestWriter(out_dir, identity, entries, table.warnings)
    writer.write()
    done = result.up_to_date
    total = done + len(tasks)
    if progress:
        progress(done, total)
    plan = _PrintPlan(out_dir, entries, options.duplex, previous.get("print", []))
    jobs = options.jobs if len(tasks) > _CHUNK_ROWS else 1
    with _Runner(jobs, options, packets_dir) as runner:
        plan.advance(runner)
        for row, entry in _build_all(tasks, runner, jobs):
            entries[row] = entry
            done += 1
            if entry["status"] == "ok":
                result.built += 1
            if progress:
                progress(done, total)
            writer.maybe_write()
            plan.advance(runner)
        plan.advance(runner, final=True)
        writer.print_files = plan.finish()

    _remove_replaced(out_dir, old_rows.values(), entries.values())
    for entry in entries.values():
        if entry["status"] == "failed":
            result.failed += 1
            problems.append((entry["row"], Problem("", entry["reason"], row=entry["row"])))
    ok_entries = [entries[row] for row in sorted(entries) if entries[row]["status"] == "ok"]
    result.ok = len(ok_entries)
    result.pages = sum(int(e["pages"]) for e in ok_entries)
    result.print_files = [out_dir / p["file"] for p in writer.print_files]
    writer.write()
    _write_errors(out_dir / ERRORS, sorted(problems, key=lambda item: item[0]))
    result.seconds = time.perf_counter() - started
    return result


# --- the output folder ------------------------------------------------------------------------------


def _claim_folder(out_dir: Path, input_path: Path, force: bool) -> dict[str, Any]:
    """The previous manifest of this batch ({} for a new one); refuses a folder holding another batch."""
    manifest = out_dir / MANIFEST
    if not manifest.exists():
        if (out_dir / PACKETS).is_dir() and any((out_dir / PACKETS).glob("*.pdf")) and not force:
            raise InputError(
                f"{out_dir}: klasörde manifest.json olmadan paketler var; "
                "başka bir klasör seçin ya da --force"
            )
        return {}
    try:
        previous = json.loads(manifest.read_text(encoding="utf-8"))
        if not isinstance(previous, dict):
            raise ValueError("not an object")
    except (OSError, ValueError) as exc:
        if force:
            return {}
        raise InputError(
            f"{manifest}: okunamadı; klasörü kontrol edin ya da --force ile yeniden başlatın"
        ) from exc
    batch = previous.get("batch", {})
    if isinstance(batch, dict) and batch.get("input") == input_path.name:
        return previous
    if not force:
        raise InputError(
            f"{out_dir}: bu klasörde başka bir toplu iş var ({batch.get('input', '?')}); "
            "başka bir çıktı klasörü seçin ya da --force ile üzerine yazın"
        )
    _remove_replaced(out_dir, previous.get("rows", []), [])
    return {}


def _remove_temporaries(out_dir: Path) -> None:
    """Temporary files a killed run may have left behind; never a finished file."""
    for folder in (out_dir, out_dir / PACKETS, out_dir / PRINT):
        remove_temporaries(folder)


def _remove_replaced(out_dir: Path, old: Iterable[Any], new: Iterable[dict[str, Any]]) -> None:
    """Delete packet files of the previous run that no current row points to (renamed or dropped rows)."""
    keep = {e.get("pdf") for e in new if isinstance(e, dict)}
    for entry in old:
        pdf = entry.get("pdf") if isinstance(entry, dict) else None
        if isinstance(pdf, str) and pdf not in keep and pdf.startswith(f"{PACKETS}/") and "/.." not in pdf:
            (out_dir / pdf).unlink(missing_ok=True)


def _is_current(out_dir: Path, entry: dict[str, Any], key: str) -> bool:
    """True when the row's packet exists exactly as the manifest recorded it, built from the same key."""
    if entry.get("status") != "ok" or entry.get("key") != key or not isinstance(entry.get("pdf"), str):
        return False
    try:
        stat = (out_dir / entry["pdf"]).stat()
    except OSError:
        return False
    return bool(stat.st_size == entry.get("size") and stat.st_mtime_ns == entry.get("mtime_ns"))


def _build_identity(options: BatchOptions) -> str:
    """Everything besides the row that decides a packet's bytes."""
    parts = [__version__, options.profile.fingerprint, str(options.editable)]
    if options.official_form is not None:
        parts.append(hashlib.sha256(options.official_form).hexdigest())
    parts.append(os.environ.get("SOURCE_DATE_EPOCH", ""))
    return "|".join(parts)


def _build_key(applicant: Applicant, build_id: str) -> str:
    data = json.dumps(asdict(applicant), default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{build_id}|{data}|{packet_ref(applicant)}".encode()).hexdigest()[:32]


def _invalid_entry(raw: RawRow, problems: list[Problem]) -> dict[str, Any]:
    return {
        "row": raw.row,
        "status": "invalid",
        "problems": [{"field": p.field, "message": redact_tc(p.message)} for p in problems],
    }


class _ManifestWriter:
    """Keeps manifest.json true to the files on disk: rewritten atomically while the batch runs.

    Each row is serialised once per change (one line per row), so a rewrite costs a join and a write, not a
    fresh encoding of every row; rewrites are spaced so that they never take more than a few % of the run.
    """

    def __init__(
        self,
        out_dir: Path,
        identity: dict[str, str],
        entries: dict[int, dict[str, Any]],
        warnings: Iterable[str],
    ) -> None:
        self.path = out_dir / MANIFEST
        self.identity = identity
        self.entries = entries
        self.warnings = list(warnings)
        self.print_files: list[dict[str, Any]] = []
        self.last = 0.0
        self.interval = _MANIFEST_EVERY
        self._lines: dict[int, tuple[dict[str, Any], str]] = {}

    def maybe_write(self) -> None:
        if time.monotonic() - self.last >= self.interval:
            self.write()

    def _line(self, row: int) -> str:
        entry = self.entries[row]
        cached = self._lines.get(row)
        if cached is None or cached[0] is not entry:
            cached = (entry, json.dumps(entry, ensure_ascii=False))
            self._lines[row] = cached
        return cached[1]

    def write(self) -> None:
        started = time.monotonic()
        rows = ",\n  ".join(self._line(row) for row in sorted(self.entries))
        text = (
            f'{{"batch": {json.dumps(self.identity, ensure_ascii=False)},\n'
            f' "warnings": {json.dumps(self.warnings, ensure_ascii=False)},\n'
            f' "rows": [\n  {rows}\n ],\n'
            f' "print": {json.dumps(self.print_files, ensure_ascii=False)}}}\n'
        )
        write_atomic(self.path, text.encode("utf-8"))
        self.last = time.monotonic()
        self.interval = max(_MANIFEST_EVERY, 20 * (self.last - started))


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


def _build_rows(tasks: list[_Task]) -> list[tuple[int, dict[str, Any]]]:
    """Build, write and describe the packets of a few rows (runs in a worker)."""
    assert _builder is not None and _packets_dir is not None
    results = []
    for task in tasks:
        try:
            packet = _builder.build(task.applicant)
            path = write_packet(packet, _packets_dir, durable=False)
            stat = path.stat()
            entry: dict[str, Any] = {
                "row": task.row,
                "status": "ok",
                "ref": packet.ref,
                "name": f"{task.applicant.ad} {task.applicant.soyad}",
                "ad": task.applicant.ad,
                "soyad": task.applicant.soyad,
                "track": task.applicant.track.value,
                "e_posta": task.applicant.e_posta,
                "tc": task.applicant.masked_tc,
                "pdf": f"{PACKETS}/{path.name}",
                "pages": packet.pages,
                "sha256": hashlib.sha256(packet.data).hexdigest(),
                "size": stat.st_size,
                "mtime_ns": stat.st_mtime_ns,
                "key": task.key,
            }
        except FormkitError as exc:
            entry = {
                "row": task.row,
                "status": "failed",
                "reason": redact_tc(exc.message.replace("\n", "; ")),
            }
        except Exception as exc:  # a bug must cost one row, not the batch
            entry = {
                "row": task.row,
                "status": "failed",
                "reason": f"paket oluşturulamadı ({type(exc).__name__})",
            }
        results.append((task.row, entry))
    return results


def _chunks(tasks: list[_Task], size: int) -> Iterator[list[_Task]]:
    """Hand out the tasks a few at a time, letting go of each as it is handed out (memory)."""
    tasks.reverse()
    while tasks:
        yield [tasks.pop() for _ in range(min(size, len(tasks)))]


class _Runner:
    """Runs work in a pool of worker processes, or in this process for one job (same code path)."""

    def __init__(self, jobs: int, options: BatchOptions, packets_dir: Path) -> None:
        self.pool: ProcessPoolExecutor | None = None
        if jobs > 1:
            # spawn, as on Windows: workers start clean instead of inheriting this process's rows
            self.pool = ProcessPoolExecutor(
                max_workers=jobs,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(options, packets_dir),
            )
        else:
            _init_worker(options, packets_dir)

    def submit(self, fn: Callable[..., _T], *args: Any) -> Future[_T]:
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


def _build_all(tasks: list[_Task], runner: _Runner, jobs: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (row, manifest entry) as packets are finished, keeping a bounded number of tasks in flight.

    Bounded in flight means memory stays flat however long the input.
    """
    running: set[Future[list[tuple[int, dict[str, Any]]]]] = set()
    for chunk in _chunks(tasks, _CHUNK_ROWS):
        running.add(runner.submit(_build_rows, chunk))
        if len(running) >= jobs * 4:
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

    A file is scheduled as soon as every row up to its last packet is settled, so joining overlaps the
    building of later rows; a file whose packets are unchanged is kept as it is.
    """

    def __init__(
        self, out_dir: Path, entries: dict[int, dict[str, Any]], duplex: bool, previous: Any
    ) -> None:
        self.out_dir = out_dir
        self.entries = entries
        self.duplex = duplex
        self.rows = sorted(entries)
        self.position = 0
        self.settled: list[dict[str, Any]] = []
        self.scheduled = 0
        self.old = (
            {p.get("file"): p for p in previous if isinstance(p, dict)} if isinstance(previous, list) else {}
        )
        self.files: list[tuple[dict[str, Any], Future[int] | None]] = []
        (out_dir / PRINT).mkdir(exist_ok=True)

    def advance(self, runner: _Runner, *, final: bool = False) -> None:
        while self.position < len(self.rows):
            entry = self.entries[self.rows[self.position]]
            if entry["status"] == "pending":
                break
            if entry["status"] == "ok":
                self.settled.append(entry)
            self.position += 1
        while len(self.settled) - self.scheduled >= PRINT_CHUNK or (
            final and len(self.settled) > self.scheduled
        ):
            chunk = self.settled[self.scheduled : self.scheduled + PRINT_CHUNK]
            self.scheduled += len(chunk)
            self._schedule(runner, len(self.files) + 1, chunk)

    def _schedule(self, runner: _Runner, index: int, chunk: list[dict[str, Any]]) -> None:
        name = f"{PRINT}/basvurular-{index:03d}.pdf"
        fingerprint = hashlib.sha256(
            json.dumps([[e["row"], e["sha256"]] for e in chunk] + [self.duplex]).encode()
        ).hexdigest()
        record = {"file": name, "packets": len(chunk), "duplex": self.duplex, "fingerprint": fingerprint}
        before = self.old.get(name)
        if before and before.get("fingerprint") == fingerprint and (self.out_dir / name).exists():
            self.files.append((before, None))
            return
        items = [(e["pdf"], f"{e['row']} · {e['name']} · {e['ref']}") for e in chunk]
        self.files.append((record, runner.submit(_join_chunk, self.out_dir, name, items, self.duplex)))

    def finish(self) -> list[dict[str, Any]]:
        """Wait for the joins, drop print files of an earlier, longer run, and describe what exists."""
        written = []
        for record, future in self.files:
            if future is not None:
                record["pages"] = future.result()
            written.append(record)
        names = {p["file"] for p in written}
        for stale in (self.out_dir / PRINT).glob("basvurular-*.pdf"):
            if f"{PRINT}/{stale.name}" not in names:
                stale.unlink()
        return written
