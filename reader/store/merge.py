"""Merging two stored papers into one, and finding the duplicates already stored.

A merge moves every row that belongs to the dropped paper (ratings, status history, notes,
tags, review card and log, feedback, suggestions, and rows of any table added later that
points at ``papers``) to the kept paper, fills the kept paper's empty fields from the
dropped one, then deletes the dropped paper. Nothing the user made is lost.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from reader.match import key_hash, same_title, title_key

from .base import Connection
from .errors import NotFound, StoreError

FILL_FIELDS = (
    "abstract", "authors", "year", "date", "venue", "arxiv_id", "doi", "url", "code_url",
    "pdf_path",
)  # fmt: skip
"""Paper fields a merge or an import fills in when the stored paper has none."""

_EMPTY: tuple[Any, ...] = (None, "", "[]")
# Tables whose rows are moved by hand because a plain UPDATE could collide.
_SPECIAL = {"papers", "paper_tags", "review_cards"}


@dataclass(frozen=True)
class StoredIds:
    """A stored paper as duplicate detection sees it."""

    id: int
    title: str
    arxiv_id: str | None
    doi: str | None
    title_key: str


def compatible(a_arxiv: Any, a_doi: Any, b_arxiv: Any, b_doi: Any) -> bool:
    """Two papers with a matching title key are still different papers when they carry
    different arXiv ids (two submissions) or different DOIs (merging would lose one)."""
    if a_arxiv and b_arxiv and a_arxiv != b_arxiv:
        return False
    return not (a_doi and b_doi and a_doi != b_doi)


class Merges:
    """Title keys, merging two stored papers, and finding stored duplicates."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # Title keys --------------------------------------------------------------------------

    def refresh_title_keys(self, *, batch: int = 5000) -> int:
        """Compute the title key of every paper that has none yet (added by other code,
        or edited since); returns how many were computed."""
        done = 0
        while True:
            with self.conn.write() as conn:
                rows = conn.execute(
                    "SELECT id, title, authors FROM papers WHERE title_hash IS NULL LIMIT ?",
                    [batch],
                ).fetchall()
                if not rows:
                    return done
                keys = [(title_key(t, json.loads(a)), i) for i, t, a in rows]
                conn.executemany(
                    "UPDATE papers SET title_key = ?, title_hash = ? WHERE id = ?",
                    [(key, key_hash(key), i) for key, i in keys],
                )
                done += len(rows)

    # Merging -----------------------------------------------------------------------------

    def merge_papers(self, keep: int, drop: int) -> None:
        """Merge paper ``drop`` into paper ``keep`` in one transaction."""
        if keep == drop:
            raise StoreError(f"cannot merge paper {keep} with itself")
        with self.conn.write():
            self.merge_into(keep, drop)

    def merge_into(self, keep: int, drop: int) -> None:
        """The merge itself; the caller holds a write transaction."""
        conn = self.conn.db.conn
        rows = {
            row[0]: row
            for row in conn.execute(
                f"SELECT id, {', '.join(FILL_FIELDS)} FROM papers WHERE id IN (?, ?)",
                [keep, drop],
            )
        }
        for paper_id in (keep, drop):
            if paper_id not in rows:
                raise NotFound(f"no paper with id {paper_id}")
        kept, dropped = rows[keep], rows[drop]
        if not compatible(kept[6], kept[7], dropped[6], dropped[7]):
            raise StoreError(
                f"papers {keep} and {drop} carry different arXiv ids or DOIs; not merged"
            )
        fills = {
            name: dropped[i]
            for i, name in enumerate(FILL_FIELDS, start=1)
            if kept[i] in _EMPTY and dropped[i] not in _EMPTY
        }
        if fills.get("arxiv_id") or fills.get("doi"):
            # The unique indexes allow each id on one paper only: free it first.
            conn.execute("UPDATE papers SET arxiv_id = NULL, doi = NULL WHERE id = ?", [drop])

        self._move_review(conn, keep, drop)
        conn.execute(
            "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) "
            "SELECT ?, tag_id FROM paper_tags WHERE paper_id = ?",
            [keep, drop],
        )
        conn.execute("DELETE FROM paper_tags WHERE paper_id = ?", [drop])
        # Derived: the kept paper's own rows stand (or are re-read if its text is filled in).
        conn.execute("DELETE FROM paper_vectors WHERE paper_id = ?", [drop])
        # The kept paper's title stays: a mark of the dropped one's edited title goes.
        conn.execute("DELETE FROM edited_titles WHERE paper_id = ?", [drop])
        for table, column in self._paper_references():
            try:
                conn.execute(
                    f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" = ?', [keep, drop]
                )
            except sqlite3.IntegrityError:
                raise StoreError(
                    f"cannot merge papers {keep} and {drop}: rows of {table} would collide"
                ) from None

        if fills:
            sets = ", ".join(f"{name} = ?" for name in fills)
            conn.execute(f"UPDATE papers SET {sets} WHERE id = ?", [*fills.values(), keep])
        conn.execute("DELETE FROM papers WHERE id = ?", [drop])
        if "authors" in fills:
            self.rekey(conn, keep)

    def rekey(self, conn: sqlite3.Connection, paper_id: int) -> None:
        """Compute the title key and its hash of a paper whose authors were just filled
        in (m007's trigger reset both), for the next lookups in the same transaction."""
        title, authors = conn.execute(
            "SELECT title, authors FROM papers WHERE id = ?", [paper_id]
        ).fetchone()
        key = title_key(title, json.loads(authors))
        conn.execute(
            "UPDATE papers SET title_key = ?, title_hash = ? WHERE id = ?",
            [key, key_hash(key), paper_id],
        )

    def _move_review(self, conn: sqlite3.Connection, keep: int, drop: int) -> None:
        """Both papers' review logs go to ``keep``; of two cards, the one with more
        reviews behind it survives (the kept paper's on a tie)."""
        cards = {
            row[0]: row[1]
            for row in conn.execute(
                "SELECT c.paper_id, (SELECT count(*) FROM review_log l"
                " WHERE l.paper_id = c.paper_id) FROM review_cards c WHERE c.paper_id IN (?, ?)",
                [keep, drop],
            )
        }
        if drop in cards and (keep not in cards or cards[drop] > cards[keep]):
            conn.execute("DELETE FROM review_cards WHERE paper_id = ?", [keep])
            conn.execute("UPDATE review_cards SET paper_id = ? WHERE paper_id = ?", [keep, drop])
        else:
            conn.execute("DELETE FROM review_cards WHERE paper_id = ?", [drop])

    def _paper_references(self) -> list[tuple[str, str]]:
        """Every (table, column) with a foreign key to papers, except those moved by hand."""
        found = []
        for (table,) in self.conn.db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%REFERENCES%'"
        ):
            if table in _SPECIAL:
                continue
            for fk in self.conn.db.conn.execute(f'PRAGMA foreign_key_list("{table}")'):
                if fk[2] == "papers":
                    found.append((table, fk[3]))
        return found

    # Finding duplicates ------------------------------------------------------------------

    def duplicate_groups(self, *, write_keys: bool = True) -> list[list[StoredIds]]:
        """Stored papers that are the same paper, grouped, lowest id first.

        arXiv ids and DOIs are unique per paper already, so stored duplicates share a
        title key, or one carries the arXiv DOI (10.48550/arxiv.X) of another's arXiv id.
        Papers whose ids conflict are never grouped (see :func:`compatible`).
        ``write_keys=False`` (``reader doctor``'s dry run) computes missing title keys in
        memory instead of storing them, so the file is left as it was.
        """
        conn = self.conn.db.conn
        if write_keys:
            self.refresh_title_keys()
        columns = "title_hash, id, title, arxiv_id, doi, title_key"
        rows = {
            row[1]: row
            for row in conn.execute(
                f"SELECT {columns} FROM papers WHERE title_hash IN ("
                " SELECT title_hash FROM papers WHERE title_hash != 0"
                " GROUP BY title_hash HAVING count(*) > 1)"
            )
        }
        if not write_keys:
            pending = []
            for paper_id, title, authors, arxiv_id, doi in conn.execute(
                "SELECT id, title, authors, arxiv_id, doi FROM papers WHERE title_hash IS NULL"
            ):
                key = title_key(title, json.loads(authors or "[]"))
                if key:
                    pending.append((key_hash(key), paper_id, title, arxiv_id, doi, key))
            rows.update((row[1], row) for row in pending)
            if pending:
                rows.update(
                    (row[1], row)
                    for row in conn.execute(
                        f"SELECT {columns} FROM papers"
                        " WHERE title_hash IN (SELECT value FROM json_each(?))",
                        [json.dumps(sorted({row[0] for row in pending}))],
                    )
                )
        groups: list[list[StoredIds]] = []
        current: list[StoredIds] = []
        current_hash = None
        for row in sorted(rows.values(), key=lambda row: (row[0], row[1])):
            if current and row[0] != current_hash:
                groups.extend(_split_compatible(current))
                current = []
            current_hash = row[0]
            current.append(StoredIds(*row[1:]))
        groups.extend(_split_compatible(current))
        for row in conn.execute(
            "SELECT a.id, a.title, a.arxiv_id, a.doi, a.title_key,"
            " b.id, b.title, b.arxiv_id, b.doi, b.title_key"
            " FROM papers a JOIN papers b ON b.arxiv_id = substr(a.doi, 16)"
            " WHERE a.doi LIKE '10.48550/arxiv.%' AND a.id != b.id"
        ):
            pair = sorted([StoredIds(*row[:5]), StoredIds(*row[5:])], key=lambda s: s.id)
            if not any({p.id for p in pair} <= {g.id for g in group} for group in groups):
                groups.append(pair)
        return sorted(groups, key=lambda group: group[0].id)


def _split_compatible(papers: list[StoredIds]) -> list[list[StoredIds]]:
    """Greedy: each paper joins the first group whose every member has an agreeing title
    key (:func:`reader.match.same_title`; equal hashes only make them candidates) and
    compatible ids."""
    groups: list[list[StoredIds]] = []
    for paper in papers:
        for group in groups:
            if all(
                same_title(p.title_key, paper.title_key)
                and compatible(p.arxiv_id, p.doi, paper.arxiv_id, paper.doi)
                for p in group
            ):
                # Once merged, the group carries the union of its ids.
                group.append(paper)
                break
        else:
            groups.append([paper])
    return [group for group in groups if len(group) > 1]
