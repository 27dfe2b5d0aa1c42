"""Pages per second of the print-file joiner (`formkit/pdf/join.py`), the step after the packets are made.

    python bench/bench_join.py [PACKETS] [--pikepdf]

Builds 40 distinct packets once, then joins PACKETS of them (in turn) into one print file in a temporary
folder and prints pages/s (wall and per CPU-second). --pikepdf also times pikepdf joining the same inputs
(`Pdf.pages.extend`), the library alternative. On a shared machine compare the per-CPU-second figures.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_packet import applicants

from formkit import profile as profiles
from formkit.packet.builder import PacketBuilder
from formkit.pdf.join import JoinWriter


def _peak_mb() -> float:
    try:
        import resource  # POSIX only; the bench is not part of the product
    except ImportError:
        return float("nan")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 2000
    os.environ.setdefault("FORMKIT_REF_KEY", "bench")
    builder = PacketBuilder(profiles.load())
    packets = [builder.build(person) for person in applicants(40)]
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "print.pdf"
        start, cpu_start = time.perf_counter(), time.process_time()
        with JoinWriter(target) as joined:
            for i in range(n):
                packet = packets[i % len(packets)]
                joined.add(packet.data, f"{i} · {packet.ref}")
            pages = joined.pages
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        print(
            f"formkit: {n} packets, {pages} pages in {elapsed:.2f} s: {pages / elapsed:.0f} pages/s wall, "
            f"{pages / cpu:.0f} per CPU-second, {target.stat().st_size / 2**20:.0f} MB file, "
            f"peak memory of the process {_peak_mb():.0f} MB"
        )
        if "--pikepdf" in sys.argv:
            import pikepdf

            start, cpu_start = time.perf_counter(), time.process_time()
            out = pikepdf.Pdf.new()
            sources = [pikepdf.Pdf.open(__import__("io").BytesIO(p.data)) for p in packets]
            for i in range(n):
                out.pages.extend(sources[i % len(sources)].pages)
            out.save(Path(tmp) / "pike.pdf")
            elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            print(f"pikepdf: {pages / elapsed:.0f} pages/s wall, {pages / cpu:.0f} per CPU-second")


if __name__ == "__main__":
    main()
