"""Import speed of arXiv metadata snapshot JSON Lines: papers per second and peak memory.

Generates a synthetic snapshot of N lines shaped like the public dump
(``arxiv-metadata-oai-snapshot.json``: id, submitter, authors, title, comments,
journal-ref, doi, report-no, categories, license, abstract, versions, update_date,
authors_parsed; abstracts 600-1,400 characters, 1-8 authors, 1-3 categories, a DOI on a
third of the lines, a few LaTeX accents), then imports it into a fresh database through
the real path (``Service.import_files``, the same code ``reader import`` runs: for a
file this size the parse runs in a child process, ``reader.import_worker``), and
compares against two baselines measured in the same run on the same file:

* ``json.loads`` of every line (the floor for any JSON importer in Python),
* the parser alone (``iter_arxiv_jsonl``, no database).

Each import runs in a fresh child process so its peak RSS (``ru_maxrss``) is its own.
Also re-runs the import over the filled database (what a resumed import costs).

Usage::

    /work/venv/bin/python benchmarks/import_speed.py                  # 100,000 and 1,000,000
    /work/venv/bin/python benchmarks/import_speed.py --lines 20000    # quick look
    /work/venv/bin/python benchmarks/import_speed.py --generate-only out.jsonl --lines 1000000

Files go to a temporary folder (``--workdir`` to choose) and are removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe  # benchmarks/machine.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATEGORIES = [
    "cs.LG", "cs.CL", "cs.CV", "cs.AI", "stat.ML", "math.OC", "hep-th", "hep-ph",
    "quant-ph", "cond-mat.stat-mech", "astro-ph.CO", "physics.optics", "math.PR", "eess.SP",
]  # fmt: skip
WORDS = (
    "learning model network neural deep attention transformer graph data training "
    "optimization gradient stochastic convex bound regret policy reinforcement agent "
    "quantum field theory symmetry gauge lattice spin phase transition entropy energy "
    "galaxy cosmological dark matter spectrum signal estimation inference bayesian "
    "posterior sampling kernel sparse robust adversarial generalization representation"
).split()
SURNAMES = (
    "Smith Müller García Wang Li Zhang Kumar Nakamura Rossi Dubois Novak Kowalski Silva "
    "Balázs Andersson Ivanov Cohen O'Brien Nguyen Kim"
).split()
GIVEN = "A. B. C. D. E. F. G. H. J. K. L. M. N. P. R. S. T. Y.".split()
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def generate(path: Path, lines: int, *, seed: int = 1) -> None:
    """Write ``lines`` snapshot-shaped JSON lines to ``path`` (about 1.5 KB each)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for n in range(lines):
            block = n // 99_999  # a new-style id number is five digits a month
            year, month = 10 + block // 12, block % 12 + 1
            arxiv_id = f"{year:02d}{month:02d}.{n % 99_999 + 1:05d}"
            count = rng.randint(1, 8)
            parsed = [[rng.choice(SURNAMES), rng.choice(GIVEN), ""] for _ in range(count)]
            authors = ", ".join(f"{g} {s}" for s, g, _ in parsed).replace("á", "\\'a")
            title = _sentence(rng, rng.randint(5, 14)).capitalize() + f" {n}"
            abstract = "  " + ".\n".join(
                _sentence(rng, rng.randint(12, 24)) for _ in range(rng.randint(4, 9))
            )
            cats = " ".join(rng.sample(CATEGORIES, rng.randint(1, 3)))
            day = rng.randint(1, 28)
            versions = [
                {
                    "version": f"v{v + 1}",
                    "created": f"{rng.choice(DAYS)}, {day} {MONTHS[month - 1]} "
                    f"20{year:02d} 12:00:00 GMT",
                }
                for v in range(rng.randint(1, 3))
            ]
            obj = {
                "id": arxiv_id,
                "submitter": f"{parsed[0][1]} {parsed[0][0]}",
                "authors": authors,
                "title": title,
                "comments": f"{rng.randint(5, 40)} pages",
                "journal-ref": None,
                "doi": f"10.1000/j.{n}" if n % 3 == 0 else None,
                "report-no": None,
                "categories": cats,
                "license": None,
                "abstract": abstract,
                "versions": versions,
                "update_date": f"20{year:02d}-{month:02d}-{day:02d}",
                "authors_parsed": parsed,
            }
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")


# --- measurements, each in its own process --------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_loads(path: str) -> dict:
    start = time.perf_counter()
    count = 0
    loads = json.loads
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            loads(line)
            count += 1
    return {"seconds": time.perf_counter() - start, "papers": count, "peak_mb": _peak_mb()}


def child_parse(path: str) -> dict:
    from reader.models import PaperRecord
    from reader.parse import iter_arxiv_jsonl

    start = time.perf_counter()
    count = 0
    with open(path, encoding="utf-8") as lines:
        for _, item in iter_arxiv_jsonl(lines, path):
            count += isinstance(item, PaperRecord)
    return {"seconds": time.perf_counter() - start, "papers": count, "peak_mb": _peak_mb()}


def child_import(path: str, db: str) -> dict:
    from reader.service import open_service

    service = open_service(db, seed=False)
    start = time.perf_counter()
    report = service.import_files([Path(path)])
    seconds = time.perf_counter() - start
    papers = service.store.papers.paper_count()
    service.close()
    return {
        "seconds": seconds,
        "papers": report.lines,
        "added": report.added,
        "present": report.present,
        "stored": papers,
        "peak_mb": _peak_mb(),
    }


def _run(kind: str, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine() -> str:
    return describe()


def bench(lines: int, workdir: Path) -> None:
    data = workdir / f"snapshot-{lines}.jsonl"
    db = workdir / f"bench-{lines}.db"
    started = time.perf_counter()
    generate(data, lines)
    size_mb = data.stat().st_size / 1e6
    print(
        f"\n{lines:,} lines, {size_mb:,.0f} MB (generated in {time.perf_counter() - started:.0f} s)"
    )
    # Each step starts with nothing waiting to be written back: otherwise the kernel
    # flushes the generated file (1.6 GB at 1M lines) during the first import.
    os.sync()
    loads = _run("loads", str(data))
    parse = _run("parse", str(data))
    first = _run("import", str(data), str(db))
    os.sync()
    again = _run("import", str(data), str(db))
    db_mb = db.stat().st_size / 1e6
    rows = [
        ("json.loads of every line", loads),
        ("parser only (iter_arxiv_jsonl)", parse),
        ("import into empty database", first),
        ("re-run over the same database", again),
    ]
    print("| step | seconds | papers/s | peak RSS MB | import time / json.loads time |")
    print("|---|---:|---:|---:|---:|")
    for name, row in rows:
        rate = row["papers"] / row["seconds"]
        ratio = row["seconds"] / loads["seconds"]
        print(
            f"| {name} | {row['seconds']:.1f} | {rate:,.0f} | {row['peak_mb']:.0f} | {ratio:.2f} |"
        )
    print(
        f"stored {first['stored']:,} papers (added {first['added']:,}; re-run added "
        f"{again['added']}, found {again['present']:,} present); database {db_mb:,.0f} MB"
    )
    data.unlink()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, action="append", help="lines (repeatable)")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--generate-only", type=Path, metavar="PATH")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = {"loads": child_loads, "parse": child_parse, "import": child_import}[kind](*rest)
        print(json.dumps(result))
        return
    sizes = args.lines or [100_000, 1_000_000]
    if args.generate_only:
        generate(args.generate_only, sizes[0])
        return
    print(machine())
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="reader-bench-"))
    try:
        for lines in sizes:
            bench(lines, workdir)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
