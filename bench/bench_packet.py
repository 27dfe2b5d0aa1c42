"""Packets per second in one process (the hot path of `formkit batch`).

    python bench/bench_packet.py [N] [--profile] [--no-cache]

Builds N packets (tracks in turn, distinct applicants) with one PacketBuilder, after one warm-up packet,
and prints packets/s overall and per track. --profile prints the top functions by cumulative time;
--no-cache turns off PacketCanvas's string/colour/font-file memos (same output bytes, for comparison).
On a shared machine compare "per CPU-second" figures: wall time depends on the other processes.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stdnum.tr import tckimlik

from formkit import profile as profiles
from formkit.model import Applicant, Track
from formkit.packet.builder import PacketBuilder

NAMES = [("İlknur", "Iğdır"), ("Çağla", "Güneş"), ("Şükrü", "Öztürk"), ("Ayşe Gül", "Yılmaz-Çelik")]


def applicants(n: int) -> list[Applicant]:
    tracks = list(Track)
    out = []
    for i in range(n):
        base = str(100000000 + i * 7919)
        ad, soyad = NAMES[i % len(NAMES)]
        out.append(
            Applicant(
                ad=ad,
                soyad=soyad,
                tc_kimlik_no=base + tckimlik.calc_check_digits(base),
                dogum_tarihi=date(1980 + i % 20, 1 + i % 12, 1 + i % 28),
                dogum_yeri="Mersin",
                e_posta=f"kisi{i}@saglik.gov.tr",
                cep_telefonu="5324123310",
                kurum="Mersin Şehir Eğitim ve Araştırma Hastanesi",
                unvan="Uzman Doktor",
                adres=f"Çiftlikköy Mah. {i % 90 + 1}. Cad. No: {i % 40 + 1} Daire {i % 9 + 1}",
                il="Mersin",
                ilce="Yenişehir",
                posta_kodu="33110",
                track=tracks[i % 3],
            )
        )
    return out


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 300
    os.environ.setdefault("FORMKIT_REF_KEY", "bench")
    try:
        import _rl_accel  # noqa: F401

        accel = "rl-accel on"
    except ImportError:
        accel = "rl-accel OFF"
    if "--no-cache" in sys.argv:
        from formkit.pdf import fastcanvas

        fastcanvas.set_caching(False)
    builder = PacketBuilder(profiles.load())
    people = applicants(n)
    builder.build(people[0])  # warm-up: fonts parsed, QR matrices made, static texts laid out
    profiler = cProfile.Profile() if "--profile" in sys.argv else None
    per_track: dict[Track, list[float]] = {t: [] for t in Track}
    size = 0
    if profiler:
        profiler.enable()
    start = time.perf_counter()
    cpu_start = time.process_time()
    for person in people:
        t0 = time.perf_counter()
        packet = builder.build(person)
        per_track[person.track].append(time.perf_counter() - t0)
        size += len(packet.data)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    if profiler:
        profiler.disable()
    print(
        f"{n} packets in {elapsed:.2f} s: {n / elapsed:.1f} packets/s wall, {n / cpu:.1f} per CPU-second "
        f"({accel}), {size / n / 1024:.0f} KiB each"
    )
    for track, times in per_track.items():
        if times:
            mean = sum(times) / len(times)
            print(f"  {track.value:12s} {1 / mean:6.1f}/s  {1000 * mean:5.1f} ms")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
