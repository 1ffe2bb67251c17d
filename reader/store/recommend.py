"""What the recommender keeps: feedback on suggestions, daily lists, interests, feature
cache, and the user's settings."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .base import StoreBase, StoreError, dumps, from_iso, to_iso

FEEDBACK_KINDS = ("not_for_me", "snooze", "opened")


@dataclass(frozen=True)
class StoredSuggestion:
    day: date
    rank: int
    paper_id: int
    score: float
    reason: str
    exploration: bool


@dataclass(frozen=True)
class FeedbackSets:
    not_for_me: frozenset[int]
    opened: frozenset[int]
    snoozed: frozenset[int]
    """Papers whose snooze has not ended at the time asked about."""


@dataclass(frozen=True)
class CatalogRow:
    """The text of one paper, as the recommender reads it."""

    id: int
    title: str
    abstract: str
    authors: tuple[str, ...]
    tags: tuple[str, ...]


class RecommendStore(StoreBase):
    def iter_catalog(self, *, after_id: int = 0, batch: int = 5000) -> Iterator[CatalogRow]:
        """Every paper's text in id order (those with id > ``after_id``), streamed so a
        million papers never sit in memory at once."""
        cursor = self.db.conn.execute(
            "SELECT p.id, p.title, p.abstract, p.authors, ("
            " SELECT json_group_array(t.name) FROM paper_tags pt JOIN tags t ON t.id = pt.tag_id"
            " WHERE pt.paper_id = p.id) FROM papers p WHERE p.id > ? ORDER BY p.id",
            [after_id],
        )
        while rows := cursor.fetchmany(batch):
            for paper_id, title, abstract, authors, tags in rows:
                yield CatalogRow(
                    paper_id, title, abstract, tuple(json.loads(authors)), tuple(json.loads(tags))
                )

    def paper_titles(self, ids: Iterable[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        wanted = list(ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._query(f"SELECT id, title FROM papers WHERE id IN ({marks})", chunk):
                found[row["id"]] = row["title"]
        return found

    def add_feedback(
        self, paper_id: int, kind: str, *, now: datetime, until: datetime | None = None
    ) -> None:
        if kind not in FEEDBACK_KINDS:
            raise StoreError(f"unknown feedback {kind!r}")
        with self.transaction() as db:
            db.execute(
                "INSERT INTO feedback_events (paper_id, kind, at, until) VALUES (?, ?, ?, ?)",
                [paper_id, kind, to_iso(now), to_iso(until) if until else None],
            )

    def feedback(self, *, now: datetime) -> FeedbackSets:
        sets: dict[str, set[int]] = {kind: set() for kind in FEEDBACK_KINDS}
        for row in self._query("SELECT paper_id, kind, until FROM feedback_events ORDER BY id"):
            if row["kind"] == "snooze":
                until = from_iso(row["until"])
                if until is not None and until > now:
                    sets["snooze"].add(row["paper_id"])
            else:
                sets[row["kind"]].add(row["paper_id"])
        return FeedbackSets(
            frozenset(sets["not_for_me"]), frozenset(sets["opened"]), frozenset(sets["snooze"])
        )

    def save_suggestions(self, day: date, rows: list[StoredSuggestion]) -> None:
        """Replace the day's list."""
        with self.transaction() as db:
            db.execute("DELETE FROM suggestions WHERE day = ?", [day.isoformat()])
            for row in rows:
                db.execute(
                    "INSERT INTO suggestions (day, rank, paper_id, score, reason, exploration) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        day.isoformat(),
                        row.rank,
                        row.paper_id,
                        row.score,
                        row.reason,
                        int(row.exploration),
                    ],
                )

    def suggestions_for(self, day: date) -> list[StoredSuggestion] | None:
        """The day's saved list, or None when none was made that day."""
        rows = self._query(
            "SELECT * FROM suggestions WHERE day = ? ORDER BY rank", [day.isoformat()]
        )
        made = self._scalar(
            "SELECT value FROM settings WHERE key = ?", [f"suggested:{day.isoformat()}"]
        )
        if not rows and made is None:
            return None
        return [
            StoredSuggestion(
                day, r["rank"], r["paper_id"], r["score"], r["reason"], bool(r["exploration"])
            )
            for r in rows
        ]

    def mark_suggested(self, day: date) -> None:
        self.set_setting(f"suggested:{day.isoformat()}", True)

    def add_interests(self, terms: list[str], *, now: datetime) -> None:
        with self.transaction() as db:
            for term in terms:
                db.execute(
                    "INSERT OR IGNORE INTO interests (term, added_at) VALUES (?, ?)",
                    [term, to_iso(now)],
                )

    def remove_interests(self, terms: list[str]) -> None:
        with self.transaction() as db:
            for term in terms:
                db.execute("DELETE FROM interests WHERE term = ?", [term])

    def interests(self) -> list[str]:
        return [
            row["term"] for row in self._query("SELECT term FROM interests ORDER BY added_at, term")
        ]

    def cached_features(self, name: str) -> tuple[str, bytes] | None:
        rows = self._query("SELECT version, data FROM feature_cache WHERE name = ?", [name])
        return (rows[0]["version"], rows[0]["data"]) if rows else None

    def save_features(self, name: str, version: str, data: bytes, *, now: datetime) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO feature_cache (name, version, built_at, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET version = excluded.version, "
                "built_at = excluded.built_at, data = excluded.data",
                [name, version, to_iso(now), data],
            )

    def get_setting(self, key: str, default: Any = None) -> Any:
        value = self._scalar("SELECT value FROM settings WHERE key = ?", [key])
        return default if value is None else json.loads(value)

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, dumps(value)],
            )
