"""Crash and concurrency stress for the store: can a kill or a second process lose data?

**Crash rounds.** A child process writes without pause (paper batches through both
import paths, ``Ingest.ingest`` and ``Ingest.add``, each paper tagged with its batch;
ratings; notes, some of 100 KB), printing one line *after* each commit. The parent kills it
with SIGKILL at a random moment, then opens the file afresh and checks: ``PRAGMA
integrity_check`` is ok; the full-text index agrees with the tables; every write the child
reported is there; no batch is half there (a batch of n papers has all n, each with its
tag, or none). Repeat.

**Concurrency.** Two writer processes and one reader hammer the same file for a few
seconds; counts errors (e.g. "database is locked") and reported writes that are missing.

Usage::

    /work/venv/bin/python benchmarks/stress.py --rounds 500            # crash rounds
    /work/venv/bin/python benchmarks/stress.py --concurrency 30         # seconds
    /work/venv/bin/python benchmarks/stress.py --rounds 200 --concurrency 10 --seed 7

Prints the counts; exits 1 if any data was lost or any error seen. The test suite runs
small versions of both (tests/test_crash_safety.py, tests/test_concurrency.py).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


# The child processes ----------------------------------------------------------------------


def _writer(db: Path, name: str, seconds: float | None, seed: int) -> int:
    """Write until killed (seconds=None) or for ``seconds``; one line per commit."""
    from reader.models import PaperRecord
    from reader.store import StoreError, open_db

    rng = random.Random(seed)
    store = open_db(db)
    ids = [row[0] for row in store.db.execute("SELECT id FROM papers")]
    errors = 0
    n = 0
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    end = None if seconds is None else time.monotonic() + seconds
    while end is None or time.monotonic() < end:
        n += 1
        # Distinct, ordered times per process: the rating rows can be found again.
        now = BASE_TIME + timedelta(seconds=seed % 100_000, microseconds=n)
        op = rng.random()
        try:
            if op < 0.3 or not ids:
                uid = f"{name}-{n}"
                size = rng.randint(1, 40)
                records = [
                    PaperRecord(
                        title=f"stress {uid} {i}/{size}",
                        abstract="words " * rng.randint(1, 200),
                        authors=(f"Author {rng.randint(1, 50)}",),
                        tags=(f"batch-{uid}", "stress"),
                    )
                    for i in range(size)
                ]
                if rng.random() < 0.5:
                    added = [pid for outcome, pid in store.ingest.ingest(records, now=now)]
                else:
                    added = store.ingest.add(records, now=now).added
                ids.extend(added)
                out.write(f"B {uid} {size}\n")
            elif op < 0.65:
                paper_id = rng.choice(ids)
                stars = rng.randint(1, 5)
                store.reading.rate(paper_id, stars, now=now)
                out.write(f"R {paper_id} {stars} {now.isoformat()}\n")
            else:
                paper_id = rng.choice(ids)
                big = rng.random() < 0.1
                text = f"note {name}-{n} " + ("x" * 100_000 if big else "y" * rng.randint(0, 500))
                note = store.reading.add_note(paper_id, text, now=now)
                out.write(f"N {note.id} {_digest(text)}\n")
            out.flush()
        except StoreError as error:
            errors += 1
            out.write(f"E {error}\n")
            out.flush()
    out.write(f"done {errors}\n")
    out.flush()
    store.close()
    return 0


def _reader(db: Path, seconds: float) -> int:
    """Read what the app reads (lists, search, one paper) for ``seconds``."""
    from reader.models import PaperQuery
    from reader.store import StoreError, open_db

    store = open_db(db)
    errors = reads = 0
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            papers = store.papers.list_papers(PaperQuery(limit=50, sort="added", order="desc"))
            store.papers.search("stress words")
            if papers:
                store.papers.get_paper(papers[0].id)
                store.reading.notes(papers[0].id)
            store.papers.paper_count()
            reads += 1
        except StoreError as error:
            errors += 1
            sys.stdout.write(f"E {error}\n")
            sys.stdout.flush()
    sys.stdout.write(f"done {errors} {reads}\n")
    sys.stdout.flush()
    store.close()
    return 0


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=str(ROOT),
    )


# Checking a database against what the children reported --------------------------------


@dataclass
class Reported:
    batches: dict[str, int] = field(default_factory=dict)
    ratings: list[tuple[int, int, str]] = field(default_factory=list)
    notes: dict[int, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def read(self, lines: list[str]) -> None:
        for line in lines:
            kind, _, rest = line.partition(" ")
            if kind == "B":
                uid, size = rest.split()
                self.batches[uid] = int(size)
            elif kind == "R":
                paper_id, stars, at = rest.split()
                self.ratings.append((int(paper_id), int(stars), at))
            elif kind == "N":
                note_id, digest = rest.split()
                self.notes[int(note_id)] = digest
            elif kind == "E":
                self.errors.append(rest)

    @property
    def writes(self) -> int:
        return len(self.batches) + len(self.ratings) + len(self.notes)


def lost_writes(db: Path, reported: Reported) -> list[str]:
    """Everything wrong with the database: damage, index drift, lost or half writes."""
    from reader.store import open_db

    problems: list[str] = []
    conn = sqlite3.connect(db)
    check = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if check != ["ok"]:
        problems.append(f"integrity_check: {check[:3]}")
    # Every batch in the file (reported or not) is whole: n papers, each with its tags.
    rows = conn.execute(
        "SELECT p.title, (SELECT group_concat(t.name, '|') FROM paper_tags pt"
        " JOIN tags t ON t.id = pt.tag_id WHERE pt.paper_id = p.id)"
        " FROM papers p WHERE p.title LIKE 'stress %'"
    ).fetchall()
    found: dict[str, int] = {}
    for title, tags in rows:
        _, uid, part = title.split(" ")
        size = int(part.split("/")[1])
        found[uid] = found.get(uid, 0) + 1
        if set((tags or "").split("|")) != {f"batch-{uid}", "stress"}:
            problems.append(f"paper {title!r} has tags {tags!r}")
        found.setdefault(f"size:{uid}", size)
    for uid, count in found.items():
        if not uid.startswith("size:") and count != found[f"size:{uid}"]:
            problems.append(f"batch {uid}: {count} of {found[f'size:{uid}']} papers")
    for uid, size in reported.batches.items():
        if found.get(uid) != size:
            problems.append(f"reported batch {uid} has {found.get(uid, 0)} of {size} papers")
    for paper_id, stars, at in reported.ratings:
        if not conn.execute(
            "SELECT 1 FROM rating_events WHERE paper_id = ? AND stars = ? AND at = ?",
            [paper_id, stars, at],
        ).fetchone():
            problems.append(f"rating {paper_id}={stars} at {at} lost")
    for note_id, digest in reported.notes.items():
        row = conn.execute("SELECT text FROM notes WHERE id = ?", [note_id]).fetchone()
        if row is None or _digest(row[0]) != digest:
            problems.append(f"note {note_id} lost or changed")
    conn.close()
    store = open_db(db)
    problems += [f"search index: {p}" for p in store.health.search_index_problems()]
    store.close()
    return problems


# The two experiments ----------------------------------------------------------------------


@dataclass
class CrashResult:
    rounds: int = 0
    kills: int = 0
    writes_reported: int = 0
    problems: list[str] = field(default_factory=list)


def prepare(db: Path) -> None:
    """A database with the seed catalog, as a user would have it."""
    from reader.service import open_service

    open_service(db).close()


def crash_rounds(
    db: Path, rounds: int, *, seed: int = 0, max_delay: float = 0.4, log=None
) -> CrashResult:
    """Kill a writing child ``rounds`` times at random moments; check after each kill."""
    rng = random.Random(seed)
    result = CrashResult()
    if not db.exists():
        prepare(db)
    reported = Reported()
    for n in range(rounds):
        child = _spawn("writer", str(db), f"crash{n}", "-", str(rng.randrange(10**9)))
        assert child.stdout is not None
        first = child.stdout.readline()
        if first.strip() != "ready":
            child.kill()
            raise RuntimeError(f"child did not start: {first!r} {child.stderr.read()}")
        time.sleep(rng.uniform(0, max_delay))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        result.rounds += 1
        if child.returncode == -signal.SIGKILL:
            result.kills += 1
        # Only whole lines count: a line cut short by the kill is not a report.
        lines = out.split("\n")[:-1]
        reported.read(lines)
        problems = lost_writes(db, reported)
        result.problems += [f"round {n}: {p}" for p in problems]
        if log:
            log(f"round {n + 1}/{rounds}: {len(lines)} commits reported, {len(problems)} problems")
    result.writes_reported = reported.writes
    result.problems += [f"child error: {e}" for e in reported.errors]
    return result


@dataclass
class ConcurrencyResult:
    seconds: float
    writes_reported: int = 0
    reads: int = 0
    errors: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)


def concurrency(db: Path, seconds: float, *, seed: int = 0) -> ConcurrencyResult:
    """Two writers and a reader at once on ``db`` for ``seconds``."""
    if not db.exists():
        prepare(db)
    children = [
        _spawn("writer", str(db), "w1", str(seconds), str(seed * 2 + 1)),
        _spawn("writer", str(db), "w2", str(seconds), str(seed * 2 + 2)),
        _spawn("reader", str(db), str(seconds)),
    ]
    result = ConcurrencyResult(seconds)
    reported = Reported()
    for child in children:
        out, err = child.communicate(timeout=seconds + 120)
        lines = out.split("\n")[:-1]
        reported.read(lines)
        if child.returncode != 0:
            result.errors.append(f"child exited {child.returncode}: {err.strip()[-300:]}")
        done = [line for line in lines if line.startswith("done ")]
        if not done:
            result.errors.append(f"child did not finish: {err.strip()[-300:]}")
        elif len(done[0].split()) == 3:
            result.reads += int(done[0].split()[2])
    result.errors += reported.errors
    result.writes_reported = reported.writes
    result.lost = lost_writes(db, reported)
    return result


def machine() -> str:
    # Imported here: the test suite loads this file as a module, from another folder.
    from machine import describe  # benchmarks/machine.py, beside this script

    return describe()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--child"]:
        kind, db, *rest = args[1:]
        if kind == "writer":
            name, seconds, seed = rest
            return _writer(Path(db), name, None if seconds == "-" else float(seconds), int(seed))
        return _reader(Path(db), float(rest[0]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=0, help="crash rounds (SIGKILL)")
    parser.add_argument(
        "--concurrency", type=float, default=0, help="seconds of 2 writers + 1 reader"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--workdir", type=Path, help="where the database goes (default: a temp dir)"
    )
    options = parser.parse_args(args)
    if not options.rounds and not options.concurrency:
        options.rounds, options.concurrency = 100, 10
    print(machine())
    failed = False
    with tempfile.TemporaryDirectory(dir=options.workdir) as tmp:
        if options.rounds:
            start = time.monotonic()
            crash = crash_rounds(Path(tmp) / "crash.db", options.rounds, seed=options.seed)
            print(
                f"crash: rounds {crash.rounds}, kills {crash.kills}, commits reported "
                f"{crash.writes_reported}, data lost {len(crash.problems)} "
                f"({time.monotonic() - start:.0f} s)"
            )
            for problem in crash.problems[:20]:
                print("  " + problem)
            failed |= bool(crash.problems)
        if options.concurrency:
            conc = concurrency(Path(tmp) / "concurrent.db", options.concurrency, seed=options.seed)
            print(
                f"concurrency: {conc.seconds:g} s, 2 writers + 1 reader, "
                f"writes {conc.writes_reported}, reads {conc.reads}, "
                f"errors {len(conc.errors)}, lost writes {len(conc.lost)}"
            )
            for problem in (conc.errors + conc.lost)[:20]:
                print("  " + problem)
            failed |= bool(conc.errors or conc.lost)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
