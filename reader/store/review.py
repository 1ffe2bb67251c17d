"""Spaced-review state: one schedule card per paper (scheduler state as JSON) and the log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .base import Connection, dumps, from_iso, to_iso
from .reading import HISTORY_TABLES


@dataclass(frozen=True)
class StoredCard:
    paper_id: int
    enabled: bool
    due: datetime | None
    card: dict[str, Any]


def _stored(row: dict[str, Any]) -> StoredCard:
    return StoredCard(
        row["paper_id"], bool(row["enabled"]), from_iso(row["due"]), json.loads(row["card"])
    )


class Reviews:
    """Each paper's re-read schedule card and the log of its reviews."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def save_card(
        self, paper_id: int, card: dict[str, Any], due: datetime | None, *, enabled: bool = True
    ) -> None:
        with self.conn.transaction() as db:
            db.execute(
                "INSERT INTO review_cards (paper_id, enabled, due, card) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(paper_id) DO UPDATE SET enabled = excluded.enabled, "
                "due = excluded.due, card = excluded.card",
                [paper_id, int(enabled), to_iso(due) if due else None, dumps(card)],
            )

    def save_cards(self, cards: list[tuple[int, dict[str, Any], datetime | None]]) -> None:
        """Update many cards' schedules at once (vacations, rescheduling), all or nothing."""
        with self.conn.transaction() as db:
            for paper_id, card, due in cards:
                db.execute(
                    "UPDATE review_cards SET card = ?, due = ? WHERE paper_id = ?",
                    [dumps(card), to_iso(due) if due else None, paper_id],
                )

    def set_review_enabled(self, paper_id: int, enabled: bool) -> None:
        with self.conn.transaction() as db:
            db.execute(
                "INSERT INTO review_cards (paper_id, enabled) VALUES (?, ?) "
                "ON CONFLICT(paper_id) DO UPDATE SET enabled = excluded.enabled",
                [paper_id, int(enabled)],
            )

    def reviewed_since(self, paper_id: int, kind: str, event_id: int) -> bool:
        """Whether the paper was re-read (graded) after event ``event_id`` of ``kind``
        ("status" or "rating") was recorded."""
        table = HISTORY_TABLES[kind]
        row = self.conn.db.execute(
            "SELECT 1 FROM review_log WHERE paper_id = ?"
            f" AND reviewed_at > (SELECT at FROM {table} WHERE id = ?) LIMIT 1",
            [paper_id, event_id],
        ).fetchone()
        return row is not None

    def restore_card(self, paper_id: int, before: StoredCard | None) -> None:
        """Put a paper's card back as it was (an undo): ``None`` means it had none."""
        with self.conn.transaction() as db:
            if before is None:
                db.execute("DELETE FROM review_cards WHERE paper_id = ?", [paper_id])
                return
            db.execute(
                "INSERT INTO review_cards (paper_id, enabled, due, card) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(paper_id) DO UPDATE SET enabled = excluded.enabled, "
                "due = excluded.due, card = excluded.card",
                [
                    paper_id,
                    int(before.enabled),
                    to_iso(before.due) if before.due else None,
                    dumps(before.card),
                ],
            )

    def card(self, paper_id: int) -> StoredCard | None:
        rows = self.conn.query("SELECT * FROM review_cards WHERE paper_id = ?", [paper_id])
        return _stored(rows[0]) if rows else None

    def cards(self, *, enabled_only: bool = True) -> list[StoredCard]:
        where = "WHERE enabled = 1 AND due IS NOT NULL" if enabled_only else ""
        return [
            _stored(row)
            for row in self.conn.query(f"SELECT * FROM review_cards {where} ORDER BY due")
        ]

    def record_review(
        self, paper_id: int, card: dict[str, Any], due: datetime | None, log: dict[str, Any]
    ) -> int:
        """Save the card after a review and its log entry in one transaction; returns the
        entry's id."""
        with self.conn.transaction() as db:
            db.execute(
                "UPDATE review_cards SET card = ?, due = ? WHERE paper_id = ?",
                [dumps(card), to_iso(due) if due else None, paper_id],
            )
            cursor = db.execute(
                "INSERT INTO review_log (paper_id, reviewed_at, grade, interval_days, "
                "state_before, state_after) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    paper_id,
                    log["reviewed_at"],
                    log["grade"],
                    log.get("interval_days"),
                    dumps(log.get("state_before", {})),
                    dumps(log.get("state_after", {})),
                ],
            )
        return int(cursor.lastrowid or 0)

    def remove_latest_review(self, paper_id: int, log_id: int) -> bool:
        """Delete the paper's review ``log_id`` if it is still its latest (an undo)."""
        return self.conn.remove_if_latest("review_log", paper_id, log_id)

    def review_log(self, paper_id: int | None = None) -> list[dict[str, Any]]:
        where, params = ("WHERE paper_id = ?", [paper_id]) if paper_id is not None else ("", [])
        rows = self.conn.query(f"SELECT * FROM review_log {where} ORDER BY reviewed_at, id", params)
        for row in rows:
            row["state_before"] = json.loads(row["state_before"])
            row["state_after"] = json.loads(row["state_after"])
        return rows
