"""The arXiv inbox's tables (m008): subscriptions, harvest state, arrivals.

A repository over the one :class:`~reader.store.base.Connection`: it writes only its own
three tables. Papers themselves go in through the store's one insert path
(:class:`~reader.store.bulk.Ingest`), never from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from reader.harvest.plan import Subscription, SubscriptionKind

from .base import Connection, to_iso

__all__ = ["Arrival", "FeedRepository", "NewArrival"]


@dataclass(frozen=True)
class NewArrival:
    """An arrival to record: a stored paper announced on ``day``."""

    paper_id: int
    day: str
    source: str
    """``feed``, ``oai`` or ``search``."""
    announce_type: str
    version: int = 1
    categories: tuple[str, ...] = ()
    already_known: bool = False
    """The paper was in the library before it arrived."""


@dataclass(frozen=True)
class Arrival:
    paper_id: int
    day: str
    source: str
    announce_type: str
    version: int
    categories: tuple[str, ...]
    already_known: bool
    fetched_at: str
    triage: str | None = None
    """queued, not_for_me or skipped; None while it waits in the inbox."""


class FeedRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # --- subscriptions ---------------------------------------------------------------

    def add_subscriptions(self, subs: Sequence[Subscription], *, now: datetime) -> list[bool]:
        """Add each subscription; per subscription, False when it was there already."""
        added = []
        with self.conn.write() as conn:
            for sub in subs:
                # Not INSERT OR IGNORE: that would also skip a CHECK failure in silence.
                cursor = conn.execute(
                    "INSERT INTO feed_subscriptions (kind, value, added_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (kind, value) DO NOTHING",
                    [sub.kind, sub.value, to_iso(now)],
                )
                added.append(cursor.rowcount == 1)
        return added

    def remove_subscriptions(self, subs: Sequence[Subscription]) -> list[bool]:
        """Remove each subscription; per subscription, False when it was not there."""
        removed = []
        with self.conn.write() as conn:
            for sub in subs:
                cursor = conn.execute(
                    "DELETE FROM feed_subscriptions WHERE kind = ? AND value = ?",
                    [sub.kind, sub.value],
                )
                removed.append(cursor.rowcount > 0)
        return removed

    def subscriptions(self) -> list[Subscription]:
        rows = self._rows("SELECT kind, value FROM feed_subscriptions ORDER BY kind, value")
        return [Subscription(cast(SubscriptionKind, kind), value) for kind, value in rows]

    # --- harvest state ---------------------------------------------------------------

    def last_harvest(self, source: str = "arxiv") -> date | None:
        rows = self._rows("SELECT last_harvest FROM harvest_state WHERE source = ?", [source])
        return date.fromisoformat(rows[0][0]) if rows and rows[0][0] else None

    def set_last_harvest(self, day: date, *, now: datetime, source: str = "arxiv") -> None:
        with self.conn.write() as conn:
            conn.execute(
                "INSERT INTO harvest_state (source, last_harvest, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (source) DO UPDATE SET last_harvest = excluded.last_harvest, "
                "updated_at = excluded.updated_at",
                [source, day.isoformat(), to_iso(now)],
            )

    def resumption_tokens(self) -> dict[str, str]:
        """OAI-PMH set -> token of a listing left half-way."""
        rows = self._rows(
            "SELECT source, resumption_token FROM harvest_state "
            "WHERE source LIKE 'oai:%' AND resumption_token IS NOT NULL"
        )
        return {source.removeprefix("oai:"): token for source, token in rows}

    def set_resumption_token(self, set_spec: str, token: str | None, *, now: datetime) -> None:
        with self.conn.write() as conn:
            conn.execute(
                "INSERT INTO harvest_state (source, resumption_token, updated_at) "
                "VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE SET "
                "resumption_token = excluded.resumption_token, updated_at = excluded.updated_at",
                [f"oai:{set_spec}", token, to_iso(now)],
            )

    # --- arrivals --------------------------------------------------------------------

    def record_arrivals(self, arrivals: Sequence[NewArrival], *, now: datetime) -> int:
        """Store the arrivals not stored yet (same paper, day and announce type); returns
        how many were new. One transaction: all or nothing."""
        count = 0
        with self.conn.write() as conn:
            for a in arrivals:
                cursor = conn.execute(
                    """INSERT INTO arrivals (paper_id, day, source, announce_type, version,
                           categories, already_known, fetched_at)
                       SELECT ?, ?, ?, ?, ?, ?, ?, ?
                       WHERE NOT EXISTS (SELECT 1 FROM arrivals
                           WHERE paper_id = ? AND day = ? AND announce_type = ?)""",
                    [
                        a.paper_id, a.day, a.source, a.announce_type, a.version,
                        " ".join(a.categories), int(a.already_known), to_iso(now),
                        a.paper_id, a.day, a.announce_type,
                    ],
                )  # fmt: skip
                count += cursor.rowcount
        return count

    def arrivals(self, day: date | str) -> list[Arrival]:
        """The arrivals of an announcement day, in the order they were fetched."""
        return self.arrivals_between(day, day)

    def arrivals_between(self, first: date | str, last: date | str) -> list[Arrival]:
        """The arrivals of the announcement days from ``first`` to ``last`` (inclusive),
        by day, then in the order they were fetched."""
        rows = self._rows(
            """SELECT paper_id, day, source, announce_type, version, categories,
                      already_known, fetched_at, triage
               FROM arrivals WHERE day BETWEEN ? AND ? ORDER BY day, id""",
            [_iso(first), _iso(last)],
        )
        return [
            Arrival(r[0], r[1], r[2], r[3], r[4], tuple(r[5].split()), bool(r[6]), r[7], r[8])
            for r in rows
        ]

    def latest_day(self) -> str | None:
        """The most recent announcement day anything arrived for."""
        rows = self._rows("SELECT max(day) FROM arrivals")
        return rows[0][0] if rows else None

    def last_fetched_at(self) -> datetime | None:
        """When arrivals were last recorded (None before the first fetch)."""
        rows = self._rows("SELECT max(updated_at) FROM harvest_state WHERE source = 'arxiv'")
        return datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None

    def set_triage(self, paper_id: int, day: date | str, triage: str, *, now: datetime) -> int:
        """Record the user's decision on a paper's arrivals of ``day``; returns how many
        arrivals it covered (0: the paper did not arrive that day)."""
        with self.conn.write() as conn:
            cursor = conn.execute(
                "UPDATE arrivals SET triage = ?, triaged_at = ? WHERE paper_id = ? AND day = ?",
                [triage, to_iso(now), paper_id, _iso(day)],
            )
        return cursor.rowcount

    def decisions(self, paper_ids: Sequence[int]) -> dict[int, str]:
        """The user's latest decision (queued, not_for_me, skipped) on each of these papers,
        on whatever day it arrived; papers never decided on are left out."""
        found: dict[int, str] = {}
        unique = list(dict.fromkeys(paper_ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for paper_id, triage in self._rows(
                f"SELECT paper_id, triage FROM arrivals WHERE paper_id IN ({marks})"
                " AND triage IS NOT NULL ORDER BY triaged_at",
                chunk,
            ):
                found[paper_id] = triage
        return found

    def known_versions(self, paper_ids: Sequence[int]) -> dict[int, int]:
        """The highest arXiv version seen of each paper that has arrived before."""
        if not paper_ids:
            return {}
        marks = ", ".join("?" * len(paper_ids))
        rows = self._rows(
            f"SELECT paper_id, max(version) FROM arrivals WHERE paper_id IN ({marks}) "
            "GROUP BY paper_id",
            list(paper_ids),
        )
        return {paper_id: version for paper_id, version in rows}

    # --- plumbing --------------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.conn.errors():
            return list(self.conn.db.execute(sql, list(params)).fetchall())


def _iso(day: date | str) -> str:
    return day.isoformat() if isinstance(day, date) else day
