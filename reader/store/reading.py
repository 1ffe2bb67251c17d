"""The user's reading: status history, rating history and notes."""

from __future__ import annotations

from datetime import datetime

from reader.models import Note, RatingEvent, Status, StatusEvent

from .base import Connection, from_iso, require_paper, to_iso
from .errors import NotFound, StoreError

HISTORY_TABLES = {"status": "status_events", "rating": "rating_events"}
"""The table of each of a paper's histories an undo may take an event back from."""


def _note(row: dict) -> Note:
    created = from_iso(row["created_at"])
    updated = from_iso(row["updated_at"])
    assert created is not None and updated is not None
    return Note(row["id"], row["paper_id"], row["text"], created, updated)


class Reading:
    """The user's reading: status and rating histories, and notes."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def set_status(self, paper_id: int, status: Status, *, now: datetime) -> int:
        """Record a status change; the history keeps every change, the latest is current.
        Returns the new event's id (what an undo takes back)."""
        with self.conn.transaction() as db:
            require_paper(self.conn.db, paper_id)
            cursor = db.execute(
                "INSERT INTO status_events (paper_id, status, at) VALUES (?, ?, ?)",
                [paper_id, str(Status(status)), to_iso(now)],
            )
        return int(cursor.lastrowid or 0)

    def status_history(self, paper_id: int) -> list[StatusEvent]:
        return [
            StatusEvent(row["paper_id"], Status(row["status"]), from_iso(row["at"]))  # type: ignore[arg-type]
            for row in self.conn.query(
                "SELECT * FROM status_events WHERE paper_id = ? ORDER BY id", [paper_id]
            )
        ]

    def rate(self, paper_id: int, stars: int | None, *, now: datetime) -> int:
        """Rate 1-5 stars, or clear the rating with ``None``; earlier ratings stay in history.
        Returns the new event's id (what an undo takes back)."""
        if stars is not None and not (isinstance(stars, int) and 1 <= stars <= 5):
            raise StoreError(f"stars must be 1 to 5 (or 0 to clear), not {stars!r}")
        with self.conn.transaction() as db:
            require_paper(self.conn.db, paper_id)
            cursor = db.execute(
                "INSERT INTO rating_events (paper_id, stars, at) VALUES (?, ?, ?)",
                [paper_id, stars, to_iso(now)],
            )
        return int(cursor.lastrowid or 0)

    def remove_latest(self, history: str, paper_id: int, event_id: int) -> bool:
        """Take back event ``event_id`` of ``history`` ("status" or "rating") if it is
        still the paper's latest: the history is then exactly what it was before it.
        False (nothing removed) when a later event exists or the event is gone."""
        return self.conn.remove_if_latest(HISTORY_TABLES[history], paper_id, event_id)

    def rating_history(self, paper_id: int) -> list[RatingEvent]:
        return [
            RatingEvent(row["paper_id"], row["stars"], from_iso(row["at"]))  # type: ignore[arg-type]
            for row in self.conn.query(
                "SELECT * FROM rating_events WHERE paper_id = ? ORDER BY id", [paper_id]
            )
        ]

    def current_ratings(self) -> dict[int, int]:
        """Every paper's latest rating, leaving out cleared ones."""
        rows = self.conn.query(
            "SELECT paper_id, stars FROM rating_events r WHERE id = ("
            " SELECT max(id) FROM rating_events WHERE paper_id = r.paper_id)"
        )
        return {row["paper_id"]: row["stars"] for row in rows if row["stars"] is not None}

    def current_statuses(self) -> dict[int, Status]:
        """Papers whose status is anything but the default ``unread``."""
        rows = self.conn.query(
            "SELECT paper_id, status FROM status_events s WHERE id = ("
            " SELECT max(id) FROM status_events WHERE paper_id = s.paper_id)"
        )
        return {row["paper_id"]: Status(row["status"]) for row in rows if row["status"] != "unread"}

    def note_count(self) -> int:
        return int(self.conn.scalar("SELECT count(*) FROM notes"))

    def read_times(self) -> list[datetime]:
        """When each paper was (last) marked read, for reading statistics."""
        rows = self.conn.query(
            "SELECT max(at) AS at FROM status_events WHERE status = 'read' GROUP BY paper_id"
        )
        return [from_iso(row["at"]) for row in rows]  # type: ignore[misc]

    def add_note(self, paper_id: int, text: str, *, now: datetime) -> Note:
        stamp = to_iso(now)
        with self.conn.transaction() as db:
            require_paper(self.conn.db, paper_id)
            cursor = db.execute(
                "INSERT INTO notes (paper_id, text, created_at, updated_at) VALUES (?, ?, ?, ?)",
                [paper_id, text, stamp, stamp],
            )
        return self.get_note(int(cursor.lastrowid or 0))

    def update_note(self, note_id: int, text: str, *, now: datetime) -> Note:
        with self.conn.transaction() as db:
            cursor = db.execute(
                "UPDATE notes SET text = ?, updated_at = ? WHERE id = ?",
                [text, to_iso(now), note_id],
            )
            if cursor.rowcount == 0:
                raise NotFound(f"no note with id {note_id}")
        return self.get_note(note_id)

    def delete_note(self, note_id: int) -> None:
        with self.conn.transaction() as db:
            if db.execute("DELETE FROM notes WHERE id = ?", [note_id]).rowcount == 0:
                raise NotFound(f"no note with id {note_id}")

    def get_note(self, note_id: int) -> Note:
        rows = self.conn.query("SELECT * FROM notes WHERE id = ?", [note_id])
        if not rows:
            raise NotFound(f"no note with id {note_id}")
        return _note(rows[0])

    def notes(self, paper_id: int) -> list[Note]:
        return [
            _note(row)
            for row in self.conn.query(
                "SELECT * FROM notes WHERE paper_id = ? ORDER BY created_at, id", [paper_id]
            )
        ]
