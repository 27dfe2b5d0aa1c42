"""Benchmark `formkit batch` against what a user could pick instead (PyPDFForm filling two bare copies).

    python bench/bench_batch.py                 # 1,000 applicants, 1 and 2 workers
    python bench/bench_batch.py --n 10000       # the 10,000-applicant target
    python bench/bench_batch.py --jobs 2 --no-pypdfform
    python bench/bench_batch.py --forms         # also: a portal printout for every row (--forms DIR)

For each worker count it runs the real command (`python cli.py batch`) on a generated cp1254 CSV of N valid
applicants in a fresh folder and reports wall time, packets/s, pages/s and peak memory: the largest single
process (getrusage) and the whole process tree (sampled from /proc on Linux). Then, in the same run, it has
PyPDFForm fill and flatten two copies of the built-in form per applicant for a sample of applicants.
With --forms it also makes a one-page "portal printout" per applicant (reportlab, a Type0/CID font and two
embedded TrueType subsets, the T.C. number in the text) and runs the same batch with `--forms DIR`: every
packet's copies are then that printout (issue 11 asks for at least half the built-in path's rate).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import batchdata  # noqa: E402


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc; 0 elsewhere)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{current}/task/{current}/children") as handle:
                pending.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_batch(source: Path, out: Path, jobs: int, forms: Path | None = None) -> dict[str, float]:
    env = {**os.environ, "FORMKIT_REF_KEY": "bench", "SOURCE_DATE_EPOCH": "1767225600"}
    command = [
        sys.executable,
        str(ROOT / "cli.py"),
        "batch",
        str(source),
        "-o",
        str(out),
        "--jobs",
        str(jobs),
        *(["--forms", str(forms)] if forms else []),
    ]
    peak_tree = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not stop.is_set():
            peak_tree = max(peak_tree, _tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"batch failed ({process.returncode}): {stderr.strip()}")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    ok = [r for r in manifest["rows"] if r["status"] == "ok"]
    pages = sum(r["pages"] for r in ok)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    largest = after.ru_maxrss * 1024  # KiB on Linux
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "jobs": jobs,
        "packets": len(ok),
        "seconds": seconds,
        "packets_per_s": len(ok) / seconds,
        "cpu_ms_per_packet": 1000 * cpu / max(1, len(ok)),  # all processes: steadier than wall time
        "pages_per_s": pages / seconds,
        "peak_tree_mb": peak_tree / 2**20,
        "peak_process_mb": largest / 2**20,
        "summary": stdout.strip().splitlines()[0] if stdout.strip() else "",
    }


def run_pypdfform(count: int) -> dict[str, float]:
    """PyPDFForm fills two bare copies of the built-in form per applicant.

    PyPDFForm 6 has no flatten: `readonly=True` only marks the fields read-only, less work than ours.
    """
    from PyPDFForm import PdfWrapper

    from formkit.input.validate import applicant_from_values
    from formkit.packet.form import form_values
    from formkit.resources import asset

    template = asset("forms", "nes-basvuru-formu.pdf").read_bytes()
    fields = {
        "ad": 0, "soyad": 1, "tc_kimlik_no": 2, "dogum_tarihi": 3, "dogum_yeri": 4, "e_posta": 5,
        "cep_telefonu": 6, "kurum": 7, "unvan": 8, "adres": 9, "il": 10, "ilce": 11, "posta_kodu": 12,
        "basvuru_turu": 13,
    }  # fmt: skip
    datasets = []
    for row in batchdata.rows(count):
        applicant = applicant_from_values({name: row[index] for name, index in fields.items()})
        values = form_values(applicant, date(2026, 1, 1))
        datasets.append({k: v for k, v in values.items() if v not in ("", None)})
    started = time.perf_counter()
    for values in datasets:
        for _copy in range(2):
            PdfWrapper(template).fill(values, readonly=True).read()
    seconds = time.perf_counter() - started
    return {"applicants": count, "seconds": seconds, "applicants_per_s": count / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1000, help="applicants (default 1000)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="worker counts (default 1 2)")
    parser.add_argument("--pypdfform-sample", type=int, default=100, help="applicants PyPDFForm fills")
    parser.add_argument("--no-pypdfform", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    parser.add_argument("--forms", action="store_true", help="also run with a portal printout per row")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="formkit-bench-"))
    source = batchdata.write_csv(work / "personel.csv", list(batchdata.rows(args.n)))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"input: {args.n} valid applicants ({source.stat().st_size // 1024} KiB cp1254 CSV)")
    results = []
    for jobs in args.jobs:
        out = work / f"out-{jobs}"
        result = run_batch(source, out, jobs)
        results.append(result)
        print(
            f"formkit batch --jobs {jobs}: {result['seconds']:.1f} s, "
            f"{result['packets_per_s']:.1f} packets/s, {result['cpu_ms_per_packet']:.1f} CPU ms a packet, "
            f"{result['pages_per_s']:.0f} pages/s, peak {result['peak_process_mb']:.0f} MB largest process, "
            f"{result['peak_tree_mb']:.0f} MB all processes"
        )
    if args.forms:
        from tests import printouts

        forms = work / "ciktilar"
        forms.mkdir()
        for index, row in enumerate(batchdata.rows(args.n)):
            (forms / f"cikti-{index:06d}.pdf").write_bytes(
                printouts.printout(row[2], name=f"{row[0]} {row[1]}")
            )
        for jobs in args.jobs:
            result = run_batch(source, work / f"out-forms-{jobs}", jobs, forms)
            plain = next(r for r in results if r["jobs"] == jobs)
            ratio = result["packets_per_s"] / plain["packets_per_s"]
            cpu_ratio = plain["cpu_ms_per_packet"] / result["cpu_ms_per_packet"]
            print(
                f"formkit batch --jobs {jobs} --forms DIR: {result['seconds']:.1f} s, "
                f"{result['packets_per_s']:.1f} packets/s ({ratio:.2f}x the built-in path), "
                f"{result['cpu_ms_per_packet']:.1f} CPU ms a packet ({cpu_ratio:.2f}x the built-in rate), "
                f"{result['pages_per_s']:.0f} pages/s, peak {result['peak_process_mb']:.0f} MB largest "
                f"process, {result['peak_tree_mb']:.0f} MB all processes"
            )
    if not args.no_pypdfform:
        other = run_pypdfform(args.pypdfform_sample)
        print(
            f"PyPDFForm, two bare copies per applicant, readonly=True ({other['applicants']} applicants): "
            f"{other['applicants_per_s']:.1f} applicants/s"
        )
        one = next((r for r in results if r["jobs"] == 1), None)
        if one:
            print(
                f"per core: full packets at {one['packets_per_s'] / other['applicants_per_s']:.1f}x "
                "PyPDFForm's rate"
            )
    if args.keep:
        print(f"kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
