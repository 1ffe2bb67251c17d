"""Papers: insert with de-duplication by identifier, read with the user's state, search."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reader.ids import normalize_arxiv_id, paper_number
from reader.models import EVERY_PAPER, Paper, PaperQuery, Status
from reader.units import quoted

from .base import Connection, from_iso, require_paper, to_iso
from .errors import NotFound, StoreError
from .tags import same_tag_ids

# The user's current state of each paper, as columns next to the paper's own.
_PAPER_COLUMNS = """
    p.*,
    coalesce((SELECT status FROM status_events s WHERE s.paper_id = p.id
              ORDER BY s.id DESC LIMIT 1), 'unread') AS status,
    (SELECT stars FROM rating_events r WHERE r.paper_id = p.id
     ORDER BY r.id DESC LIMIT 1) AS stars,
    (SELECT json_group_array(name) FROM (
        SELECT t.name FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id
        WHERE pt.paper_id = p.id ORDER BY t.name COLLATE NOCASE)) AS tag_names
"""

_CURRENT_STATUS = (
    "coalesce((SELECT status FROM status_events s WHERE s.paper_id = p.id"
    " ORDER BY s.id DESC LIMIT 1), 'unread')"
)
_CURRENT_STARS = (
    "(SELECT stars FROM rating_events r WHERE r.paper_id = p.id ORDER BY r.id DESC LIMIT 1)"
)

# Sorting works on ids alone, so only the sort key is computed for every row; the full
# rows (status, stars, tags) are read for the one page asked for.
SORT_COLUMNS = {
    "id": "p.id",
    "title": "p.title COLLATE NOCASE",
    "year": "coalesce(p.year, 0)",
    "added": "p.added_at",
    "status": _CURRENT_STATUS,
    "stars": f"coalesce({_CURRENT_STARS}, 0)",
    "relevance": "hits.score",
}

_WORD = re.compile(r"\w+", re.UNICODE)
MIN_PREFIX = 3


def fts_query(text: str, *, prefix_last: bool = True) -> str | None:
    """Turn whatever a user typed into a safe FTS5 query of plain words.

    Every word is quoted, so operators, colons, quotes, parentheses and stars lose their
    meaning; the last word also matches as a prefix, for search-as-you-type, once it has
    MIN_PREFIX characters (a one- or two-letter prefix matches much of a large catalog and
    is slow, while telling the user nothing).
    """
    words = _WORD.findall(text)
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    if prefix_last and len(words[-1]) >= MIN_PREFIX:
        quoted[-1] += "*"
    return " ".join(quoted)


def _paper_from_row(row: dict[str, Any]) -> Paper:
    return Paper(
        id=row["id"],
        title=row["title"],
        abstract=row["abstract"],
        authors=tuple(json.loads(row["authors"])),
        year=row["year"],
        date=row["date"],
        venue=row["venue"],
        arxiv_id=row["arxiv_id"],
        doi=row["doi"],
        url=row["url"],
        code_url=row["code_url"],
        pdf_path=row["pdf_path"],
        source=row["source"],
        added_at=from_iso(row["added_at"]),
        status=Status(row["status"]),
        stars=row["stars"],
        tags=tuple(json.loads(row["tag_names"] or "[]")),
    )


EDITABLE = ("title", "authors", "year", "venue", "arxiv_id", "doi", "url", "code_url", "pdf_path")
"""The columns a user may edit (``Papers.update_paper``)."""


@dataclass(frozen=True)
class DeletedPaper:
    paper_id: int
    title: str
    deleted_at: datetime
    export_path: str


class Papers:
    """Reading papers with the user's state: one, a page, a count, a search."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def update_paper(self, paper_id: int, changes: Mapping[str, Any]) -> None:
        """Change a paper's metadata (columns of ``EDITABLE``; ``authors`` a sequence).
        The search index, title key and features follow by trigger. An id another paper
        has already is refused with a one-line message."""
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise StoreError(f"cannot edit {', '.join(sorted(unknown))}")
        if not changes:
            return
        values = {k: json.dumps(list(v)) if k == "authors" else v for k, v in changes.items()}
        for column in ("arxiv_id", "doi"):
            value = values.get(column)
            if value:
                other = self.conn.scalar(
                    f"SELECT id FROM papers WHERE {column} = ? AND id != ?", [value, paper_id]
                )
                if other is not None:
                    name = "arXiv id" if column == "arxiv_id" else "DOI"
                    raise StoreError(f"{name} {value} belongs to paper {other} already")
        assignments = ", ".join(f"{column} = ?" for column in values)
        with self.conn.write() as db:
            require_paper(self.conn.db, paper_id)
            before = db.execute("SELECT title FROM papers WHERE id = ?", [paper_id]).fetchone()
            db.execute(
                f"UPDATE papers SET {assignments} WHERE id = ?", [*values.values(), paper_id]
            )
            if "title" in values and values["title"] != before[0]:
                # The user's title: a newer arXiv version keeps its hands off it.
                db.execute("INSERT OR IGNORE INTO edited_titles (paper_id) VALUES (?)", [paper_id])

    def delete_paper(self, paper_id: int, *, now: datetime, export_path: str) -> None:
        """Delete a paper and everything attached to it (histories, notes, tags, re-reads,
        feedback, suggestions: ON DELETE CASCADE), and record the deletion."""
        with self.conn.write() as db:
            require_paper(self.conn.db, paper_id)
            title = db.execute("SELECT title FROM papers WHERE id = ?", [paper_id]).fetchone()[0]
            tagged = db.execute("SELECT tag_id FROM paper_tags WHERE paper_id = ?", [paper_id])
            tag_ids = [row[0] for row in tagged]
            db.execute("DELETE FROM papers WHERE id = ?", [paper_id])
            # A tag only this paper carried goes with it (as when the last paper is untagged).
            db.executemany(
                "DELETE FROM tags WHERE id = ? AND NOT EXISTS"
                " (SELECT 1 FROM paper_tags WHERE tag_id = tags.id)",
                [(t,) for t in tag_ids],
            )
            db.execute(
                "INSERT INTO deleted_papers (paper_id, title, deleted_at, export_path)"
                " VALUES (?, ?, ?, ?)",
                [paper_id, title, to_iso(now), export_path],
            )

    def deleted_papers(self) -> list[DeletedPaper]:
        return [
            DeletedPaper(r["paper_id"], r["title"], from_iso(r["deleted_at"]), r["export_path"])  # type: ignore[arg-type]
            for r in self.conn.query("SELECT * FROM deleted_papers ORDER BY id")
        ]

    def paper_count(self) -> int:
        return int(self.conn.scalar("SELECT count(*) FROM papers"))

    def resolve_id(self, ref: str | int) -> int:
        """A paper's numeric id from what a user typed: ``12``, ``#12`` or an arXiv id/URL."""
        text = str(ref).strip()
        try:
            number = paper_number(text)
        except ValueError as error:
            raise NotFound(str(error)) from None
        if number is not None:
            if self.conn.scalar("SELECT 1 FROM papers WHERE id = ?", [number]):
                return number
            raise NotFound(f"no paper with id {number}")
        arxiv_id = normalize_arxiv_id(text)
        if arxiv_id:
            found = self.conn.scalar("SELECT id FROM papers WHERE arxiv_id = ?", [arxiv_id])
            if found is not None:
                return int(found)
            raise NotFound(f"no paper with arXiv id {arxiv_id}")
        raise NotFound(
            f"not a paper id: {quoted(text)} (use the number from `reader list` or an arXiv id)"
        )

    def find(self, ref: str | int) -> Paper:
        """The paper a user referred to (see :meth:`resolve_id`)."""
        return self.get_paper(self.resolve_id(ref))

    def get_paper(self, paper_id: int) -> Paper:
        rows = self.conn.query(f"SELECT {_PAPER_COLUMNS} FROM papers p WHERE p.id = ?", [paper_id])
        if not rows:
            raise NotFound(f"no paper with id {paper_id}")
        return _paper_from_row(rows[0])

    def get_papers(self, ids: Sequence[int]) -> list[Paper]:
        """Papers in the order of ``ids``; unknown ids are left out."""
        if not ids:
            return []
        by_id: dict[int, Paper] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for row in self.conn.query(
                f"SELECT {_PAPER_COLUMNS} FROM papers p WHERE p.id IN ({marks})", chunk
            ):
                by_id[row["id"]] = _paper_from_row(row)
        return [by_id[i] for i in ids if i in by_id]

    def _filters(self, selection: PaperQuery) -> tuple[str, str, list[Any]]:
        """(FROM clause, WHERE clause, parameters) selecting papers by state and words."""
        source = "papers p"
        clauses: list[str] = []
        params: list[Any] = []
        if selection.query is not None:
            match = fts_query(selection.query)
            # No words at all matches nothing, like a search for nothing.
            source = (
                "papers p JOIN (SELECT rowid AS id, bm25(search, 10.0, 2.0, 4.0, 3.0) AS score"
                " FROM search WHERE search MATCH ?) hits ON hits.id = p.id"
            )
            params.append(match or '""')
        if selection.status is not None:
            if selection.status is not Status.UNREAD:
                # Only a paper with an event of that status can have it now: SQLite then
                # looks up those papers by id instead of every paper's latest event (the
                # Today screen's reading and queued lists at 100,000 papers).
                clauses.append("p.id IN (SELECT paper_id FROM status_events WHERE status = ?)")
                params.append(str(selection.status))
            clauses.append(f"{_CURRENT_STATUS} = ?")
            params.append(str(selection.status))
        if selection.tag is not None:
            clauses.append(
                "p.id IN (SELECT paper_id FROM paper_tags"
                " WHERE tag_id IN (SELECT value FROM json_each(?)))"
            )
            params.append(json.dumps(same_tag_ids(self.conn.db, selection.tag)))
        if selection.stars is not None:
            clauses.append(f"coalesce({_CURRENT_STARS}, 0) >= ?")
            params.append(selection.stars)
        return source, (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def list_papers(self, selection: PaperQuery = EVERY_PAPER) -> list[Paper]:
        """One page of papers. With a ``query``, only papers matching its words (title,
        abstract, authors, notes); sort "relevance" then puts the best match first."""
        source, where, params = self._filters(selection)
        sort = selection.sort
        if sort == "relevance" and selection.query is None:
            sort = "id"
        order = SORT_COLUMNS.get(sort, "p.id") + (" DESC" if selection.order == "desc" else "")
        sql = f"SELECT p.id FROM {source}{where} ORDER BY {order}, p.id"
        if selection.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [selection.limit, selection.offset]
        with self.conn.errors():
            ids = [row[0] for row in self.conn.db.execute(sql, params).fetchall()]
        return self.get_papers(ids)

    def count_papers(self, selection: PaperQuery = EVERY_PAPER) -> int:
        """How many papers ``selection`` holds on all its pages."""
        source, where, params = self._filters(selection)
        if source == "papers p" and not where:
            return self.paper_count()
        return int(self.conn.scalar(f"SELECT count(*) FROM {source}{where}", params))

    def search(self, text: str, *, limit: int = 50) -> list[Paper]:
        """Papers matching every word of ``text`` in title, abstract, authors or notes,
        best first (BM25, title weighted highest). Any input is safe; no words, no results."""
        query = fts_query(text)
        if query is None:
            return []
        rows = self.conn.query(
            f"""SELECT {_PAPER_COLUMNS} FROM search
                JOIN papers p ON p.id = search.rowid
                WHERE search MATCH ?
                ORDER BY bm25(search, 10.0, 2.0, 4.0, 3.0), p.id
                LIMIT ?""",
            [query, limit],
        )
        return [_paper_from_row(row) for row in rows]

    def catalog_version(self) -> str:
        """Changes whenever a paper's text is added, edited or removed."""
        count, max_id = self.conn.db.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM papers"
        ).fetchone()
        edits = self.conn.scalar("SELECT edits FROM catalog_state WHERE id = 1") or 0
        return f"{count}:{max_id}:{edits}"

    def lookup_ids(self, arxiv_id: str | None, doi: str | None) -> int | None:
        """The stored paper with this arXiv id or DOI, if any."""
        for column, value in (("arxiv_id", arxiv_id), ("doi", doi)):
            if value:
                found = self.conn.scalar(f"SELECT id FROM papers WHERE {column} = ?", [value])
                if found is not None:
                    return int(found)
        return None

    def ids_by_arxiv_id(self, arxiv_ids: Sequence[str]) -> dict[str, int]:
        """Stored papers with these arXiv ids (chunked: SQLite caps a statement's values)."""
        found: dict[str, int] = {}
        unique = list(dict.fromkeys(arxiv_ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self.conn.query(
                f"SELECT arxiv_id, id FROM papers WHERE arxiv_id IN ({marks})", chunk
            ):
                found[row["arxiv_id"]] = row["id"]
        return found

    def update_version(self, paper_id: int, *, title: str, abstract: str | None) -> None:
        """A newer arXiv version's title and abstract replace the stored ones (the
        search index follows through its triggers). An empty abstract never replaces a
        stored one, and a title the user edited (``edited_titles``) stays.

        The catalog's edit count is left as it was: a count that moves makes the
        recommender rebuild its whole index (minutes at 100k papers) instead of adding
        the day's papers, and the daily feed replaces some stored paper most days. A new
        version keeps its paper's topic; its row is refreshed at the next rebuild
        (``reader index --rebuild``)."""
        with self.conn.write() as conn:
            edits = conn.execute("SELECT edits FROM catalog_state WHERE id = 1").fetchone()
            cursor = conn.execute(
                "UPDATE papers SET title = CASE WHEN EXISTS (SELECT 1 FROM edited_titles"
                " WHERE paper_id = papers.id) THEN title ELSE ? END,"
                " abstract = coalesce(?, abstract) WHERE id = ?",
                [title, abstract or None, paper_id],
            )
            if cursor.rowcount == 0:
                raise NotFound(f"no paper with id {paper_id}")
            if edits is not None:
                conn.execute("UPDATE catalog_state SET edits = ? WHERE id = 1", [edits[0]])

    def set_pdf_path(self, paper_id: int, path: str | None) -> None:
        """Where the paper's PDF was saved (None: forget it)."""
        with self.conn.write() as conn:
            conn.execute("UPDATE papers SET pdf_path = ? WHERE id = ?", [path, paper_id])

    def fill_identity(
        self,
        paper_id: int,
        *,
        arxiv_id: str | None,
        doi: str | None,
        authors: Sequence[str],
        year: int | None,
        url: str | None,
    ) -> list[str]:
        """Fill the identifiers, authors, year and link a paper lacks (never overwriting
        what is stored); returns the names of the fields filled.

        Raises:
            StoreError: another stored paper carries this arXiv id or DOI already.
        """
        row = self.conn.query(
            "SELECT arxiv_id, doi, authors, year, url FROM papers WHERE id = ?", [paper_id]
        )
        if not row:
            raise NotFound(f"no paper with id {paper_id}")
        stored = row[0]
        fills: dict[str, Any] = {}
        for name, value in (("arxiv_id", arxiv_id), ("doi", doi), ("year", year), ("url", url)):
            if value and not stored[name]:
                fills[name] = value
        if authors and stored["authors"] in (None, "", "[]"):
            fills["authors"] = json.dumps(list(authors), ensure_ascii=False)
        for column in ("arxiv_id", "doi"):
            if column in fills:
                other = self.conn.scalar(
                    f"SELECT id FROM papers WHERE {column} = ? AND id != ?",
                    [fills[column], paper_id],
                )
                if other is not None:
                    raise StoreError(
                        f"paper {other} already carries {column} {fills[column]}: "
                        f"the same paper as {paper_id}? run `reader dedupe`"
                    )
        if fills:
            sets = ", ".join(f"{name} = ?" for name in fills)
            with self.conn.write() as conn:
                conn.execute(f"UPDATE papers SET {sets} WHERE id = ?", [*fills.values(), paper_id])
        return list(fills)

    def ids_without_identity(self) -> list[int]:
        """Papers with neither an arXiv id nor a DOI (``reader enrich`` looks them up)."""
        rows = self.conn.query(
            "SELECT id FROM papers WHERE arxiv_id IS NULL AND doi IS NULL ORDER BY id"
        )
        return [row["id"] for row in rows]

    def all_paper_ids(self) -> list[int]:
        return [row[0] for row in self.conn.db.conn.execute("SELECT id FROM papers ORDER BY id")]

    def paper_titles(self, ids: Iterable[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        wanted = list(ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.query(
                f"SELECT id, title FROM papers WHERE id IN ({marks})", chunk
            ):
                found[row["id"]] = row["title"]
        return found
