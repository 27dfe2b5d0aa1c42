"""Wall time of one command-line `formkit fill` (a new process each time: start-up and imports included).

    python bench/bench_fill_cli.py [--runs 20] [--editable] [--template PDF]

A hyperfine-like loop: a few warm-up runs (file cache), then `--runs` timed runs of
`python -m cli fill TEMPLATE --data values.json -o out.pdf`; prints min, median and mean. Also prints the
import time of the modules one fill loads (`python -X importtime`, top entries), to see where start-up goes.
The machine is shared: run it at a quiet moment and report the minimum and the median together; the CPU
time (user + system) of each process is printed too, as it depends less on what else runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORM = ROOT / "assets" / "forms" / "nes-basvuru-formu.pdf"
VALUES = {"ad": "İLKNUR", "soyad": "IĞDIR", "dogum_yeri": "Iğdır", "basvuru_nedeni_ilk": True}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--editable", action="store_true")
    parser.add_argument("--template", type=Path, default=FORM)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "values.json"
        data.write_text(json.dumps(VALUES, ensure_ascii=False), encoding="utf-8")
        out = Path(tmp) / "out.pdf"
        command = [
            sys.executable,
            "-m",
            "cli",
            "fill",
            str(args.template),
            "--data",
            str(data),
            "-o",
            str(out),
        ]
        if args.editable:
            command.append("--editable")
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
        times, cpu = [], []
        for i in range(args.warmup + args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if i >= args.warmup:
                times.append(time.perf_counter() - start)
                cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        importtime = subprocess.run(
            [sys.executable, "-X", "importtime", *command[1:]],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        ).stderr
    ms = [t * 1000 for t in times]
    label = "formkit fill --editable" if args.editable else "formkit fill"
    median, mean = statistics.median(ms), statistics.mean(ms)
    print(f"{label}: {len(ms)} runs, min {min(ms):.0f} ms, median {median:.0f} ms, mean {mean:.0f} ms")
    cpu_ms = [t * 1000 for t in cpu]
    cpu_median = statistics.median(cpu_ms)
    print(f"CPU time (user+sys) of the process: min {min(cpu_ms):.0f} ms, median {cpu_median:.0f} ms")
    rows = []
    for line in importtime.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("  "):
            rows.append((int(parts[1]), parts[2].strip()))
    print(
        "top-level imports (cumulative µs):",
        ", ".join(f"{name} {us}" for us, name in sorted(rows)[-8:][::-1]),
    )


if __name__ == "__main__":
    main()
