"""Tags: many-to-many with papers, case-insensitive, renamable."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .base import Connection, require_paper
from .errors import NotFound, StoreError


def clean_tag(name: str) -> str:
    """Tags are single trimmed strings; inner whitespace is folded to one space."""
    return " ".join(name.split())


def tag_key(name: str) -> str:
    """What two tags are the same by: the name with its case folded in every script. The
    tags' unique index uses SQLite's NOCASE, which folds ASCII letters only: "Ünicode" and
    "ünicode" were two tags. Lookups try NOCASE first (it uses the index) and compare keys
    when the name is not ASCII."""
    return clean_tag(name).casefold()


def same_tag_ids(db: Any, name: str) -> list[int]:
    """Ids of the stored tags that are ``name`` (any case, any script)."""
    rows = db.execute("SELECT id FROM tags WHERE name = ? COLLATE NOCASE", [name]).fetchall()
    if name.isascii():
        return [int(row[0]) for row in rows]
    key = tag_key(name)
    stored = db.execute("SELECT id, name FROM tags")
    return [int(tag_id) for tag_id, other in stored if tag_key(other) == key]


class Tags:
    """Tags on papers."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _tag_id(self, name: str, *, create: bool) -> int | None:
        found = same_tag_ids(self.conn.db, name)
        if found:
            return found[0]
        if not create:
            return None
        return int(
            self.conn.db.execute("INSERT INTO tags (name) VALUES (?)", [name]).lastrowid or 0
        )

    def _attach(self, paper_id: int, names: Iterable[str]) -> None:
        for raw in names:
            name = clean_tag(raw)
            if not name:
                continue
            tag_id = self._tag_id(name, create=True)
            self.conn.db.execute(
                "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (?, ?)",
                [paper_id, tag_id],
            )

    def tag(self, paper_id: int, names: Iterable[str]) -> None:
        names = list(names)
        if not any(clean_tag(n) for n in names):
            raise StoreError("give at least one non-empty tag")
        with self.conn.transaction():
            require_paper(self.conn.db, paper_id)
            self._attach(paper_id, names)

    def untag(self, paper_id: int, names: Iterable[str]) -> None:
        with self.conn.transaction() as db:
            require_paper(self.conn.db, paper_id)
            for raw in names:
                tag_id = self._tag_id(clean_tag(raw), create=False)
                if tag_id is not None:
                    db.execute(
                        "DELETE FROM paper_tags WHERE paper_id = ? AND tag_id = ?",
                        [paper_id, tag_id],
                    )
            # Tags no paper uses any more would only clutter completion lists.
            db.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM paper_tags)")

    def rename_tag(self, old: str, new: str) -> None:
        """Rename a tag; renaming onto an existing tag merges the two."""
        new = clean_tag(new)
        if not new:
            raise StoreError("the new tag name is empty")
        with self.conn.transaction() as db:
            old_id = self._tag_id(clean_tag(old), create=False)
            if old_id is None:
                raise NotFound(f"no tag named {old!r}")
            target = self._tag_id(new, create=False)
            if target is None or target == old_id:
                db.execute("UPDATE tags SET name = ? WHERE id = ?", [new, old_id])
                return
            db.execute(
                "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) "
                "SELECT paper_id, ? FROM paper_tags WHERE tag_id = ?",
                [target, old_id],
            )
            db.execute("DELETE FROM tags WHERE id = ?", [old_id])

    def all_tags(self) -> list[tuple[str, int]]:
        """Every tag with how many papers carry it, by name."""
        return [
            (row["name"], row["n"])
            for row in self.conn.query(
                "SELECT t.name, count(pt.paper_id) AS n FROM tags t "
                "LEFT JOIN paper_tags pt ON pt.tag_id = t.id "
                "GROUP BY t.id ORDER BY t.name COLLATE NOCASE"
            )
        ]
