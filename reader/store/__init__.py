"""The store: the only code that reads or writes SQL.

``open_db(path)`` opens (creating and migrating as needed) one SQLite file and returns its
repositories, one small class per aggregate, all over the one :class:`Connection`. Their
methods take and return :mod:`reader.models` values. A repository that needs another is
handed it (:class:`Ingest` gets :class:`Merges`); none inherits from another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from .archive import Archive
from .base import Connection, connect, from_iso, to_iso, utc_now
from .bulk import AddResult, BulkLoad, Incoming, Ingest, Outcome
from .collections import CollectionInfo, Collections
from .errors import NotFound, StoreError, user_error
from .feeds import Arrival, FeedRepository, NewArrival
from .files import Files
from .maintenance import Finding, Health
from .merge import Merges, StoredIds
from .papers import EDITABLE, DeletedPaper, Papers, fts_query
from .reading import Reading
from .recommend import CatalogRow, FeedbackSets, HiddenPaper, StoredSuggestion, Suggestions
from .review import Reviews, StoredCard
from .settings import Settings
from .steering import Steering, SteeringEntry
from .tags import Tags
from .undo import UndoEntry, UndoRecords


@dataclass(frozen=True)
class Repositories:
    """Every repository over one open database."""

    conn: Connection
    papers: Papers
    reading: Reading
    tags: Tags
    reviews: Reviews
    settings: Settings
    suggestions: Suggestions
    merges: Merges
    ingest: Ingest
    archive: Archive
    health: Health
    files: Files
    collections: Collections
    feeds: FeedRepository
    steering: Steering
    undo: UndoRecords

    @property
    def path(self) -> Path:
        return self.conn.path

    @property
    def db(self) -> Database:
        return self.conn.db

    def close(self) -> None:
        self.conn.close()


def open_db(path: Path | str) -> Repositories:
    path = Path(path)
    conn = Connection(connect(path), path)
    settings = Settings(conn)
    merges = Merges(conn)
    return Repositories(
        conn=conn,
        papers=Papers(conn),
        reading=Reading(conn),
        tags=Tags(conn),
        reviews=Reviews(conn),
        settings=settings,
        suggestions=Suggestions(conn, settings),
        merges=merges,
        ingest=Ingest(conn, merges),
        archive=Archive(conn),
        health=Health(conn, merges),
        files=Files(conn),
        collections=Collections(conn),
        feeds=FeedRepository(conn),
        steering=Steering(conn),
        undo=UndoRecords(conn),
    )


__all__ = [
    "AddResult",
    "DeletedPaper",
    "EDITABLE",
    "Arrival",
    "FeedRepository",
    "NewArrival",
    "BulkLoad",
    "CatalogRow",
    "CollectionInfo",
    "Connection",
    "FeedbackSets",
    "Finding",
    "HiddenPaper",
    "Incoming",
    "NotFound",
    "Outcome",
    "Repositories",
    "SteeringEntry",
    "StoreError",
    "StoredCard",
    "StoredIds",
    "StoredSuggestion",
    "UndoEntry",
    "UndoRecords",
    "from_iso",
    "fts_query",
    "open_db",
    "to_iso",
    "user_error",
    "utc_now",
]
