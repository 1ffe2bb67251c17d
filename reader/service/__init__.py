"""Use cases: what the CLI and the TUI call. Loads from the store, runs the pure logic,
saves the results. Neither front end talks to the store directly."""

from __future__ import annotations

import sys
from datetime import tzinfo
from pathlib import Path

from reader.paths import resolve_db_path
from reader.store import NotFound, Store, StoreError, open_store, utc_now

from .importing import AddOutcome, DuplicateGroup, ImportReport, ImportService
from .library import Clock, LibraryService, ServiceError, parse_stars, parse_status
from .review import DueItem, ReviewService, ReviewStatus, local_tz, parse_grade
from .safety import SafetyService, Warn
from .settings import SETTINGS, SettingsService
from .stats import ReadingStats, StatsService
from .suggest import SuggestionView, SuggestService, Today


class Service(
    SuggestService,
    ReviewService,
    SettingsService,
    ImportService,
    SafetyService,
    StatsService,
    LibraryService,
):
    """Every use case, over one store. Each part is a mixin in its own module."""

    def __init__(self, store: Store, *, clock: Clock = utc_now, tz: tzinfo | None = None) -> None:
        super().__init__(store, clock=clock)
        self.tz = tz or local_tz()


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
    :meth:`SafetyService.auto_backup`); a backup that fails is reported through ``warn``
    (default: one line on stderr) and never stops the app.
    """
    service = Service(open_store(resolve_db_path(db)), clock=clock, tz=tz)
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
    "SETTINGS",
    "ReadingStats",
    "SuggestionView",
    "Today",
    "ReviewStatus",
    "parse_grade",
    "NotFound",
    "Service",
    "ServiceError",
    "StoreError",
    "open_service",
    "parse_stars",
    "parse_status",
]
