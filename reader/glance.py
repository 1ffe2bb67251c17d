"""Today at a glance: what the app paints first, read without loading the service.

Importing :mod:`reader.service` (the store, sqlite-utils and numpy, the parsers, the
network) takes longer than Textual itself, so the app paints Today from this first and
opens the service in a worker after the first paint (docs/benchmarks.md). It sits beside
the service in the layers and must never import it (``lint-imports`` checks that).
Only stored lists are read: today's saved suggestions and the reading list. Re-reads due
and anything the recommender computes come from the service, later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from reader.models import Paper, Status
from reader.paths import resolve_db_path
from reader.store.errors import StoreError
from reader.store.glance import open_glance


@dataclass(frozen=True)
class Listed:
    """Up to a page of papers, and how many there are in all."""

    papers: list[Paper]
    total: int


@dataclass(frozen=True)
class FirstScreen:
    """What Today shows before the service is open."""

    path: Path
    theme: str | None
    """The ``ui.theme`` setting, None when unset."""
    suggestions: list[tuple[Paper, str]] | None
    """Today's saved suggestions not acted on yet, with their reasons; None when no list
    was made today (the service makes one)."""
    reading: Listed
    queued: Listed


def first_screen(
    db: Path | str | None,
    *,
    clock: Callable[[], datetime] | None = None,
    tz: tzinfo | None = None,
    limit: int = 50,
) -> FirstScreen | None:
    """Today's stored lists in the database ``db`` (``--db``, ``$READER_DB`` or the data
    dir), or None when there is nothing to glance at (no file yet, not a reader
    database, unreadable): the service's ordinary open then says why."""
    path = resolve_db_path(db)
    glance = open_glance(path)
    if glance is None:
        return None
    now = (clock or _utc_now)()
    day = now.astimezone(tz or _local_tz()).date()
    try:
        left = glance.suggestions_left(day, now)
        per_day = glance.settings.get("suggest.per_day")
        if left is not None and isinstance(per_day, int) and per_day > 0:
            left = left[:per_day]  # unset: the list was made with the default length
        theme = glance.settings.get("ui.theme")
        return FirstScreen(
            path,
            theme if isinstance(theme, str) else None,
            left,
            Listed(*glance.with_status(Status.READING, "title", limit)),
            Listed(*glance.with_status(Status.QUEUED, "id", limit)),
        )
    except StoreError:
        return None  # e.g. a schema the service must migrate first
    finally:
        glance.close()


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _local_tz() -> tzinfo:
    """The machine's offset now: right for what the first screen asks (today's date and
    what is due by its end). The service's ``local_tz`` has the zone's rules, for days
    across a daylight-saving change; importing them here would slow the first paint."""
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone
