"""The undo log (m014): actions that can be taken back, newest last, kept in the database
so the app's ``u`` and ``reader undo`` share it, across sessions and restarts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .base import Connection, dumps, from_iso, to_iso
from .review import StoredCard

UNDO_KINDS = ("status", "rating", "not_for_me", "snooze", "steer")


@dataclass(frozen=True)
class UndoEntry:
    """One row of the log: which event an action added, and the re-read card before it."""

    id: int
    kind: str
    paper_id: int
    event_id: int
    description: str
    card_touched: bool
    card_before: StoredCard | None


def _card_json(card: StoredCard | None) -> str | None:
    if card is None:
        return None
    return dumps(
        {"enabled": card.enabled, "due": to_iso(card.due) if card.due else None, "card": card.card}
    )


def _entry(row: dict[str, Any]) -> UndoEntry:
    card = None
    if row["card_before"] is not None:
        saved = json.loads(row["card_before"])
        card = StoredCard(row["paper_id"], saved["enabled"], from_iso(saved["due"]), saved["card"])
    return UndoEntry(
        row["id"],
        row["kind"],
        row["paper_id"],
        row["event_id"],
        row["description"],
        bool(row["card_touched"]),
        card,
    )


class UndoRecords:
    """The persistent undo log; at most ``depth`` actions are kept, the oldest dropped."""

    def __init__(self, conn: Connection, depth: int = 50) -> None:
        self.conn = conn
        self.depth = depth

    def record(
        self,
        kind: str,
        paper_id: int,
        event_id: int,
        description: str,
        *,
        now: datetime,
        card_touched: bool = False,
        card_before: StoredCard | None = None,
    ) -> None:
        with self.conn.write() as db:
            db.execute(
                "INSERT INTO undo_log (kind, paper_id, event_id, description, card_touched,"
                " card_before, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    kind,
                    paper_id,
                    event_id,
                    description,
                    int(card_touched),
                    _card_json(card_before),
                    to_iso(now),
                ],
            )
            db.execute(
                "DELETE FROM undo_log WHERE id NOT IN"
                " (SELECT id FROM undo_log ORDER BY id DESC LIMIT ?)",
                [self.depth],
            )

    def last(self) -> UndoEntry | None:
        rows = self.conn.query("SELECT * FROM undo_log ORDER BY id DESC LIMIT 1")
        return _entry(rows[0]) if rows else None

    def forget(self, entry_id: int) -> bool:
        """Drop one entry (it was undone, or can no longer be); False if already gone."""
        with self.conn.write() as db:
            return db.execute("DELETE FROM undo_log WHERE id = ?", [entry_id]).rowcount > 0
