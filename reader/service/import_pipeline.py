"""The import pipeline: how a file's records reach the store fast.

Large arXiv files stream: a child process (:mod:`reader.import_worker`) parses lines
into batches and a reader thread here hands them over through a bounded queue (memory
stays flat) while this thread writes them, several batches to a transaction (see
:class:`reader.store.bulk.BulkLoad`); the parse runs on the other core instead of
competing for the GIL. Small files, or a system that cannot start the child, are parsed
by the reader thread itself.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from reader.import_worker import batches as worker_batches
from reader.models import PaperRecord, ParseProblem
from reader.store import BulkLoad, Conflict, Incoming, Outcome, Repositories

BATCH_SIZE = 5000
"""Records per batch handed to the store (and per progress step); the store groups
batches into transactions."""
WORKER_MIN_BYTES = 4_000_000
"""arXiv JSON Lines files at least this large (about 2,500 papers) are parsed in a child
process; below it, starting one costs more than it saves."""

ProblemSink = Callable[[ParseProblem], None]
Progress = Callable[[int], None]


@dataclass
class FileReport:
    """What importing one file did."""

    path: str
    format: str | None = None
    added: int = 0
    updated: int = 0
    """Papers already stored that got new fields or tags (merged)."""
    present: int = 0
    """Already stored, nothing new: skipped."""
    duplicates: int = 0
    """The same paper as an earlier record of this import: skipped."""
    lines: int = 0
    """Records read (good and bad)."""
    problems: int = 0
    """Bad records: skipped (each reported)."""
    warnings: int = 0
    """Records imported with a warning (each reported): a value left out, or a match
    with different stored papers (also counted in ``conflicts``)."""
    conflicts: int = 0
    """Records that matched stored papers which are not one work: one was updated, none
    merged."""
    error: str | None = None
    """Set when the file could not be imported at all (one line)."""


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    """Every bad record, unless a sink took them as they came."""
    strict_failed: bool = False
    """--strict found problems, so nothing was stored."""

    def _sum(self, name: str) -> int:
        return sum(getattr(f, name) for f in self.files)

    added = property(lambda self: self._sum("added"))
    updated = property(lambda self: self._sum("updated"))
    present = property(lambda self: self._sum("present"))
    duplicates = property(lambda self: self._sum("duplicates"))
    lines = property(lambda self: self._sum("lines"))
    problem_count = property(lambda self: self._sum("problems"))
    warning_count = property(lambda self: self._sum("warnings"))
    conflicts = property(lambda self: self._sum("conflicts"))

    @property
    def failed_files(self) -> list[FileReport]:
        return [f for f in self.files if f.error]


class _Stop(Exception):
    pass


class _WorkerUnavailable(Exception):
    """The child process could not be started; parse in this process instead."""


def import_jsonl(
    path: Path,
    file: FileReport,
    categories: Collection[str],
    since: date | None,
    progress: Progress | None,
    problem: ProblemSink,
    writer: GroupWriter | None,
) -> None:
    """Read an arXiv JSON Lines file into ``writer`` (or only check it, without one):
    parsed in a child process when it is large, else by a reader thread."""
    batches: queue.Queue[Any] = queue.Queue(maxsize=3)
    stop = threading.Event()

    def put(item: Any) -> None:
        while True:
            if stop.is_set():
                raise _Stop
            try:
                batches.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def parse_here() -> None:
        # The worker's own loop, run in this thread: both paths give the same batches.
        for _, *batch in worker_batches(str(path), categories, since, BATCH_SIZE):
            put(tuple(batch))

    def parse_in_worker() -> None:
        try:
            proc = start_worker(path, categories, since)
        except OSError as error:
            raise _WorkerUnavailable from error
        worker.append(proc)
        assert proc.stdout is not None and proc.stderr is not None
        received = False
        while True:
            try:
                message = pickle.load(proc.stdout)
            except Exception as error:
                if stop.is_set():
                    raise _Stop from None
                if not received:  # it did not start as one (no such module, say)
                    proc.kill()
                    proc.wait()
                    raise _WorkerUnavailable from None
                if not isinstance(error, EOFError):
                    raise
                code = proc.wait()
                why = proc.stderr.read().decode("utf-8", "replace").strip().splitlines()
                raise RuntimeError(
                    f"{path}: the import's reading process stopped unexpectedly "
                    f"(exit code {code}{': ' + why[-1] if why else ''})"
                ) from None
            received = True
            kind = message[0]
            if kind == "batch":
                put(message[1:])
            elif kind == "done":
                return
            elif kind == "oserror":
                raise OSError(message[1])
            else:
                raise RuntimeError(f"{path}: reading failed: {message[1]}")

    def read() -> None:
        try:
            if use_worker:
                try:
                    parse_in_worker()
                except _WorkerUnavailable:
                    parse_here()
            else:
                parse_here()
            put(None)
        except _Stop:
            return
        except BaseException as error:  # handed to the writer, which raises it
            try:
                put(error)
            except _Stop:
                return

    try:
        use_worker = path.stat().st_size >= WORKER_MIN_BYTES
    except OSError:
        use_worker = False
    worker: list[subprocess.Popen[bytes]] = []
    reader = threading.Thread(target=read, name=f"read {path.name}", daemon=True)
    reader.start()
    first = True
    try:
        while True:
            item = batches.get()
            if item is None:
                break
            if isinstance(item, BaseException):
                raise item
            records, prepared, problems, read_bytes, lines = item
            if first and problems and not records and whole_file(problems[0]):
                file.error = str(problems[0])
                return
            first = False
            for bad in problems:
                problem(bad)
            file.lines += lines
            if records and writer is not None:
                writer.store(records, file, prepared=prepared, notice=problem)
            if progress:
                progress(read_bytes)
    except OSError as error:
        file.error = f"{path}: cannot read ({error.strerror or error})"
    finally:
        stop.set()
        for proc in worker:
            proc.kill()
        reader.join(timeout=5)
        for proc in worker:
            proc.wait()
            for pipe in (proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()


class GroupWriter:
    """Hands batches to the store through a :class:`BulkLoad` (several batches to a
    transaction) and counts their outcomes into the file reports only once their
    transaction has committed, so an interrupted import reports what it kept."""

    def __init__(self, store: Repositories, load: BulkLoad, clock: Callable[[], Any]) -> None:
        self._store = store
        self._load = load
        self._clock = clock
        self._pending: list[tuple[FileReport, list[tuple[Outcome, int]]]] = []
        self._notices: list[tuple[FileReport, ProblemSink | None, ParseProblem]] = []

    def store(
        self,
        records: list[PaperRecord],
        file: FileReport,
        incoming: list[Incoming] | None = None,
        prepared: list[tuple[str, str, int]] | None = None,
        *,
        commit: bool = True,
        notice: ProblemSink | None = None,
    ) -> list[tuple[Outcome, int]]:
        """Store a batch; ``commit=False`` when the caller writes more for the same
        papers before the transaction may end (then it calls :meth:`commit_if_due`).
        ``notice`` is told of records that matched different stored papers, once their
        transaction has committed."""
        conflicts: list[Conflict] = []
        outcomes = self._store.ingest.ingest(
            records, now=self._clock(), incoming=incoming, prepared=prepared, within=self._load,
            conflicts=conflicts,
        )  # fmt: skip
        self._pending.append((file, outcomes))
        for conflict in conflicts:
            record = records[conflict.record]
            title = record.title if len(record.title) <= 60 else record.title[:59] + "…"
            reason = f"{title!r} {conflict.describe()}"
            where = ParseProblem(reason, file.path, record.line, None, warning=True)
            self._notices.append((file, notice, where))
        if commit:
            self.commit_if_due()
        return outcomes

    def commit_if_due(self) -> None:
        if self._load.commit_if_due():
            self._settle()

    def finish(self) -> None:
        self._load.commit()
        self._settle()

    def _settle(self) -> None:
        for file, outcomes in self._pending:
            counts = Counter(map(itemgetter(0), outcomes))
            file.added += counts["added"]
            file.updated += counts["updated"]
            file.present += counts["present"]
            file.duplicates += counts["duplicate"]
        self._pending.clear()
        for file, notice, problem in self._notices:
            file.conflicts += 1
            if notice is not None:
                notice(problem)
        self._notices.clear()


@contextmanager
def no_collections() -> Iterator[None]:
    """An import allocates millions of short-lived, acyclic objects (records, rows), each
    batch freed by reference counting. The cycle collector's passes over them found
    nothing and cost 4 s of a million-paper import (~9%), even with a raised threshold,
    because the older generations hold the whole program. Put back as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def start_worker(
    path: Path, categories: Collection[str], since: date | None
) -> subprocess.Popen[bytes]:
    """``python -m reader.import_worker`` for this file, its batches on a pipe."""
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [package_root, *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return subprocess.Popen(
        [
            sys.executable, "-m", "reader.import_worker", str(path),
            json.dumps(list(categories)), since.isoformat() if since else "", str(BATCH_SIZE),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,  # read only if it dies; a traceback is never shown as is
        env=env,
    )  # fmt: skip


def whole_file(problem: ParseProblem) -> bool:
    """The parsers' way of saying the file is not in their format at all."""
    return problem.reason.startswith(
        ("not a BibTeX file", "not a RIS file", "not an arXiv metadata", "file is empty",
         "could not parse")
    )  # fmt: skip
