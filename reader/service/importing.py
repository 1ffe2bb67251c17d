"""Getting papers in and out: ``add`` (arXiv/Crossref), ``import`` (BibTeX, RIS, arXiv
snapshot JSON Lines, our own JSON), ``dedupe`` and ``export``.

Large arXiv files stream: a child process (:mod:`reader.import_worker`) parses lines
into batches and a reader thread here hands them over through a bounded queue (memory
stays flat) while this thread writes them, several batches to a transaction (see
:class:`reader.store.bulk.BulkLoad`); the parse runs on the other core instead of
competing for the GIL. Small files, or a system that cannot start the child, are parsed
by the reader thread itself.

The JSON export format (``"format": "reader-export"``, ``"version": 1``)::

    {"format": "reader-export", "version": 1, "exported_at": "...",
     "interests": [{"term", "added_at"}], "settings": {key: value},
     "suggestions": [{"day", "rank", "paper_id", "score", "reason", "exploration"}],
     "papers": [
       {"id", "title", "abstract", "authors": [...], "year", "date", "venue", "arxiv_id",
        "doi", "url", "code_url", "pdf_path", "source", "added_at", "tags": [...],
        "status_history": [{"status", "at"}], "rating_history": [{"stars", "at"}],
        "notes": [{"text", "created_at", "updated_at"}],
        "review_card": {"enabled", "due", "card"} | null,
        "review_log": [{"reviewed_at", "grade", "interval_days", "state_before",
                        "state_after"}],
        "feedback": [{"kind", "at", "until"}]},
       ...]}

one paper a line. Importing it keeps paper ids where they are free.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import queue
import stat
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from reader.export import PaperWithNotes, to_bibtex, to_csv, to_markdown_files, to_ris
from reader.fetch import FetchConfig, Fetcher, FetchError, classify
from reader.import_worker import batches as worker_batches
from reader.models import PaperRecord, ParseProblem, Status
from reader.parse import Format, decode_bytes, detect_format
from reader.parse.bibtex import parse_bibtex
from reader.parse.detect import json_error
from reader.parse.ris import parse_ris
from reader.store import Incoming, Store, StoreError, to_iso
from reader.store.bulk import BulkLoad, Outcome

from .library import LibraryService, ServiceError, parse_status

BATCH_SIZE = 5000
"""Records per batch handed to the store (and per progress step); the store groups
batches into transactions."""
BYTES_PER_PAPER = 1000
"""A rough size of one record in an import file (arXiv JSON Lines run ~1,600 bytes, a
BibTeX entry without abstract ~500), to guess how many papers a file brings."""
DEFER_INDEXES_AT = 20_000
"""An import expected to bring at least this many papers, and a tenth as many as are
stored, builds the title index again at its end instead of keeping it up to date: a
sort of every title (~2 s at a million papers) against a random-order insert per new
paper."""
WORKER_MIN_BYTES = 4_000_000
"""arXiv JSON Lines files at least this large (about 2,500 papers) are parsed in a child
process; below it, starting one costs more than it saves."""
EXPORT_FORMAT = "reader-export"
EXPORT_VERSION = 1
EXPORT_FORMATS = ("bibtex", "ris", "csv", "json", "markdown")
_HEAD_BYTES = 16384

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

    @property
    def failed_files(self) -> list[FileReport]:
        return [f for f in self.files if f.error]


@dataclass(frozen=True)
class AddOutcome:
    """One THING of ``reader add``."""

    thing: str
    outcome: str
    """added, updated, present, or failed."""
    paper_id: int | None = None
    title: str | None = None
    error: str | None = None
    kind: str | None = None
    """The FetchError kind when it failed (network, timeout, not_found, ...)."""


@dataclass(frozen=True)
class DuplicateGroup:
    keep: int
    drop: tuple[int, ...]
    titles: dict[int, str]
    merged: bool = False
    error: str | None = None


class _Stop(Exception):
    pass


class _WorkerUnavailable(Exception):
    """The child process could not be started; parse in this process instead."""


class ImportService(LibraryService):
    """Mixed into :class:`reader.service.Service`."""

    store: Store

    # reader add -------------------------------------------------------------------------

    def add_things(
        self, things: Sequence[str], *, config: FetchConfig | None = None
    ) -> list[AddOutcome]:
        """Fetch and store each arXiv id or DOI; papers already stored are not fetched."""
        outcomes: dict[int, AddOutcome] = {}
        wanted: list[tuple[int, str]] = []
        for n, thing in enumerate(things):
            kind = classify(thing)
            if kind is None:
                shown = thing.strip() or "(empty)"
                error = f"{shown}: not an arXiv id or a DOI"
                outcomes[n] = AddOutcome(thing, "failed", error=error, kind="bad_input")
                continue
            arxiv_id, doi = (kind[1], None) if kind[0] == "arxiv" else (None, kind[1])
            found = self.store.lookup_ids(arxiv_id, doi)
            if found is not None:
                outcomes[n] = AddOutcome(thing, "present", found, self.store.get_paper(found).title)
            else:
                wanted.append((n, thing))
        if wanted:
            fetcher = Fetcher(config or FetchConfig.from_env())
            fetched = fetcher.fetch([thing for _, thing in wanted])
            records: list[tuple[int, str, PaperRecord]] = []
            for (n, thing), (_, result) in zip(wanted, fetched, strict=True):
                if isinstance(result, FetchError):
                    outcomes[n] = AddOutcome(thing, "failed", error=str(result), kind=result.kind)
                else:
                    records.append((n, thing, result))
            if records:
                stored = self.store.ingest([r for _, _, r in records], now=self.clock())
                for (n, thing, record), (outcome, paper_id) in zip(records, stored, strict=True):
                    shown = "present" if outcome == "duplicate" else outcome
                    outcomes[n] = AddOutcome(thing, shown, paper_id, record.title)
        return [outcomes[n] for n in range(len(things))]

    # reader import ----------------------------------------------------------------------

    def import_files(
        self,
        paths: Sequence[Path | str],
        *,
        format: str | None = None,
        strict: bool = False,
        categories: Collection[str] = (),
        since: date | None = None,
        progress: Progress | None = None,
        on_problem: ProblemSink | None = None,
        report: ImportReport | None = None,
    ) -> ImportReport:
        """Import files; every bad record is reported and skipped (``strict``: any bad
        record or unreadable file means nothing is stored at all).

        ``progress`` gets the bytes read as they are read; ``report`` may be passed in so
        a caller still has the counts of the batches committed when interrupted.
        """
        report = report if report is not None else ImportReport()
        fmt = Format(format) if format else None
        if any(not category.strip() for category in categories):
            # An empty category matches no paper: the import would drop every record.
            raise ServiceError("a category cannot be empty: give one like 'cs' or 'cs.LG'")
        self.store.refresh_title_keys()
        if strict:
            check = ImportReport()
            for path in paths:
                self._import_one(Path(path), fmt, categories, since, None, check)
            if check.problem_count or check.failed_files:
                report.files = check.files
                report.problems = check.problems
                report.strict_failed = True
                if on_problem:
                    for problem in check.problems:
                        on_problem(problem)
                return report
        with (
            _no_collections(),
            self.store.bulk_import(defer_indexes=self._worth_deferring(paths)) as load,
        ):
            writer = _GroupWriter(self.store, load, self.clock)
            for path in paths:
                self._import_one(
                    Path(path), fmt, categories, since, progress, report,
                    on_problem=on_problem, writer=writer,
                )  # fmt: skip
            writer.finish()
        return report

    def _worth_deferring(self, paths: Sequence[Path | str]) -> bool:
        expected = 0
        for path in paths:
            try:
                expected += Path(path).stat().st_size // BYTES_PER_PAPER
            except OSError:
                continue
        return expected >= DEFER_INDEXES_AT and expected * 10 >= self.store.paper_count()

    def _import_one(
        self,
        path: Path,
        fmt: Format | None,
        categories: Collection[str],
        since: date | None,
        progress: Progress | None,
        report: ImportReport,
        *,
        on_problem: ProblemSink | None = None,
        writer: _GroupWriter | None = None,
    ) -> None:
        """Import one file through ``writer``; without one, only read and check it."""
        file = FileReport(str(path))
        report.files.append(file)

        def problem(item: ParseProblem) -> None:
            file.problems += 1
            if on_problem is not None:
                on_problem(item)
            else:
                report.problems.append(item)

        try:
            with path.open("rb") as handle:
                head = handle.read(_HEAD_BYTES)
        except FileNotFoundError:
            file.error = f"{path}: no such file"
            return
        except IsADirectoryError:
            file.error = f"{path}: is a folder, not a file"
            return
        except OSError as error:
            file.error = f"{path}: cannot read ({error.strerror or error})"
            return
        found = fmt or detect_format(path.name, decode_bytes(head))
        if found is None:
            file.error = (
                f"{path}: cannot tell the format (not BibTeX, RIS or JSON); "
                "name it .bib/.ris/.jsonl/.json or pass --format"
            )
            return
        file.format = found.value
        if found is Format.ARXIV_JSONL:
            self._import_jsonl(path, file, categories, since, progress, problem, writer)
        elif found is Format.JSON:
            self._import_archive(path, file, problem, writer)
        else:
            try:
                text = decode_bytes(path.read_bytes())
            except OSError as error:
                file.error = f"{path}: cannot read ({error.strerror or error})"
                return
            parse = parse_bibtex if found is Format.BIBTEX else parse_ris
            result = parse(text, str(path))
            if not result.records and result.problems and _whole_file(result.problems[0]):
                file.error = str(result.problems[0])
                return
            for item in result.problems:
                problem(item)
            records = [r for r in result.records if _wanted(r, categories, since)]
            file.lines = len(result.records) + len(result.problems)
            if progress:
                progress(path.stat().st_size)
            if writer is not None:
                for start in range(0, len(records), BATCH_SIZE):
                    writer.store(records[start : start + BATCH_SIZE], file)

    def _import_jsonl(
        self,
        path: Path,
        file: FileReport,
        categories: Collection[str],
        since: date | None,
        progress: Progress | None,
        problem: ProblemSink,
        writer: _GroupWriter | None,
    ) -> None:
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
                proc = _start_worker(path, categories, since)
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
                if first and problems and not records and _whole_file(problems[0]):
                    file.error = str(problems[0])
                    return
                first = False
                for bad in problems:
                    problem(bad)
                file.lines += lines
                if records and writer is not None:
                    writer.store(records, file, prepared=prepared)
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

    # Our own JSON export ----------------------------------------------------------------

    def _import_archive(
        self, path: Path, file: FileReport, problem: ProblemSink, writer: _GroupWriter | None
    ) -> None:
        text = ""
        try:
            text = decode_bytes(path.read_bytes())
            data = json.loads(text)
        except ValueError as error:
            file.error = f"{path}: {json_error(error, text, what='file')}"
            return
        except OSError as error:
            file.error = f"{path}: cannot read ({error.strerror or error})"
            return
        if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
            file.error = f'{path}: not a reader JSON export (no "format": "{EXPORT_FORMAT}")'
            return
        version = data.get("version")
        if not isinstance(version, int) or version > EXPORT_VERSION:
            file.error = (
                f"{path}: reader JSON export version {version!r} is newer than this reader "
                f"understands ({EXPORT_VERSION}); upgrade reader"
            )
            return
        items: list[tuple[PaperRecord, Incoming, dict]] = []
        papers = data.get("papers")
        if not isinstance(papers, list):
            file.error = f'{path}: no "papers" list'
            return
        for n, item in enumerate(papers, start=1):
            file.lines += 1
            try:
                record, extra = _archive_record(item, str(path))
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                problem(ParseProblem(f"malformed paper: {error}", str(path), None, f"papers[{n}]"))
                continue
            items.append((record, extra, item))
        if writer is None:
            return
        id_map: dict[int, int] = {}
        for start in range(0, len(items), BATCH_SIZE):
            chunk = items[start : start + BATCH_SIZE]
            outcomes = writer.store(
                [r for r, _, _ in chunk], file, [e for _, e, _ in chunk], commit=False
            )
            pairs = []
            for (_, extra, item), (_, paper_id) in zip(chunk, outcomes, strict=True):
                if extra.paper_id is not None:
                    id_map[extra.paper_id] = paper_id
                pairs.append((paper_id, item))
            self.store.restore_history(pairs)
            writer.commit_if_due()
        self.store.restore_globals(data, id_map)

    # reader dedupe ----------------------------------------------------------------------

    def find_duplicates(self) -> list[DuplicateGroup]:
        """Groups of stored papers that are the same paper; the lowest id is kept."""
        return [
            DuplicateGroup(
                group[0].id, tuple(p.id for p in group[1:]), {p.id: p.title for p in group}
            )
            for group in self.store.duplicate_groups()
        ]

    def dedupe(self, *, apply: bool = False) -> list[DuplicateGroup]:
        """Find duplicates and, with ``apply``, merge each group into its lowest id."""
        groups = self.find_duplicates()
        if not apply:
            return groups
        done = []
        for group in groups:
            try:
                for drop in group.drop:
                    self.store.merge_papers(group.keep, drop)
            except StoreError as error:
                done.append(DuplicateGroup(group.keep, group.drop, group.titles, False, str(error)))
            else:
                done.append(DuplicateGroup(group.keep, group.drop, group.titles, True))
        return done

    # reader export ----------------------------------------------------------------------

    def _export_ids(
        self, status: str | Status | None, tag: str | None, min_stars: int | None
    ) -> list[int] | None:
        """Ids of the papers the filters select, or None for every paper."""
        if status is None and tag is None and min_stars is None:
            return None
        return [
            p.id
            for p in self.store.list_papers(
                status=parse_status(status) if isinstance(status, str) else status,
                tag=tag,
                min_stars=min_stars,
            )
        ]

    def export_chunks(
        self,
        fmt: str,
        *,
        status: str | Status | None = None,
        tag: str | None = None,
        min_stars: int | None = None,
    ) -> Iterator[str]:
        """The export as text pieces (bibtex, ris, csv, json); join or write them."""
        if fmt not in EXPORT_FORMATS or fmt == "markdown":
            raise ServiceError(
                f"cannot export {fmt!r} as text; use one of: bibtex, ris, csv, json"
                + (" (markdown needs -o FOLDER)" if fmt == "markdown" else "")
            )
        ids = self._export_ids(status, tag, min_stars)
        if fmt == "json":
            yield from self._json_chunks(ids)
            return
        papers = self.store.list_papers() if ids is None else self.store.get_papers(ids)
        writer = {"bibtex": to_bibtex, "ris": to_ris, "csv": to_csv}[fmt]
        yield writer(papers)

    def _json_chunks(self, ids: list[int] | None) -> Iterator[str]:
        paper_ids = self.store.all_paper_ids() if ids is None else ids
        glob = self.store.archive_globals(None if ids is None else paper_ids)
        head = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": to_iso(self.clock()),
            **glob,
        }
        yield json.dumps(head, ensure_ascii=False)[:-1] + ',\n"papers": ['
        first = True
        for item in self.store.iter_archive_papers(paper_ids):
            yield ("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False)
            first = False
        yield "\n]}\n"

    def export_to(
        self,
        fmt: str,
        output: Path,
        *,
        force: bool = False,
        status: str | Status | None = None,
        tag: str | None = None,
        min_stars: int | None = None,
    ) -> list[Path]:
        """Write the export to ``output`` (a folder for markdown); never replaces an
        existing file unless ``force``. Returns the files written."""
        output = Path(output)
        _require_folder(output.parent)
        if fmt == "markdown":
            return self._export_markdown(output, force, status, tag, min_stars)
        if output.is_dir():
            raise ServiceError(f"{output}: is a folder; give a file name")
        if output.exists() and not force:
            raise ServiceError(f"{output}: already exists; use --force to replace it")
        chunks = self.export_chunks(fmt, status=status, tag=tag, min_stars=min_stars)
        _write_atomic(output, chunks)
        return [output]

    def _export_markdown(
        self,
        folder: Path,
        force: bool,
        status: str | Status | None,
        tag: str | None,
        min_stars: int | None,
    ) -> list[Path]:
        if folder.exists() and not folder.is_dir():
            raise ServiceError(f"{folder}: is a file; markdown export needs a folder")
        ids = self._export_ids(status, tag, min_stars)
        papers = self.store.list_papers() if ids is None else self.store.get_papers(ids)
        files = to_markdown_files(
            PaperWithNotes(p, tuple(n.text for n in self.store.notes(p.id))) for p in papers
        )
        clashes = [name for name in files if (folder / name).exists()]
        if clashes and not force:
            more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
            raise ServiceError(
                f"{folder / clashes[0]}: already exists{more}; use --force to replace"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ServiceError(f"{folder}: cannot create the folder ({error.strerror})") from None
        written = []
        for name, content in files.items():
            _write_atomic(folder / name, [content])
            written.append(folder / name)
        return written


def _write_atomic(path: Path, chunks: Iterable[str]) -> None:
    """Write through a temporary file beside ``path`` and rename it into place, so a
    failed export never leaves half a file where a good one was."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise ServiceError(f"{path}: cannot write ({error.strerror or error})") from None
    try:
        # mkstemp makes the file 0600; an export is an ordinary file, made as any other
        # program would (0666 less the umask), or keeps the mode of the file it replaces.
        os.chmod(fd, _mode_of(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ServiceError(f"{path}: cannot write ({error.strerror or error})") from None
        raise


def _require_folder(folder: Path) -> None:
    """Refuse to write into a folder that does not exist: a mistyped path should not
    quietly create a tree of folders (choose the folder, then export into it)."""
    if not folder.is_dir():
        raise ServiceError(f"{folder}: no such folder; create it first, or give another path")


def _mode_of(path: Path) -> int:
    """The permission bits a new file at ``path`` would get: those of the file it
    replaces, else 0666 less the process's umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0o022)  # reading the umask means setting it; put it back at once
        os.umask(umask)
        return 0o666 & ~umask


class _GroupWriter:
    """Hands batches to the store through a :class:`BulkLoad` (several batches to a
    transaction) and counts their outcomes into the file reports only once their
    transaction has committed, so an interrupted import reports what it kept."""

    def __init__(self, store: Store, load: BulkLoad, clock: Callable[[], Any]) -> None:
        self._store = store
        self._load = load
        self._clock = clock
        self._pending: list[tuple[FileReport, list[tuple[Outcome, int]]]] = []

    def store(
        self,
        records: list[PaperRecord],
        file: FileReport,
        incoming: list[Incoming] | None = None,
        prepared: list[tuple[str, str, int]] | None = None,
        *,
        commit: bool = True,
    ) -> list[tuple[Outcome, int]]:
        """Store a batch; ``commit=False`` when the caller writes more for the same
        papers before the transaction may end (then it calls :meth:`commit_if_due`)."""
        outcomes = self._store.ingest(
            records, now=self._clock(), incoming=incoming, prepared=prepared, within=self._load
        )
        self._pending.append((file, outcomes))
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


@contextmanager
def _no_collections() -> Iterator[None]:
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


def _start_worker(
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


def _whole_file(problem: ParseProblem) -> bool:
    """The parsers' way of saying the file is not in their format at all."""
    return problem.reason.startswith(
        ("not a BibTeX file", "not a RIS file", "not an arXiv metadata", "file is empty",
         "could not parse")
    )  # fmt: skip


def _wanted(record: PaperRecord, categories: Collection[str], since: date | None) -> bool:
    if categories and not any(
        tag == c or tag.startswith(f"{c}.") for tag in record.tags for c in categories
    ):
        return False
    if since is not None:
        when = record.date or (str(record.year) if record.year else None)
        if when is None or when < since.isoformat()[: len(when)]:
            return False
    return True


def _archive_record(item: dict, source: str) -> tuple[PaperRecord, Incoming]:
    title = item["title"]
    if not isinstance(title, str) or not title.strip():
        raise ValueError("no title")
    record = PaperRecord(
        title=title,
        abstract=item.get("abstract") or "",
        authors=tuple(item.get("authors") or ()),
        year=item.get("year"),
        date=item.get("date"),
        venue=item.get("venue") or "",
        arxiv_id=item.get("arxiv_id"),
        doi=item.get("doi"),
        url=item.get("url"),
        code_url=item.get("code_url"),
        pdf_path=item.get("pdf_path"),
        source=item.get("source") or "",
        tags=tuple(item.get("tags") or ()),
    )
    paper_id = item.get("id")
    return record, Incoming(paper_id if isinstance(paper_id, int) else None, item.get("added_at"))
