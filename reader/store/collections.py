"""Collections: named, ordered reading lists of papers (a thesis chapter, a reading group)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .base import Connection, require_paper, to_iso
from .errors import NotFound, StoreError


@dataclass(frozen=True)
class CollectionInfo:
    name: str
    size: int


class Collections:
    """Named lists of papers in the user's order (``position``, 0 first)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _id(self, name: str) -> int:
        row = self.conn.db.execute(
            "SELECT id FROM collections WHERE name = ? COLLATE NOCASE", [name]
        ).fetchone()
        if row is None:
            raise NotFound(f"no collection named {name!r}")
        return int(row[0])

    def create(self, name: str, *, now: datetime) -> None:
        with self.conn.write() as db:
            if db.execute(
                "SELECT 1 FROM collections WHERE name = ? COLLATE NOCASE", [name]
            ).fetchone():
                raise StoreError(f"a collection named {name!r} exists already")
            db.execute(
                "INSERT INTO collections (name, created_at) VALUES (?, ?)", [name, to_iso(now)]
            )

    def ensure(self, name: str, *, now: datetime) -> None:
        """Create the collection unless it exists (names are case-insensitive)."""
        with self.conn.write() as db:
            db.execute(
                "INSERT OR IGNORE INTO collections (name, created_at) VALUES (?, ?)",
                [name, to_iso(now)],
            )

    def rename(self, old: str, new: str) -> None:
        """Rename ``old``; a change of case only is allowed (names ignore case)."""
        collection = self._id(old)
        with self.conn.write() as db:
            taken = db.execute(
                "SELECT id FROM collections WHERE name = ? COLLATE NOCASE", [new]
            ).fetchone()
            if taken is not None and taken[0] != collection:
                raise StoreError(f"a collection named {new!r} exists already")
            db.execute("UPDATE collections SET name = ? WHERE id = ?", [new, collection])

    def delete(self, name: str) -> None:
        collection = self._id(name)
        with self.conn.write() as db:
            db.execute("DELETE FROM collections WHERE id = ?", [collection])

    def all(self) -> list[CollectionInfo]:
        return [
            CollectionInfo(row["name"], row["n"])
            for row in self.conn.query(
                "SELECT c.name, count(cp.paper_id) AS n FROM collections c"
                " LEFT JOIN collection_papers cp ON cp.collection_id = c.id"
                " GROUP BY c.id ORDER BY c.name COLLATE NOCASE"
            )
        ]

    def paper_ids(self, name: str) -> list[int]:
        """The collection's papers, in order."""
        collection = self._id(name)
        return [
            row["paper_id"]
            for row in self.conn.query(
                "SELECT paper_id FROM collection_papers WHERE collection_id = ?"
                " ORDER BY position, paper_id",
                [collection],
            )
        ]

    def add(self, name: str, paper_id: int) -> bool:
        """Append the paper at the end; False when it is in the collection already."""
        collection = self._id(name)
        with self.conn.write() as db:
            require_paper(self.conn.db, paper_id)
            end = db.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM collection_papers"
                " WHERE collection_id = ?",
                [collection],
            ).fetchone()[0]
            cursor = db.execute(
                "INSERT OR IGNORE INTO collection_papers (collection_id, paper_id, position)"
                " VALUES (?, ?, ?)",
                [collection, paper_id, end],
            )
        return cursor.rowcount > 0

    def remove(self, name: str, paper_id: int) -> None:
        collection = self._id(name)
        with self.conn.write() as db:
            if not db.execute(
                "DELETE FROM collection_papers WHERE collection_id = ? AND paper_id = ?",
                [collection, paper_id],
            ).rowcount:
                raise NotFound(f"paper {paper_id} is not in {name!r}")

    def reorder(self, name: str, paper_ids: list[int]) -> None:
        """Store a new order: ``paper_ids`` must be exactly the collection's papers."""
        collection = self._id(name)
        with self.conn.write() as db:
            current = {
                row[0]
                for row in db.execute(
                    "SELECT paper_id FROM collection_papers WHERE collection_id = ?", [collection]
                )
            }
            if current != set(paper_ids) or len(paper_ids) != len(current):
                raise StoreError(f"the new order of {name!r} must hold each of its papers once")
            db.executemany(
                "UPDATE collection_papers SET position = ?"
                " WHERE collection_id = ? AND paper_id = ?",
                [(i, collection, p) for i, p in enumerate(paper_ids)],
            )

    def of_paper(self, paper_id: int) -> list[str]:
        return [
            row["name"]
            for row in self.conn.query(
                "SELECT c.name FROM collections c JOIN collection_papers cp"
                " ON cp.collection_id = c.id WHERE cp.paper_id = ? ORDER BY c.name",
                [paper_id],
            )
        ]
