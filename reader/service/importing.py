"""Getting papers in: ``add`` (arXiv/Crossref), ``import`` (BibTeX, RIS, arXiv snapshot
JSON Lines, our own JSON) and ``dedupe``.

The pipeline that moves a large file's records into the store (a reader thread, a
worker process, grouped transactions) is :mod:`reader.service.import_pipeline`; the JSON
export's format is :mod:`reader.service.archive_format`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reader.fetch import FetchConfig, Fetcher, FetchError, classify
from reader.models import PaperRecord, ParseProblem
from reader.parse import Format, decode_bytes, detect_format
from reader.parse.bibtex import parse_bibtex
from reader.parse.detect import json_error
from reader.parse.fields import FieldError
from reader.parse.ris import parse_ris
from reader.store import Incoming, StoreError

from .archive_check import checked_globals, checked_paper
from .archive_format import archive_error, archive_record
from .context import Context, ServiceError
from .import_pipeline import (
    BATCH_SIZE,
    FileReport,
    GroupWriter,
    ImportReport,
    ProblemSink,
    Progress,
    import_jsonl,
    no_collections,
    whole_file,
)

BYTES_PER_PAPER = 1000
"""A rough size of one record in an import file (arXiv JSON Lines run ~1,600 bytes, a
BibTeX entry without abstract ~500), to guess how many papers a file brings."""
DEFER_INDEXES_AT = 20_000
"""An import expected to bring at least this many papers, and a tenth as many as are
stored, builds the title index again at its end: one sort instead of an insert per paper."""
_HEAD_BYTES = 16384


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


def parse_since(text: str) -> date | None:
    """ "Only papers dated on or after" as typed (YYYY-MM-DD); empty: no limit."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ServiceError(f"since: {text.strip()!r} is not a date like 2024-01-31") from None


def parse_categories(text: str) -> list[str]:
    """arXiv categories as typed: "cs.LG, stat.ML" or "cs.LG stat.ML"."""
    return [c for c in re.split(r"[,\s]+", text) if c]


class Importing:
    """``reader add``, ``reader import`` and ``reader dedupe``."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.store = ctx.store

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
            found = self.store.papers.lookup_ids(arxiv_id, doi)
            if found is not None:
                outcomes[n] = AddOutcome(
                    thing, "present", found, self.store.papers.get_paper(found).title
                )
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
                stored = self.store.ingest.ingest([r for _, _, r in records], now=self.ctx.clock())
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
        self.store.merges.refresh_title_keys()
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
            no_collections(),
            self.store.ingest.bulk_import(defer_indexes=self._worth_deferring(paths)) as load,
        ):
            writer = GroupWriter(self.store, load, self.ctx.clock)
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
        return expected >= DEFER_INDEXES_AT and expected * 10 >= self.store.papers.paper_count()

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
        writer: GroupWriter | None = None,
    ) -> None:
        """Import one file through ``writer``; without one, only read and check it."""
        file = FileReport(str(path))
        report.files.append(file)

        def problem(item: ParseProblem) -> None:
            if item.warning:
                file.warnings += 1
            else:
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
        if found is None and not decode_bytes(head).strip():
            file.error = f"{path}: file is empty"  # as the parsers say it of an empty .bib
            return
        if found is None:
            file.error = (
                f"{path}: cannot tell the format (not BibTeX, RIS or JSON); "
                "name it .bib/.ris/.jsonl/.json or pass --format"
            )
            return
        file.format = found.value
        if found is Format.ARXIV_JSONL:
            import_jsonl(path, file, categories, since, progress, problem, writer)
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
            if not result.records and result.problems and whole_file(result.problems[0]):
                file.error = str(result.problems[0])
                return
            for item in result.problems:
                problem(item)
            records = [r for r in result.records if _wanted(r, categories, since)]
            bad = [item for item in result.problems if not item.warning]
            file.lines = len(result.records) + len(bad)
            if progress:
                progress(path.stat().st_size)
            if writer is not None:
                for start in range(0, len(records), BATCH_SIZE):
                    writer.store(records[start : start + BATCH_SIZE], file, notice=problem)

    # Our own JSON export ----------------------------------------------------------------

    def _import_archive(
        self, path: Path, file: FileReport, problem: ProblemSink, writer: GroupWriter | None
    ) -> None:
        text = ""
        try:
            text = decode_bytes(path.read_bytes())
            data = json.loads(text)
        except (ValueError, RecursionError) as error:  # RecursionError: nested too deeply
            file.error = f"{path}: {json_error(error, text, what='file')}"
            return
        except OSError as error:
            file.error = f"{path}: cannot read ({error.strerror or error})"
            return
        file.error = archive_error(data, str(path))
        if file.error is not None:
            return
        items: list[tuple[PaperRecord, Incoming, dict]] = []
        papers = data["papers"]
        for n, item in enumerate(papers):  # from 0, as jq and every list inside a paper
            file.lines += 1
            try:
                item = checked_paper(item)  # noqa: PLW2901 - the checked copy is stored
                record, extra = archive_record(item, str(path))
            except FieldError as error:
                field = f"papers[{n}].{error.field}"
                problem(ParseProblem(f"{error.reason}; skipped", str(path), None, field))
                continue
            except RecursionError:  # a paper nested nearly as deep as json allows
                reason = "nested too deeply to read; skipped"
                problem(ParseProblem(reason, str(path), None, f"papers[{n}]"))
                continue
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                problem(ParseProblem(f"malformed paper: {error}", str(path), None, f"papers[{n}]"))
                continue
            items.append((record, extra, item))
        globals_, wrong = checked_globals(data)
        for field, reason in wrong:
            problem(ParseProblem(f"{reason}; skipped", str(path), None, field))
        if writer is None:
            return
        id_map: dict[int, int] = {}
        for start in range(0, len(items), BATCH_SIZE):
            chunk = items[start : start + BATCH_SIZE]
            outcomes = writer.store(
                [r for r, _, _ in chunk], file, [e for _, e, _ in chunk], commit=False,
                notice=problem,
            )  # fmt: skip
            pairs = []
            for (_, extra, item), (_, paper_id) in zip(chunk, outcomes, strict=True):
                if extra.paper_id is not None:
                    id_map[extra.paper_id] = paper_id
                pairs.append((paper_id, item))
            self.store.archive.restore_history(pairs)
            writer.commit_if_due()
        self.store.archive.restore_globals(globals_, id_map)
        in_file = {item.get("id") for item in papers if isinstance(item, dict)}
        for n, collection in enumerate(globals_["collections"]):
            left_out = [p for p in collection["papers"] if p not in id_map]
            if left_out:
                skipped = [p for p in left_out if p in in_file]
                absent = [p for p in left_out if p not in in_file]
                said = [
                    f"{_ids(skipped)} skipped above" if skipped else "",
                    f"{_ids(absent)} not in the file" if absent else "",
                ]
                reason = (
                    f"{collection['name']!r} imported without paper(s) "
                    + " and ".join(s for s in said if s)
                )
                problem(ParseProblem(reason, str(path), None, f"collections[{n}]", warning=True))

    # reader dedupe ----------------------------------------------------------------------

    def find_duplicates(self) -> list[DuplicateGroup]:
        """Groups of stored papers that are the same paper; the lowest id is kept."""
        return [
            DuplicateGroup(
                group[0].id, tuple(p.id for p in group[1:]), {p.id: p.title for p in group}
            )
            for group in self.store.merges.duplicate_groups()
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
                    self.store.merges.merge_papers(group.keep, drop)
            except StoreError as error:
                done.append(DuplicateGroup(group.keep, group.drop, group.titles, False, str(error)))
            else:
                done.append(DuplicateGroup(group.keep, group.drop, group.titles, True))
        return done


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


def _ids(ids: list[int], most: int = 5) -> str:
    shown = ", ".join(str(i) for i in ids[:most])
    return shown + (f" and {len(ids) - most} more" if len(ids) > most else "")
