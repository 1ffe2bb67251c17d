"""Time of today's suggestions through the service, the path the app and ``reader suggest``
take: cold (features built from the catalog), after a restart (features read back from
their file) and warm (features in memory), each with ``refresh=True`` so a new list is
ranked every time.

The catalog is an arXiv-like JSON Lines file (``import_speed.py --generate-only``),
imported once into a fresh database; 30 papers are then rated 1-5 stars. ``--root``
runs the same measurement against another checkout (its ``reader`` package), so two
versions are compared in one run on one file.

Usage::

    .venv/bin/python benchmarks/import_speed.py --generate-only /tmp/c20k.jsonl --lines 20000
    .venv/bin/python benchmarks/suggest_speed.py --catalog /tmp/c20k.jsonl
    other/.venv/bin/python benchmarks/suggest_speed.py --catalog /tmp/c20k.jsonl --root other
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
WARM_RUNS = 5


def measure(catalog: Path, workdir: Path) -> dict[str, float]:
    from reader.service import open_service

    db = workdir / "suggest.db"
    service = open_service(db, seed=False, clock=lambda: NOW, tz=UTC)
    service.import_files([catalog])
    for paper_id in range(1, 31):
        service.rate(paper_id, 1 + paper_id % 5)
    started = time.perf_counter()
    service.today(refresh=True)
    cold = time.perf_counter() - started
    service.close()

    service = open_service(db, seed=False, clock=lambda: NOW, tz=UTC)
    started = time.perf_counter()
    service.today(refresh=True)
    restarted = time.perf_counter() - started
    warm = []
    for _ in range(WARM_RUNS):
        started = time.perf_counter()
        service.today(refresh=True)
        warm.append(time.perf_counter() - started)
    service.close()
    return {"cold_s": cold, "restart_s": restarted, "warm_median_s": statistics.median(warm)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, required=True)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    sys.path.insert(0, str(args.root.resolve()))
    with tempfile.TemporaryDirectory() as folder:
        result = measure(args.catalog.resolve(), Path(folder))
    print(json.dumps({"root": str(args.root), **{k: round(v, 3) for k, v in result.items()}}))


if __name__ == "__main__":
    main()
