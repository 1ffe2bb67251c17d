"""The store: the only code that reads or writes SQL.

``open_db(path)`` opens (creating and migrating as needed) one SQLite file and returns its
repositories, one small class per aggregate, all over the one :class:`Connection`. Their
methods take and return :mod:`reader.models` values. A repository that needs another is
handed it (:class:`Ingest` gets :class:`Merges`); none inherits from another.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

    from .archive import Archive
    from .base import Connection, from_iso, to_iso, utc_now
    from .bulk import AddResult, BulkLoad, Conflict, Incoming, Ingest, Outcome
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

_HOME = {
    "archive": ["Archive"],
    "base": ["Connection", "from_iso", "to_iso", "utc_now"],
    "bulk": ["AddResult", "BulkLoad", "Conflict", "Incoming", "Ingest", "Outcome"],
    "collections": ["CollectionInfo", "Collections"],
    "errors": ["NotFound", "StoreError", "user_error"],
    "feeds": ["Arrival", "FeedRepository", "NewArrival"],
    "files": ["Files"],
    "maintenance": ["Finding", "Health"],
    "merge": ["Merges", "StoredIds"],
    "papers": ["EDITABLE", "DeletedPaper", "Papers", "fts_query"],
    "reading": ["Reading"],
    "recommend": ["CatalogRow", "FeedbackSets", "HiddenPaper", "StoredSuggestion", "Suggestions"],
    "review": ["Reviews", "StoredCard"],
    "settings": ["Settings"],
    "steering": ["Steering", "SteeringEntry"],
    "tags": ["Tags"],
    "undo": ["UndoEntry", "UndoRecords"],
}
"""Where each name this package gives lives. The submodules load on first use (a module
``__getattr__``, as in :mod:`reader.parse`): the app's first screen reads through
``reader.store.glance`` alone, without the rest of the store and sqlite-utils."""
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


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
    from .archive import Archive
    from .base import Connection, connect
    from .bulk import Ingest
    from .collections import Collections
    from .feeds import FeedRepository
    from .files import Files
    from .maintenance import Health
    from .merge import Merges
    from .papers import Papers
    from .reading import Reading
    from .recommend import Suggestions
    from .review import Reviews
    from .settings import Settings
    from .steering import Steering
    from .tags import Tags
    from .undo import UndoRecords

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
    "Conflict",
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
