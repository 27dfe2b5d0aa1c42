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
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

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
    for row, entry in _build_all(tasks, out_dir, options):
        entries[row] = entry
        done += 1
        if entry["status"] == "ok":
            result.built += 1
        if progress:
            progress(done, total)
        writer.maybe_write()

    _remove_replaced(out_dir, old_rows.values(), entries.values())
    for entry in entries.values():
        if entry["status"] == "failed":
            result.failed += 1
            problems.append((entry["row"], Problem("", entry["reason"], row=entry["row"])))
    ok_entries = [entries[row] for row in sorted(entries) if entries[row]["status"] == "ok"]
    result.ok = len(ok_entries)
    result.pages = sum(int(e["pages"]) for e in ok_entries)
    writer.print_files = _write_print_files(out_dir, ok_entries, options.duplex, previous.get("print", []))
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
            path = write_packet(packet, _packets_dir)
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
    for start in range(0, len(tasks), size):
        yield tasks[start : start + size]


def _build_all(
    tasks: list[_Task], out_dir: Path, options: BatchOptions
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (row, manifest entry) as packets are finished; in-process for one job, else a process pool."""
    packets_dir = out_dir / PACKETS
    if not tasks:
        return
    if options.jobs <= 1 or len(tasks) <= _CHUNK_ROWS:
        _init_worker(options, packets_dir)
        for chunk in _chunks(tasks, _CHUNK_ROWS):
            yield from _build_rows(chunk)
        return
    chunks = _chunks(tasks, _CHUNK_ROWS)
    limit = options.jobs * 4  # bounded in flight: memory stays flat however long the input
    with ProcessPoolExecutor(
        max_workers=options.jobs, initializer=_init_worker, initargs=(options, packets_dir)
    ) as pool:
        running: set[Future[list[tuple[int, dict[str, Any]]]]] = set()
        for chunk in chunks:
            running.add(pool.submit(_build_rows, chunk))
            if len(running) >= limit:
                finished, running = _wait_some(running)
                for future in finished:
                    yield from future.result()
        while running:
            finished, running = _wait_some(running)
            for future in finished:
                yield from future.result()


def _wait_some(
    running: set[Future[list[tuple[int, dict[str, Any]]]]],
) -> tuple[set[Future[list[tuple[int, dict[str, Any]]]]], set[Future[list[tuple[int, dict[str, Any]]]]]]:
    done, pending = wait(running, return_when=FIRST_COMPLETED)
    return set(done), set(pending)


# --- print files ------------------------------------------------------------------------------------


def _write_print_files(
    out_dir: Path, ok_entries: list[dict[str, Any]], duplex: bool, previous: Any
) -> list[dict[str, Any]]:
    """Join the ok packets in row order into files of at most PRINT_CHUNK packets; keep unchanged ones."""
    print_dir = out_dir / PRINT
    print_dir.mkdir(exist_ok=True)
    old = {p.get("file"): p for p in previous if isinstance(p, dict)} if isinstance(previous, list) else {}
    written: list[dict[str, Any]] = []
    for index, start in enumerate(range(0, len(ok_entries), PRINT_CHUNK), start=1):
        chunk = ok_entries[start : start + PRINT_CHUNK]
        name = f"{PRINT}/basvurular-{index:03d}.pdf"
        fingerprint = hashlib.sha256(
            json.dumps([[e["row"], e["sha256"]] for e in chunk] + [duplex]).encode()
        ).hexdigest()
        before = old.get(name)
        target = out_dir / name
        if before and before.get("fingerprint") == fingerprint and target.exists():
            written.append(before)
            continue
        pages = 0
        with JoinWriter(target) as joined:
            for entry in chunk:
                data = (out_dir / entry["pdf"]).read_bytes()
                pages += joined.add(
                    data, f"{entry['row']} · {entry['name']} · {entry['ref']}", pad_to_even=duplex
                )
        written.append(
            {
                "file": name,
                "packets": len(chunk),
                "pages": pages,
                "duplex": duplex,
                "fingerprint": fingerprint,
            }
        )
    names = {p["file"] for p in written}
    for stale in print_dir.glob("basvurular-*.pdf"):
        if f"{PRINT}/{stale.name}" not in names:
            stale.unlink()
    return written
