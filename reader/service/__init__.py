"""Use cases: what the CLI and the TUI call. Loads from the store, runs the pure logic,
saves the results. Neither front end talks to the store directly.

Each group of use cases is a class in its own module that receives a :class:`Context`
(the repositories, the clock, the time zone) and the other use cases it calls.
:class:`Service` builds them once and passes each call through: the one object the front
ends hold.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.backups import is_backup_file
from reader.fetch import FetchConfig
from reader.harvest.client import ArxivClient
from reader.models import Note, Paper, PaperQuery, RatingEvent, Status, StatusEvent
from reader.paths import ENV_VAR, default_db_path, resolve_db_path
from reader.schedule import Grade, ReviewCard, ReviewLogEntry
from reader.store import (
    AddResult,
    HiddenPaper,
    NotFound,
    Repositories,
    StoreError,
    open_db,
    utc_now,
)
from reader.when import local_date

from .collections import Collecting
from .context import Clock, Context, ServiceError, local_tz
from .digest import render_digest, since_day
from .editing import Editing
from .exporting import Citation, ExportExists, Exporting, NothingToExport, write_text
from .importing import AddOutcome, DuplicateGroup, Importing, ImportReport
from .inbox import TRIAGE, ArrivalView, FetchReport, Inbox, InboxDay, InboxError
from .library import Library, paper_query, parse_stars, parse_status
from .online import EnrichResult, Online
from .review import DueItem, Rereads, Rescheduled, Reviewing, parse_grade
from .safety import BackupFile, DoctorReport, Safety, Warn
from .settings import SETTINGS, Preferences
from .stats import ReadingStats, Stats
from .suggest import (
    DEFAULT_SNOOZE,
    ProfileView,
    Progress,
    SteeredPaper,
    Suggesting,
    SuggestionView,
    Today,
)
from .undo import Undoable, Undoing, UndoLog

if TYPE_CHECKING:
    from reader import recommend as rec


class Service:
    """Every use case over one open database: a thin facade, each method passed to the
    use case that owns it."""

    def __init__(
        self,
        store: Repositories,
        *,
        clock: Clock = utc_now,
        tz: tzinfo | None = None,
        arxiv_client: ArxivClient | None = None,
    ) -> None:
        """``arxiv_client``: how arXiv is reached (default: from READER_ARXIV_*, on first
        use, through the app's one arXiv limiter)."""
        self.ctx = Context(store, clock, tz or local_tz())
        self.preferences = Preferences(self.ctx)
        self.undo_log = UndoLog(self.ctx)
        self.reviewing = Reviewing(self.ctx, self.preferences, self.undo_log)
        self.library = Library(self.ctx, self.reviewing, self.undo_log)
        self.suggesting = Suggesting(self.ctx, self.preferences, self.undo_log)
        self.undoing = Undoing(self.ctx, self.undo_log)
        self.importing = Importing(self.ctx)
        self.exporting = Exporting(self.ctx)
        self.editing = Editing(self.ctx, self.exporting)
        self.collecting = Collecting(self.ctx)
        self.safety = Safety(self.ctx, self.suggesting)
        self.stats = Stats(self.ctx)
        self.inbox = Inbox(self.ctx, self.suggesting, self.library, client=arxiv_client)
        self.online = Online(self.ctx, lambda: self.inbox.client)
        self.store = store
        self.clock = self.ctx.clock
        self.tz = self.ctx.tz
        self.path = store.path

    closed = False

    def close(self) -> None:
        self.ctx.store.close()
        self.closed = True

    def data_version(self) -> int:
        """Changes when another connection commits (see ``Connection.data_version``)."""
        return self.store.conn.data_version()

    # Library ------------------------------------------------------------------------------

    def seed(self) -> AddResult:
        return self.library.seed()

    def seed_if_new(self) -> AddResult | None:
        return self.library.seed_if_new()

    def paper(self, ref: str | int) -> Paper:
        return self.library.paper(ref)

    def papers(self, where: PaperQuery | None = None, **keywords: Any) -> list[Paper]:
        """The papers ``where`` selects, or the same selection given as the keywords of
        :func:`paper_query` (``status="read", min_stars=4, ...``)."""
        return self.library.papers(where or paper_query(**keywords))

    def count(self, where: PaperQuery | None = None, **keywords: Any) -> int:
        return self.library.count(where or paper_query(**keywords))

    def search(self, query: str, *, limit: int = 50) -> list[Paper]:
        return self.library.search(query, limit=limit)

    def rate(self, ref: str | int, stars: str | int | None) -> Paper:
        return self.library.rate(ref, stars)

    def set_status(self, ref: str | int, status: str | Status) -> Paper:
        return self.library.set_status(ref, status)

    def history(self, ref: str | int) -> tuple[list[StatusEvent], list[RatingEvent]]:
        return self.library.history(ref)

    def notes(self, ref: str | int) -> list[Note]:
        return self.library.notes(ref)

    def add_note(self, ref: str | int, text: str) -> Note:
        return self.library.add_note(ref, text)

    def save_note(self, ref: str | int, note_id: int | None, text: str) -> Note | None:
        return self.library.save_note(ref, note_id, text)

    def delete_note(self, note_id: int) -> None:
        return self.library.delete_note(note_id)

    def tag(self, ref: str | int, tags: list[str]) -> Paper:
        return self.library.tag(ref, tags)

    def untag(self, ref: str | int, tags: list[str]) -> Paper:
        return self.library.untag(ref, tags)

    def rename_tag(self, old: str, new: str) -> None:
        return self.library.rename_tag(old, new)

    def tags(self) -> list[tuple[str, int]]:
        return self.library.tags()

    def backup(self, destination: Path | None = None) -> Path:
        return self.library.backup(destination)

    # Reviewing ----------------------------------------------------------------------------

    def set_review(self, ref: str | int, enabled: bool) -> Paper:
        return self.reviewing.set_review(ref, enabled)

    def reviewed_today(self) -> int:
        return self.reviewing.reviewed_today()

    def due(self, *, limit: int | None = None) -> list[DueItem]:
        return self.reviewing.due(limit=limit)

    def overdue_count(self) -> int:
        return self.reviewing.overdue_count()

    def grade(self, ref: str | int, grade: str | int | Grade) -> tuple[ReviewCard, ReviewLogEntry]:
        return self.reviewing.grade(ref, grade)

    def rereads_of(self, ref: str | int) -> Rereads:
        return self.reviewing.rereads_of(ref)

    def schedule_at(self, ref: str | int, when: str) -> Rescheduled:
        return self.reviewing.schedule_at(ref, when)

    def vacation(self, period: str, *, start: datetime | None = None) -> tuple[datetime, int]:
        return self.reviewing.vacation(period, start=start)

    def forecast(self, days: int = 30) -> list[tuple[date, int]]:
        return self.reviewing.forecast(days)

    def next_planned(self) -> tuple[date, int] | None:
        return self.reviewing.next_planned()

    def next_due_after_today(self) -> datetime | None:
        return self.reviewing.next_due_after_today()

    # Preferences --------------------------------------------------------------------------

    def settings(self) -> dict[str, Any]:
        return self.preferences.settings()

    def set_setting(self, key: str, value: str | int | float) -> Any:
        return self.preferences.set_setting(key, value)

    # Suggesting ---------------------------------------------------------------------------

    def features(self, *, progress: Progress | None = None, rebuild: bool = False) -> rec.Features:
        return self.suggesting.features(progress=progress, rebuild=rebuild)

    def today(
        self, *, refresh: bool = False, n: int | None = None, progress: Progress | None = None
    ) -> Today:
        """Today's suggestions, led by the picks of the day's arrivals (see
        :meth:`Inbox.today`); ``progress`` hears of the papers read closely for the first
        time."""
        return self.inbox.today(refresh=refresh, n=n, progress=progress)

    def saved_today(self) -> Today | None:
        return self.suggesting.saved_today()

    def refresh_suggestions(self, n: int | None = None, progress: Progress | None = None) -> Today:
        return self.suggesting.refresh(n=n, progress=progress)

    def starters(self, n: int = 5) -> list[Paper]:
        return self.suggesting.starters(n)

    def dismiss(self, ref: str | int) -> Paper:
        return self.suggesting.dismiss(ref)

    def snooze(self, ref: str | int, period: str = DEFAULT_SNOOZE) -> tuple[Paper, datetime]:
        return self.suggesting.snooze(ref, period)

    def opened(self, ref: str | int) -> None:
        return self.suggesting.opened(ref)

    def steer(self, ref: str | int, direction: str | None) -> Paper:
        return self.suggesting.steer(ref, direction)

    def toggle_steer(self, ref: str | int, direction: str) -> str | None:
        return self.suggesting.toggle_steer(ref, direction)

    def steering_of(self, ref: str | int) -> str | None:
        return self.suggesting.steering_of(ref)

    def profile(self, *, terms: int = 12, progress: Progress | None = None) -> ProfileView:
        return self.suggesting.profile(terms=terms, progress=progress)

    def add_interests(self, terms: list[str]) -> list[str]:
        return self.suggesting.add_interests(terms)

    def remove_interests(self, terms: list[str]) -> list[str]:
        return self.suggesting.remove_interests(terms)

    def unmatched_interests(
        self, terms: Sequence[str] | None = None, *, progress: Progress | None = None
    ) -> list[str]:
        return self.suggesting.unmatched_interests(terms, progress=progress)

    def interests(self) -> list[str]:
        return self.suggesting.interests()

    def evaluate(self) -> rec.EvalReport:
        return self.suggesting.evaluate()

    def hidden(self) -> list[tuple[HiddenPaper, Paper]]:
        return self.suggesting.hidden()

    def take_back(self, ref: str | int) -> Paper:
        return self.suggesting.take_back(ref)

    # Editing ------------------------------------------------------------------------------

    def edit_paper(self, ref: str | int, **fields: Any) -> Paper:
        return self.editing.edit_paper(ref, **fields)

    def delete_paper(self, ref: str | int) -> Path:
        return self.editing.delete_paper(ref)

    # Undo ---------------------------------------------------------------------------------

    def undo(self) -> Undoable:
        return self.undoing.undo()

    def last_undoable(self) -> Undoable | None:
        return self.undoing.last()

    # Importing ----------------------------------------------------------------------------

    def add_things(
        self, things: Sequence[str], *, config: FetchConfig | None = None
    ) -> list[AddOutcome]:
        return self.importing.add_things(things, config=config)

    def import_files(self, paths: Sequence[Path | str], **options: Any) -> ImportReport:
        """See :meth:`Importing.import_files` for the options."""
        return self.importing.import_files(paths, **options)

    def find_duplicates(self) -> list[DuplicateGroup]:
        return self.importing.find_duplicates()

    def dedupe(self, *, apply: bool = False) -> list[DuplicateGroup]:
        return self.importing.dedupe(apply=apply)

    # Exporting ----------------------------------------------------------------------------

    def export_chunks(
        self, fmt: str, where: PaperQuery | None = None, **keywords: Any
    ) -> Iterator[str]:
        """The export as text; ``where`` (or :func:`paper_query`'s keywords) selects."""
        return self.exporting.export_chunks(fmt, where or paper_query(**keywords))

    def export_to(
        self,
        fmt: str,
        output: Path,
        where: PaperQuery | None = None,
        *,
        force: bool = False,
        **keywords: Any,
    ) -> list[Path]:
        selection = where or paper_query(**keywords)
        return self.exporting.export_to(fmt, output, force=force, selection=selection)

    def export_count(self, fmt: str, where: PaperQuery | None = None, **keywords: Any) -> int:
        """How many papers the export would hold; raises :class:`NothingToExport` (with
        nothing written) when none and the export would be empty."""
        return self.exporting.check_selection(fmt, where or paper_query(**keywords))

    def citation(self, ref: str | int) -> Citation:
        return self.exporting.citation(ref)

    # Safety -------------------------------------------------------------------------------

    def auto_backup(self) -> Path | None:
        return self.safety.auto_backup()

    def backups(self) -> list[BackupFile]:
        return self.safety.backups()

    def doctor(
        self, *, repair: bool = False, progress: Callable[[str], None] | None = None
    ) -> DoctorReport:
        return self.safety.doctor(repair=repair, progress=progress)

    # The arXiv inbox and papers online ------------------------------------------------------

    def fetch(self, progress: Callable[[str], None] | None = None) -> FetchReport:
        return self.inbox.fetch(progress)

    def inbox_day(self, day: str | None = None, *, progress: Progress | None = None) -> InboxDay:
        """A day's arrivals ranked (see :meth:`Inbox.day`); ``progress`` hears of the
        papers read closely for the first time."""
        return self.inbox.day(day, progress=progress)

    def triage(self, ref: str | int, action: str, *, day: str | None = None) -> Paper:
        return self.inbox.triage(ref, action, day=day)

    def digest(
        self,
        since: date | None = None,
        *,
        fmt: str = "markdown",
        progress: Progress | None = None,
    ) -> str:
        """The picks of every announcement day from ``since`` (default: the latest day)."""
        if since is None:
            latest = self.inbox.latest_day()
            days = [self.inbox.day(latest, progress=progress)] if latest else []
        else:
            days = self.inbox.days(since, local_date(self.clock(), self.tz), progress=progress)
        return render_digest(days, fmt)

    def write_digest(
        self,
        path: Path,
        since: str = "",
        *,
        fmt: str = "markdown",
        progress: Progress | None = None,
    ) -> Path:
        """The digest (see :meth:`digest`) from ``since`` as typed ("1 week", a day;
        empty: the latest day) into a file, written whole or not at all."""
        start = since_day(since, local_date(self.clock(), self.tz)) if since.strip() else None
        write_text(path, [self.digest(start, fmt=fmt, progress=progress)])
        return path

    def enrich(
        self, refs: Sequence[str | int] = (), *, progress: Callable[[str], None] | None = None
    ) -> list[EnrichResult]:
        return self.online.enrich(refs, progress=progress)

    def paper_link(self, ref: str | int, *, pdf: bool = False) -> str:
        return self.online.link(ref, pdf=pdf)

    def download_pdf(self, ref: str | int) -> tuple[Path, bool]:
        return self.online.download_pdf(ref)

    # Stats --------------------------------------------------------------------------------

    def reading_stats(self, *, weeks: int = 12) -> ReadingStats:
        return self.stats.reading_stats(weeks=weeks)


def open_service(
    db: str | Path | None = None,
    *,
    clock: Clock = utc_now,
    tz: tzinfo | None = None,
    seed: bool = True,
    warn: Warn | None = None,
) -> Service:
    """Open the database (``--db``, ``$READER_DB`` or the data dir); a new one gets the seeds.

    An existing database gets its automatic backup of the day first (see
    :meth:`Safety.auto_backup`); a backup that fails is reported through ``warn``
    (default: one line on stderr) and never stops the app.
    """
    path = resolve_db_path(db)
    if path != default_db_path() and not path.parent.is_dir():
        # A typo in --db or $READER_DB (or a disk not mounted) made a new, empty library
        # in new folders, and the notes written next went there.
        raise ServiceError(
            f"{path.parent}: no such folder (from --db or ${ENV_VAR}); create it first, "
            "or fix the path"
        )
    if is_backup_file(path):
        # Opened as the library, a backup was changed (its journal mode, a migration) and
        # got backups of its own in backups/backups/.
        raise ServiceError(
            f"{path}: is a backup; `reader restore {path.name}` brings it back, or copy it "
            "out of backups/ to look inside (opened here it would change)"
        )
    service = Service(open_db(path), clock=clock, tz=tz)
    try:
        service.auto_backup()
    except (StoreError, OSError) as error:
        (warn or _warn_stderr)(f"automatic backup skipped: {error}")
    if seed:
        service.seed_if_new()
    return service


def _warn_stderr(message: str) -> None:
    print(f"reader: warning: {message}", file=sys.stderr)


__all__ = [
    "AddOutcome",
    "DuplicateGroup",
    "ImportReport",
    "DueItem",
    "Rereads",
    "Rescheduled",
    "EnrichResult",
    "ArrivalView",
    "FetchReport",
    "InboxDay",
    "TRIAGE",
    "Inbox",
    "InboxError",
    "SETTINGS",
    "ReadingStats",
    "SuggestionView",
    "Today",
    "ProfileView",
    "SteeredPaper",
    "Citation",
    "HiddenPaper",
    "Undoable",
    "ReviewCard",
    "ReviewLogEntry",
    "parse_grade",
    "NotFound",
    "Service",
    "ExportExists",
    "NothingToExport",
    "ServiceError",
    "StoreError",
    "open_service",
    "paper_query",
    "PaperQuery",
    "parse_stars",
    "parse_status",
]
