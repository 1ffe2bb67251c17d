"""The store: the only code that reads or writes SQL.

``open_store(path)`` opens (creating and migrating as needed) one SQLite file and returns a
:class:`Store` whose methods take and return :mod:`reader.models` values.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .archive import ArchiveStore
from .base import NotFound, StoreError, connect, from_iso, to_iso, utc_now
from .bulk import Incoming
from .maintenance import MaintenanceStore
from .papers import AddResult, PaperStore, fts_query
from .recommend import FeedbackSets, RecommendStore, StoredSuggestion
from .review import ReviewStore, StoredCard


class Store(PaperStore, ReviewStore, RecommendStore, ArchiveStore, MaintenanceStore):
    """Every part of the store over one connection."""

    def backup(self, destination: Path) -> None:
        """A consistent copy through SQLite's online backup API, safe while others write."""
        destination = Path(destination)
        if destination.exists():
            raise StoreError(f"{destination}: already exists; choose another name")
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            target = sqlite3.connect(str(destination))
            try:
                self.db.conn.backup(target)
            finally:
                target.close()
        except (sqlite3.Error, OSError) as error:
            destination.unlink(missing_ok=True)
            raise StoreError(f"{destination}: backup failed ({error})") from None


def open_store(path: Path | str) -> Store:
    path = Path(path)
    return Store(connect(path), path)


__all__ = [
    "AddResult",
    "FeedbackSets",
    "Incoming",
    "NotFound",
    "Store",
    "StoreError",
    "StoredCard",
    "StoredSuggestion",
    "from_iso",
    "fts_query",
    "open_store",
    "to_iso",
    "utc_now",
]
