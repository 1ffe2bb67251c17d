"""Steering: "more like this" and "less like this" on a paper (m013).

A history like the ratings': every change is a row of ``steering_events``, the latest is
the paper's steering, and a row with no direction clears it. Removing a steering is thus an
event too, and an undo takes back exactly the row it added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .base import Connection, from_iso, require_paper, to_iso
from .errors import StoreError

DIRECTIONS = ("more", "less")


@dataclass(frozen=True)
class SteeringEntry:
    """A paper's current steering: "more" or "less", and since when."""

    paper_id: int
    direction: str
    since: datetime


class Steering:
    """What the user asked for more or less of."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def steer(self, paper_id: int, direction: str | None, *, now: datetime) -> int:
        """Set a paper's steering ("more", "less") or clear it (``None``); returns the new
        event's id (what an undo takes back)."""
        if direction is not None and direction not in DIRECTIONS:
            raise StoreError(f"steering must be 'more' or 'less', not {direction!r}")
        with self.conn.transaction() as db:
            require_paper(self.conn.db, paper_id)
            cursor = db.execute(
                "INSERT INTO steering_events (paper_id, direction, at) VALUES (?, ?, ?)",
                [paper_id, direction, to_iso(now)],
            )
        return int(cursor.lastrowid or 0)

    def remove_latest(self, paper_id: int, event_id: int) -> bool:
        """Take back event ``event_id`` if it is still the paper's latest steering event;
        False (nothing removed) when a later one exists or it is gone."""
        return self.conn.remove_if_latest("steering_events", paper_id, event_id)

    def current(self) -> list[SteeringEntry]:
        """Every paper's current steering (cleared ones left out), newest first."""
        rows = self.conn.query(
            "SELECT paper_id, direction, at FROM steering_events s WHERE id = ("
            " SELECT max(id) FROM steering_events WHERE paper_id = s.paper_id)"
            " AND direction IS NOT NULL ORDER BY id DESC"
        )
        out = []
        for row in rows:
            since = from_iso(row["at"])
            assert since is not None
            out.append(SteeringEntry(row["paper_id"], row["direction"], since))
        return out

    def direction_of(self, paper_id: int) -> str | None:
        """The paper's current steering, or None."""
        value = self.conn.scalar(
            "SELECT direction FROM steering_events WHERE paper_id = ? ORDER BY id DESC LIMIT 1",
            [paper_id],
        )
        return str(value) if value is not None else None
