"""Use cases: what the CLI and the TUI call. Loads from the store, runs the pure logic,
saves the results. Neither front end talks to the store directly."""

from __future__ import annotations

from pathlib import Path

from reader.paths import resolve_db_path
from reader.store import NotFound, StoreError, open_store, utc_now

from .library import Clock, LibraryService, ServiceError, parse_stars, parse_status


class Service(LibraryService):
    """Every use case, over one store."""


def open_service(
    db: str | Path | None = None, *, clock: Clock = utc_now, seed: bool = True
) -> Service:
    """Open the database (``--db``, ``$READER_DB`` or the data dir); a new one gets the seeds."""
    service = Service(open_store(resolve_db_path(db)), clock=clock)
    if seed:
        service.seed_if_new()
    return service


__all__ = [
    "NotFound",
    "Service",
    "ServiceError",
    "StoreError",
    "open_service",
    "parse_stars",
    "parse_status",
]
