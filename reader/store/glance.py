"""What the app's first screen shows, read before the rest of the store is loaded.

The app paints Today before it has imported the service, the store and sqlite-utils (they
take longer to import than Textual itself: docs/benchmarks.md). This module reads
today's saved suggestions, the reading list and the settings over a plain read-only
``sqlite3`` connection, with the store's own queries (:class:`Papers`, :class:`Settings`),
and writes nothing: a file that is not a reader database gives ``None`` and the app opens
it the ordinary way (which also migrates it, after the first paint).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reader.models import Paper, PaperQuery, Status

from .base import Connection, to_iso
from .papers import Papers
from .settings import Settings

_LEFT_TODAY = """
    SELECT s.paper_id, s.reason FROM suggestions s
    WHERE s.day = ?
      AND coalesce((SELECT stars FROM rating_events r WHERE r.paper_id = s.paper_id
                    ORDER BY r.id DESC LIMIT 1), 0) = 0
      AND coalesce((SELECT status FROM status_events e WHERE e.paper_id = s.paper_id
                    ORDER BY e.id DESC LIMIT 1), 'unread') = 'unread'
      AND NOT EXISTS (SELECT 1 FROM feedback_events f WHERE f.paper_id = s.paper_id
                      AND (f.kind = 'not_for_me' OR (f.kind = 'snooze' AND f.until > ?)))
      AND coalesce((SELECT direction FROM steering_events g WHERE g.paper_id = s.paper_id
                    ORDER BY g.id DESC LIMIT 1), '') <> 'less'
    ORDER BY s.rank
"""
"""The day's saved suggestions not acted on since: no rating, no status but unread, no
"not for me", no snooze still running, no "less like this"; ``Suggesting._excluded`` is
the same rule in Python (tests/test_startup_glance.py holds the two together)."""

_READ = {"_sqlite_migrations", "papers", "suggestions", "steering_events"}
"""The tables the glance reads; a file without one of them is not ours, or is from an
older reader (the ordinary open migrates it, after the first paint)."""


class _ReadOnlyRows:
    """The part of sqlite-utils' ``Database`` the repositories' reads use, over a plain
    ``sqlite3`` connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Any = ()) -> Iterator[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [column[0] for column in cursor.description]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def close(self) -> None:
        self.conn.close()


class Glance:
    """A read-only look at one database; :func:`open_glance` opens it."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = Connection(_ReadOnlyRows(conn), path)  # type: ignore[arg-type]
        self.papers = Papers(self._conn)
        self.settings = Settings(self._conn)

    def close(self) -> None:
        self._conn.close()

    def suggestions_left(self, day: date, now: datetime) -> list[tuple[Paper, str]] | None:
        """The papers of ``day``'s saved list the user has not acted on, with their
        reasons, best first; None when no list was made that day."""
        made = self._conn.scalar(
            "SELECT 1 FROM settings WHERE key = ?", [f"suggested:{day.isoformat()}"]
        )
        rows = self._conn.query(_LEFT_TODAY, [day.isoformat(), to_iso(now)])
        if not rows and made is None:
            return None
        papers = {p.id: p for p in self.papers.get_papers([r["paper_id"] for r in rows])}
        return [(papers[r["paper_id"]], r["reason"]) for r in rows if r["paper_id"] in papers]

    def with_status(self, status: Status, sort: str, limit: int) -> tuple[list[Paper], int]:
        """Up to ``limit`` papers with ``status`` now, and how many there are in all."""
        page = self.papers.list_papers(PaperQuery(status=status, sort=sort, limit=limit))
        if len(page) < limit:
            return page, len(page)
        return page, self.papers.count_papers(PaperQuery(status=status))


def open_glance(path: Path) -> Glance | None:
    """A read-only look at the reader database at ``path``, or None when it is missing,
    not ours, or older than the glance's queries (the ordinary open says why, or
    migrates it)."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.Error:
        return None
    if not _READ <= tables:
        conn.close()
        return None
    return Glance(conn, path)
