"""``make bench-veille``: the CPU and memory of a veille's diff of two 10,000-row runs.

Two runs of a market as a scrape writes them (canonical columns, strings), the second with a
seeded share of places closed, opened and changed; the diff, the signals and the snapshot the
next run reads, timed on CPU (``time.process_time``, best of five) and measured in peak Python
allocations (``tracemalloc``). Writes ``bench/results/veille.json``.
"""

from __future__ import annotations

import json
import random
import time
import tracemalloc
from pathlib import Path
from typing import Any

from outsend_veille.diff import Bucket, Snapshot, summarise
from outsend_veille.outcomes import pack, unpack
from outsend_veille.signals import signals

ROOT = Path(__file__).resolve().parent.parent
ROWS = 10_000
COLUMNS = ["nom", "adresse", "ville", "code_postal", "telephone", "site_web", "note", "nb_avis", "lien_google_maps"]


def place(index: int, rng: random.Random) -> dict[str, str]:
    return {
        "nom": f"Plombier {index}",
        "adresse": f"{index % 180 + 1} rue de la République",
        "ville": "Lyon",
        "code_postal": "69002",
        "telephone": f"04 78 {index // 10000 % 100:02d} {index // 100 % 100:02d} {index % 100:02d}",
        "site_web": f"https://plombier{index}.fr/",
        "note": f"{rng.uniform(3.4, 5.0):.1f}",
        "nb_avis": str(rng.randint(0, 400)),
        "lien_google_maps": f"https://www.google.com/maps/place/Plombier+{index}/data=!4m2!3m1!1s0x47f4:0x{index:x}",
    }


def runs() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    rng = random.Random(7)
    before = [place(index, rng) for index in range(ROWS)]
    after = []
    for row in before:
        roll = rng.random()
        if roll < 0.05:
            continue  # closed
        changed = dict(row)
        if roll < 0.15:
            changed["note"] = f"{max(1.0, float(row['note']) - 0.4):.1f}"
        elif roll < 0.25:
            changed["nb_avis"] = str(int(row["nb_avis"]) + 5)
        after.append(changed)
    after += [place(ROWS + index, rng) for index in range(ROWS // 20)]  # opened
    return before, after


def diff(previous: bytes, rows: list[dict[str, str]]) -> tuple[dict[Bucket, int], int, bytes]:
    summary, modified = summarise(unpack(previous), rows)
    found = signals(modified)
    return summary.counts, len(found), pack(Snapshot.of(COLUMNS, rows))


def main() -> None:
    before, after = runs()
    previous = pack(Snapshot.of(COLUMNS, before))
    timings = []
    for _ in range(5):
        started = time.process_time()
        counts, found, snapshot = diff(previous, after)
        timings.append(time.process_time() - started)
    tracemalloc.start()
    diff(previous, after)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result: dict[str, Any] = {
        "rows_before": len(before),
        "rows_after": len(after),
        "buckets": {bucket.value: count for bucket, count in counts.items()},
        "signals": found,
        "cpu_seconds_best_of_5": round(min(timings), 4),
        "rows_per_cpu_second": round(len(after) / min(timings)),
        "peak_python_mib": round(peak / 2**20, 1),
        "snapshot_kib": round(len(snapshot) / 1024, 1),
    }
    path = ROOT / "bench" / "results" / "veille.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
